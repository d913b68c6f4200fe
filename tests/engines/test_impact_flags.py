"""Monitoring flags against hand computations (docs/methods/monitoring-flags.md)."""

from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from asis.engines.impact.errors import InvalidSpecError
from asis.engines.impact.flags import (
    Flag,
    achievement,
    expected_on_trajectory,
    late,
    off_track,
    outliers,
)

B, T = date(2025, 1, 1), date(2027, 1, 1)  # 730 days apart


@pytest.mark.parametrize(
    ("at", "expected"),
    [(date(2026, 1, 1), 150.0),   # 365 / 730 of the way
     (date(2024, 6, 1), 100.0),   # before the baseline: the baseline
     (date(2028, 1, 1), 200.0),   # after the target date: the target
     (B, 100.0), (T, 200.0)],
)
def test_linear_trajectory(at, expected):
    assert expected_on_trajectory(100.0, B, 200.0, T, at) == pytest.approx(expected)


def test_trajectory_down_and_refused_when_dates_are_reversed():
    assert expected_on_trajectory(20.0, B, 10.0, T, date(2026, 1, 1)) == pytest.approx(15.0)
    with pytest.raises(InvalidSpecError) as err:
        expected_on_trajectory(1.0, T, 2.0, B, T)
    assert err.value.code == "invalid_trajectory"


def test_off_track_worked_example():
    # expected 150 from a baseline of 100: 50 expected, 30 made, 40 % missing
    flag = off_track(130.0, 150.0, 100.0, "higher")
    assert flag == Flag("off_track", {"actual": 130.0, "expected": 150.0, "baseline": 100.0,
                                      "shortfall": pytest.approx(0.4)})
    assert off_track(140.0, 150.0, 100.0, "higher") is None  # 20 % missing: tolerated
    assert off_track(140.0, 150.0, 100.0, "higher", tolerance=0.1) is not None
    assert off_track(170.0, 150.0, 100.0, "higher") is None  # ahead


def test_off_track_when_lower_is_better():
    # unemployment share from 20 % towards 10 %: 15 expected by now, 18 measured
    flag = off_track(18.0, 15.0, 20.0, "lower")
    assert flag is not None and flag.params["shortfall"] == pytest.approx(0.6)
    assert off_track(14.0, 15.0, 20.0, "lower") is None
    # moved the wrong way: more than the whole expected progress is missing
    assert off_track(22.0, 15.0, 20.0, "lower").params["shortfall"] == pytest.approx(1.4)


def test_no_off_track_flag_while_no_progress_is_expected():
    assert off_track(50.0, 100.0, 100.0, "higher") is None
    assert off_track(50.0, 90.0, 100.0, "higher") is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"direction": "up"}, "invalid_direction"), ({"tolerance": 1.0}, "invalid_tolerance"),
     ({"tolerance": -0.1}, "invalid_tolerance")],
)
def test_off_track_rejects_bad_options(kwargs, code):
    with pytest.raises(InvalidSpecError) as err:
        off_track(**{"actual": 1.0, "expected": 2.0, "baseline": 0.0, "direction": "higher",
                     **kwargs})
    assert err.value.code == code


DUE = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("submitted", "today", "grace", "expected"),
    [(date(2026, 3, 31), date(2026, 4, 10), 0, None),
     (date(2026, 4, 5), date(2026, 4, 10), 0, Flag("late", {"due": DUE, "days": 5})),
     (datetime(2026, 4, 5, 23, 59), date(2026, 4, 10), 7, None),
     (date(2026, 4, 8), date(2026, 4, 10), 7, Flag("late", {"due": DUE, "days": 8})),
     (None, date(2026, 3, 30), 0, None),
     (None, date(2026, 4, 2), 3, None),
     (None, date(2026, 4, 10), 3, Flag("overdue", {"due": DUE, "days": 10}))],
)
def test_late_and_overdue(submitted, today, grace, expected):
    assert late(DUE, submitted, today, grace_days=grace) == expected


def test_late_rejects_negative_grace():
    with pytest.raises(InvalidSpecError) as err:
        late(DUE, None, DUE, grace_days=-1)
    assert err.value.code == "invalid_grace_days"


def test_outliers_worked_example():
    values = {"A": 12.0, "B": 15.0, "C": 14.0, "D": 13.0, "E": 16.0, "F": 15.0, "G": 60.0}
    check = outliers(values)
    # median 15; |x - 15| = 3, 0, 1, 2, 1, 0, 45 -> MAD 1; z(G) = 0.6745 * 45 = 30.35
    assert (check.n, check.median, check.spread, check.reason) == (7, 15.0, "mad", None)
    assert list(check.flags) == ["G"]
    assert check.flags["G"].params == {"value": 60.0, "median": 15.0,
                                       "z": pytest.approx(30.3525)}
    # A: z = 0.6745 * -3 = -2.02, not an outlier at 3.5 but one at 2
    assert set(outliers(values, threshold=2.0).flags) == {"A", "G"}


def test_outliers_fall_back_to_the_mean_absolute_deviation():
    values = {"A": 10.0, "B": 10.0, "C": 10.0, "D": 10.0, "E": 11.0, "F": 40.0}
    check = outliers(values)
    # MAD = 0; meanAD = (1 + 30) / 6; z(F) = 30 / (1.253314 * 31 / 6) = 4.633
    assert check.spread == "mean_absolute_deviation"
    assert check.flags["F"].params["z"] == pytest.approx(30 / (1.253314 * 31 / 6), rel=1e-6)
    assert list(check.flags) == ["F"]


def test_outliers_need_five_values_and_some_spread():
    few = outliers({"A": 1.0, "B": 2.0, "C": 3.0, "D": 100.0, "E": float("nan")})
    assert few.flags == {} and few.reason == "too_few_values"
    assert few.reason_params == {"n": 4, "min_n": 5}
    flat = outliers(dict.fromkeys("ABCDE", 7.0))
    assert flat.flags == {} and flat.reason == "no_spread" and flat.median == 7.0
    with pytest.raises(InvalidSpecError) as err:
        outliers({}, threshold=0)
    assert err.value.code == "invalid_threshold"


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=5, max_size=40))
def test_outliers_match_an_independent_computation(xs):
    values = {str(i): x for i, x in enumerate(xs)}
    check = outliers(values)
    med = np.median(xs)
    mad = np.median(np.abs(np.array(xs) - med))
    if mad > 0:
        expected = {str(i) for i, x in enumerate(xs) if abs(0.6745 * (x - med) / mad) > 3.5}
        assert set(check.flags) == expected
    # the median is never an outlier
    assert all(f.params["value"] != med for f in check.flags.values())


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "expected"),
    [(100.0, 200.0, 150.0, "higher", 0.5), (100.0, 200.0, 250.0, "higher", 1.5),
     (100.0, 200.0, 80.0, "higher", -0.2), (20.0, 10.0, 15.0, "lower", 0.5),
     (20.0, 10.0, 22.0, "lower", -0.2), (5.0, 5.0, 7.0, "higher", None)],
)
def test_achievement(baseline, target, actual, direction, expected):
    result = achievement(baseline, target, actual, direction)
    assert result == (None if expected is None else pytest.approx(expected))


def test_achievement_checks_direction():
    with pytest.raises(InvalidSpecError):
        achievement(0.0, 1.0, 1.0, "sideways")
