"""Calibration of the simulation to the platform's data (services, selectors, the job).

Two parts, computed together by a background job (``calibration_start`` -> ``calibration_compute``):

(a) **Emergence (Bass, least squares).** New initiatives per year from the observatory (published
    initiatives with a start date; the start year is the founding year), for the whole Alpine
    Space and per country, contiguous years with zeros filled. ``fit_bass`` (Srinivasan & Mason
    1986 non-linear least squares) gives p, q, m with standard errors, R^2, fitted values and
    residuals. The model's monthly ``innovation_p`` and ``imitation_q`` are p / 12 and q / 12 of
    the all-regions fit (``engines.simulation.calibration.fit_emergence``).
(b) **Survival (rejection ABC).** Funded projects (``calls.FundedProject``): the observed yearly
    exit rate is terminated projects per project-year of exposure, each project exposed from its
    creation to the calibration date, at most the model's project duration (the platform records
    no termination date: a terminated project counts a full exposure, which biases the rate
    down). The model's summary is its yearly exit rate of active initiatives times the funded
    hazard ratio (the hazard while funded). Prior: ``failure_hazard`` uniform on
    [0.001, 0.05] a month. The posterior mean is the override; the acceptance rate and the
    posterior mean, sd and 5-95 % interval are shown.

    Not used, and why: results (reach, jobs) of impact reports are per indicator and period, not
    per initiative-month, so they do not map onto the model's reach per active initiative; the
    number of projects funded per year depends on the budget lever, not on a behavioural
    parameter.

Who does what: policy officers (and platform admins) recompute; only platform admins put a
calibration in force, because it changes the defaults of every organisation's new scenarios.
At most one calibration is in force (a partial unique constraint).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from asis.calls.models import FundedProject
from asis.core.audit import audit_record
from asis.core.jobs import JobError, Reporter, job_handler, job_start
from asis.core.models import Job
from asis.engines.simulation.bass import BassFit, bass_per_period, fit_bass
from asis.engines.simulation.calibration import Prior, abc_rejection, observed_rates
from asis.engines.simulation.errors import SimulationError
from asis.engines.simulation.model import ChunkResult
from asis.engines.simulation.parameters import Levers, ModelParams, RunSpec, geography_for
from asis.observatory.models import Initiative
from asis.policylab import access, adapters
from asis.policylab.models_calibration import Calibration

JOB_KIND = "policylab.calibration"
DEFAULT_DRAWS = 100
MAX_DRAWS = 2000
ACCEPT = 0.1
RUNS_PER_DRAW = 2
ABC_AGENTS = 840  # potential initiatives in the ABC's simulations (20 a region): enough for rates
ABC_MONTHS = 60
MIN_FUNDED_PROJECTS = 5
FAILURE_PRIOR = (0.001, 0.05)


# ---------------------------------------------------------------- selectors


def initiatives_per_year(*, country: str | None = None) -> dict[int, int]:
    """Published initiatives by start (founding) year, for one country or all."""
    qs = Initiative.objects.filter(status=Initiative.Status.PUBLISHED, start_date__isnull=False)
    if country:
        qs = qs.filter(regions__country=country)
    rows = (qs.annotate(year=ExtractYear("start_date")).values("year")
            .annotate(n=Count("pk", distinct=True)).order_by("year"))
    return {int(row["year"]): int(row["n"]) for row in rows}


def initiative_counts() -> dict[str, int]:
    published = Initiative.objects.filter(status=Initiative.Status.PUBLISHED)
    return {"published": published.count(), "with_year": published.filter(start_date__isnull=False).count()}


def countries_with_initiatives() -> list[str]:
    return sorted(set(
        Initiative.objects.filter(status=Initiative.Status.PUBLISHED, start_date__isnull=False)
        .values_list("regions__country", flat=True)) - {None, ""})


def funded_project_moments(*, today: date, funding_months: int) -> dict[str, Any]:
    """Counts and the observed yearly exit rate of funded projects (see the module docstring)."""
    cap = funding_months / 12.0
    projects = list(FundedProject.objects.values_list("created_at", "status"))
    exposure = sum(min(max((today - created.date()).days / 365.25, 0.0), cap) for created, _status in projects)
    terminated = sum(1 for _created, status in projects if status == FundedProject.Status.TERMINATED)
    completed = sum(1 for _created, status in projects if status == FundedProject.Status.COMPLETED)
    rate = terminated / exposure if exposure > 0 else None
    return {"projects": len(projects), "terminated": terminated, "completed": completed,
            "project_years": round(exposure, 3), "exit_rate_per_year": rate}


def calibration_in_force() -> Calibration | None:
    return Calibration.objects.filter(in_force=True).first()


def params_in_force() -> dict[str, Any]:
    """``ModelParams`` overrides of the calibration in force ({} if none)."""
    current = calibration_in_force()
    return dict(current.params) if current is not None else {}


# ---------------------------------------------------------------- the computation


def _series(counts: dict[int, int]) -> tuple[list[int], list[int]]:
    if not counts:
        return [], []
    years = list(range(min(counts), max(counts) + 1))
    return years, [counts.get(year, 0) for year in years]


def _fit_json(fit: BassFit) -> dict[str, float]:
    return {"p": fit.p, "q": fit.q, "m": fit.m, "p_se": fit.p_se, "q_se": fit.q_se, "m_se": fit.m_se,
            "r_squared": fit.r_squared, "rmse": fit.rmse, "n": fit.n, "peak_time": fit.peak_time}


def bass_part(counts: dict[int, int]) -> dict[str, Any]:
    """The Bass fit of one series with its diagnostics, or the engine's refusal (code + params)."""
    years, series = _series(counts)
    out: dict[str, Any] = {"years": years, "series": series, "fit": None, "fitted": [], "residuals": [],
                           "error": None}
    try:
        fit = fit_bass(series)
    except SimulationError as exc:
        out["error"] = {"code": exc.code, "params": {k: v for k, v in exc.params.items()
                                                     if isinstance(v, (int, float, str))}}
        return out
    import numpy as np

    fitted = bass_per_period(np.arange(1, len(series) + 1, dtype=np.float64), fit.p, fit.q, fit.m)
    out["fit"] = _fit_json(fit)
    out["fitted"] = [round(float(v), 4) for v in fitted]
    out["residuals"] = [round(float(y - f), 4) for y, f in zip(series, fitted, strict=True)]
    return out


