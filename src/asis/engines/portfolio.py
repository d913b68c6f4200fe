"""Choosing which applications to fund: an exact MILP beside the greedy rule.

The model (binary ``y_i``: funded; with partial funding also a fraction
``f_i`` in ``[min_fraction y_i, y_i]``, otherwise ``f_i = y_i``)::

    maximise    sum_i v_i f_i
    subject to  sum_i c_i f_i <= B                                  (budget)
                y_i = 0 for ineligible i or v_i below the threshold
                sum_{i in X} y_i <= 1 for each mutually exclusive set X
                lo_g <= sum_{i in g} y_i <= hi_g                    (counts)
                s_lo sum_i c_i f_i <= sum_{i in g} c_i f_i <= s_hi sum_i c_i f_i  (shares)

solved with HiGHS through :func:`scipy.optimize.milp`. ``v_i`` is the score
(or any expected impact the caller computes). Greedy-by-ratio takes
applications by decreasing ``v_i / c_i`` while they fit, respecting exclusions
and caps; it cannot promise minimums, and the gap to the MILP shows what the
simple rule loses.

Reference: H. Kellerer, U. Pferschy, D. Pisinger, *Knapsack Problems*,
Springer, 2004 (greedy and exact knapsack); Q. Huangfu, J. A. J. Hall,
"Parallelizing the dual revised simplex method", Math. Prog. Comp. 10, 2018 (HiGHS).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from asis.engines._arrays import FloatArray
from asis.engines.errors import InfeasibleError, InvalidInputError

_TOL = 1e-6


@dataclass(frozen=True)
class Candidate:
    """One application: ``value`` to maximise, ``cost`` requested, group labels by dimension.

    ``eligible`` False (with ``reason``) keeps it out, e.g. after a knock-out criterion.
    """

    id: str
    cost: float
    value: float
    groups: Mapping[str, str] = field(default_factory=dict)
    eligible: bool = True
    reason: str = ""


@dataclass(frozen=True)
class GroupConstraint:
    """Limits for one group (e.g. dimension "region", group "AT21").

    Counts bound the number funded; shares bound the group's part of the total
    amount awarded (0.3 means 30 %).
    """

    dimension: str
    group: str
    min_count: int | None = None
    max_count: int | None = None
    min_share: float | None = None
    max_share: float | None = None

    @property
    def name(self) -> str:
        return f"group {self.dimension}={self.group}"


@dataclass(frozen=True)
class Decision:
    """Why an application is in or out."""

    id: str
    selected: bool
    fraction: float
    reason: str


@dataclass(frozen=True)
class GreedyResult:
    """The greedy-by-ratio selection and whether it meets every constraint."""

    selected: tuple[str, ...]
    objective: float
    total_cost: float
    feasible: bool
    violated: tuple[str, ...]


@dataclass(frozen=True)
class PortfolioResult:
    """Exact selection; ``gap`` is HiGHS's proven relative gap (0 when optimal)."""

    status: str
    optimal: bool
    objective: float
    dual_bound: float
    gap: float
    selected: tuple[str, ...]
    fractions: Mapping[str, float]
    total_cost: float
    decisions: tuple[Decision, ...]
    greedy: GreedyResult
    greedy_gap: float


def _validate(
    candidates: Sequence[Candidate],
    budget: float,
    groups: Sequence[GroupConstraint],
    exclusions: Sequence[Sequence[str]],
    min_fraction: float,
) -> dict[str, int]:
    if not candidates:
        raise InvalidInputError("candidates", "must not be empty")
    index: dict[str, int] = {}
    for k, cand in enumerate(candidates):
        if cand.id in index:
            raise InvalidInputError(f"candidates[{k}].id", f"duplicate id {cand.id!r}")
        if not np.isfinite(cand.cost) or cand.cost < 0:
            raise InvalidInputError(f"candidates[{k}].cost", "must be a non-negative number")
        if not np.isfinite(cand.value):
            raise InvalidInputError(f"candidates[{k}].value", "must be a finite number")
        index[cand.id] = k
    if not np.isfinite(budget) or budget < 0:
        raise InvalidInputError("budget", "must be a non-negative number")
    for k, g in enumerate(groups):
        for name in ("min_count", "max_count"):
            val = getattr(g, name)
            if val is not None and val < 0:
                raise InvalidInputError(f"groups[{k}].{name}", "must not be negative")
        for name in ("min_share", "max_share"):
            val = getattr(g, name)
            if val is not None and not 0.0 <= val <= 1.0:
                raise InvalidInputError(f"groups[{k}].{name}", "must lie in [0, 1]")
    for k, ex in enumerate(exclusions):
        for item in ex:
            if item not in index:
                raise InvalidInputError(f"exclusions[{k}]", f"unknown application {item!r}")
    if not 0.0 < min_fraction <= 1.0:
        raise InvalidInputError("min_fraction", "must lie in (0, 1]")
    return index


