"""Tests of the evaluator assignment engine: oracles on tiny instances, properties, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asis.engines.assignment import (
    AssignmentResult,
    EvaluatorSpec,
    _integral,
    assign,
    load_cost,
)
from asis.engines.errors import InfeasibleError, InvalidInputError


def brute_force(n, specs, k, conflicts=(), fixed=(), costs=None):
    """Lexicographic optimum (load cost, pair cost) by enumerating every k-subset per app."""
    costs = costs or {}
    m = len(specs)
    options = []
    for a in range(n):
        subsets = [s for s in itertools.combinations(range(m), k)
                   if not any((a, specs[e].id) in conflicts for e in s)
                   and all(specs[e].id in [specs[x].id for x in s] for (fa, fe_id) in fixed if fa == a
                           for e in [next(j for j, sp in enumerate(specs) if sp.id == fe_id)])]
        options.append(subsets)
    best = None
    for combo in itertools.product(*options):
        loads = [0] * m
        for s in combo:
            for e in s:
                loads[e] += 1
        if any(sp.capacity is not None and loads[j] > sp.capacity for j, sp in enumerate(specs)):
            continue
        lc = sum(load_cost(loads[j], sp.initial_load) for j, sp in enumerate(specs))
        pc = sum(costs.get((a, specs[e].id), 0.0) for a, s in enumerate(combo) for e in s)
        key = (lc, round(pc, 9))
        if best is None or key < best:
            best = key
    return best


def check_valid(result: AssignmentResult, n, specs, k, conflicts=(), fixed=()):
    per_app = {a: [] for a in range(n)}
    for a, e in result.pairs:
        per_app[a].append(e)
    for a, evs in per_app.items():
        assert len(evs) == k
        assert len(set(evs)) == k
        assert not any((a, e) in conflicts for e in evs)
    for a, e in fixed:
        assert (a, e) in result.pairs
    for sp in specs:
        assert result.loads[sp.id] == sum(1 for _, e in result.pairs if e == sp.id)
        if sp.capacity is not None:
            assert result.loads[sp.id] <= sp.capacity


def test_simple_balanced():
    specs = [EvaluatorSpec("x"), EvaluatorSpec("y"), EvaluatorSpec("z")]
    result = assign(["a", "b", "c"], specs, 2)
    assert sorted(result.loads.values()) == [2, 2, 2]
    assert result.spread == 0
    assert result.status == "optimal"
    assert not result.sparse
    data = result.to_dict()
    assert data["spread"] == 0
    assert len(data["pairs"]) == 6


def test_conflict_avoided_and_cost_breaks_ties():
    specs = [EvaluatorSpec("x"), EvaluatorSpec("y")]
    costs = {("a", "x"): 0.0, ("a", "y"): 1.0, ("b", "x"): 1.0, ("b", "y"): 0.0}
    result = assign(["a", "b"], specs, 1, costs=costs)
    assert set(result.pairs) == {("a", "x"), ("b", "y")}
    assert result.pair_cost == 0.0
    result = assign(["a", "b"], specs, 1, costs=costs, conflicts=[("a", "x")])
    assert set(result.pairs) == {("a", "y"), ("b", "x")}
    assert result.conflicts_avoided == 1


def test_fixed_pairs_kept_and_count():
    specs = [EvaluatorSpec("x"), EvaluatorSpec("y"), EvaluatorSpec("z")]
    result = assign(["a", "b", "c"], specs, 1, fixed=[("a", "z"), ("b", "z")])
    assert ("a", "z") in result.pairs and ("b", "z") in result.pairs
    assert result.fixed == 2
    assert result.loads["z"] == 2


def test_initial_load_shifts_work():
    specs = [EvaluatorSpec("x", initial_load=5), EvaluatorSpec("y")]
    result = assign(["a", "b", "c"], specs, 1)
    assert result.loads == {"x": 0, "y": 3}


def test_no_applications():
    result = assign([], [EvaluatorSpec("x")], 2)
    assert result.pairs == () and result.loads == {"x": 0}
    assert AssignmentResult((), {}, "optimal", 0, 0.0, False, 0, 0).spread == 0


@pytest.mark.parametrize(
    ("kwargs", "constraint", "words", "reason", "params"),
    [
        ({"k": 3}, "k", "has only 2 evaluators", "too_few_evaluators",
         {"application": "a", "available": 2, "needed": 3}),
        ({"k": 1, "conflicts": [("a", "x"), ("a", "y")]}, "k", "'a' has only 0", "too_few_evaluators",
         {"application": "a", "available": 0, "needed": 1}),
        ({"k": 1, "fixed": [("a", "x")], "conflicts": [("a", "x")]}, "fixed", "conflict of interest",
         "fixed_conflict", {"application": "a", "evaluator": "x"}),
        ({"k": 1, "fixed": [("a", "x"), ("a", "y")]}, "fixed", "already has 2 fixed", "too_many_fixed",
         {"application": "a", "fixed": 2, "needed": 1}),
        ({"k": 2, "caps": (1, 1)}, "capacity", "can take 2 applications in all", "total_capacity",
         {"capacity": 2, "needed": 4}),
        ({"k": 1, "caps": (1, 1), "fixed": [("a", "x"), ("b", "x")]}, "capacity", "above the capacity 1",
         "fixed_over_capacity", {"evaluator": "x", "fixed": 2, "capacity": 1}),
        ({"k": 1, "caps": (0, None), "conflicts": [("a", "y")]}, "k", "has only 0", "too_few_evaluators",
         {"application": "a", "available": 0, "needed": 1}),
    ],
)
def test_infeasible_named(kwargs, constraint, words, reason, params):
    caps = kwargs.pop("caps", (None, None))
    specs = [EvaluatorSpec("x", capacity=caps[0]), EvaluatorSpec("y", capacity=caps[1])]
    with pytest.raises(InfeasibleError) as info:
        assign(["a", "b"], specs, **kwargs)
    assert info.value.constraint == constraint
    assert words in str(info.value)
    # The facts a caller needs to say it in the reader's language, with its own names.
    assert (info.value.reason, info.value.params) == (reason, params)


def test_infeasible_found_by_lp():
    # x may only take one; a and b both need x or y, y conflicts with both, z is free for c only
    specs = [EvaluatorSpec("x", capacity=1), EvaluatorSpec("y"), EvaluatorSpec("z")]
    conflicts = [("a", "y"), ("b", "y"), ("a", "z"), ("b", "z")]
    with pytest.raises(InfeasibleError) as info:
        assign(["a", "b", "c"], specs, 1, conflicts=conflicts)
    assert info.value.constraint == "capacity"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: assign(["a"], [EvaluatorSpec("x")], 0), "k"),
        (lambda: assign(["a"], [EvaluatorSpec("x")], True), "k"),
        (lambda: assign(["a", "a"], [EvaluatorSpec("x")], 1), "applications"),
        (lambda: assign(["a"], [EvaluatorSpec("x"), EvaluatorSpec("x")], 1), "evaluators"),
        (lambda: assign(["a"], [EvaluatorSpec("x", capacity=-1)], 1), "capacity"),
        (lambda: assign(["a"], [EvaluatorSpec("x", initial_load=-1)], 1), "initial_load"),
        (lambda: assign(["a"], [EvaluatorSpec("x")], 1, conflicts=[("b", "x")]), "conflicts"),
        (lambda: assign(["a"], [EvaluatorSpec("x")], 1, fixed=[("a", "q")]), "fixed"),
        (lambda: assign(["a"], [EvaluatorSpec("x")], 1, costs={("a", "x"): 2.0}), "costs"),
        (lambda: assign(["a"], [EvaluatorSpec("x")], 1, costs={("a", "x"): float("nan")}), "costs"),
        (lambda: assign(["a"], [EvaluatorSpec("x")], 1, costs={("z", "x"): 0.5}), "costs"),
    ],
)
def test_invalid_input(call, field):
    with pytest.raises(InvalidInputError) as info:
        call()
    assert info.value.field == field


def test_integral_refuses_fractions():
    assert _integral(np.array([0.0, 1.0, 0.9999999999])).tolist() == [0, 1, 1]
    with pytest.raises(ArithmeticError):
        _integral(np.array([0.5]))


def test_load_cost_is_convex():
    assert [load_cost(n) for n in range(5)] == [0, 1, 3, 6, 10]
    assert load_cost(2, initial_load=3) == 4 + 5


def test_overflow_slots_are_resolved():
    # all work must go to one evaluator (others conflicted): loads beyond the first slot cut-off
    specs = [EvaluatorSpec("x"), EvaluatorSpec("y"), EvaluatorSpec("z"), EvaluatorSpec("w")]
    apps = list(range(12))
    conflicts = [(a, e) for a in apps for e in ("y", "z", "w")]
    result = assign(apps, specs, 1, conflicts=conflicts)
    assert result.loads["x"] == 12
    assert result.rounds >= 2


def test_sparse_path_prices_columns_and_matches_full():
    rng = np.random.default_rng(3)
    n, m, k = 60, 30, 2
    specs = [EvaluatorSpec(f"e{j}") for j in range(m)]
    costs = {(a, f"e{j}"): float(rng.random()) for a in range(n) for j in range(m)}
    conflicts = {(a, f"e{j}") for a in range(n) for j in range(m) if rng.random() < 0.05}
    full = assign(list(range(n)), specs, k, costs=costs, conflicts=conflicts)
    sparse = assign(list(range(n)), specs, k, costs=costs, conflicts=conflicts, sparse_above=0)
    assert sparse.sparse and not full.sparse
    assert sparse.candidate_pairs < full.candidate_pairs
    assert sparse.load_cost == full.load_cost
    assert sparse.pair_cost == pytest.approx(full.pair_cost)
    check_valid(sparse, n, specs, k, conflicts)


def test_sparse_balances_against_cheap_candidates():
    # every application prefers e0..e11: pricing must add the others to balance the load
    m, n = 20, 40
    specs = [EvaluatorSpec(f"e{j}") for j in range(m)]
    costs = {(a, f"e{j}"): (0.0 if j < 12 else 1.0) for a in range(n) for j in range(m)}
    result = assign(list(range(n)), specs, 1, costs=costs, sparse_above=0)
    assert result.spread <= 1
    assert result.rounds >= 2


def test_sparse_widens_when_infeasible():
    # the 12 cheapest evaluators of every application cannot take 13 applications
    m = 13
    specs = [EvaluatorSpec(f"e{j}", capacity=1) for j in range(m)]
    costs = {(a, f"e{j}"): (1.0 if j == 12 else 0.0) for a in range(m) for j in range(m)}
    result = assign(list(range(m)), specs, 1, costs=costs, sparse_above=0)
    assert result.loads["e12"] == 1
    check_valid(result, m, specs, 1)


TINY = st.integers(min_value=1, max_value=3)


@st.composite
def instances(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    m = draw(st.integers(min_value=1, max_value=4))
    k = draw(st.integers(min_value=1, max_value=min(2, m)))
    caps = draw(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=m, max_size=m))
    initial = draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    specs = [EvaluatorSpec(f"e{j}", capacity=caps[j], initial_load=initial[j]) for j in range(m)]
    pairs = [(a, f"e{j}") for a in range(n) for j in range(m)]
    conflicts = set(draw(st.lists(st.sampled_from(pairs), max_size=3)))
    costs = {p: draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for p in pairs}
    free = [p for p in pairs if p not in conflicts]
    fixed = set(draw(st.lists(st.sampled_from(free), max_size=1))) if free else set()
    return n, specs, k, conflicts, fixed, costs


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_matches_brute_force(instance):
    n, specs, k, conflicts, fixed, costs = instance
    oracle = brute_force(n, specs, k, conflicts, fixed, costs)
    try:
        result = assign(list(range(n)), specs, k, conflicts=conflicts, fixed=fixed, costs=costs)
    except InfeasibleError:
        assert oracle is None
        return
    assert oracle is not None
    check_valid(result, n, specs, k, conflicts, fixed)
    assert (result.load_cost, round(result.pair_cost, 9)) == oracle


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 30), m=st.integers(1, 12), k=TINY, sparse=st.booleans())
def test_uniform_unlimited_spread_at_most_one(n, m, k, sparse):
    k = min(k, m)
    specs = [EvaluatorSpec(j) for j in range(m)]
    result = assign(list(range(n)), specs, k, sparse_above=0 if sparse else 10**9)
    check_valid(result, n, specs, k)
    assert result.spread <= 1


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 20), m=st.integers(3, 10), k=st.integers(1, 3))
def test_never_conflicted_exactly_k_capacity(data, n, m, k):
    pairs = [(a, j) for a in range(n) for j in range(m)]
    conflicts = set(data.draw(st.lists(st.sampled_from(pairs), max_size=n)))
    caps = data.draw(st.lists(st.one_of(st.none(), st.integers(0, n)), min_size=m, max_size=m))
    specs = [EvaluatorSpec(j, capacity=caps[j]) for j in range(m)]
    try:
        result = assign(list(range(n)), specs, k, conflicts=conflicts)
    except InfeasibleError:
        return
    check_valid(result, n, specs, k, conflicts)


def test_sparse_keeps_fixed_pairs_outside_candidates():
    m, n = 20, 10
    specs = [EvaluatorSpec(f"e{j}") for j in range(m)]
    costs = {(a, f"e{j}"): (1.0 if j == 19 else 0.0) for a in range(n) for j in range(m)}
    result = assign(list(range(n)), specs, 1, costs=costs, fixed=[(0, "e19")], sparse_above=0)
    assert (0, "e19") in result.pairs
    check_valid(result, n, specs, 1, fixed=[(0, "e19")])
