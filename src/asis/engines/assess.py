"""The assessment pipeline: long-format scores in, per-application results out.

Steps, each one a function of its own module:

1. validate the scores against the grid (known criteria, values on the scale,
   no duplicates);
2. calibrate evaluators per criterion (none, ``standardise`` or
   ``evaluator_effects``; see :mod:`asis.engines.aggregation`), clipped to the scale;
3. aggregate across evaluators per criterion (mean, median, trimmed mean);
4. apply consensus overrides (with their reasons);
5. knock-out: an aggregated score below a criterion's threshold makes the
   application ineligible;
6. rank eligible applications across criteria (weighted sum, TOPSIS,
   PROMETHEE II, VIKOR) on scores normalised to [0, 1] per scale; the reported
   score is on 0-100, higher is better (PROMETHEE: ``50 (phi + 1)``, VIKOR:
   ``100 (1 - Q)``);
7. agreement: Krippendorff's alpha per criterion and on evaluator totals,
   ICCs, disagreement flags, evaluator report;
8. optionally SMAA (weights and evaluator bootstrap; always on the weighted sum
   of the normalised criterion scores, whatever the ranking method) and
   portfolio selection (the value maximised is the 0-100 score of step 6).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from asis.engines import aggregation, agreement, mcda, portfolio, sensitivity
from asis.engines._arrays import FloatArray, ranks_from_scores
from asis.engines.errors import InvalidInputError
from asis.engines.grids import Grid

Method = Literal["weighted_sum", "topsis", "promethee_ii", "vikor"]
Calibration = Literal["none", "standardise", "evaluator_effects"]
METHODS: tuple[str, ...] = ("weighted_sum", "topsis", "promethee_ii", "vikor")
CALIBRATIONS: tuple[str, ...] = ("none", "standardise", "evaluator_effects")


@dataclass(frozen=True)
class ScoreRecord:
    """One evaluator's score of one application on one criterion."""

    application: str
    evaluator: str
    criterion: str
    score: float


@dataclass(frozen=True)
class CostRecord:
    """The amount an application requests and its groups (region, challenge...)."""

    application: str
    cost: float
    groups: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsensusScore:
    """A panel's agreed score for one application and criterion, with its reason."""

    application: str
    criterion: str
    score: float
    reason: str


@dataclass(frozen=True)
class FundingRules:
    """Budget and constraints for :func:`asis.engines.portfolio.select`."""

    budget: float
    groups: tuple[portfolio.GroupConstraint, ...] = ()
    exclusions: tuple[tuple[str, ...], ...] = ()
    min_score: float | None = None
    allow_partial: bool = False
    min_fraction: float = 1.0
    time_limit: float = 10.0
    mip_rel_gap: float = 1e-4


@dataclass(frozen=True)
class AssessOptions:
    """How to calibrate, aggregate and rank; SMAA runs when ``smaa_draws`` > 0."""

    method: Method = "weighted_sum"
    aggregation: aggregation.Aggregation = "mean"
    trim: float = 0.2
    calibration: Calibration = "none"
    spread_threshold: float = 20.0
    smaa_draws: int = 0
    weight_spread: float | None = None
    bootstrap_evaluators: bool = False
    seed: int = 0


@dataclass(frozen=True)
class ApplicationResult:
    """Everything computed for one application (scores 0-100 unless on the criterion scale)."""

    id: str
    criterion_scores: Mapping[str, float]
    score: float | None
    rank: int | None
    eligible: bool
    knock_outs: tuple[str, ...]
    n_evaluators: int
    flags: tuple[str, ...]
    first_rank_probability: float | None = None
    expected_rank: float | None = None
    funding_probability: float | None = None
    selected: bool | None = None
    fraction: float | None = None
    decision: str | None = None
    # The same facts as ``knock_outs`` and ``flags``, structured so that a caller can say them
    # in its reader's language with its own names for criteria and evaluators.
    knock_out_details: tuple[KnockOut, ...] = ()
    flag_details: tuple[FlagDetail, ...] = ()


@dataclass(frozen=True)
class KnockOut:
    """Criterion ``criterion`` scored ``score`` (aggregated), below its minimum ``threshold``."""

    criterion: str
    threshold: float
    score: float