def _members(candidates: Sequence[Candidate], g: GroupConstraint) -> FloatArray:
    return np.array([c.groups.get(g.dimension) == g.group for c in candidates], dtype=np.float64)


def _solve(
    candidates: Sequence[Candidate],
    budget: float,
    groups: Sequence[GroupConstraint],
    exclusion_rows: Sequence[Sequence[int]],
    allowed: np.ndarray,
    partial: bool,
    min_fraction: float,
    time_limit: float,
    mip_rel_gap: float,
) -> tuple[int, object]:
    n = len(candidates)
    cost = np.array([c.cost for c in candidates])
    value = np.array([c.value for c in candidates])
    n_var = 2 * n if partial else n
    # variables: y (binary) then, with partial funding, f (continuous)
    fvar = slice(n, 2 * n) if partial else slice(0, n)
    rows: list[sparse.csr_matrix] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(coef_y: FloatArray | None, coef_f: FloatArray | None, low: float, high: float) -> None:
        row = np.zeros(n_var)
        if coef_y is not None:
            row[:n] += coef_y
        if coef_f is not None:
            row[fvar] += coef_f
        rows.append(sparse.csr_matrix(row))
        lo.append(low)
        hi.append(high)

    add(None, cost, -np.inf, budget)
    for members in exclusion_rows:
        coef = np.zeros(n)
        coef[list(members)] = 1.0
        add(coef, None, -np.inf, 1.0)
    for g in groups:
        member = _members(candidates, g)
        if g.min_count is not None or g.max_count is not None:
            add(
                member,
                None,
                -np.inf if g.min_count is None else float(g.min_count),
                np.inf if g.max_count is None else float(g.max_count),
            )
        if g.min_share is not None:
            add(None, cost * member - g.min_share * cost, 0.0, np.inf)
        if g.max_share is not None:
            add(None, cost * member - g.max_share * cost, -np.inf, 0.0)
    if partial:
        eye = sparse.identity(n, format="csr")
        link = sparse.hstack([eye, -eye]).tocsr()  # y - f >= 0
        floor = sparse.hstack([-min_fraction * eye, eye]).tocsr()  # f - m y >= 0
        a = sparse.vstack([*rows, link, floor]).tocsr()
        lo += [0.0] * (2 * n)
        hi += [np.inf] * (2 * n)
        objective = np.concatenate([np.zeros(n), -value])
        integrality = np.concatenate([np.ones(n), np.zeros(n)])
        upper = np.concatenate([allowed, allowed]).astype(np.float64)
    else:
        a = sparse.vstack(rows).tocsr()
        objective = -value
        integrality = np.ones(n)
        upper = allowed.astype(np.float64)
    res = milp(
        objective,
        constraints=LinearConstraint(a, np.array(lo), np.array(hi)),
        integrality=integrality,
        bounds=Bounds(np.zeros(n_var), upper),
        options={"time_limit": time_limit, "mip_rel_gap": mip_rel_gap, "disp": False},
    )
    return int(res.status), res