def _abc_spec(params: ModelParams, seed: int) -> RunSpec:
    agents = adapters.agents_by_region(ABC_AGENTS)
    return RunSpec(geography=geography_for(agents), params=params, levers=Levers(),
                   horizon_months=ABC_MONTHS, n_runs=RUNS_PER_DRAW, seed=seed, resolution="month")


def funded_exit_rate(result: ChunkResult, funded_hazard_ratio: float) -> dict[str, float]:
    """The model's counterpart of the funded projects' exit rate."""
    return {"exit_rate_per_year": observed_rates(result)["exit_rate_per_year"] * funded_hazard_ratio}


def abc_part(*, moments: dict[str, Any], params: ModelParams, draws: int, seed: int,
             report: Reporter | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"observed": {}, "draws": draws, "accept": ACCEPT, "runs_per_draw": RUNS_PER_DRAW,
                           "priors": [{"name": "failure_hazard", "low": FAILURE_PRIOR[0],
                                       "high": FAILURE_PRIOR[1]}],
                           "skipped": None, "acceptance_rate": None, "posterior": [], "distances": []}
    if moments["projects"] < MIN_FUNDED_PROJECTS or moments["exit_rate_per_year"] is None:
        out["skipped"] = "too_few_projects"
        return out
    observed = {"exit_rate_per_year": float(moments["exit_rate_per_year"])}
    out["observed"] = observed
    ratio = params.funded_hazard_ratio

    def progress(done: int, total: int) -> None:
        if report is not None:
            report(0.2 + 0.75 * done / total, "")

    result = abc_rejection(_abc_spec(params, seed), observed, [Prior("failure_hazard", *FAILURE_PRIOR)],
                           draws=draws, accept=ACCEPT, runs_per_draw=RUNS_PER_DRAW, seed=seed,
                           summaries=lambda r: funded_exit_rate(r, ratio), progress=progress)
    out["acceptance_rate"] = result.acceptance_rate
    out["posterior"] = [asdict(p) for p in result.posterior]
    out["distances"] = [round(float(d), 6) for d in result.distances]
    return out


