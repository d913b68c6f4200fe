"""Monte Carlo runs of scenarios as chunks of background jobs: start, progress, cancel, resume;
sensitivity analyses (Morris, Sobol) of a scenario's levers as one background job.

A run freezes the scenario (``SimulationRun.spec``), is checked by the engine and the platform's
limits, and is split into ``RunChunk`` rows of ``ASIS_SIM_CHUNK_RUNS`` runs, one core ``Job`` each
(handlers in ``asis.policylab.jobs``). Run ``i`` always draws from seed child ``i``, so the summary
does not depend on the chunk size nor on which worker ran which chunk. A chunk's outputs are kept
once computed: a cancelled or failed run resumes with only the missing chunks, and a worker that
dies mid-chunk leaves a job the core sweeper puts back in the queue (``jobs_recover_stale``).
The job that stores the last chunk combines all chunks, in run order, into ``run.summary``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.core.audit import audit_record
from asis.core.formatting import number
from asis.core.jobs import CONNECTION_ERRORS, JobError, job_start
from asis.core.models import Job
from asis.engines.errors import BackendUnavailableError
from asis.engines.simulation import experiments
from asis.engines.simulation.errors import SimulationError
from asis.engines.simulation.model import FLOW_INDICATORS, INDICATORS
from asis.engines.simulation.parameters import RunSpec
from asis.policylab import adapters, messages
from asis.policylab.calibration import params_in_force
from asis.policylab.models import RunChunk, Scenario, SensitivityAnalysis, SimulationRun
from asis.policylab.warnings import spec_warnings

logger = logging.getLogger(__name__)

JOB_KIND_CHUNK = "policylab.run_chunk"
JOB_KIND_SENSITIVITY = "policylab.sensitivity"
ACTIVE = (SimulationRun.Status.QUEUED, SimulationRun.Status.RUNNING)


class SimulationRefused(Exception):
    """An impossible scenario or a run too large for the configured limits; str() is the message."""


def base_params() -> dict[str, Any]:
    """The model parameters in force before a scenario's own overrides (the calibration's, once the
    calibration in force, see :mod:`asis.policylab.calibration`)."""
    return params_in_force()


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def simulation_backend() -> str:
    """The array backend of simulation jobs (ASIS_SIM_BACKEND: "numpy", or "cupy" on a GPU worker)."""
    return str(getattr(settings, "ASIS_SIM_BACKEND", "numpy"))


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- the frozen specification --------------------------------------------------------------------

def scenario_spec(scenario: Scenario, *, agents: int | None = None) -> dict[str, Any]:
    """The scenario's full specification as JSON (``adapters.frozen_spec``)."""
    return adapters.frozen_spec(
        levers=dict(scenario.levers or {}), params={**base_params(), **(scenario.params or {})},
        horizon_years=scenario.horizon_years, n_runs=scenario.n_runs, seed=scenario.seed,
        agents=adapters.agents_by_region(int(agents if agents is not None else scenario.agents)))


def checked_runspec(spec: dict[str, Any], *, max_agent_months: int | None = None) -> RunSpec:
    """The engine's ``RunSpec`` after its own checks; refusals in the reader's language."""
    limit = max_agent_months if max_agent_months is not None else _setting("ASIS_SIM_MAX_AGENT_MONTHS",
                                                                             2_400_000_000)
    try:
        run_spec = adapters.runspec(spec)
        run_spec.validate(max_agent_months=limit)
    except SimulationError as exc:
        raise SimulationRefused(messages.error_message(exc)) from exc
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise SimulationRefused(_("The scenario's levers or model parameters are not numbers the simulation "
                                  "can use.")) from exc
    return run_spec


def _check_runs_limit(n_runs: int) -> None:
    limit = _setting("ASIS_SIM_MAX_RUNS", 2000)
    if n_runs > limit:
        raise SimulationRefused(_("This experiment asks for %(runs)s Monte Carlo runs; the platform allows at "
                                  "most %(limit)s.") % {"runs": number(n_runs), "limit": number(limit)})


