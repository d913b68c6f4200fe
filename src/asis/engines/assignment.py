"""Assigning evaluators to applications: balanced loads, no conflicts, best expertise match.

The model is a min-cost flow (Ahuja, Magnanti, Orlin, *Network Flows*, 1993, ch. 9 and 14 on
convex costs), the formulation used for reviewer assignment by the Toronto Paper Matching
System (L. Charlin, R. Zemel, "The Toronto Paper Matching System", ICML 2013 workshop)::

    source --k--> application a --1, cost c_ae--> evaluator e --slots--> sink

with binary ``x_ae`` (evaluator ``e`` reviews application ``a``)::

    minimise    W * sum_e sum_{j=1..L_e} (L0_e + j)  +  sum_{a,e} c_ae x_ae
    subject to  sum_e x_ae = k                 for every application a (exactly k evaluators)
                L_e = sum_a x_ae <= capacity_e for every evaluator e
                x_ae = 0 on a conflicted pair, x_ae = 1 on a fixed pair, 0 <= x_ae <= 1

The load term is convex and separable: the j-th application given to an evaluator costs
``L0_e + j`` (``L0_e``: load carried from elsewhere), more than the (j-1)-th, so its minimum
spreads the work as evenly as the conflicts and capacities allow (with uniform, unlimited
capacities and no conflicts, max load - min load <= 1). ``W`` exceeds the largest possible total
of the pair costs ``c_ae`` in ``[0, 1]`` (e.g. ``1 - expertise match``), so balance comes first
and expertise breaks the ties. The convex load cost is modelled with one unit "slot" arc per
load level; slots above a cut-off ``S_e`` share one overflow arc priced at the first level
beyond it, which under-prices higher loads; if the optimum uses more than one overflow unit
the cut-off is doubled and the problem solved again, otherwise the solution is exact.

The constraint matrix is a network matrix (each column one +1 and one -1 after negating the
application rows), hence totally unimodular: the LP optimum found by HiGHS's simplex is an
integral vertex, which :func:`_integral` verifies rather than assumes.

Large instances (thousands of applications times hundreds of evaluators) start from a sparse
candidate graph (the cheapest non-conflicted evaluators of each application, ties broken by a
seeded shuffle) and add columns by pricing: every left-out pair whose reduced cost
``c_ae + u_a - v_e`` (``u, v`` the duals) is negative joins, and the LP is solved again, until
none is left. The result is then optimal over the full graph (column generation, Ahuja et al.
§ 17.3). If the sparse graph admits no solution at all, it is widened (twice the candidates per
application) until it does, ending with the full graph, so sparsifying never loses feasibility.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from asis.engines._arrays import FloatArray
from asis.engines.errors import InfeasibleError, InvalidInputError

Id = Hashable
Pair = tuple[Id, Id]

_TOL = 1e-6
#: Above this many allowed pairs, start from a sparse candidate graph.
SPARSE_ABOVE = 40_000


@dataclass(frozen=True)
class EvaluatorSpec:
    """One evaluator: ``capacity`` (None: unlimited) and ``initial_load`` carried from elsewhere.

    ``initial_load`` counts applications already reviewed outside this run (e.g. complete ones);
    it shifts the load cost so the new work goes first to those with less of it.
    """

    id: Id
    capacity: int | None = None
    initial_load: int = 0


@dataclass(frozen=True)
class AssignmentResult:
    """The chosen pairs, the load of each evaluator in this run and how it was found.

    ``status`` is ``"optimal"``; ``candidate_pairs`` the number of pair columns the last LP held
    (all allowed pairs when ``sparse`` is False); ``rounds`` the number of LP solves.
    """

    pairs: tuple[Pair, ...]
    loads: Mapping[Id, int]
    status: str
    load_cost: int
    pair_cost: float
    sparse: bool
    candidate_pairs: int
    rounds: int
    fixed: int = 0
    conflicts_avoided: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def spread(self) -> int:
        """Max load - min load over the evaluators of this run."""
        values = list(self.loads.values())
        return max(values) - min(values) if values else 0

    def to_dict(self) -> dict[str, object]:
        return {
            "pairs": [[str(a), str(e)] for a, e in self.pairs],
            "loads": {str(e): n for e, n in self.loads.items()},
            "status": self.status,
            "load_cost": self.load_cost,
            "pair_cost": self.pair_cost,
            "sparse": self.sparse,
            "candidate_pairs": self.candidate_pairs,
            "rounds": self.rounds,
            "fixed": self.fixed,
            "conflicts_avoided": self.conflicts_avoided,
            "spread": self.spread,
        }


def load_cost(load: int, initial_load: int = 0) -> int:
    """Convex load cost: ``sum_{j=1..load} (initial_load + j)``."""
    return load * initial_load + load * (load + 1) // 2


def _integral(values: FloatArray) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
    """Round an LP solution that total unimodularity makes integral; refuse it otherwise."""
    rounded = np.rint(values)
    if values.size and float(np.max(np.abs(values - rounded))) > _TOL:
        raise ArithmeticError("the LP solution is not integral")
    return rounded.astype(np.int64)


def _index(ids: Sequence[Id], field_name: str) -> dict[Id, int]:
    index: dict[Id, int] = {}
    for pos, item in enumerate(ids):
        if item in index:
            raise InvalidInputError(field_name, f"duplicate id {item!r}")
        index[item] = pos
    return index


def _pairs(pairs: Iterable[Pair], apps: dict[Id, int], evals: dict[Id, int],
           field_name: str) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for a, e in pairs:
        if a not in apps:
            raise InvalidInputError(field_name, f"unknown application {a!r}")
        if e not in evals:
            raise InvalidInputError(field_name, f"unknown evaluator {e!r}")
        out.add((apps[a], evals[e]))
    return out


@dataclass
class _Problem:
    n: int
    m: int
    k: int
    allowed: np.ndarray[tuple[int, int], np.dtype[np.bool_]]
    cost: FloatArray
    fixed: set[tuple[int, int]]
    capacity: list[int | None]
    initial: list[int]
    weight: float


def assign(
    applications: Sequence[Id],
    evaluators: Sequence[EvaluatorSpec],
    k: int,
    *,
    conflicts: Iterable[Pair] = (),
    fixed: Iterable[Pair] = (),
    costs: Mapping[Pair, float] | None = None,
    seed: int = 0,
    sparse_above: int = SPARSE_ABOVE,
) -> AssignmentResult:
    """Give every application exactly ``k`` distinct, non-conflicted evaluators.

    ``conflicts``: forbidden (application, evaluator) pairs; ``fixed``: pairs that must stay
    (they count towards ``k`` and the capacities); ``costs``: a cost in ``[0, 1]`` per pair,
    lower is better (default 0). Raises :class:`InvalidInputError` on malformed input and
    :class:`InfeasibleError` naming the reason when no assignment exists.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidInputError("k", "must be a positive integer")
    apps = _index(list(applications), "applications")
    evals = _index([spec.id for spec in evaluators], "evaluators")
    n, m = len(apps), len(evals)
    capacity: list[int | None] = []
    initial: list[int] = []
    for spec in evaluators:
        if spec.capacity is not None and (isinstance(spec.capacity, bool) or spec.capacity < 0):
            raise InvalidInputError("capacity", f"evaluator {spec.id!r}: must be a non-negative integer")
        if spec.initial_load < 0:
            raise InvalidInputError("initial_load", f"evaluator {spec.id!r}: must not be negative")
        capacity.append(spec.capacity)
        initial.append(spec.initial_load)
    forbidden = _pairs(conflicts, apps, evals, "conflicts")
    fixed_idx = _pairs(fixed, apps, evals, "fixed")
    cost = np.zeros((n, m))
    for (a, e), value in (costs or {}).items():
        (i, j), = _pairs([(a, e)], apps, evals, "costs")
        if not (isinstance(value, int | float) and math.isfinite(value) and 0 <= value <= 1):
            raise InvalidInputError("costs", f"pair ({a!r}, {e!r}): must be a number in [0, 1]")
        cost[i, j] = float(value)
    if n == 0:
        return AssignmentResult((), {spec.id: 0 for spec in evaluators}, "optimal", 0, 0.0,
                                False, 0, 0)
    allowed = np.ones((n, m), dtype=bool)
    for i, j in forbidden:
        allowed[i, j] = False
    app_ids = list(apps)
    eval_ids = list(evals)
    _check_feasible(n, m, k, allowed, fixed_idx, forbidden, capacity, app_ids, eval_ids)
    problem = _Problem(n, m, k, allowed, cost, fixed_idx, capacity, initial,
                       weight=float(n * k) + 1.0)
    x, used_sparse, columns, rounds = _solve(problem, seed=seed, sparse_above=sparse_above)
    chosen = [(app_ids[i], eval_ids[j]) for i, j in x]
    loads = dict.fromkeys(eval_ids, 0)
    for _, e in chosen:
        loads[e] += 1
    return AssignmentResult(
        pairs=tuple(chosen),
        loads=loads,
        status="optimal",
        load_cost=sum(load_cost(loads[e], initial[j]) for j, e in enumerate(eval_ids)),
        pair_cost=float(sum(cost[i, j] for i, j in x)),
        sparse=used_sparse,
        candidate_pairs=columns,
        rounds=rounds,
        fixed=len(fixed_idx),
        conflicts_avoided=len(forbidden),
    )


