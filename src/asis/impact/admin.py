from django.contrib import admin

from asis.impact.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "source", "status")
    list_filter = ("source", "status", "unit")
    search_fields = ("code", "name")
from asis.impact import admin_sroi  # noqa: E402,F401  (the SROI proxy library)