def _check_concurrency(user: Any, *, exclude: Any = None) -> None:
    if _actor(user) is None:
        return
    limit = _setting("ASIS_SIM_MAX_CONCURRENT_RUNS", 3)
    # Called inside the caller's transaction: locking the person's row makes two simultaneous
    # starts count one after the other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    busy = SimulationRun.objects.filter(created_by=user, status__in=ACTIVE)
    if exclude is not None:
        busy = busy.exclude(pk=exclude)
    if busy.count() >= limit:
        raise SimulationRefused(_("You already have %(count)s simulations queued or running, the most one "
                                  "person may have at a time. Wait for one to finish or cancel one.")
                                % {"count": number(limit)})


def scenario_warnings(scenario: Scenario) -> list[str]:
    """The scenario's warnings (:mod:`asis.policylab.warnings`); none for impossible levers, whose
    refusal is said when the run starts."""
    try:
        run_spec = adapters.runspec(scenario_spec(scenario))
        run_spec.validate()
    except (SimulationError, TypeError, ValueError, KeyError, AttributeError):
        return []
    return spec_warnings(run_spec)


# --- start, progress, cancel, resume ---------------------------------------------------------------

def _queue_chunk(chunk: RunChunk, user: Any) -> None:
    chunk.job = job_start(kind=JOB_KIND_CHUNK, owner=_actor(user), params={"chunk_id": chunk.pk})
    chunk.save(update_fields=["job"])


def run_start(*, scenario: Scenario, user: Any) -> SimulationRun:
    """Freeze the scenario's specification, create the run and its chunks, queue one job per chunk.
    Raises ``SimulationRefused`` (message in the reader's language) for impossible or too large runs."""
    spec = scenario_spec(scenario)
    checked_runspec(spec)
    _check_runs_limit(int(spec["n_runs"]))
    chunk_size = max(1, _setting("ASIS_SIM_CHUNK_RUNS", 25))
    bounds = experiments.chunk_bounds(int(spec["n_runs"]), chunk_size)
    with transaction.atomic():
        _check_concurrency(user)
        run = SimulationRun.objects.create(scenario=scenario, created_by=_actor(user), spec=spec,
                                           n_runs=int(spec["n_runs"]), chunk_size=chunk_size)
        for index, (start, stop) in enumerate(bounds):
            _queue_chunk(RunChunk.objects.create(run=run, index=index, start=start, stop=stop), user)
        audit_record(action="asis.policylab.run.started", actor=_actor(user), obj=run, after={
            "scenario": str(scenario.pk), "n_runs": run.n_runs, "seed": spec["seed"], "chunks": len(bounds),
            "horizon_months": spec["horizon_months"], "levers": spec["levers"]},
            organisation_id=scenario.organisation_id)
    return run


def run_progress(run: SimulationRun) -> dict[str, Any]:
    """{"status", "status_label", "runs_done", "runs_total", "fraction", "chunks_done", "chunks_total",
    "message"} for the progress bar."""
    chunks = list(RunChunk.objects.filter(run=run).defer("data").select_related("job").annotate(
        done=ExpressionWrapper(Q(data__isnull=False), output_field=BooleanField())))
    run.refresh_from_db(fields=["status", "error", "finished_at", "started_at"])
    if run.status in ACTIVE:
        lost = next((c for c in chunks if not c.done and c.job and c.job.status == Job.Status.FAILED
                     and not _skipped(c.job)), None)
        if lost is not None:  # e.g. the sweeper gave up on a chunk whose worker died again and again
            run_fail(run=run, message=_("Runs %(first)s to %(last)s could not be computed: %(reason)s") % {
                "first": number(lost.start + 1), "last": number(lost.stop), "reason": lost.job.error})
            run.refresh_from_db(fields=["status", "error", "finished_at"])
    done = sum(c.stop - c.start for c in chunks if c.done)
    partial = sum((c.stop - c.start) * float(c.job.progress or 0.0) for c in chunks
                  if not c.done and c.job and c.job.status == Job.Status.RUNNING)
    total = run.n_runs
    runs_done = total if run.status == SimulationRun.Status.SUCCEEDED else min(total, int(done + partial))
    values = {"done": number(runs_done), "total": number(total)}
    if run.status == SimulationRun.Status.QUEUED:
        message = _("Waiting for a worker; %(done)s of %(total)s runs done.") % values
    elif run.status == SimulationRun.Status.RUNNING:
        message = _("%(done)s of %(total)s runs done.") % values
    elif run.status == SimulationRun.Status.SUCCEEDED:
        message = _("All %(total)s runs done.") % values
    elif run.status == SimulationRun.Status.CANCELLED:
        message = _("Cancelled; %(done)s of %(total)s runs are kept and the rest can be resumed.") % values
    else:
        message = run.error or _("The simulation failed.")
    return {"status": run.status, "status_label": str(run.get_status_display()), "runs_done": runs_done,
            "runs_total": total, "fraction": (runs_done / total) if total else 0.0,
            "chunks_done": sum(1 for c in chunks if c.done), "chunks_total": len(chunks), "message": message}


