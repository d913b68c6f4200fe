"""Roll-ups of indicator values against hand computations (docs/methods/units-and-rollups.md)."""

from datetime import date

import numpy as np
import pytest

from asis.engines.impact.errors import InvalidSpecError, UnknownUnitError
from asis.engines.impact.rollup import (
    Exclusion,
    IndicatorSpec,
    Observation,
    ObservationTable,
    rollup,
    rollup_by,
    series,
)

Q1, Q2, Q3 = date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)


def test_per_period_values_add_up_and_convert():
    spec = IndicatorSpec("budget_leveraged", "keur")
    obs = [
        Observation("P1", Q1, 1500.0, unit="eur"),
        Observation("P1", Q2, 2.0),
        Observation("P2", Q1, 0.5, unit="meur"),
    ]
    result = rollup(spec, obs)
    # P1: 1.5 + 2 = 3.5 kEUR; P2: 500 kEUR
    assert result.value == pytest.approx(503.5)
    assert (result.n_projects, result.n_values, result.unit) == (2, 3, "keur")
    assert result.excluded == ()


def test_cumulative_takes_each_projects_latest_value():
    spec = IndicatorSpec("jobs_created", "jobs", values_mode="cumulative")
    obs = [
        Observation("P1", Q1, 2.0), Observation("P1", Q3, 5.0), Observation("P1", Q2, 4.0),
        Observation("P2", Q2, 3.0),
    ]
    result = rollup(spec, obs)
    assert result.value == 8.0 and result.n_values == 2 and result.n_projects == 2


def test_parts_of_the_same_period_are_added():
    spec = IndicatorSpec("participants", "persons", values_mode="cumulative")
    obs = [
        Observation("P1", Q1, 10.0, disaggregation=(("sex", "f"),)),
        Observation("P1", Q2, 12.0, disaggregation=(("sex", "f"),)),
        Observation("P1", Q2, 9.0, disaggregation=(("sex", "m"),)),
    ]
    assert rollup(spec, obs).value == 21.0
    by_sex = rollup_by(spec, obs, "sex")
    assert list(by_sex) == ["f", "m"]
    assert by_sex["f"].value == 12.0 and by_sex["m"].value == 9.0


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", 60.0), ("mean", 20.0), ("max", 30.0),
     # weights 1, 1, 2: (10 + 20 + 2 * 30) / 4
     ("weighted_mean", 22.5)],
)
def test_aggregation_rules_across_projects(aggregation, expected):
    spec = IndicatorSpec("x", "count", aggregation=aggregation)
    obs = [
        Observation("P1", Q1, 4.0, weight=0.5), Observation("P1", Q2, 6.0, weight=0.5),
        Observation("P2", Q1, 20.0, weight=1.0),
        Observation("P3", Q1, 30.0, weight=2.0),
    ]
    assert rollup(spec, obs).value == pytest.approx(expected)


def test_last_is_each_projects_latest_value_summed_even_per_period():
    spec = IndicatorSpec("enrolled", "persons", aggregation="last")
    obs = [Observation("P1", Q1, 4.0), Observation("P1", Q2, 6.0), Observation("P2", Q1, 7.0)]
    assert rollup(spec, obs).value == 13.0


def test_ratio_pools_numerators_and_denominators():
    # Two projects: 9 of 10 employed (90 %) and 100 of 1,000 (10 %).
    # The mean of the percentages would say 50 %; the pooled share is 109 / 1,010.
    spec = IndicatorSpec("employed_share", "percent", is_ratio=True)
    obs = [
        Observation("small", Q1, numerator=4, denominator=5),
        Observation("small", Q2, numerator=5, denominator=5),
        Observation("large", Q1, value=99.0, numerator=100, denominator=1000),
    ]
    result = rollup(spec, obs)
    assert result.value == pytest.approx(100 * 109 / 1010)
    assert (result.numerator, result.denominator) == (109.0, 1010.0)
    per_1000 = rollup(IndicatorSpec("s", "per_1000", is_ratio=True), obs).value
    assert per_1000 == pytest.approx(1000 * 109 / 1010)
    top = rollup(IndicatorSpec("s", "percent", is_ratio=True, aggregation="max"), obs)
    assert top.value == pytest.approx(90.0)