def _check_feasible(n: int, m: int, k: int, allowed: np.ndarray[tuple[int, int], np.dtype[np.bool_]],
                    fixed: set[tuple[int, int]], forbidden: set[tuple[int, int]],
                    capacity: list[int | None], app_ids: list[Id], eval_ids: list[Id]) -> None:
    """Name the simple reasons why no assignment exists (the LP finds any other)."""
    clash = sorted(fixed & forbidden)
    if clash:
        i, j = clash[0]
        raise InfeasibleError("fixed", f"application {app_ids[i]!r} is fixed to evaluator "
                                       f"{eval_ids[j]!r}, who has a conflict of interest with it",
                              reason="fixed_conflict", params={"application": app_ids[i], "evaluator": eval_ids[j]})
    usable = np.array([c is None or c > 0 for c in capacity], dtype=bool)
    per_app = (allowed & usable[None, :]).sum(axis=1)
    short = np.flatnonzero(per_app < k)
    if short.size:
        i = int(short[0])
        raise InfeasibleError(
            "k", f"application {app_ids[i]!r} has only {int(per_app[i])} evaluators without a "
                 f"conflict of interest (and with capacity left); {k} are needed",
            reason="too_few_evaluators", params={"application": app_ids[i], "available": int(per_app[i]), "needed": k})
    fixed_per_app = np.zeros(n, dtype=np.int64)
    fixed_per_eval = np.zeros(m, dtype=np.int64)
    for i, j in fixed:
        fixed_per_app[i] += 1
        fixed_per_eval[j] += 1
    over = np.flatnonzero(fixed_per_app > k)
    if over.size:
        i = int(over[0])
        raise InfeasibleError("fixed", f"application {app_ids[i]!r} already has "
                                       f"{int(fixed_per_app[i])} fixed evaluators; only {k} are needed",
                              reason="too_many_fixed",
                              params={"application": app_ids[i], "fixed": int(fixed_per_app[i]), "needed": k})
    for j, cap in enumerate(capacity):
        if cap is not None and fixed_per_eval[j] > cap:
            raise InfeasibleError("capacity", f"evaluator {eval_ids[j]!r} has {int(fixed_per_eval[j])} "
                                              f"fixed applications, above the capacity {cap}",
                                  reason="fixed_over_capacity",
                                  params={"evaluator": eval_ids[j], "fixed": int(fixed_per_eval[j]), "capacity": cap})
    if all(c is not None for c in capacity):
        total = sum(c for c in capacity if c is not None)
        if total < k * n:
            raise InfeasibleError("capacity", f"the evaluators can take {total} applications in all; "
                                              f"{n} applications x {k} evaluators need {k * n}",
                                  reason="total_capacity", params={"capacity": total, "needed": k * n})