def _skipped(job: Job) -> bool:
    return isinstance(job.result, dict) and job.result.get("skipped")


def run_cancel(*, run: SimulationRun, user: Any) -> SimulationRun:
    """Stop a queued or running run: chunks not yet started do nothing when their job starts; the
    chunks already computed are kept for a resume."""
    with transaction.atomic():
        locked = SimulationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in ACTIVE:
            raise SimulationRefused(_("Only a queued or running simulation can be cancelled; this one is "
                                      "%(status)s.") % {"status": str(locked.get_status_display()).lower()})
        before = locked.status
        locked.status = SimulationRun.Status.CANCELLED
        locked.cancelled_by = _actor(user)
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_by", "finished_at"])
        audit_record(action="asis.policylab.run.cancelled", actor=_actor(user), obj=locked,
                     before={"status": before}, after={"status": locked.status},
                     organisation_id=locked.scenario.organisation_id)
    return locked


def run_resume(*, run: SimulationRun, user: Any) -> SimulationRun:
    """Queue again the chunks of a failed or cancelled run that have no outputs yet."""
    with transaction.atomic():
        locked = SimulationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in (SimulationRun.Status.CANCELLED, SimulationRun.Status.FAILED):
            raise SimulationRefused(_("Only a cancelled or failed simulation can be resumed; this one is "
                                      "%(status)s.") % {"status": str(locked.get_status_display()).lower()})
        _check_concurrency(user, exclude=locked.pk)
        before = {"status": locked.status, "error": locked.error}
        locked.status = SimulationRun.Status.QUEUED
        locked.error = ""
        locked.finished_at = None
        locked.cancelled_by = None
        locked.save(update_fields=["status", "error", "finished_at", "cancelled_by"])
        missing = list(locked.chunks.filter(data__isnull=True).select_related("job").defer("data"))
        queued = 0
        for chunk in missing:
            if chunk.job is not None and chunk.job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
                continue  # its job has not run yet (or runs now) and will compute it
            _queue_chunk(chunk, user)
            queued += 1
        audit_record(action="asis.policylab.run.resumed", actor=_actor(user), obj=locked, before=before,
                     after={"status": locked.status, "chunks_missing": len(missing), "jobs_queued": queued},
                     organisation_id=locked.scenario.organisation_id)
        if not missing:
            _complete(locked)
    return locked


def run_fail(*, run: SimulationRun, message: str) -> None:
    """Mark a queued or running run failed with ``message`` (in words, the owner's language)."""
    with transaction.atomic():
        locked = SimulationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in ACTIVE:
            return
        locked.status = SimulationRun.Status.FAILED
        locked.error = message
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "error", "finished_at"])
        audit_record(action="asis.policylab.run.failed", actor=None, obj=locked, after={"error": message},
                     organisation_id=locked.scenario.organisation_id)


def _complete(run: SimulationRun) -> None:
    """Inside the caller's transaction, with ``run`` locked and every chunk computed: the summary."""
    codes = adapters.runspec(run.spec).geography.codes
    parts = [adapters.chunk_from_bytes(c.data, start=c.start, stop=c.stop, codes=codes)
             for c in RunChunk.objects.filter(run=run).order_by("start")]
    run.summary = adapters.summarise_result(experiments.combine(parts))
    run.status = SimulationRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.error = ""
    run.save(update_fields=["summary", "status", "finished_at", "error"])
    audit_record(action="asis.policylab.run.finished", actor=None, obj=run,
                 after={"n_runs": run.n_runs, "chunks": len(parts)}, organisation_id=run.scenario.organisation_id)


