"""SROI models: the financial proxy library, the price index used to re-base proxies, and SROI
analyses (an impact map of outcome rows) with their runs. The numbers come from
``asis.engines.impact.sroi``; see docs/methods/sroi.md."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.calls.models import Call, FundedProject

MONEY = {"max_digits": 16, "decimal_places": 2}
SHARE = {"max_digits": 5, "decimal_places": 4, "validators": [MinValueValidator(0), MaxValueValidator(1)]}
QUANTITY = {"max_digits": 16, "decimal_places": 4}


class FinancialProxy(models.Model):
    """A published value of one unit of an outcome per year, with where it comes from."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    value = models.DecimalField(_("value"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    unit = models.CharField(_("per"), max_length=100, help_text=_("What one unit is, e.g. 'person per year'."))
    country = models.CharField(_("country"), max_length=2, blank=True,
                               help_text=_("Two-letter country code of the price index to re-base with."))
    price_year = models.PositiveSmallIntegerField(_("price year"))
    source = models.CharField(_("source"), max_length=400, help_text=_("Publication, table and page."))
    source_url = models.URLField(_("source address"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("financial proxy")
        verbose_name_plural = _("financial proxies")

    def __str__(self) -> str:
        return self.name


class PriceIndex(models.Model):
    """One annual price index value (Eurostat HICP annual average, prc_hicp_aind, 2015 = 100)."""

    country = models.CharField(_("country"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("index"), max_digits=10, decimal_places=3,
                                validators=[MinValueValidator(0.001)])
    source = models.CharField(_("source"), max_length=300, default="Eurostat prc_hicp_aind (2015 = 100)")

    class Meta:
        ordering = ["country", "year"]
        constraints = [models.UniqueConstraint(fields=["country", "year"], name="impact_price_index_unique")]
        verbose_name = _("price index value")
        verbose_name_plural = _("price index")

    def __str__(self) -> str:
        return f"{self.country} {self.year}: {self.value}"


class SroiAnalysis(models.Model):
    """An SROI analysis of one funded project, or of a whole call (programme)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    project = models.ForeignKey(FundedProject, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="sroi_analyses", verbose_name=_("project"))
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="sroi_analyses", verbose_name=_("call (programme)"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    report_year = models.PositiveSmallIntegerField(_("report year"),
                                                   validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    country = models.CharField(_("country for price re-basing"), max_length=2, blank=True)
    investment = models.DecimalField(_("investment (EUR)"), **MONEY)
    discount_rate = models.DecimalField(_("discount rate"), max_digits=6, decimal_places=4, default=Decimal("0.035"))
    discount_rate_low = models.DecimalField(_("discount rate, low"), max_digits=6, decimal_places=4,
                                            null=True, blank=True)
    discount_rate_high = models.DecimalField(_("discount rate, high"), max_digits=6, decimal_places=4,
                                             null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "pk"]
        constraints = [models.CheckConstraint(
            condition=models.Q(project__isnull=False, call__isnull=True)
            | models.Q(project__isnull=True, call__isnull=False), name="impact_sroi_project_or_call")]
        verbose_name = _("SROI analysis")
        verbose_name_plural = _("SROI analyses")

    def __str__(self) -> str:
        return self.title

    @property
    def funding_call(self) -> Call:
        return self.call if self.call_id else self.project.application.call  # type: ignore[union-attr,return-value]


class SroiOutcome(models.Model):
    """One row of the impact map. ``ranges`` holds the optional range of each assumption,
    ``{"deadweight": [0.1, 0.4], ...}``: drawn triangular with the row's value as most likely."""

    analysis = models.ForeignKey(SroiAnalysis, on_delete=models.CASCADE, related_name="outcomes",
                                 verbose_name=_("analysis"))
    position = models.PositiveIntegerField(_("position"), default=0)
    stakeholder = models.CharField(_("stakeholder"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=300)
    project_indicator = models.ForeignKey("impact.ProjectIndicator", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+",
                                          verbose_name=_("monitored indicator"))
    quantity = models.DecimalField(_("quantity"), validators=[MinValueValidator(0)], **QUANTITY)
    duration_years = models.PositiveSmallIntegerField(_("duration (years)"),
                                                      validators=[MinValueValidator(1), MaxValueValidator(100)])
    proxy = models.ForeignKey(FinancialProxy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("financial proxy"))
    proxy_value = models.DecimalField(_("value per unit per year (EUR, report-year prices)"), **MONEY)
    deadweight = models.DecimalField(_("deadweight"), default=0, **SHARE)
    displacement = models.DecimalField(_("displacement"), default=0, **SHARE)
    attribution = models.DecimalField(_("attribution"), default=0, **SHARE)
    drop_off = models.DecimalField(_("drop-off"), default=0, **SHARE)
    ranges = models.JSONField(_("ranges"), default=dict, blank=True)

    class Meta:
        ordering = ["analysis", "position", "pk"]
        verbose_name = _("SROI outcome")
        verbose_name_plural = _("SROI outcomes")

    def __str__(self) -> str:
        return f"{self.stakeholder}: {self.outcome}"


class SroiRun(models.Model):
    """One Monte Carlo run (with the deterministic result and tornado of the same inputs)."""

    analysis = models.ForeignKey(SroiAnalysis, on_delete=models.CASCADE, related_name="runs",
                                 verbose_name=_("analysis"))
    draws = models.PositiveIntegerField(_("draws"))
    seed = models.PositiveBigIntegerField(_("seed"))
    inputs = models.JSONField(_("inputs"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("run by"))
    created_at = models.DateTimeField(_("run"), auto_now_add=True)

    class Meta:
        ordering = ["analysis", "-created_at", "-pk"]
        verbose_name = _("SROI run")
        verbose_name_plural = _("SROI runs")

    def __str__(self) -> str:
        return f"{self.analysis} #{self.pk}"