def calibration_compute(*, actor: Any, draws: int = DEFAULT_DRAWS, seed: int = 2026, job: Job | None = None,
                        report: Reporter | None = None) -> Calibration:
    """Fit both parts to the data as they are now and save the result (not in force)."""
    if not access.can_calibrate(actor):
        raise PermissionDenied
    draws = max(1, min(int(draws), MAX_DRAWS))
    today = timezone.localdate()
    if report is not None:
        report(0.05, "")
    bass_all = bass_part(initiatives_per_year())
    countries = {code: bass_part(initiatives_per_year(country=code)) for code in countries_with_initiatives()}
    overrides: dict[str, Any] = {}
    base = ModelParams()
    if bass_all["fit"] is not None:
        fit = bass_all["fit"]
        overrides["innovation_p"] = min(fit["p"] / 12, 1.0)
        overrides["imitation_q"] = min(fit["q"] / 12, 1.0)
    if report is not None:
        report(0.2, "")
    moments = funded_project_moments(today=today, funding_months=base.funding_months)
    abc = abc_part(moments=moments, params=replace(base, **overrides), draws=draws, seed=seed, report=report)
    if abc["posterior"]:
        overrides["failure_hazard"] = abc["posterior"][0]["mean"]
    diagnostics = {
        "computed_on": today.isoformat(), "seed": seed,
        "data": {**initiative_counts(), **{k: v for k, v in moments.items() if k != "exit_rate_per_year"}},
        "bass": {"all": bass_all, "countries": countries},
        "abc": abc,
        "not_used": ["reach_per_active_month", "funded_per_year"],
    }
    with transaction.atomic():
        calibration = Calibration.objects.create(created_by=actor if getattr(actor, "is_authenticated", False)
                                                 else None, job=job, params=overrides, diagnostics=diagnostics)
        audit_record(action="asis.policylab.calibration_computed", actor=actor, obj=calibration,
                     after={"params": overrides, "draws": draws, "seed": seed})
    if report is not None:
        report(1.0, "")
    return calibration


def calibration_start(*, actor: Any, draws: int = DEFAULT_DRAWS, seed: int = 2026) -> Job:
    """Queue the computation as a background job (ABC takes a while)."""
    if not access.can_calibrate(actor):
        raise PermissionDenied
    draws = max(1, min(int(draws), MAX_DRAWS))
    with transaction.atomic():
        job = job_start(kind=JOB_KIND, owner=actor, params={"draws": draws, "seed": int(seed)})
        audit_record(action="asis.policylab.calibration_started", actor=actor, obj=job,
                     after={"draws": draws, "seed": int(seed)})
    return job


def calibration_enact(*, actor: Any, calibration: Calibration) -> Calibration:
    """Put ``calibration`` in force (and the previous one out of force)."""
    if not access.can_enact_calibration(actor):
        raise PermissionDenied
    with transaction.atomic():
        previous = Calibration.objects.select_for_update().filter(in_force=True).exclude(pk=calibration.pk).first()
        if previous is not None:
            previous.in_force = False
            previous.save(update_fields=["in_force"])
        calibration.in_force = True
        calibration.enacted_by = actor
        calibration.enacted_at = timezone.now()
        calibration.save(update_fields=["in_force", "enacted_by", "enacted_at"])
        audit_record(action="asis.policylab.calibration_enacted", actor=actor, obj=calibration,
                     before={"in_force": previous.pk if previous else None},
                     after={"in_force": calibration.pk, "params": calibration.params})
    return calibration


@job_handler(JOB_KIND, result_labels={"calibration": _lazy("Calibration"),
                                      "parameters": _lazy("Parameters fitted")})
def calibration_job(job: Job, report: Reporter) -> dict[str, Any]:
    try:
        calibration = calibration_compute(actor=job.owner, draws=int(job.params.get("draws", DEFAULT_DRAWS)),
                                          seed=int(job.params.get("seed", 2026)), job=job, report=report)
    except PermissionDenied as exc:
        raise JobError(_("You may no longer calibrate the simulation.")) from exc
    return {"calibration": calibration.pk, "parameters": len(calibration.params)}
