"""Admin of the SROI reference data: the financial proxy library (each entry cites its source)."""

from django.contrib import admin
from django.db import models

from asis.impact.models_sroi import FinancialProxy


@admin.register(FinancialProxy)
class FinancialProxyAdmin(admin.ModelAdmin):
    list_display = ("name", "value", "currency", "unit", "country", "price_year", "source")
    list_filter = ("country", "price_year")
    search_fields = ("name", "source")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