@dataclass(frozen=True)
class FlagDetail:
    """Why evaluators are said to disagree: ``kind`` "spread" (``value`` points between the
    highest and lowest total, above ``threshold``) or "outlier" (``evaluator`` is ``value``
    points from the others' median)."""

    kind: str
    value: float
    threshold: float | None = None
    evaluator: str | None = None


@dataclass(frozen=True)
class EvaluatorResult:
    """Leniency (points on 0-100 totals), consistency and mean calibration offset."""

    id: str
    n_scored: int
    mean_total: float
    leniency: float
    consistency: float
    calibration_offset: float


@dataclass(frozen=True)
class Assessment:
    """The full result; :meth:`to_dict` gives a JSON-ready dictionary."""

    grid: str
    grid_version: str
    options: AssessOptions
    applications: tuple[ApplicationResult, ...]
    evaluators: tuple[EvaluatorResult, ...]
    alpha: Mapping[str, float | None]
    icc: Mapping[str, float]
    icc_note: str
    consensus: tuple[tuple[str, str, float, float, str], ...]
    portfolio: portfolio.PortfolioResult | None
    smaa_acceptance_rate: float | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["applications"] = [asdict(a) for a in self.applications]
        result: dict[str, Any] = _jsonable(data)
        return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float | np.floating):
        return round(float(value), 6) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _index(scores: Sequence[ScoreRecord], grid: Grid) -> tuple[list[str], list[str], FloatArray]:
    """Evaluators x applications x criteria tensor (NaN missing), validated against the grid."""
    if not scores:
        raise InvalidInputError("scores", "no scores given")
    crit_pos = {c: k for k, c in enumerate(grid.criterion_ids)}
    apps: dict[str, int] = {}
    evals: dict[str, int] = {}
    for k, rec in enumerate(scores):
        if rec.criterion not in crit_pos:
            raise InvalidInputError(
                f"scores[{k}].criterion", f"unknown criterion {rec.criterion!r}"
            )
        if not rec.application or not rec.evaluator:
            raise InvalidInputError(f"scores[{k}]", "application and evaluator must not be empty")
        apps.setdefault(rec.application, len(apps))
        evals.setdefault(rec.evaluator, len(evals))
    tensor = np.full((len(evals), len(apps), len(crit_pos)), np.nan)
    for k, rec in enumerate(scores):
        crit = grid.criteria[crit_pos[rec.criterion]]
        scale = grid.scale_of(crit)
        if not np.isfinite(rec.score):
            raise InvalidInputError(
                f"scores[{k}].score", "must be a number (missing scores are simply left out)"
            )
        if not scale.minimum <= rec.score <= scale.maximum:
            raise InvalidInputError(
                f"scores[{k}].score",
                f"{rec.score:g} is outside the scale {scale.minimum}-{scale.maximum} of {crit.id!r}",
            )
        pos = (evals[rec.evaluator], apps[rec.application], crit_pos[rec.criterion])
        if not np.isnan(tensor[pos]):
            raise InvalidInputError(
                f"scores[{k}]",
                f"duplicate score by {rec.evaluator!r} for {rec.application!r} on {rec.criterion!r}",
            )
        tensor[pos] = rec.score
    return list(apps), list(evals), tensor


def _calibrate(tensor: FloatArray, grid: Grid, method: str) -> tuple[FloatArray, FloatArray]:
    """Calibrated tensor and per-evaluator offsets (evaluators x criteria)."""
    out = tensor.copy()
    offsets = np.zeros((tensor.shape[0], tensor.shape[2]))
    if method == "none":
        return out, offsets
    for c, crit in enumerate(grid.criteria):
        scale = grid.scale_of(crit)
        if scale.kind == "pass_fail" or np.isnan(tensor[:, :, c]).all():
            continue
        if method == "standardise":
            res = aggregation.standardise(tensor[:, :, c])
            adjusted, offsets[:, c] = res.adjusted, res.offset
        else:
            eff = aggregation.evaluator_effects(tensor[:, :, c])
            adjusted, offsets[:, c] = eff.adjusted, eff.evaluator_effects
        out[:, :, c] = np.clip(adjusted, scale.minimum, scale.maximum)
    return out, offsets