# How often a computing chunk looks whether its run was cancelled (it then stops within a month).
CANCEL_CHECK_SECONDS = 2.0


class _RunStopped(Exception):
    """The run of a computing chunk was cancelled or failed meanwhile."""


def _month_reporter(run: SimulationRun, report: Callable[[float, str], None], label: str) -> Callable[[float], None]:
    """Progress within a chunk (the months done) for the bar, and a stop when the run is cancelled."""
    checked = time.monotonic()

    def on_month(fraction: float) -> None:
        nonlocal checked
        report(min(fraction, 0.99), label)  # 1.0 only once the outputs are stored
        if time.monotonic() - checked >= CANCEL_CHECK_SECONDS:
            checked = time.monotonic()
            if not SimulationRun.objects.filter(pk=run.pk, status__in=ACTIVE).exists():
                raise _RunStopped

    return on_month


def chunk_execute(*, chunk_id: Any, report: Callable[[float, str], None]) -> dict[str, Any]:
    """The work of one chunk's job: compute its runs unless the run was cancelled or the chunk is
    done; store the outputs; the last chunk to land completes the run. A cancel reaches a chunk
    being computed within ``CANCEL_CHECK_SECONDS``: it stops and keeps nothing (resume redoes it)."""
    chunk = RunChunk.objects.select_related("run__scenario").defer("data").filter(pk=chunk_id).first()
    if chunk is None:
        return {"skipped": True, "runs": 0}
    run = chunk.run
    if run.status not in ACTIVE or RunChunk.objects.filter(pk=chunk.pk, data__isnull=False).exists():
        return {"skipped": True, "runs": 0}
    SimulationRun.objects.filter(pk=run.pk, status=SimulationRun.Status.QUEUED).update(
        status=SimulationRun.Status.RUNNING, started_at=timezone.now())
    label = _("Runs %(first)s to %(last)s") % {"first": number(chunk.start + 1), "last": number(chunk.stop)}
    report(0.0, label)
    try:
        result = experiments.run_chunk(adapters.runspec(run.spec), chunk.start, chunk.stop,
                                       max_agent_months=_setting("ASIS_SIM_MAX_AGENT_MONTHS", 2_400_000_000),
                                       backend=simulation_backend(), progress=_month_reporter(run, report, label))
        raw = adapters.chunk_to_bytes(result)
    except CONNECTION_ERRORS:
        raise
    except _RunStopped:
        report(1.0, "")
        return {"skipped": True, "runs": 0, "stopped": True}
    except SimulationError as exc:
        message = _("Runs %(first)s to %(last)s were refused by the simulation: %(reason)s") % {
            "first": number(chunk.start + 1), "last": number(chunk.stop), "reason": messages.error_message(exc)}
        run_fail(run=run, message=message)
        raise JobError(message) from exc
    except BackendUnavailableError as exc:
        logger.error("Chunk %s of simulation run %s: %s", chunk.pk, run.pk, exc)
        message = _("This server is set to simulate on a graphics card (CuPy) that the worker cannot use. "
                    "An administrator must install CuPy on the worker or set ASIS_SIM_BACKEND to numpy; "
                    "you can then resume the simulation.")
        run_fail(run=run, message=message)
        raise JobError(message) from exc
    except Exception as exc:
        logger.exception("Chunk %s of simulation run %s crashed", chunk.pk, run.pk)
        message = _("Runs %(first)s to %(last)s stopped on an unexpected error; the details are in the server "
                    "log. You can resume the simulation.") % {"first": number(chunk.start + 1),
                                                              "last": number(chunk.stop)}
        run_fail(run=run, message=message)
        raise JobError(message) from exc
    completed = False
    with transaction.atomic():
        locked = SimulationRun.objects.select_for_update().get(pk=run.pk)
        stored = RunChunk.objects.filter(pk=chunk.pk, data__isnull=True).update(data=raw,
                                                                                finished_at=timezone.now())
        if locked.status in ACTIVE and not RunChunk.objects.filter(run=locked, data__isnull=True).exists():
            _complete(locked)
            completed = True
    report(1.0, "")
    return {"runs": chunk.stop - chunk.start if stored else 0, "completed": completed}


# --- sensitivity -----------------------------------------------------------------------------------