def select(
    candidates: Sequence[Candidate],
    budget: float,
    *,
    groups: Sequence[GroupConstraint] = (),
    exclusions: Sequence[Sequence[str]] = (),
    min_score: float | None = None,
    allow_partial: bool = False,
    min_fraction: float = 1.0,
    time_limit: float = 10.0,
    mip_rel_gap: float = 1e-4,
) -> PortfolioResult:
    """Select the applications that maximise total value within the budget.

    See the module docstring for the model. ``exclusions`` lists sets of ids of
    which at most one may be funded; ``min_score`` excludes candidates whose
    value is below it; ``allow_partial`` funds a fraction in ``[min_fraction, 1]``.
    HiGHS stops at ``time_limit`` seconds or when the proven relative gap is
    below ``mip_rel_gap``; ``status`` and ``gap`` report how far it got.
    Infeasible constraints raise :class:`InfeasibleError` naming the constraint
    that cannot be met together with the budget.
    """
    index = _validate(candidates, budget, groups, exclusions, min_fraction)
    allowed = np.array(
        [c.eligible and (min_score is None or c.value >= min_score) for c in candidates]
    )
    exclusion_rows = [[index[i] for i in ex] for ex in exclusions]
    partial = allow_partial
    status, res = _solve(
        candidates, budget, groups, exclusion_rows, allowed, partial, min_fraction,
        time_limit, mip_rel_gap,
    )  # fmt: skip
    if status == 2:
        raise _diagnose(candidates, budget, groups, exclusion_rows, allowed, partial, min_fraction)
    x = getattr(res, "x", None)
    if x is None:
        raise InfeasibleError("time_limit", "no feasible selection found within the time limit")
    n = len(candidates)
    y = np.round(x[:n]).astype(bool)
    frac = np.clip(x[n:], 0.0, 1.0) if partial else y.astype(np.float64)
    frac = np.where(y, frac, 0.0)
    value = np.array([c.value for c in candidates])
    cost = np.array([c.cost for c in candidates])
    objective = float(value @ frac)
    dual = getattr(res, "mip_dual_bound", None)
    dual_bound = -float(dual) if dual is not None and np.isfinite(dual) else objective
    gap_raw = getattr(res, "mip_gap", None)
    gap = float(gap_raw) if gap_raw is not None and np.isfinite(gap_raw) else 0.0
    optimal = status == 0
    greedy = _greedy(candidates, budget, groups, exclusion_rows, allowed)
    if greedy.feasible and greedy.objective > objective + _TOL:
        # HiGHS stopped within mip_rel_gap (or the time limit) at a selection the feasible
        # greedy one beats: keep the better incumbent and recompute the proven gap.
        chosen = set(greedy.selected)
        y = np.array([c.id in chosen for c in candidates])
        frac = y.astype(np.float64)
        objective = greedy.objective
        gap = max(dual_bound - objective, 0.0) / abs(dual_bound) if dual_bound else 0.0
    greedy_gap = (objective - greedy.objective) / abs(objective) if objective else 0.0
    decisions = _explain(candidates, budget, groups, exclusion_rows, allowed, y, frac, min_score)
    return PortfolioResult(
        status="optimal" if optimal else "time limit reached",
        optimal=optimal,
        objective=objective,
        dual_bound=dual_bound,
        gap=0.0 if optimal and gap < 0 else gap,
        selected=tuple(candidates[int(i)].id for i in np.flatnonzero(y)),
        fractions={candidates[int(i)].id: float(frac[i]) for i in np.flatnonzero(y)},
        total_cost=float(cost @ frac),
        decisions=decisions,
        greedy=greedy,
        greedy_gap=float(greedy_gap),
    )


def _diagnose(
    candidates: Sequence[Candidate],
    budget: float,
    groups: Sequence[GroupConstraint],
    exclusion_rows: Sequence[Sequence[int]],
    allowed: np.ndarray,
    partial: bool,
    min_fraction: float,
) -> InfeasibleError:
    """Find a constraint that cannot hold with the budget, exclusions and thresholds."""
    for g in groups:
        status, _ = _solve(
            candidates, budget, [g], exclusion_rows, allowed, partial, min_fraction, 10.0, 1e-4
        )
        if status == 2:
            return InfeasibleError(
                g.name, "cannot be met within the budget by the eligible applications"
            )
    names = ", ".join(g.name for g in groups)
    return InfeasibleError("groups", f"each holds alone but not all together: {names}")


def _group_state(
    candidates: Sequence[Candidate], groups: Sequence[GroupConstraint]
) -> list[FloatArray]:
    return [_members(candidates, g) for g in groups]


