"""Properties of the roll-up rules (hypothesis): units never mixed, aggregation rules respected."""

from collections import defaultdict
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asis.engines.impact.rollup import (
    IndicatorSpec,
    Observation,
    ObservationTable,
    rollup,
    rollup_by,
    series,
)

PERIODS = [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]
PROJECTS = ["P1", "P2", "P3", "P4", "P5"]
MONEY = {"eur": 1.0, "keur": 1e3, "meur": 1e6}

values = st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3))
positive = st.floats(0.0, 1e4, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def money_observations(draw, min_size=1):
    n = draw(st.integers(min_size, 25))
    return [
        Observation(draw(st.sampled_from(PROJECTS)), draw(st.sampled_from(PERIODS)),
                    draw(values), weight=draw(positive), unit=draw(st.sampled_from(list(MONEY))))
        for _ in range(n)
    ]


@st.composite
def ratio_observations(draw, min_size=1):
    n = draw(st.integers(min_size, 25))
    out = []
    for _ in range(n):
        den = draw(st.integers(1, 1000))
        out.append(Observation(draw(st.sampled_from(PROJECTS)), draw(st.sampled_from(PERIODS)),
                               numerator=draw(st.integers(0, den)), denominator=den,
                               unit=draw(st.sampled_from(["percent", "per_1000", None]))))
    return out


aggregations = st.sampled_from(["sum", "mean", "weighted_mean", "last", "max"])
modes = st.sampled_from(["per_period", "cumulative"])


def _to_date(spec, obs):
    """Each project's value to date in EUR, computed the slow, obvious way."""
    by_project = defaultdict(list)
    for o in obs:
        by_project[o.project].append(o)
    out = {}
    for project, rows in by_project.items():
        if spec.values_mode == "cumulative" or spec.aggregation == "last":
            latest = max(o.period_end for o in rows)
            rows = [o for o in rows if o.period_end == latest]
        out[project] = (sum(o.value * MONEY[o.unit] for o in rows), sum(o.weight for o in rows))
    return out


def _approx(x):
    return pytest.approx(x, rel=1e-9, abs=1e-6)


@settings(max_examples=150)
@given(money_observations(), aggregations, modes, st.data())
def test_incompatible_units_are_never_mixed_in(obs, aggregation, mode, data):
    spec = IndicatorSpec("x", "eur", aggregation=aggregation, values_mode=mode)
    foreign = [
        Observation(data.draw(st.sampled_from(PROJECTS)), data.draw(st.sampled_from(PERIODS)),
                    data.draw(values), weight=1.0, unit=data.draw(st.sampled_from(
                        ["persons", "hours", "t_co2e", "percent"])))
        for _ in range(data.draw(st.integers(1, 5)))
    ]
    mixed = data.draw(st.permutations(obs + foreign))
    clean, dirty = rollup(spec, obs), rollup(spec, mixed)
    assert dirty.value == (None if clean.value is None else _approx(clean.value))
    assert (dirty.n_projects, dirty.n_values) == (clean.n_projects, clean.n_values)
    assert len(dirty.excluded) == len(foreign)
    assert {e.code for e in dirty.excluded} == {"incompatible_unit"}


@given(money_observations(), modes, st.sets(st.sampled_from(PROJECTS)))
def test_sum_is_additive_over_a_partition_of_projects(obs, mode, part):
    spec = IndicatorSpec("x", "eur", values_mode=mode)
    left = [o for o in obs if o.project in part]
    right = [o for o in obs if o.project not in part]
    total = rollup(spec, obs).value
    assert total == _approx(sum(rollup(spec, p).value or 0.0 for p in (left, right)))


@given(money_observations(), modes)
def test_each_rule_matches_the_obvious_computation(obs, mode):
    to_date = _to_date(IndicatorSpec("x", "eur", values_mode=mode), obs)
    project_values = [v for v, _ in to_date.values()]
    sum_ = rollup(IndicatorSpec("x", "eur", values_mode=mode), obs).value
    mean = rollup(IndicatorSpec("x", "eur", aggregation="mean", values_mode=mode), obs).value
    top = rollup(IndicatorSpec("x", "eur", aggregation="max", values_mode=mode), obs).value
    assert sum_ == _approx(sum(project_values))
    # the mean lies between the smallest and the largest project value
    assert min(project_values) - 1e-6 <= mean <= max(project_values) + 1e-6
    assert mean == _approx(sum(project_values) / len(project_values))
    # max is at least every project's value, and is one of them
    assert all(top >= v - 1e-6 for v in project_values)
    assert top == _approx(max(project_values))


@given(money_observations(), modes)
def test_weighted_mean_is_the_weighted_average_of_projects(obs, mode):
    spec = IndicatorSpec("x", "eur", aggregation="weighted_mean", values_mode=mode)
    to_date = _to_date(spec, obs)
    total_weight = sum(w for _, w in to_date.values())
    result = rollup(spec, obs).value
    if total_weight == 0:
        assert result is None
    else:
        assert result == _approx(sum(v * w for v, w in to_date.values()) / total_weight)
        values_ = [v for v, w in to_date.values() if w > 0]
        assert min(values_) - 1e-6 <= result <= max(values_) + 1e-6


@given(money_observations())
def test_weighted_mean_with_equal_weights_is_the_mean(obs):
    # one value per project and period, so that every project's weight to date is 1
    unique = list({(o.project, o.period_end): Observation(
        o.project, o.period_end, o.value, weight=1.0, unit=o.unit) for o in obs}.values())
    weighted = IndicatorSpec("x", "eur", aggregation="weighted_mean", values_mode="cumulative")
    mean = IndicatorSpec("x", "eur", aggregation="mean", values_mode="cumulative")
    assert rollup(weighted, unique).value == _approx(rollup(mean, unique).value)


@given(ratio_observations(), modes, st.sampled_from(["sum", "mean", "weighted_mean", "last"]))
def test_ratio_rollup_is_the_pooled_ratio(obs, mode, aggregation):
    spec = IndicatorSpec("s", "percent", is_ratio=True, values_mode=mode, aggregation=aggregation)
    by_project = defaultdict(list)
    for o in obs:
        by_project[o.project].append(o)
    num = den = 0.0
    for rows in by_project.values():
        if mode == "cumulative" or aggregation == "last":
            latest = max(o.period_end for o in rows)
            rows = [o for o in rows if o.period_end == latest]
        num += sum(o.numerator for o in rows)
        den += sum(o.denominator for o in rows)
    result = rollup(spec, obs)
    assert result.value == _approx(100 * num / den)
    assert (result.numerator, result.denominator) == (_approx(num), _approx(den))
    assert 0.0 <= result.value <= 100.0 + 1e-9


@given(ratio_observations())
def test_ratio_max_bounds_every_projects_ratio_and_the_pool(obs):
    spec = IndicatorSpec("s", "percent", is_ratio=True, aggregation="max")
    pooled = rollup(IndicatorSpec("s", "percent", is_ratio=True), obs).value
    top = rollup(spec, obs).value
    for project in {o.project for o in obs}:
        rows = [o for o in obs if o.project == project]
        share = 100 * sum(o.numerator for o in rows) / sum(o.denominator for o in rows)
        assert top >= share - 1e-9
    assert top >= pooled - 1e-9


@given(money_observations(), aggregations, modes, st.data())
def test_results_do_not_depend_on_order_or_on_the_input_form(obs, aggregation, mode, data):
    spec = IndicatorSpec("x", "keur", aggregation=aggregation, values_mode=mode)
    first = rollup(spec, obs).value
    shuffled = rollup(spec, data.draw(st.permutations(obs))).value
    table = rollup(spec, ObservationTable.from_observations(obs)).value
    in_eur = rollup(IndicatorSpec("x", "eur", aggregation=aggregation, values_mode=mode), obs)
    for other in (shuffled, table):
        assert other == (None if first is None else _approx(first))
    if first is not None:
        # changing the indicator's unit only rescales the result
        assert in_eur.value == pytest.approx(1000 * first, rel=1e-9, abs=1e-3)


@given(money_observations(), modes, st.data())
def test_groups_partition_the_sum(obs, mode, data):
    spec = IndicatorSpec("x", "eur", values_mode=mode)
    region = {p: data.draw(st.sampled_from(["north", "south", "east"])) for p in PROJECTS}
    groups = rollup_by(spec, obs, lambda o: region[o.project])
    assert sum(g.value for g in groups.values()) == _approx(rollup(spec, obs).value)
    assert sum(g.n_projects for g in groups.values()) == rollup(spec, obs).n_projects


@given(money_observations(), aggregations, modes)
def test_the_series_ends_at_the_rollup(obs, aggregation, mode):
    spec = IndicatorSpec("x", "eur", aggregation=aggregation, values_mode=mode)
    points = series(spec, obs)
    assert [p.period_end for p in points] == sorted({o.period_end for o in obs})
    assert points[-1].result == rollup(spec, obs)
    counts = [p.result.n_projects for p in points]
    assert counts == sorted(counts)