SENSITIVITY_LEVERS = ("budget_eur_per_year", "social_weight", "training_intensity", "cooperation_support",
                      "cofunding_rate")
# Agent-months one analysis may simulate (design points x runs per point x agents x months): about
# ten seconds on one core; a scenario with more potential initiatives is analysed with fewer.
SENSITIVITY_AGENT_MONTHS = 600_000_000
MORRIS_TRAJECTORIES = 20
SOBOL_BASE_SAMPLES = 16
RUNS_PER_POINT = 4


def default_ranges(scenario: Scenario) -> list[dict[str, Any]]:
    """Budget +-50 % around the scenario's, the shares over their useful span."""
    levers = {**adapters.default_levers(), **(scenario.levers or {})}
    try:
        budget = max(float(levers["budget_eur_per_year"]), 0.0)
    except (TypeError, ValueError):
        budget = float(adapters.default_levers()["budget_eur_per_year"])
    if budget <= 0:
        budget = float(adapters.default_levers()["budget_eur_per_year"])
    return [{"lever": "budget_eur_per_year", "low": 0.5 * budget, "high": 1.5 * budget},
            {"lever": "social_weight", "low": 0.0, "high": 1.0},
            {"lever": "training_intensity", "low": 0.0, "high": 1.0},
            {"lever": "cooperation_support", "low": 0.0, "high": 1.0},
            {"lever": "cofunding_rate", "low": 0.0, "high": 0.5}]


def _checked_ranges(ranges: Any, spec: dict[str, Any]) -> list[dict[str, Any]]:
    refused = _("Each lever range needs a lever that can vary (budget, social weight, training, cooperation "
                "or co-funding), named once, with a low end below the high end.")
    if not isinstance(ranges, list) or not ranges:
        raise SimulationRefused(refused)
    cleaned, seen = [], set()
    for item in ranges:
        try:
            lever, low, high = str(item["lever"]), float(item["low"]), float(item["high"])
        except (TypeError, KeyError, ValueError) as exc:
            raise SimulationRefused(refused) from exc
        if lever not in SENSITIVITY_LEVERS or lever in seen or not (math.isfinite(low) and math.isfinite(high)) \
                or not low < high:
            raise SimulationRefused(refused)
        seen.add(lever)
        for end in (low, high):  # each end must itself be a possible lever value
            checked_runspec({**spec, "levers": {**spec["levers"], lever: end}})
        cleaned.append({"lever": lever, "low": low, "high": high})
    return cleaned


