"""Results of a call: compute (service, run as a background job) and read (selectors).

``call_results_compute`` loads the inputs in bulk (:mod:`asis.calls.adapters`), runs the
assessment pipeline for the call's primary ranking method (with SMAA and the portfolio), adds the
ranks of every other configured method and, when the call calibrates evaluators, the ranks without
calibration, and stores everything as one ``ResultSet`` (one audit entry
``asis.results.computed``). The pages read only the stored JSON: no engine call on a GET.

The what-if on weights (:func:`whatif`) recomputes the weighted sum of the stored aggregated
criterion scores (a matrix-vector product) and the portfolio for new weights, without saving.
See docs/methods/call-results.md for every number.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from asis.calls import adapters
from asis.calls.models import Call, ResultSet
from asis.core.audit import audit_record
from asis.core.models import Job
from asis.engines import assess as engine
from asis.engines import portfolio
from asis.engines._arrays import ranks_from_scores
from asis.engines.errors import InfeasibleError, InvalidInputError
from asis.engines.grids import Grid

JOB_KIND = "calls.results"
Reporter = Callable[[float, str], None]


class ResultsError(Exception):
    """An expected failure (nothing to rank, invalid data); the message is shown to the manager."""


def _noop(fraction: float, message: str = "") -> None:
    return None


# --- ranking helpers -----------------------------------------------------------------------------

def normalised_matrix(grid: Grid, rows: Sequence[Mapping[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Aggregated criterion scores -> values in [0, 1] per scale, and the grid's normalised weights."""
    lows = np.array([grid.scale_of(c).minimum for c in grid.criteria], dtype=float)
    highs = np.array([grid.scale_of(c).maximum for c in grid.criteria], dtype=float)
    matrix = np.array([[row[c] for c in grid.criterion_ids] for row in rows], dtype=float).reshape(
        len(rows), len(grid.criteria))
    return (matrix - lows) / (highs - lows), np.array(grid.weights, dtype=float)