def test_cumulative_ratio_uses_the_latest_pair():
    spec = IndicatorSpec("share", "percent", is_ratio=True, values_mode="cumulative")
    obs = [
        Observation("A", Q1, numerator=1, denominator=4),
        Observation("A", Q2, numerator=3, denominator=4),
        Observation("B", Q2, numerator=1, denominator=96, unit="per_1000"),
    ]
    assert rollup(spec, obs).value == pytest.approx(4.0)


def test_ratio_in_money_converts_the_numerator():
    spec = IndicatorSpec("cost_per_participant", "eur", is_ratio=True)
    obs = [
        Observation("A", Q1, numerator=10.0, denominator=5, unit="keur"),
        Observation("B", Q1, numerator=2000.0, denominator=15),
    ]
    # (10,000 + 2,000) EUR / 20 participants
    assert rollup(spec, obs).value == pytest.approx(600.0)


def test_bad_values_are_excluded_with_reasons():
    spec = IndicatorSpec("x", "persons", aggregation="weighted_mean")
    obs = [
        Observation("A", Q1, 10.0, weight=1.0),
        Observation("B", Q1, 5.0, weight=1.0, unit="households"),
        Observation("C", Q1, 5.0, weight=1.0, unit="parsecs"),
        Observation("D", Q1, None, weight=1.0),
        Observation("E", Q1, float("inf"), weight=1.0),
        Observation("F", Q1, 5.0),
        Observation("G", Q1, 5.0, weight=-1.0),
    ]
    result = rollup(spec, obs)
    assert result.value == 10.0 and result.n_projects == 1
    assert result.excluded == (
        Exclusion("B", "incompatible_unit",
                  {"period_end": Q1, "unit": "households", "expected": "persons"}),
        Exclusion("C", "unknown_unit", {"period_end": Q1, "unit": "parsecs", "expected": "persons"}),
        Exclusion("D", "missing_value", {"period_end": Q1}),
        Exclusion("E", "invalid_value", {"period_end": Q1, "value": float("inf")}),
        Exclusion("F", "missing_weight", {"period_end": Q1}),
        Exclusion("G", "invalid_weight", {"period_end": Q1, "weight": -1.0}),
    )


def test_ratio_exclusions():
    spec = IndicatorSpec("s", "percent", is_ratio=True)
    obs = [
        Observation("A", Q1, value=50.0),
        Observation("B", Q1, numerator=1, denominator=0),
        Observation("C", Q1, numerator=1, denominator=2, unit="eur"),
    ]
    result = rollup(spec, obs)
    assert result.value is None and result.n_projects == 0 and result.n_values == 0
    assert [e.code for e in result.excluded] == [
        "missing_ratio_parts", "invalid_denominator", "incompatible_unit"]
    assert result.excluded[1].params == {"period_end": Q1, "numerator": 1.0, "denominator": 0.0}


def test_weighted_mean_with_zero_total_weight_is_undefined():
    spec = IndicatorSpec("x", "score", aggregation="weighted_mean")
    result = rollup(spec, [Observation("A", Q1, 3.0, weight=0.0)])
    assert result.value is None and result.n_projects == 1


def test_empty_rollup():
    result = rollup(IndicatorSpec("x", "count"), [])
    assert result == type(result)(None, 0, 0, "count")


def test_series_is_the_rollup_to_date_at_each_period_end():
    spec = IndicatorSpec("x", "persons")
    obs = [Observation("A", Q1, 10.0), Observation("A", Q2, 5.0), Observation("B", Q2, 1.0)]
    points = series(spec, obs)
    assert [p.period_end for p in points] == [Q1, Q2]
    assert [p.result.value for p in points] == [10.0, 16.0]
    level = IndicatorSpec("x", "persons", values_mode="cumulative")
    assert [p.result.value for p in series(level, obs)] == [10.0, 6.0]