def sensitivity_start(*, scenario: Scenario, user: Any, outcome: str, method: str = "morris",
                      ranges: list[dict[str, Any]] | None = None) -> SensitivityAnalysis:
    """Queue a global sensitivity analysis of ``outcome`` (an engine indicator) over lever ranges
    around the scenario; the design is sized to finish in seconds on one core, with fewer potential
    initiatives than the scenario if needed (``result["agents_reduced"]``)."""
    if method not in SensitivityAnalysis.Method.values:
        raise SimulationRefused(_("Choose the Morris or the Sobol method."))
    if outcome not in INDICATORS:
        raise SimulationRefused(_("Choose one of the simulated outcomes."))
    spec = scenario_spec(scenario)
    checked_runspec(spec)
    cleaned = _checked_ranges(ranges if ranges is not None else default_ranges(scenario), spec)
    k = len(cleaned)
    points = MORRIS_TRAJECTORIES * (k + 1) if method == "morris" else SOBOL_BASE_SAMPLES * (2 * k + 2)
    per_agent = points * RUNS_PER_POINT * int(spec["horizon_months"])
    agents = max(42, min(int(scenario.agents), SENSITIVITY_AGENT_MONTHS // per_agent))
    if agents != int(scenario.agents):
        spec = scenario_spec(scenario, agents=agents)
    spec.update({"points": points, "runs_per_point": RUNS_PER_POINT, "agents_scenario": int(scenario.agents),
                 "agents_used": agents})
    with transaction.atomic():
        analysis = SensitivityAnalysis.objects.create(scenario=scenario, created_by=_actor(user), method=method,
                                                      outcome=outcome, ranges=cleaned, spec=spec)
        analysis.job = job_start(kind=JOB_KIND_SENSITIVITY, owner=_actor(user),
                                 params={"analysis_id": str(analysis.pk)})
        analysis.save(update_fields=["job"])
        audit_record(action="asis.policylab.sensitivity.started", actor=_actor(user), obj=analysis,
                     after={"scenario": str(scenario.pk), "method": method, "outcome": outcome,
                            "ranges": cleaned, "points": points, "agents_used": agents},
                     organisation_id=scenario.organisation_id)
    return analysis


def _lever_ranges(analysis: SensitivityAnalysis) -> list[experiments.LeverRange]:
    return [experiments.LeverRange(r["lever"], float(r["low"]), float(r["high"])) for r in analysis.ranges]


def sensitivity_compute(analysis: SensitivityAnalysis,
                        report: Callable[[float, str], None] = lambda f, m: None) -> dict[str, Any]:
    """The analysis's result (no database writes): sample, simulate in batches, analyse."""
    spec = analysis.spec
    run_spec = adapters.runspec(spec)
    ranges = _lever_ranges(analysis)
    seed = int(spec["seed"])
    if analysis.method == SensitivityAnalysis.Method.MORRIS:
        design = experiments.morris_samples(ranges, MORRIS_TRAJECTORIES, seed)
    else:
        design = experiments.sobol_samples(ranges, SOBOL_BASE_SAMPLES, seed)
    outcome = experiments.outcome_total(analysis.outcome, cumulative=analysis.outcome in FLOW_INDICATORS)
    runs_per_point = int(spec.get("runs_per_point", RUNS_PER_POINT))
    values = []
    step = 25
    for lo in range(0, len(design), step):
        values.append(experiments.evaluate_points(run_spec, ranges, design[lo:lo + step], outcome, runs_per_point,
                                                  backend=simulation_backend()))
        done = min(lo + step, len(design))
        report(done / len(design), _("%(done)s of %(total)s lever settings simulated") % {
            "done": number(done), "total": number(len(design))})
    import numpy as np

    measured = np.concatenate(values)
    common = {"method": analysis.method, "outcome": analysis.outcome, "levers": [r.name for r in ranges],
              "ranges": analysis.ranges, "evaluations": int(len(design)), "runs_per_point": runs_per_point,
              "agents_scenario": int(spec.get("agents_scenario", sum(run_spec.geography.agents))),
              "agents_used": int(sum(run_spec.geography.agents)),
              "agents_reduced": int(sum(run_spec.geography.agents)) < int(spec.get("agents_scenario", 0))}
    if analysis.method == SensitivityAnalysis.Method.MORRIS:
        res = experiments.morris_analyse(ranges, design, measured, seed)
        return {**common, "mu_star": _rounded(res.mu_star), "mu_star_conf": _rounded(res.mu_star_conf),
                "sigma": _rounded(res.sigma), "ranking": list(res.ranking())}
    sob = experiments.sobol_analyse(ranges, measured, seed)
    order = sorted(range(len(sob.names)), key=lambda i: -sob.total[i])
    return {**common, "S1": _rounded(sob.first), "S1_conf": _rounded(sob.first_conf), "ST": _rounded(sob.total),
            "ST_conf": _rounded(sob.total_conf), "ranking": [sob.names[i] for i in order]}


def _rounded(values: Any) -> list[float | None]:
    return [round(float(v), 6) if math.isfinite(float(v)) else None for v in values]


def sensitivity_execute(*, analysis_id: Any, report: Callable[[float, str], None]) -> dict[str, Any]:
    analysis = SensitivityAnalysis.objects.select_related("scenario").filter(pk=analysis_id).first()
    if analysis is None or analysis.result is not None:
        return {"skipped": True}
    try:
        result = sensitivity_compute(analysis, report)
    except CONNECTION_ERRORS:
        raise
    except SimulationError as exc:
        raise JobError(messages.error_message(exc)) from exc
    with transaction.atomic():
        analysis.result = result
        analysis.save(update_fields=["result"])
        audit_record(action="asis.policylab.sensitivity.finished", actor=None, obj=analysis,
                     after={"ranking": result["ranking"], "evaluations": result["evaluations"]},
                     organisation_id=analysis.scenario.organisation_id)
    return {"evaluations": result["evaluations"], "most_influential": str(messages.field_name(result["ranking"][0]))}
