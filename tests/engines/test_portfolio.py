"""Portfolio selection: MILP vs greedy, constraints, explanations, infeasibility."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asis.engines import portfolio
from asis.engines.errors import InfeasibleError, InvalidInputError
from asis.engines.portfolio import Candidate, GroupConstraint


def _c(i, cost, value, region="A", **kw):
    return Candidate(f"a{i}", float(cost), float(value), {"region": region}, **kw)


def test_knapsack_beats_greedy_textbook():
    """Greedy by ratio is not optimal (Kellerer, Pferschy & Pisinger 2004, section 2.1):
    capacity 10, items (value, cost) = (6, 6), (5, 5), (5, 5). All ratios are 1; greedy
    breaks the tie by value, takes a0 and nothing else fits (6); the optimum is a1 + a2 = 10."""
    cands = [_c(0, 6, 6), _c(1, 5, 5), _c(2, 5, 5)]
    res = portfolio.select(cands, 10)
    assert res.optimal and res.objective == pytest.approx(10)
    assert set(res.selected) == {"a1", "a2"}
    assert res.greedy.selected == ("a0",) and res.greedy.objective == 6
    assert res.greedy_gap == pytest.approx(0.4)
    reasons = {d.id: d.reason for d in res.decisions}
    assert reasons["a0"] == "budget exhausted"
    assert res.gap <= 1e-4 and res.dual_bound >= res.objective - 1e-6


def test_explanations():
    cands = [
        _c(0, 5, 90),
        _c(1, 5, 85),  # excluded with a0
        _c(2, 5, 30),  # below threshold
        _c(3, 5, 80, region="B"),
        _c(4, 5, 79, region="B"),  # group cap for B is 1
        _c(5, 50, 95),  # too expensive
        _c(6, 1, 99, eligible=False, reason="programme_relevance below minimum 1"),
        _c(7, 1, 99, eligible=False),
    ]
    res = portfolio.select(
        cands,
        20,
        groups=[GroupConstraint("region", "B", max_count=1)],
        exclusions=[["a0", "a1"]],
        min_score=50,
    )
    reasons = {d.id: d.reason for d in res.decisions}
    assert reasons["a0"] == "selected"
    assert reasons["a1"] == "excluded by mutual exclusion with a0"
    assert reasons["a2"].startswith("below threshold")
    assert reasons["a3"] == "selected"
    assert reasons["a4"] == "group cap reached (group region=B)"
    assert reasons["a5"] == "budget exhausted"
    assert reasons["a6"] == "programme_relevance below minimum 1"
    assert reasons["a7"] == "not eligible"
    assert res.total_cost == 10


def test_partial_funding():
    cands = [_c(0, 10, 100), _c(1, 10, 50)]
    res = portfolio.select(cands, 15, allow_partial=True, min_fraction=0.5)
    assert res.fractions == {"a0": 1.0, "a1": pytest.approx(0.5)}
    assert res.objective == pytest.approx(125)
    reasons = {d.id: d.reason for d in res.decisions}
    assert reasons["a1"] == "selected, funded at 50%"
    # 14: a0 in full + a1 at 0.4 breaks the minimum fraction, so 0.9 + 0.5 (115) beats 100
    tight = portfolio.select(cands, 14, allow_partial=True, min_fraction=0.5)
    assert tight.fractions == {"a0": pytest.approx(0.9), "a1": pytest.approx(0.5)}
    assert tight.objective == pytest.approx(115)


def test_unselected_for_other_reasons():
    res = portfolio.select([_c(0, 1, 0), _c(1, 1, 5)], 10)
    reasons = {d.id: d.reason for d in res.decisions}
    assert (
        reasons["a0"] == "not selected: the best combination within the constraints leaves it out"
    )


def test_share_constraints():
    cands = [_c(0, 10, 10, "A"), _c(1, 10, 9, "A"), _c(2, 10, 1, "B")]
    res = portfolio.select(cands, 30, groups=[GroupConstraint("region", "A", max_share=0.5)])
    amount_a = sum(c.cost for c in cands if c.id in res.selected and c.groups["region"] == "A")
    assert amount_a <= 0.5 * res.total_cost + 1e-6
    res_min = portfolio.select(cands, 20, groups=[GroupConstraint("region", "B", min_share=0.5)])
    assert "a2" in res_min.selected
    assert not res_min.greedy.feasible
    assert res_min.greedy.violated == ("group region=B min_share",)


def test_min_count_forces_selection_and_greedy_reports_violation():
    cands = [_c(0, 10, 10, "A"), _c(1, 10, 1, "B")]
    res = portfolio.select(cands, 10, groups=[GroupConstraint("region", "B", min_count=1)])
    assert res.selected == ("a1",)
    assert res.greedy.violated == ("group region=B min_count",)
    capped = portfolio.select(
        [_c(0, 1, 10, "A"), _c(1, 1, 9, "A")],
        10,
        groups=[GroupConstraint("region", "A", max_count=1, max_share=1.0)],
    )
    assert capped.selected == ("a0",)


def test_infeasible_constraint_is_named():
    cands = [_c(0, 10, 10, "A"), _c(1, 10, 5, "B")]
    with pytest.raises(InfeasibleError) as err:
        portfolio.select(
            cands,
            15,
            groups=[
                GroupConstraint("region", "A", max_count=2),
                GroupConstraint("region", "B", min_count=2),
            ],
        )
    assert err.value.constraint == "group region=B"
    with pytest.raises(InfeasibleError) as err:
        portfolio.select(
            cands,
            15,
            groups=[
                GroupConstraint("region", "A", min_count=1),
                GroupConstraint("region", "B", min_count=1),
            ],
        )
    assert err.value.constraint == "groups"
    assert "not all together" in str(err.value)


@pytest.mark.parametrize(
    ("cands", "kwargs", "field"),
    [
        ([], {}, "candidates"),
        ([_c(0, 1, 1), _c(0, 1, 1)], {}, "candidates[1].id"),
        ([_c(0, -1, 1)], {}, "candidates[0].cost"),
        ([_c(0, 1, np.nan)], {}, "candidates[0].value"),
        ([_c(0, 1, 1)], {"budget": -1}, "budget"),
        (
            [_c(0, 1, 1)],
            {"groups": [GroupConstraint("region", "A", min_count=-1)]},
            "groups[0].min_count",
        ),
        (
            [_c(0, 1, 1)],
            {"groups": [GroupConstraint("region", "A", max_share=1.5)]},
            "groups[0].max_share",
        ),
        ([_c(0, 1, 1)], {"exclusions": [["a0", "zz"]]}, "exclusions[0]"),
        ([_c(0, 1, 1)], {"min_fraction": 0.0}, "min_fraction"),
    ],
)
def test_bad_input(cands, kwargs, field):
    budget = kwargs.pop("budget", 10)
    with pytest.raises(InvalidInputError) as err:
        portfolio.select(cands, budget, **kwargs)
    assert err.value.field == field


def test_time_limit_without_solution(monkeypatch):
    class _Res:
        status = 1
        x = None

    monkeypatch.setattr(portfolio, "milp", lambda *a, **k: _Res())
    with pytest.raises(InfeasibleError, match="time limit"):
        portfolio.select([_c(0, 1, 1)], 10)


def test_time_limit_with_incumbent(monkeypatch):
    class _Res:
        status = 1
        x = np.array([1.0, 0.0])
        mip_gap = 0.05
        mip_dual_bound = -2.2

    monkeypatch.setattr(portfolio, "milp", lambda *a, **k: _Res())
    res = portfolio.select([_c(0, 1, 2), _c(1, 1, 1)], 1)
    assert res.status == "time limit reached" and not res.optimal
    assert res.gap == 0.05 and res.dual_bound == pytest.approx(2.2)


def test_greedy_incumbent_kept_when_solver_stops_early(monkeypatch):
    """If HiGHS stops within its gap at a worse selection, the feasible greedy one is kept."""

    class _Res:
        status = 0
        x = np.array([0.0, 1.0])
        mip_gap = 0.4
        mip_dual_bound = -2.0

    monkeypatch.setattr(portfolio, "milp", lambda *a, **k: _Res())
    res = portfolio.select([_c(0, 1, 2), _c(1, 1, 1)], 1)
    assert res.selected == ("a0",) and res.objective == 2.0
    assert res.gap == 0.0 and res.greedy_gap == 0.0
    zero_bound = type("_Zero", (_Res,), {"mip_dual_bound": 0.0})
    monkeypatch.setattr(portfolio, "milp", lambda *a, **k: zero_bound())
    assert portfolio.select([_c(0, 1, 2), _c(1, 1, 1)], 1).gap == 0.0


def test_zero_objective():
    res = portfolio.select([_c(0, 1, 0)], 10)
    assert res.objective == 0 and res.greedy_gap == 0.0


def _brute_force(cands, budget, groups, exclusions):
    best = 0.0
    for mask in itertools.product([0, 1], repeat=len(cands)):
        chosen = [c for c, m in zip(cands, mask, strict=True) if m]
        if sum(c.cost for c in chosen) > budget + 1e-9:
            continue
        if any(sum(c.id in ex for c in chosen) > 1 for ex in exclusions):
            continue
        ok = True
        for g in groups:
            k = sum(c.groups["region"] == g.group for c in chosen)
            if g.max_count is not None and k > g.max_count:
                ok = False
            if g.min_count is not None and k < g.min_count:
                ok = False
        if ok:
            best = max(best, sum(c.value for c in chosen))
    return best


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 20), st.integers(0, 100), st.sampled_from("AB")),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 60),
    st.integers(0, 3),
)
def test_milp_is_optimal_feasible_and_beats_greedy(items, budget, cap):
    cands = [_c(i, cost, value, region) for i, (cost, value, region) in enumerate(items)]
    groups = [GroupConstraint("region", "A", max_count=cap)]
    exclusions = [["a0", "a1"]] if len(cands) > 1 else []
    res = portfolio.select(cands, budget, groups=groups, exclusions=exclusions)
    chosen = [c for c in cands if c.id in res.selected]
    assert sum(c.cost for c in chosen) <= budget + 1e-6
    assert sum(c.groups["region"] == "A" for c in chosen) <= cap
    assert not ({"a0", "a1"} <= set(res.selected))
    assert res.objective >= res.greedy.objective - 1e-6
    assert res.objective == pytest.approx(_brute_force(cands, budget, groups, exclusions))
    assert len(res.decisions) == len(cands)
