"""Counterfactual policy tests: imported panels (unit x period x outcome) and studies run on them.

A panel and its studies belong to one organisation; its programme managers analyse them. A study
keeps its inputs (method, units, periods) and, once its background job has run, its result as
JSON (numbers and codes only: the pages word them in the reader's language).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CounterfactualPanel(models.Model):
    class Source(models.TextChoices):
        CSV = "csv", _("Imported CSV file")
        INDICATOR = "indicator", _("Validated values of a monitored indicator")
        DEMO = "demo", _("Demo data")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="counterfactual_panels", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    outcome_label = models.CharField(_("outcome"), max_length=200)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CSV)
    source_note = models.CharField(_("source details"), max_length=300, blank=True)
    covariate_names = models.JSONField(_("covariates"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("counterfactual panel")
        verbose_name_plural = _("counterfactual panels")

    def __str__(self) -> str:
        return self.name


class CounterfactualPanelRow(models.Model):
    panel = models.ForeignKey(CounterfactualPanel, on_delete=models.CASCADE, related_name="rows",
                              verbose_name=_("panel"))
    unit = models.CharField(_("unit"), max_length=200)
    period = models.IntegerField(_("period"))
    outcome = models.FloatField(_("outcome"))
    covariates = models.JSONField(_("covariates"), default=list, blank=True)

    class Meta:
        ordering = ["panel", "unit", "period"]
        verbose_name = _("panel row")
        verbose_name_plural = _("panel rows")
        constraints = [models.UniqueConstraint(fields=["panel", "unit", "period"],
                                               name="counterfactual_row_unique_unit_period")]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"


class CounterfactualStudy(models.Model):
    class Method(models.TextChoices):
        DID = "did", _("Difference-in-differences (with event study)")
        EVENT_STUDY = "event_study", _("Event study")
        PSM = "psm", _("Propensity-score matching")
        SYNTH = "synth", _("Synthetic control")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not be estimated")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="counterfactual_studies", verbose_name=_("organisation"))
    panel = models.ForeignKey(CounterfactualPanel, on_delete=models.CASCADE, related_name="studies",
                              verbose_name=_("panel"))
    name = models.CharField(_("name"), max_length=200)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    treated_units = models.JSONField(_("treated units"), default=list)
    comparison_units = models.JSONField(_("comparison units"), default=list)
    treatment_start = models.IntegerField(_("first treated period"))
    period_from = models.IntegerField(_("from period"), null=True, blank=True)
    period_to = models.IntegerField(_("to period"), null=True, blank=True)
    confidence = models.FloatField(_("confidence level"), default=0.95)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(_("result"), null=True, blank=True)
    error_code = models.CharField(_("problem"), max_length=60, blank=True)
    error_params = models.JSONField(_("problem details"), default=dict, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("job"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("counterfactual study")
        verbose_name_plural = _("counterfactual studies")
        constraints = [models.CheckConstraint(condition=models.Q(confidence__gt=0) & models.Q(confidence__lt=1),
                                              name="counterfactual_confidence_share")]

    def __str__(self) -> str:
        return self.name