def _candidates(problem: _Problem, seed: int, width: int
                ) -> np.ndarray[tuple[int, int], np.dtype[np.bool_]]:
    """The ``width`` cheapest allowed evaluators of each application (seeded shuffle among
    equals), plus the fixed pairs."""
    if width >= problem.m:
        return problem.allowed.copy()
    rng = np.random.default_rng(seed)
    jitter = rng.random((problem.n, problem.m)) * 1e-3
    key = np.where(problem.allowed, problem.cost + jitter, np.inf)
    top = np.argpartition(key, width - 1, axis=1)[:, :width]
    chosen = np.zeros_like(problem.allowed)
    np.put_along_axis(chosen, top, True, axis=1)
    chosen &= problem.allowed
    for i, j in problem.fixed:
        chosen[i, j] = True
    return chosen


def _solve(problem: _Problem, *, seed: int, sparse_above: int
           ) -> tuple[list[tuple[int, int]], bool, int, int]:
    total = int(problem.allowed.sum())
    use_sparse = total > sparse_above
    width = max(4 * problem.k, 12) if use_sparse else problem.m
    columns = _candidates(problem, seed, width)
    average = math.ceil(problem.k * problem.n / problem.m)
    slots = max(2, 2 * average + 2)
    rounds = 0
    while True:
        rounds += 1
        outcome = _lp(problem, columns, slots)
        if outcome is None:
            if width < problem.m:
                # the sparse graph lost feasibility: widen it, up to the full graph
                width *= 2
                columns |= _candidates(problem, seed, width)
                continue
            raise InfeasibleError("capacity", "no assignment gives every application its evaluators "
                                              "within the capacities and conflicts of interest")
        pairs, overflow, u, v = outcome
        if overflow > 1:
            slots *= 2
            continue
        reduced = problem.cost + u[:, None] - v[None, :]
        entering = problem.allowed & ~columns & (reduced < -_TOL)
        if not entering.any():
            return pairs, use_sparse, int(columns.sum()), rounds
        columns |= entering


