"""Impact models: the indicator library, each funded project's theory of change and monitored
indicators (baseline, targets), its reporting periods and the reports staff validate.

Percentages and rates are stored as numerator and denominator (``value`` / ``denominator``) so
that roll-ups pool them instead of averaging percentages. A reported value or target is either the
total (``disaggregation = ""``) or one category (``"sex=female"``, see :mod:`.disaggregations`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.calls.models import Call, FundedProject, private_storage
from asis.core.i18n import TranslatableModel
from asis.impact.units import UNIT_CHOICES

VALUE = {"max_digits": 20, "decimal_places": 4}


class Indicator(TranslatableModel):
    """One indicator of the library: shared (ESF+, SDG, ASIS), call-specific, or proposed by a
    project holder and approved by staff."""

    TRANSLATABLE_FIELDS = ("name", "definition")

    class Source(models.TextChoices):
        ESF = "esf", _("ESF+ common indicator")
        SDG = "sdg", _("SDG indicator")
        ASIS = "asis", _("ASIS challenge indicator")
        CALL = "call", _("Call-specific indicator")
        CUSTOM = "custom", _("Proposed by a project")

    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        RESULT = "result", _("Result")
        IMPACT = "impact", _("Impact")

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PROPOSED = "proposed", _("Proposed, awaiting approval")
        REJECTED = "rejected", _("Rejected")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        MEAN = "mean", _("Mean")
        WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")
        LAST = "last", _("Last value")
        MAX = "max", _("Maximum")

    class ValuesMode(models.TextChoices):
        PER_PERIOD = "per_period", _("Per period (values add up over time)")
        CUMULATIVE = "cumulative", _("Cumulative (each value is the total to date)")

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Every six months")
        YEARLY = "yearly", _("Yearly")
        END = "end", _("At the end of the project")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.OUTPUT)
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    is_ratio = models.BooleanField(_("a percentage or rate (numerator and denominator)"), default=False)
    denominator_label = models.CharField(_("denominator"), max_length=200, blank=True,
                                         help_text=_("What the denominator counts, e.g. 'participants'."))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(_("aggregation rule"), max_length=16, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    values_mode = models.CharField(_("reported values are"), max_length=12, choices=ValuesMode.choices,
                                   default=ValuesMode.PER_PERIOD)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY)
    disaggregations = models.JSONField(_("allowed breakdowns"), default=list, blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    plausible_min = models.DecimalField(_("lowest plausible value"), null=True, blank=True, **VALUE)
    plausible_max = models.DecimalField(_("highest plausible value"), null=True, blank=True, **VALUE)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ASIS)
    reference = models.CharField(_("reference"), max_length=300, blank=True,
                                 help_text=_("Where the definition comes from, e.g. the regulation and its annex."))
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    challenges = models.ManyToManyField("observatory.Challenge", blank=True, related_name="indicators",
                                        verbose_name=_("societal challenges"))
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators",
                             verbose_name=_("call"))
    proposed_by = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("proposed by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPROVED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["source", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return str(self.translated("name"))


class TheoryOfChange(models.Model):
    """One version of a project's theory of change; a new version on every edit, none overwritten."""

    FIELDS = ("problem", "inputs", "activities", "outputs", "outcomes", "impact", "assumptions")

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="theories",
                                verbose_name=_("project"))
    version = models.PositiveIntegerField(_("version"))
    problem = models.TextField(_("problem"), blank=True)
    inputs = models.TextField(_("inputs"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    assumptions = models.TextField(_("assumptions"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["project", "-version"]
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="impact_toc_version_unique")]
        verbose_name = _("theory of change")
        verbose_name_plural = _("theories of change")

    def __str__(self) -> str:
        return f"{self.project} v{self.version}"


class ProjectIndicator(models.Model):
    """An indicator a funded project reports on, with its baseline."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="monitored_indicators",
                                verbose_name=_("project"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="uses",
                                  verbose_name=_("indicator"))
    is_key = models.BooleanField(_("key indicator"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE)
    baseline_denominator = models.DecimalField(_("baseline denominator"), null=True, blank=True, **VALUE)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_source = models.CharField(_("baseline source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["project", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "indicator"], name="impact_project_indicator_unique")]
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")

    def __str__(self) -> str:
        return str(self.indicator)


class ReportingPeriod(models.Model):
    """One period a project reports on (its schedule follows the call's timeline)."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="periods",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("period"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    due_on = models.DateField(_("report due"))

    class Meta:
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="impact_period_unique"),
                       models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="impact_period_ends_after_start")]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return f"{self.project} #{self.number}"