def _violations(
    candidates: Sequence[Candidate],
    groups: Sequence[GroupConstraint],
    members: list[FloatArray],
    frac: FloatArray,
) -> tuple[str, ...]:
    cost = np.array([c.cost for c in candidates])
    total = float(cost @ frac)
    chosen = (frac > 0).astype(np.float64)
    bad: list[str] = []  # greedy respects count caps by construction, so they are not checked
    for g, member in zip(groups, members, strict=True):
        count = float(member @ chosen)
        amount = float((cost * member) @ frac)
        if g.min_count is not None and count < g.min_count:
            bad.append(f"{g.name} min_count")
        if g.min_share is not None and amount < g.min_share * total - _TOL:
            bad.append(f"{g.name} min_share")
        if g.max_share is not None and amount > g.max_share * total + _TOL:
            bad.append(f"{g.name} max_share")
    return tuple(bad)


def _greedy(
    candidates: Sequence[Candidate],
    budget: float,
    groups: Sequence[GroupConstraint],
    exclusion_rows: Sequence[Sequence[int]],
    allowed: np.ndarray,
) -> GreedyResult:
    """Take candidates by decreasing value per cost while they fit (zero cost first)."""
    n = len(candidates)
    cost = np.array([c.cost for c in candidates])
    value = np.array([c.value for c in candidates])
    ratio = np.where(cost > 0, value / np.where(cost > 0, cost, 1.0), np.inf)
    order = np.lexsort((np.arange(n), -value, -ratio))
    members = _group_state(candidates, groups)
    counts = [0.0] * len(groups)
    chosen = np.zeros(n)
    spent = 0.0
    blocked = np.zeros(n, dtype=bool)
    for i in order:
        if not allowed[i] or blocked[i] or value[i] <= 0 or spent + cost[i] > budget + _TOL:
            continue
        if any(
            g.max_count is not None and members[k][i] and counts[k] + 1 > g.max_count
            for k, g in enumerate(groups)
        ):
            continue
        chosen[i] = 1.0
        spent += cost[i]
        for k in range(len(groups)):
            counts[k] += members[k][i]
        for row in exclusion_rows:
            if i in row:
                blocked[list(row)] = True
    violated = _violations(candidates, groups, members, chosen)
    return GreedyResult(
        selected=tuple(candidates[int(i)].id for i in np.flatnonzero(chosen)),
        objective=float(value @ chosen),
        total_cost=spent,
        feasible=not violated,
        violated=violated,
    )


def _explain(
    candidates: Sequence[Candidate],
    budget: float,
    groups: Sequence[GroupConstraint],
    exclusion_rows: Sequence[Sequence[int]],
    allowed: np.ndarray,
    y: np.ndarray,
    frac: FloatArray,
    min_score: float | None,
) -> tuple[Decision, ...]:
    cost = np.array([c.cost for c in candidates])
    remaining = budget - float(cost @ frac)
    members = _group_state(candidates, groups)
    chosen = y.astype(np.float64)
    out: list[Decision] = []
    for i, cand in enumerate(candidates):
        if y[i]:
            reason = "selected" if frac[i] >= 1.0 - _TOL else f"selected, funded at {frac[i]:.0%}"
            out.append(Decision(cand.id, True, float(frac[i]), reason))
            continue
        if not cand.eligible:
            reason = cand.reason or "not eligible"
        elif not allowed[i]:
            reason = f"below threshold ({cand.value:g} < {min_score:g})"
        else:
            rivals = [
                candidates[j].id
                for row in exclusion_rows
                if i in row
                for j in row
                if y[j] and j != i
            ]
            caps = [
                g.name
                for k, g in enumerate(groups)
                if members[k][i]
                and g.max_count is not None
                and float(members[k] @ chosen) + 1 > g.max_count
            ]
            if rivals:
                reason = f"excluded by mutual exclusion with {rivals[0]}"
            elif caps:
                reason = f"group cap reached ({caps[0]})"
            elif cost[i] > remaining + _TOL:
                reason = "budget exhausted"
            else:
                reason = "not selected: the best combination within the constraints leaves it out"
        out.append(Decision(cand.id, False, 0.0, reason))
    return tuple(out)