def _lp(problem: _Problem, columns: np.ndarray[tuple[int, int], np.dtype[np.bool_]], slots: int
        ) -> tuple[list[tuple[int, int]], int, FloatArray, FloatArray] | None:
    """Solve the restricted LP; None when infeasible. Returns pairs, overflow and the duals."""
    n, m = problem.n, problem.m
    rows_a, cols_e = np.nonzero(columns)
    n_x = rows_a.size
    w = problem.weight
    # slot columns: evaluator j gets slots 1..s_j (s_j = min(slots, capacity)) then one overflow
    slot_eval: list[int] = []
    slot_cost: list[float] = []
    slot_upper: list[float] = []
    overflow_at: list[int] = []
    for j in range(m):
        cap = problem.capacity[j]
        s_j = slots if cap is None else min(slots, cap)
        for level in range(1, s_j + 1):
            slot_eval.append(j)
            slot_cost.append(w * (problem.initial[j] + level))
            slot_upper.append(1.0)
        room = np.inf if cap is None else float(cap - s_j)
        if room > 0:
            overflow_at.append(len(slot_eval))
            slot_eval.append(j)
            slot_cost.append(w * (problem.initial[j] + s_j + 1))
            slot_upper.append(room)
    n_s = len(slot_eval)
    c = np.concatenate([problem.cost[rows_a, cols_e], np.array(slot_cost)])
    # rows 0..n-1: -sum_e x_ae = -k; rows n..n+m-1: sum_a x_ae - sum slots = 0
    data = np.concatenate([-np.ones(n_x), np.ones(n_x), -np.ones(n_s)])
    row = np.concatenate([rows_a, n + cols_e, n + np.array(slot_eval, dtype=np.int64)])
    col = np.concatenate([np.arange(n_x), np.arange(n_x), n_x + np.arange(n_s)])
    a_eq = sparse.csc_array((data, (row, col)), shape=(n + m, n_x + n_s))
    b_eq = np.concatenate([-np.full(n, float(problem.k)), np.zeros(m)])
    lower = np.zeros(n_x + n_s)
    if problem.fixed:
        is_fixed = np.zeros((n, m), dtype=bool)
        for i, j in problem.fixed:
            is_fixed[i, j] = True
        lower[:n_x] = is_fixed[rows_a, cols_e]
    upper = np.concatenate([np.ones(n_x), np.array(slot_upper)])
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=np.column_stack([lower, upper]),
                  method="highs-ds")
    if res.status == 2:
        return None
    if res.status != 0:  # pragma: no cover - HiGHS limits or numerical failure
        raise ArithmeticError(f"the assignment LP failed: {res.message}")
    x = _integral(np.asarray(res.x[:n_x], dtype=float))
    pairs = [(int(rows_a[p]), int(cols_e[p])) for p in np.flatnonzero(x)]
    s = np.asarray(res.x[n_x:], dtype=float)
    overflow_used = max((round(float(s[p])) for p in overflow_at), default=0)
    duals = np.asarray(res.eqlin.marginals, dtype=float)
    return pairs, overflow_used, duals[:n], duals[n:]