class Target(models.Model):
    """A target for one indicator: for a period (or the project's end when ``period`` is empty),
    for the total or one category of a breakdown."""

    project_indicator = models.ForeignKey(ProjectIndicator, on_delete=models.CASCADE, related_name="targets",
                                          verbose_name=_("project indicator"))
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="targets", verbose_name=_("period"))
    disaggregation = models.CharField(_("breakdown"), max_length=100, blank=True, default="")
    value = models.DecimalField(_("target"), **VALUE)
    denominator = models.DecimalField(_("target denominator"), null=True, blank=True, **VALUE)

    class Meta:
        ordering = ["project_indicator", "period__number", "disaggregation"]
        constraints = [models.UniqueConstraint(fields=["project_indicator", "period", "disaggregation"],
                                               name="impact_target_unique", nulls_distinct=False)]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.project_indicator}: {self.value}"


class Report(models.Model):
    """A project's report for one period. Staff validate it (then it is locked) or return it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        VALIDATED = "validated", _("Validated")

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="reports",
                                verbose_name=_("project"))
    period = models.OneToOneField(ReportingPeriod, on_delete=models.CASCADE, related_name="report",
                                  verbose_name=_("period"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(_("narrative"), blank=True)
    # [{"risk": text, "likelihood": low|medium|high, "mitigation": text}]
    risks = models.JSONField(_("risks"), default=list, blank=True)
    # [{"line": index in the application's budget lines, "amount": "123.45"}]
    budget_spent = models.JSONField(_("budget spent"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("validated by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["project", "period__number"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.project} #{self.period.number}"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.VALIDATED


class ReportValue(models.Model):
    """One reported value: the total or one category, in a unit compatible with the indicator's."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    project_indicator = models.ForeignKey(ProjectIndicator, on_delete=models.CASCADE, related_name="values",
                                          verbose_name=_("indicator"))
    disaggregation = models.CharField(_("breakdown"), max_length=100, blank=True, default="")
    value = models.DecimalField(_("value"), **VALUE)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **VALUE)
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["report", "project_indicator", "disaggregation"]
        constraints = [models.UniqueConstraint(fields=["report", "project_indicator", "disaggregation"],
                                               name="impact_value_unique")]
        indexes = [models.Index(fields=["project_indicator", "report"], name="impact_value_pi_report")]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")

    def __str__(self) -> str:
        return f"{self.project_indicator}: {self.value}"


def evidence_path(instance: ReportEvidence, filename: str) -> str:
    return f"impact/{instance.report.project_id}/{instance.report_id}/{uuid.uuid4().hex}"


class ReportEvidence(models.Model):
    """A file backing a report (same upload rules as application attachments)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ReportEvent(models.Model):
    """The report's history, append-only: each submission, return, validation and unlocking, with
    the comment or reason and a snapshot of what was reported at that moment (its versions)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        VALIDATED = "validated", _("Validated")
        UNLOCKED = "unlocked", _("Unlocked")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    version = models.PositiveIntegerField(_("version"))
    comment = models.TextField(_("comment"), blank=True)
    snapshot = models.JSONField(_("what was reported"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["report", "created_at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.action}"
from asis.impact.models_counterfactual import (  # noqa: E402,F401,I001
    CounterfactualPanel,
    CounterfactualPanelRow,
    CounterfactualStudy,
)
from asis.impact.models_regions import RegionStatistic  # noqa: E402,F401  (region statistics, own module)
from asis.impact.models_reports import ReportReminder  # noqa: E402,F401  (reminders of the reporting workflow)
from asis.impact.models_sroi import FinancialProxy, PriceIndex, SroiAnalysis, SroiOutcome, SroiRun  # noqa: E402,F401