def test_rollup_by_a_function_and_a_column():
    spec = IndicatorSpec("x", "persons")
    obs = [Observation("A", Q1, 10.0), Observation("B", Q1, 5.0), Observation("C", Q1, 1.0)]
    region = {"A": "north", "B": "north", "C": None}
    by_region = rollup_by(spec, obs, lambda o: region[o.project])
    assert {k: v.value for k, v in by_region.items()} == {"north": 15.0}
    table = ObservationTable.from_observations(obs)
    assert rollup_by(spec, table, ["x", "y", "x"])["x"].value == 11.0
    with pytest.raises(InvalidSpecError) as err:
        rollup_by(spec, table, "sex")
    assert err.value.code == "key_needs_column"
    with pytest.raises(InvalidSpecError) as err:
        rollup_by(spec, obs, ["x"])
    assert err.value.code == "column_length"


def test_table_from_columns_accepts_datetime64_and_dates():
    spec = IndicatorSpec("x", "keur")
    table = ObservationTable.from_columns(
        project=np.array([1, 1, 2]),
        period_end=np.array(["2026-03-31", "2026-06-30", "2026-03-31"], dtype="datetime64[D]"),
        value=[1.0, 2.0, 3.0], unit="eur",
    )
    assert len(table) == 3 and table.period[0] == Q1.toordinal()
    assert rollup(spec, table).value == pytest.approx(0.006)
    as_dates = ObservationTable.from_columns(
        project=["a", "b"], period_end=[Q1, Q2], value=[1.0, 2.0], unit=["keur", "meur"])
    assert rollup(spec, as_dates).value == pytest.approx(2001.0)
    assert (series(spec, as_dates)[0].period_end, series(spec, as_dates)[1].result.value) == (
        Q1, pytest.approx(2001.0))


@pytest.mark.parametrize(
    ("columns", "column"),
    [({"project": ["a"], "period_end": [Q1, Q2]}, "period_end"),
     ({"project": "a", "period_end": [Q1]}, "period_end"),
     ({"project": ["a"], "period_end": [Q1], "value": [1.0, 2.0]}, "value"),
     ({"project": ["a"], "period_end": [Q1], "unit": ["eur", "eur"]}, "unit")],
)
def test_table_columns_must_have_equal_length(columns, column):
    with pytest.raises(InvalidSpecError) as err:
        ObservationTable.from_columns(**columns)
    assert err.value.code == "column_length" and err.value.params["column"] == column


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"aggregation": "median"}, "invalid_aggregation"),
     ({"values_mode": "yearly"}, "invalid_values_mode"),
     ({"direction": "up"}, "invalid_direction"),
     ({"unit": "percent"}, "ratio_unit_needs_parts")],
)
def test_invalid_specs_are_refused(kwargs, code):
    with pytest.raises(InvalidSpecError) as err:
        IndicatorSpec(**{"code": "x", "unit": "count", **kwargs})
    assert err.value.code == code and err.value.params["indicator"] == "x"


def test_spec_with_unknown_unit_is_refused():
    with pytest.raises(UnknownUnitError):
        IndicatorSpec("x", "furlongs")


def test_many_distinct_units_are_each_checked():
    # more distinct codes than the column-comparison path handles: np.unique takes over
    codes = [f"junk{i}" for i in range(20)] + ["eur", "keur"]
    table = ObservationTable.from_columns(
        project=np.arange(len(codes)), period_end=[Q1] * len(codes),
        value=np.ones(len(codes)), unit=codes)
    result = rollup(IndicatorSpec("x", "eur"), table)
    assert result.value == 1001.0 and result.n_projects == 2
    assert [e.params["unit"] for e in result.excluded] == codes[:20]
    assert {e.code for e in result.excluded} == {"unknown_unit"}
    by_group = rollup_by(IndicatorSpec("x", "eur"), table, np.arange(len(codes)) % 2)
    assert by_group["0"].value == 1.0 and by_group["1"].value == 1000.0