def assess(
    scores: Sequence[ScoreRecord],
    grid: Grid,
    *,
    options: AssessOptions | None = None,
    costs: Sequence[CostRecord] = (),
    funding: FundingRules | None = None,
    consensus: Sequence[ConsensusScore] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Assessment:
    """Run the pipeline described in the module docstring."""
    opts = options or AssessOptions()
    if opts.method not in METHODS:
        raise InvalidInputError("method", f"must be one of {', '.join(METHODS)}")
    if opts.calibration not in CALIBRATIONS:
        raise InvalidInputError("calibration", f"must be one of {', '.join(CALIBRATIONS)}")
    apps, evals, raw = _index(scores, grid)
    calibrated, offsets = _calibrate(raw, grid, opts.calibration)
    n_apps, n_crit = raw.shape[1], raw.shape[2]
    agg = np.empty((n_apps, n_crit))
    counts = np.zeros(n_apps, dtype=int)
    for c in range(n_crit):
        res = aggregation.aggregate(calibrated[:, :, c], opts.aggregation, trim=opts.trim)
        agg[:, c] = res.values
        counts = np.maximum(counts, res.counts)
    app_pos = {a: i for i, a in enumerate(apps)}
    crit_pos = {c: k for k, c in enumerate(grid.criterion_ids)}
    applied: list[tuple[str, str, float, float, str]] = []
    for k, item in enumerate(consensus):
        if item.application not in app_pos:
            raise InvalidInputError(
                f"consensus[{k}].application", f"unknown application {item.application!r}"
            )
        if item.criterion not in crit_pos:
            raise InvalidInputError(
                f"consensus[{k}].criterion", f"unknown criterion {item.criterion!r}"
            )
        column = agg[:, crit_pos[item.criterion]]
        override = aggregation.ConsensusOverride(app_pos[item.application], item.score, item.reason)
        done = aggregation.apply_consensus(column, [override])
        agg[:, crit_pos[item.criterion]] = done.values
        _, old, new, reason = done.applied[0]
        applied.append((item.application, item.criterion, old, new, reason))
    missing = np.argwhere(np.isnan(agg))
    if missing.shape[0]:
        a, c = missing[0]
        raise InvalidInputError(
            "scores", f"application {apps[a]!r} has no score on criterion {grid.criterion_ids[c]!r}"
        )
    lows = np.array([grid.scale_of(c).minimum for c in grid.criteria], dtype=float)
    highs = np.array([grid.scale_of(c).maximum for c in grid.criteria], dtype=float)
    knock_details = [
        tuple(
            KnockOut(c.id, float(c.threshold), float(agg[i, k]))
            for k, c in enumerate(grid.criteria)
            if c.threshold is not None and agg[i, k] < c.threshold
        )
        for i in range(n_apps)
    ]
    knock = [tuple(f"{d.criterion} below minimum {d.threshold:g}" for d in ds) for ds in knock_details]
    eligible = np.array([not k for k in knock])
    weights = np.array(grid.weights)
    active = weights > 0
    norm = (agg - lows) / (highs - lows)
    scores_out = np.full(n_apps, np.nan)
    ranks_out = np.zeros(n_apps, dtype=int)
    elig_idx = np.flatnonzero(eligible)
    if elig_idx.shape[0]:
        x = norm[np.ix_(elig_idx, np.flatnonzero(active))]
        w = weights[active]
        scores_out[elig_idx] = method_scores(x, w, opts.method)
        ranks_out[elig_idx] = ranks_from_scores(scores_out[elig_idx])[1]
    totals = _evaluator_totals(raw, lows, highs, weights)
    alpha = {
        c.id: _alpha_or_none(
            raw[:, :, k], "nominal" if grid.scale_of(c).kind == "pass_fail" else "interval"
        )
        for k, c in enumerate(grid.criteria)
    }
    alpha["total"] = _alpha_or_none(totals, "interval")
    icc_values, icc_note = _icc_summary(totals)
    flag_details = {
        f.application: _flag_details(f, evals, opts.spread_threshold)
        for f in agreement.disagreement_flags(totals, spread_threshold=opts.spread_threshold)
    }
    flags = {i: tuple(_flag_reason(d) for d in ds) for i, ds in flag_details.items()}
    report = agreement.evaluator_report(totals)
    range_w = (highs - lows) * np.where(weights > 0, 1, 0)
    evaluators = tuple(
        EvaluatorResult(
            id=evals[r.evaluator],
            n_scored=r.n_scored,
            mean_total=r.mean,
            leniency=r.leniency,
            consistency=r.consistency,
            calibration_offset=float(np.mean(offsets[r.evaluator][range_w > 0]))
            if (range_w > 0).any()
            else 0.0,
        )
        for r in report
    )
    smaa_res, acceptance = None, None
    cost_map = _costs(costs, app_pos) if funding is not None or costs else {}
    if opts.smaa_draws > 0 and elig_idx.shape[0] > 0:
        smaa_res = _run_smaa(
            opts,
            norm,
            calibrated,
            lows,
            highs,
            active,
            weights,
            elig_idx,
            cost_map,
            apps,
            funding,
            progress,
        )
        acceptance = smaa_res.acceptance_rate
    port = None
    if funding is not None:
        port = _run_portfolio(apps, scores_out, eligible, knock, cost_map, funding)
    results = []
    decisions = {d.id: d for d in port.decisions} if port else {}
    for i, app in enumerate(apps):
        pos = int(np.searchsorted(elig_idx, i))
        in_smaa = smaa_res is not None and eligible[i]
        decision = decisions.get(app)
        results.append(
            ApplicationResult(
                id=app,
                criterion_scores={c: float(agg[i, k]) for k, c in enumerate(grid.criterion_ids)},
                score=float(scores_out[i]) if eligible[i] else None,
                rank=int(ranks_out[i]) if eligible[i] else None,
                eligible=bool(eligible[i]),
                knock_outs=knock[i],
                n_evaluators=int(counts[i]),
                flags=flags.get(i, ()),
                knock_out_details=knock_details[i],
                flag_details=flag_details.get(i, ()),
                first_rank_probability=float(smaa_res.rank_acceptability[pos, 0])
                if in_smaa and smaa_res
                else None,
                expected_rank=float(smaa_res.expected_rank[pos]) if in_smaa and smaa_res else None,
                funding_probability=float(smaa_res.funding_probability[pos])
                if in_smaa and smaa_res and smaa_res.funding_probability is not None
                else None,
                selected=decision.selected if decision else None,
                fraction=decision.fraction if decision else None,
                decision=decision.reason if decision else None,
            )
        )
    return Assessment(
        grid=grid.id,
        grid_version=grid.version,
        options=opts,
        applications=tuple(results),
        evaluators=evaluators,
        alpha=alpha,
        icc=icc_values,
        icc_note=icc_note,
        consensus=tuple(applied),
        portfolio=port,
        smaa_acceptance_rate=acceptance,
    )


def _flag_details(
    flag: agreement.DisagreementFlag, evals: Sequence[str], threshold: float
) -> tuple[FlagDetail, ...]:
    details = []
    if flag.spread > threshold:
        details.append(FlagDetail("spread", float(flag.spread), threshold=threshold))
    if flag.outlier is not None:
        details.append(FlagDetail("outlier", float(flag.outlier_distance), evaluator=evals[flag.outlier]))
    return tuple(details)


def _flag_reason(detail: FlagDetail) -> str:
    if detail.kind == "spread":
        return f"spread {detail.value:.1f} points above {detail.threshold:g}"
    return f"evaluator {detail.evaluator} is {detail.value:.1f} points from the other evaluators' median"


def method_scores(x: FloatArray, w: FloatArray, method: str) -> FloatArray:
    """0-100 scores of one ranking method on normalised criterion scores ``x`` (applications x
    criteria, in [0, 1]) with weights ``w``; higher is better (PROMETHEE II: ``50 (phi + 1)``,
    VIKOR: ``100 (1 - Q)``)."""
    if method == "weighted_sum":
        return 100.0 * mcda.weighted_sum(x, w).scores
    if method == "topsis":
        return 100.0 * mcda.topsis(x, w, None).scores
    if method == "promethee_ii":
        return 50.0 * (mcda.promethee_ii(x, w, None).net_flow + 1.0)
    return 100.0 * (1.0 - mcda.vikor(x, w, None).q)


def _evaluator_totals(
    raw: FloatArray, lows: FloatArray, highs: FloatArray, weights: FloatArray
) -> FloatArray:
    """Each evaluator's weighted 0-100 total per application (NaN unless all weighted criteria scored)."""
    norm = (raw - lows) / (highs - lows)
    active = weights > 0
    w = weights[active] / weights[active].sum()
    result: FloatArray = 100.0 * np.einsum("eac,c->ea", norm[:, :, active], w)
    return result


def _alpha_or_none(data: FloatArray, level: agreement.Level) -> float | None:
    try:
        res = agreement.krippendorff_alpha(data, level)
    except InvalidInputError:
        return None
    return res.alpha if res.defined else None


def _icc_summary(totals: FloatArray) -> tuple[dict[str, float], str]:
    observed = ~np.isnan(totals)
    per_app = observed.sum(axis=0)
    try:
        if observed.all():
            res = agreement.icc(totals.T)
            return {f.name: f.value for f in res.forms}, "complete design: all six forms"
        k = int(per_app.min())
        if k < 2:
            return {}, "not computed: some applications have fewer than two complete evaluations"
        slots = np.array([totals[observed[:, a], a][:k] for a in range(totals.shape[1])])
        res = agreement.icc(slots)
    except InvalidInputError as exc:
        return {}, f"not computed: {exc.message}"
    return (
        {"ICC(1,1)": res["ICC(1,1)"].value, "ICC(1,k)": res["ICC(1,k)"].value},
        f"incomplete design: one-way forms only, on the first {k} evaluators of each application",
    )


def _costs(costs: Sequence[CostRecord], app_pos: Mapping[str, int]) -> dict[str, CostRecord]:
    out: dict[str, CostRecord] = {}
    for k, rec in enumerate(costs):
        if rec.application in out:
            raise InvalidInputError(
                f"costs[{k}].application", f"duplicate application {rec.application!r}"
            )
        if rec.application not in app_pos:
            raise InvalidInputError(
                f"costs[{k}].application", f"no scores for application {rec.application!r}"
            )
        if not np.isfinite(rec.cost) or rec.cost < 0:
            raise InvalidInputError(f"costs[{k}].cost", "must be a non-negative number")
        out[rec.application] = rec
    lacking = [a for a in app_pos if a not in out]
    if lacking:
        raise InvalidInputError("costs", f"no cost for application {lacking[0]!r}")
    return out


def _run_smaa(
    opts: AssessOptions,
    norm: FloatArray,
    calibrated: FloatArray,
    lows: FloatArray,
    highs: FloatArray,
    active: np.ndarray,
    weights: FloatArray,
    elig_idx: np.ndarray,
    cost_map: Mapping[str, CostRecord],
    apps: Sequence[str],
    funding: FundingRules | None,
    progress: Callable[[int, int], None] | None,
) -> sensitivity.SMAAResult:
    cols = np.flatnonzero(active)
    x = norm[np.ix_(elig_idx, cols)]
    w = weights[active]
    bounds = (
        None if opts.weight_spread is None else sensitivity.bounds_around(w, opts.weight_spread)
    )
    boot = None
    if opts.bootstrap_evaluators:
        boot = ((calibrated - lows) / (highs - lows))[:, elig_idx][:, :, cols]
    cost_arr, budget = None, None
    if funding is not None:
        cost_arr = np.array([cost_map[apps[i]].cost for i in elig_idx])
        budget = funding.budget
    return sensitivity.smaa(
        x,
        weights=w,
        bounds=bounds,
        evaluator_scores=boot,
        costs=cost_arr,
        budget=budget,
        n_draws=opts.smaa_draws,
        seed=opts.seed,
        progress=progress,
    )


def _run_portfolio(
    apps: Sequence[str],
    scores: FloatArray,
    eligible: np.ndarray,
    knock: Sequence[tuple[str, ...]],
    cost_map: Mapping[str, CostRecord],
    funding: FundingRules,
) -> portfolio.PortfolioResult:
    candidates = [
        portfolio.Candidate(
            id=app,
            cost=cost_map[app].cost,
            value=float(scores[i]) if eligible[i] else 0.0,
            groups=cost_map[app].groups,
            eligible=bool(eligible[i]),
            reason="; ".join(knock[i]),
        )
        for i, app in enumerate(apps)
    ]
    return portfolio.select(
        candidates,
        funding.budget,
        groups=funding.groups,
        exclusions=funding.exclusions,
        min_score=funding.min_score,
        allow_partial=funding.allow_partial,
        min_fraction=funding.min_fraction,
        time_limit=funding.time_limit,
        mip_rel_gap=funding.mip_rel_gap,
    )
