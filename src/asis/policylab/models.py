"""Policy lab: scenarios (levers of a funding policy), their Monte Carlo runs split into chunks
that run as background jobs, and comparisons of two to four scenarios.

A scenario holds only what a policy officer chooses (levers, horizon, runs, seed, the number of
potential initiatives); the model's behavioural parameters come from the calibration in force
(``params`` holds overrides, normally empty). A run freezes the whole specification it ran with
(``spec``), so a later edit of the scenario never changes a result already shown.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.accounts.models import Organisation
from asis.calls.models import Call
from asis.core.models import Job


def new_share_token() -> str:
    return secrets.token_urlsafe(18)


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    ORGANISATION = "organisation", _("My organisation")
    PUBLIC = "public", _("Everyone (published)")


class Scenario(models.Model):
    """A named policy scenario: what a policy maker would do, over how many years."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              on_delete=models.SET_NULL, related_name="scenarios")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="scenarios")
    visibility = models.CharField(_("who can see it"), max_length=16, choices=Visibility.choices,
                                  default=Visibility.PRIVATE)
    # Levers as the engine's ``Levers`` fields; ``regional_split`` is {NUTS code: share} or null.
    levers = models.JSONField(_("levers"), default=dict)
    params = models.JSONField(_("model parameter overrides"), default=dict, blank=True)
    horizon_years = models.PositiveSmallIntegerField(
        _("years simulated"), default=10, validators=[MinValueValidator(1), MaxValueValidator(20)])
    n_runs = models.PositiveIntegerField(_("Monte Carlo runs"), default=200,
                                         validators=[MinValueValidator(1)])
    seed = models.PositiveBigIntegerField(_("random seed"), default=2026)
    agents = models.PositiveIntegerField(_("potential initiatives in the Alpine Space"), default=10_000,
                                         validators=[MinValueValidator(42)])
    source_call = models.ForeignKey(Call, verbose_name=_("built from the call"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="scenarios")
    share_token = models.CharField(_("share link key"), max_length=40, unique=True, default=new_share_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.name

    def latest_run(self) -> SimulationRun | None:
        return self.runs.filter(status=SimulationRun.Status.SUCCEEDED).order_by("-finished_at").first()


class SimulationRun(models.Model):
    """One Monte Carlo experiment of a scenario, split into chunks of runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE,
                                 related_name="runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   on_delete=models.SET_NULL, related_name="simulation_runs")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    # Frozen specification: {"levers": {...}, "params": {...}, "horizon_months", "n_runs", "seed",
    # "agents": {code: n}} -- enough to rebuild the engine's RunSpec exactly.
    spec = models.JSONField(_("specification"), default=dict)
    n_runs = models.PositiveIntegerField(_("Monte Carlo runs"))
    chunk_size = models.PositiveIntegerField(_("runs per chunk"))
    summary = models.JSONField(_("summary"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("simulation run")
        verbose_name_plural = _("simulation runs")

    def __str__(self) -> str:
        return f"{self.scenario} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class RunChunk(models.Model):
    """Runs ``start..stop-1`` of a simulation run: one background job; its yearly outputs are kept
    (compressed NumPy arrays) once done, so a resumed run only computes what is missing."""

    run = models.ForeignKey(SimulationRun, verbose_name=_("simulation run"), on_delete=models.CASCADE,
                            related_name="chunks")
    index = models.PositiveIntegerField(_("chunk"))
    start = models.PositiveIntegerField(_("first run"))
    stop = models.PositiveIntegerField(_("after the last run"))
    job = models.ForeignKey(Job, verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    data = models.BinaryField(_("outputs"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        verbose_name = _("chunk of runs")
        verbose_name_plural = _("chunks of runs")
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="policylab_chunk_unique_index"),
            models.CheckConstraint(condition=models.Q(stop__gt=models.F("start")),
                                   name="policylab_chunk_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.start + 1}-{self.stop}"

    @property
    def is_done(self) -> bool:
        return self.data is not None


class SensitivityAnalysis(models.Model):
    """Which levers matter most for an outcome around a scenario: Morris elementary effects (or
    Sobol indices) over lever ranges, run as a background job; ``result`` holds the ranking."""

    class Method(models.TextChoices):
        MORRIS = "morris", _("Morris elementary effects")
        SOBOL = "sobol", _("Sobol variance indices")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE,
                                 related_name="sensitivity_analyses")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.MORRIS)
    outcome = models.CharField(_("outcome"), max_length=40, default="active")
    # [{"lever": name, "low": x, "high": y}, ...]
    ranges = models.JSONField(_("lever ranges"), default=list)
    spec = models.JSONField(_("specification"), default=dict)
    job = models.ForeignKey(Job, verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    # {"levers": [...], "mu_star": [...], "sigma": [...], "ranking": [...]} (Morris) or S1/ST (Sobol)
    result = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sensitivity analysis")
        verbose_name_plural = _("sensitivity analyses")

    def __str__(self) -> str:
        return f"{self.scenario} ({self.get_method_display()})"


class Comparison(models.Model):
    """Two to four scenarios side by side (their latest finished runs), shareable by link and
    usable as evidence in the white book."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              on_delete=models.SET_NULL, related_name="scenario_comparisons")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="scenario_comparisons")
    visibility = models.CharField(_("who can see it"), max_length=16, choices=Visibility.choices,
                                  default=Visibility.PRIVATE)
    runs = models.ManyToManyField(SimulationRun, verbose_name=_("runs compared"), related_name="comparisons")
    baseline = models.ForeignKey(SimulationRun, verbose_name=_("reference scenario"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    share_token = models.CharField(_("share link key"), max_length=40, unique=True, default=new_share_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scenario comparison")
        verbose_name_plural = _("scenario comparisons")

    def __str__(self) -> str:
        return self.name


from asis.policylab.models_calibration import Calibration  # noqa: E402,F401
from asis.policylab.models_whitebook import (  # noqa: E402,F401  (one app, two model modules)
    Chapter,
    Comment,
    Edition,
    Evidence,
    Paragraph,
)