def method_scores(norm: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """0-100 scores of one ranking method, as the engine reports them (higher is better)."""
    active = weights > 0
    x, w = norm[:, active], weights[active]
    if x.shape[0] == 0:
        return np.zeros(0)
    return engine.method_scores(x, w, method)


def ranks_of(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties keep the input order (as the engine does)."""
    return ranks_from_scores(scores)[1]


def _r(value: Any, digits: int = 4) -> Any:
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


# --- compute (service) ---------------------------------------------------------------------------

def call_results_compute(*, actor: Any, call: Call, weights: Mapping[str, float] | None = None,
                         job: Job | None = None, report: Reporter | None = None) -> ResultSet:
    """Compute and store the results of ``call`` (see the module docstring)."""
    report = report or _noop
    report(0.02, _("Loading scores"))
    fingerprint = adapters.inputs_fingerprint(call)
    try:
        inputs = adapters.load_inputs(call, weights=weights)
    except InvalidInputError as exc:
        raise ResultsError(_("The call's configuration is invalid: %(error)s") % {"error": exc}) from exc
    if not inputs.scores:
        raise ResultsError(_("There are no submitted reviews of eligible applications to rank yet."))
    report(0.1, _("Aggregating and ranking"))

    def smaa_progress(done: int, total: int) -> None:
        report(0.1 + 0.7 * done / max(total, 1), _("Sensitivity analysis (SMAA)"))

    portfolio_error = ""
    try:
        assessment = engine.assess(inputs.scores, inputs.grid, options=inputs.options, costs=inputs.costs,
                                   funding=inputs.funding, consensus=inputs.consensus, progress=smaa_progress)
    except InfeasibleError as exc:
        portfolio_error = str(exc)
        try:
            assessment = engine.assess(inputs.scores, inputs.grid, options=inputs.options, costs=inputs.costs,
                                       consensus=inputs.consensus, progress=smaa_progress)
        except InvalidInputError as inner:
            raise ResultsError(str(inner)) from inner
    except InvalidInputError as exc:
        raise ResultsError(_("The scores cannot be assessed: %(error)s") % {"error": exc}) from exc
    report(0.82, _("Other ranking methods"))
    data = _results_data(call, inputs, assessment, portfolio_error, report)
    params = {"weights": {c.id: c.weight for c in inputs.grid.criteria}, "grid": inputs.grid.to_dict(),
              "method": inputs.options.method, "methods": adapters.ranking_methods(call),
              "aggregation": inputs.options.aggregation, "calibration": inputs.options.calibration,
              "smaa_draws": inputs.options.smaa_draws, "seed": inputs.options.seed,
              "budget": inputs.funding.budget, "constraints": call.portfolio_constraints or {},
              "custom_weights": bool(weights), "fingerprint": fingerprint}
    report(0.95, _("Saving the results"))
    with transaction.atomic():
        result = ResultSet.objects.create(call=call, job=job, params=params, data=data,
                                          inputs_digest=inputs.digest(),
                                          created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(action="asis.results.computed", actor=actor, obj=call,
                     after={"result_set": result.pk, "inputs_digest": result.inputs_digest,
                            "applications": len(data["applications"]), "method": inputs.options.method,
                            "custom_weights": bool(weights)},
                     organisation_id=call.organisation_id)
    report(1.0, _("Done"))
    return result


def _results_data(call: Call, inputs: adapters.CallInputs, assessment: engine.Assessment,
                  portfolio_error: str, report: Reporter) -> dict[str, Any]:
    grid = inputs.grid
    results = list(assessment.applications)
    eligible = [a for a in results if a.eligible]
    norm, weights = normalised_matrix(grid, [a.criterion_scores for a in eligible])
    other_ranks: dict[str, dict[str, tuple[int, float]]] = defaultdict(dict)
    for method in adapters.ranking_methods(call):
        if method == assessment.options.method or not eligible:
            continue
        scores = method_scores(norm, weights, method)
        for app, rank, score in zip(eligible, ranks_of(scores), scores, strict=True):
            other_ranks[app.id][method] = (int(rank), float(score))
    uncalibrated: dict[str, tuple[int | None, float | None]] = {}
    if assessment.options.calibration != "none":
        report(0.88, _("Ranking without calibration"))
        plain = engine.assess(inputs.scores, grid, options=replace(assessment.options, calibration="none",
                                                                   smaa_draws=0),
                              consensus=inputs.consensus)
        uncalibrated = {a.id: (a.rank, a.score) for a in plain.applications}
    port = assessment.portfolio
    greedy_selected = set(port.greedy.selected) if port else set()
    rows = []
    for app in results:
        info = inputs.applications[app.id]
        ranks = {assessment.options.method: app.rank, **{m: r for m, (r, _s) in other_ranks[app.id].items()}}
        scores = {assessment.options.method: _r(app.score, 3),
                  **{m: _r(s, 3) for m, (_r2, s) in other_ranks[app.id].items()}}
        plain_rank, plain_score = uncalibrated.get(app.id, (None, None))
        rows.append({
            "id": info.id, "reference": info.reference, "title": info.title, "organisation": info.organisation,
            "region": info.region, "country": info.country, "challenges": list(info.challenges),
            "requested": info.requested, "eligible": app.eligible, "knock_outs": list(app.knock_outs),
            "n_evaluators": app.n_evaluators, "flags": list(app.flags),
            "knock_out_details": [asdict(d) for d in app.knock_out_details],
            "flag_details": [asdict(d) for d in app.flag_details],
            "criterion_scores": {k: _r(v, 4) for k, v in app.criterion_scores.items()},
            "score": _r(app.score, 3), "rank": app.rank, "ranks": ranks, "scores": scores,
            "uncalibrated_rank": plain_rank, "uncalibrated_score": _r(plain_score, 3),
            "first_rank_probability": _r(app.first_rank_probability),
            "expected_rank": _r(app.expected_rank, 2), "funding_probability": _r(app.funding_probability),
            "selected": bool(app.selected), "fraction": _r(app.fraction),
            "decision_reason": app.decision or "", "greedy_selected": app.id in greedy_selected,
        })
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["reference"]))
    return {
        "applications": rows,
        "excluded": list(inputs.excluded),
        "criteria": [{"id": c.id, "weight": w, "min": grid.scale_of(c).minimum, "max": grid.scale_of(c).maximum,
                      "threshold": c.threshold, "label": dict(c.label)}
                     for c, w in zip(grid.criteria, grid.weights, strict=True)],
        "agreement": {"alpha": {k: _r(v) for k, v in assessment.alpha.items()},
                      "icc": {k: _r(v) for k, v in assessment.icc.items()}, "icc_note": assessment.icc_note,
                      "flagged": [r["id"] for r in rows if r["flags"]]},
        "evaluators": [{"id": e.id, "n_scored": e.n_scored, "mean_total": _r(e.mean_total, 2),
                        "leniency": _r(e.leniency, 2), "consistency": _r(e.consistency, 3),
                        "calibration_offset": _r(e.calibration_offset, 3)} for e in assessment.evaluators],
        "consensus": [{"application": a, "criterion": c, "before": _r(old, 3), "after": _r(new, 3), "reason": why}
                      for a, c, old, new, why in assessment.consensus],
        "smaa": {"draws": assessment.options.smaa_draws, "acceptance_rate": _r(assessment.smaa_acceptance_rate)},
        "portfolio": _portfolio_data(port, rows, portfolio_error, inputs.funding.budget),
        "distribution": distribution(rows),
    }


def _portfolio_data(port: portfolio.PortfolioResult | None, rows: Sequence[Mapping[str, Any]], error: str,
                    budget: float) -> dict[str, Any]:
    if port is None:
        return {"error": error or _("No portfolio was computed."), "budget": budget}
    selected, greedy = set(port.selected), set(port.greedy.selected)
    by_id = {str(r["id"]): r for r in rows}
    return {
        "error": "", "budget": budget, "status": port.status, "optimal": port.optimal,
        "objective": _r(port.objective, 3), "total_cost": _r(port.total_cost, 2), "gap": _r(port.gap, 6),
        "count": len(selected),
        "greedy": {"objective": _r(port.greedy.objective, 3), "total_cost": _r(port.greedy.total_cost, 2),
                   "feasible": port.greedy.feasible, "violated": list(port.greedy.violated),
                   "count": len(greedy)},
        "greedy_gap": _r(port.greedy_gap, 6),
        "only_optimal": sorted(by_id[i]["id"] for i in selected - greedy if i in by_id),
        "only_greedy": sorted(by_id[i]["id"] for i in greedy - selected if i in by_id),
    }


def distribution(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Requested and funded amounts (optimal portfolio) per region and per challenge."""
    out: dict[str, list[dict[str, Any]]] = {}
    for dimension in ("region", "challenge"):
        groups: dict[str, dict[str, Any]] = {}
        for row in rows:
            labels = row["challenges"] if dimension == "challenge" else [row["region"]]
            for label in labels or ["–"]:
                g = groups.setdefault(label, {"group": label, "applications": 0, "requested": 0.0,
                                              "funded_count": 0, "funded": 0.0})
                g["applications"] += 1
                g["requested"] += row["requested"]
                if row["selected"]:
                    g["funded_count"] += 1
                    g["funded"] += row["requested"] * (row["fraction"] or 1.0)
        out[dimension] = sorted(({**g, "requested": round(g["requested"], 2), "funded": round(g["funded"], 2)}
                                 for g in groups.values()), key=lambda g: (-g["requested"], g["group"]))
    return out


# --- background job ------------------------------------------------------------------------------

def results_job_start(*, actor: Any, call: Call, weights: Mapping[str, float] | None = None) -> Job:
    from asis.core.jobs import job_start

    running = running_job(call)
    if running is not None:
        return running
    return job_start(kind=JOB_KIND, owner=actor, params={"call_id": call.pk, "weights": dict(weights or {})})


def running_job(call: Call) -> Job | None:
    return (Job.objects.filter(kind=JOB_KIND, params__call_id=call.pk,
                               status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            .order_by("-created_at").first())


def last_job(call: Call) -> Job | None:
    return Job.objects.filter(kind=JOB_KIND, params__call_id=call.pk).order_by("-created_at").first()


# --- selectors -----------------------------------------------------------------------------------

def latest_result(call: Call) -> ResultSet | None:
    return ResultSet.objects.filter(call=call).order_by("-created_at", "-pk").first()


# A ResultSet never changes once stored, so its parsed JSON (megabytes for a large call) and the
# orderings derived from it are kept per process, for the few most recent result sets: the
# results page then costs two small queries instead of parsing the JSON on every request.
_DATA_CACHE: OrderedDict[tuple[int, str, str], dict[str, Any]] = OrderedDict()
_DATA_CACHE_SIZE = 8
_lock = threading.Lock()


def latest_result_cached(call: Call) -> ResultSet | None:
    """The latest ResultSet, its ``data`` from the per-process cache (treat it as read-only)."""
    result = ResultSet.objects.filter(call=call).order_by("-created_at", "-pk").defer("data").first()
    if result is None:
        return None
    key = (result.pk, result.inputs_digest, result.created_at.isoformat())
    entry = _DATA_CACHE.get(key)
    if entry is None:
        data = ResultSet.objects.filter(pk=result.pk).values_list("data", flat=True).get()
        entry = {"data": data, "derived": {}}
        with _lock:
            _DATA_CACHE[key] = entry
            while len(_DATA_CACHE) > _DATA_CACHE_SIZE:
                _DATA_CACHE.popitem(last=False)
    result.data = entry["data"]
    result._derived = entry["derived"]  # type: ignore[attr-defined]
    return result


def derived(result: ResultSet, key: str, compute: Callable[[], Any]) -> Any:
    """A value computed from ``result.data`` once per process (see :func:`latest_result_cached`)."""
    store = getattr(result, "_derived", None)
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


FINGERPRINT_SECONDS = 5


def is_stale(call: Call, result: ResultSet, *, cached: bool = False) -> bool:
    """True when scores, screening, consensus or configuration changed since ``result`` was computed.

    ``cached``: reuse the current fingerprint for a few seconds (pages under load)."""
    if not cached:
        return result.params.get("fingerprint") != adapters.inputs_fingerprint(call)
    key = f"asis.calls.fingerprint.{call.pk}.{call.updated_at.timestamp()}"
    current = cache.get(key)
    if current is None:
        current = adapters.inputs_fingerprint(call)
        cache.set(key, current, FINGERPRINT_SECONDS)
    return result.params.get("fingerprint") != current


def rows_by_method(data: Mapping[str, Any], method: str) -> list[dict[str, Any]]:
    """Applications ordered by the rank of ``method`` (knocked-out ones last)."""
    rows = list(data.get("applications", []))
    return sorted(rows, key=lambda r: (r["ranks"].get(method) is None, r["ranks"].get(method) or 0,
                                       r["reference"]))


def calibration_effect(data: Mapping[str, Any], method: str) -> list[dict[str, Any]]:
    """Rows whose rank changes with calibration, the largest moves first."""
    out = []
    for row in data.get("applications", []):
        rank, plain = row["ranks"].get(method), row.get("uncalibrated_rank")
        if rank is None or plain is None or rank == plain:
            continue
        out.append({**row, "rank_change": plain - rank})
    return sorted(out, key=lambda r: (-abs(r["rank_change"]), r["rank"]))


# --- what-if (synchronous, nothing saved) --------------------------------------------------------

def whatif(result: ResultSet, weights: Mapping[str, float], *, time_limit: float = 1.0) -> dict[str, Any]:
    """Weighted-sum ranking and portfolio of the stored aggregated scores under other weights.

    Knock-outs do not depend on weights, so the eligible set is the stored one; the score is
    ``100 * sum_j w_j x_ij / sum_j w_j`` on the normalised scores (as the engine's weighted sum).
    """
    grid = Grid.from_dict(result.params["grid"])
    grid = adapters.call_grid(_GridCall(grid), weights)
    rows = [r for r in result.data.get("applications", []) if r["eligible"]]
    if not rows:
        return {"rows": [], "portfolio": None, "error": ""}
    norm, w = normalised_matrix(grid, [r["criterion_scores"] for r in rows])
    scores = method_scores(norm, w, "weighted_sum")
    ranks = ranks_of(scores)
    stored = {r["id"]: r["ranks"].get("weighted_sum", r["rank"]) for r in rows}
    out_rows = [{"id": r["id"], "reference": r["reference"], "title": r["title"], "requested": r["requested"],
                 "score": round(float(s), 3), "rank": int(k), "stored_rank": stored[r["id"]],
                 "rank_change": (stored[r["id"]] - int(k)) if stored[r["id"]] else None,
                 "selected": False}
                for r, s, k in zip(rows, scores, ranks, strict=True)]
    out_rows.sort(key=lambda r: r["rank"])
    constraints = result.params.get("constraints") or {}
    funding = engine.FundingRules(budget=float(result.params.get("budget", 0)),
                                  groups=adapters.group_constraints(constraints),
                                  min_score=adapters._float_or_none(constraints.get("min_score")),
                                  allow_partial=bool(constraints.get("allow_partial", False)),
                                  min_fraction=float(constraints.get("min_fraction") or 1.0))
    by_id = {r["id"]: r for r in result.data["applications"]}
    candidates = [portfolio.Candidate(id=str(r["id"]), cost=float(r["requested"]), value=r["score"],
                                      groups=adapters.groups_of(adapters.ApplicationInfo(
                                          id=r["id"], reference="", title="", region=by_id[r["id"]]["region"],
                                          country=by_id[r["id"]]["country"],
                                          challenges=tuple(by_id[r["id"]]["challenges"]),
                                          requested=r["requested"], organisation="")))
                  for r in out_rows]
    try:
        port = portfolio.select(candidates, funding.budget, groups=funding.groups, min_score=funding.min_score,
                                allow_partial=funding.allow_partial, min_fraction=funding.min_fraction,
                                time_limit=time_limit, mip_rel_gap=1e-3)
    except (InfeasibleError, InvalidInputError) as exc:
        return {"rows": out_rows, "portfolio": None, "error": str(exc)}
    chosen = set(port.selected)
    stored_selected = {r["id"] for r in result.data["applications"] if r["selected"]}
    for row in out_rows:
        row["selected"] = str(row["id"]) in chosen
    return {"rows": out_rows, "error": "", "portfolio": {
        "objective": round(port.objective, 3), "total_cost": round(port.total_cost, 2), "count": len(chosen),
        "added": sorted(int(i) for i in chosen if int(i) not in stored_selected),
        "removed": sorted(i for i in stored_selected if str(i) not in chosen)}}


class _GridCall:
    """Just enough of a Call for :func:`adapters.call_grid` to re-weight a stored grid."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid.to_dict()
        self.grid_template = grid.id
