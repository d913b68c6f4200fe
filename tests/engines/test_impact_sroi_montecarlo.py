"""SROI Monte Carlo: the mean against an independent computation, seeds, chunks, bad input."""

import dataclasses
import math

import numpy as np
import pytest

from asis.engines.impact import sroi
from asis.engines.impact.sroi import ImpactMap, Outcome, Range, SroiInputError


def _annuity(rate, drop_off, years):
    """sum_{t=1..years} (1 - drop_off)^(t-1) / (1 + rate)^t, written out independently."""
    return sum((1 - drop_off) ** (t - 1) / (1 + rate) ** t for t in range(1, years + 1))


def test_mean_of_a_linear_case_matches_the_independent_expectation():
    """Quantity (triangular), proxy (uniform) and deadweight (uniform) drawn independently:
    the ratio is linear in each, so E[ratio] = E[q] E[p] (1 - E[dw]) x the fixed factors
    / investment, with E[triangular] = (a + b + c) / 3 and E[uniform] = (a + b) / 2."""
    row = Outcome(
        stakeholder="Young people", description="Complete training",
        quantity=50, duration_years=3, proxy_value=2_000,
        deadweight=0.2, displacement=0.1, attribution=0.3, drop_off=0.25,
        ranges={"quantity": Range(30, 80, mode=50), "proxy_value": Range(1_500, 2_500),
                "deadweight": Range(0.1, 0.4)},
    )
    impact_map = ImpactMap(outcomes=(row,), investment=150_000, discount_rate=0.035)
    expected = (
        (30 + 50 + 80) / 3 * (1_500 + 2_500) / 2 * (1 - (0.1 + 0.4) / 2) * 0.9 * 0.7
        * _annuity(0.035, 0.25, 3) / 150_000
    )
    res = sroi.monte_carlo(impact_map, n_draws=100_000, seed=11)
    standard_error = res.std / math.sqrt(res.n_draws)
    assert abs(res.mean - expected) < 4 * standard_error
    lo, hi = res.interval
    assert lo < res.median < hi and lo < expected < hi
    assert res.interval_percentiles == (5.0, 95.0)
    assert sum(res.histogram.counts) == 100_000
    assert len(res.histogram.edges) == len(res.histogram.counts) + 1 == 31
    assert res.npv_mean == pytest.approx((res.mean - 1) * 150_000)
    assert res.ratios is None


def test_no_ranges_gives_the_deterministic_ratio_every_draw():
    row = Outcome("Carers", "Respite", 10, 2, 1_000, 0.1, 0.0, 0.2, 0.5)
    impact_map = ImpactMap(outcomes=(row,), investment=10_000)
    base = sroi.evaluate(impact_map).ratio
    res = sroi.monte_carlo(impact_map, n_draws=50, keep_draws=True)
    assert np.allclose(res.ratios, base)
    assert base > 1 and res.mean == pytest.approx(base) and res.probability_above_one == 1.0
    one = sroi.monte_carlo(impact_map, n_draws=1)
    assert one.std == 0.0


def test_probability_above_one_is_the_share_of_draws():
    # ratio = q x 1 / 10 for one year at rate 0: q uniform on [5, 15] -> P(ratio > 1) = 1/2
    row = Outcome("People", "Outcome", 10, 1, 1.0, ranges={"quantity": Range(5, 15)})
    res = sroi.monte_carlo(
        ImpactMap(outcomes=(row,), investment=10, discount_rate=0.0), n_draws=40_000, seed=5,
        interval=(2.5, 97.5),
    )
    assert res.probability_above_one == pytest.approx(0.5, abs=0.01)
    assert res.interval == pytest.approx((0.525, 1.475), abs=0.01)
    assert res.mean == pytest.approx(1.0, abs=0.01)


def test_triangular_draws_stay_inside_and_follow_the_mode():
    rng = np.random.default_rng(0)
    u = rng.random(200_000)
    x = sroi._draw(Range(0.0, 10.0, mode=2.0), u)
    assert x.min() >= 0.0 and x.max() <= 10.0
    assert x.mean() == pytest.approx(4.0, abs=0.05)  # (0 + 2 + 10) / 3
    # P(X <= mode) = (mode - low) / (high - low)
    assert (x <= 2.0).mean() == pytest.approx(0.2, abs=0.01)
    assert np.all(sroi._draw(Range(3.0, 3.0, mode=3.0), u[:10]) == 3.0)


def test_drawn_durations_are_whole_years():
    # duration uniform on [1, 3] rounded: 1 year w.p. 1/4, 2 w.p. 1/2, 3 w.p. 1/4
    row = Outcome("People", "Outcome", 1, 2, 1.0, ranges={"duration_years": Range(1, 3)})
    res = sroi.monte_carlo(
        ImpactMap(outcomes=(row,), investment=1, discount_rate=0.0), n_draws=20_000, seed=2,
        keep_draws=True,
    )
    values, counts = np.unique(res.ratios, return_counts=True)
    assert values.tolist() == [1.0, 2.0, 3.0]
    assert (counts / counts.sum()).tolist() == pytest.approx([0.25, 0.5, 0.25], abs=0.01)


RANGED = ImpactMap(
    outcomes=(
        Outcome("Unemployed", "Job", 20, 3, 10_000, 0.25, 0.1, 0.2, 0.5,
                ranges={"deadweight": Range(0.1, 0.4, mode=0.25), "drop_off": Range(0.3, 0.7)}),
        Outcome("Carers", "Less stress", 40, 4, 500, 0.1, 0.0, 0.5, 0.2,
                ranges={"proxy_value": Range(300, 900, mode=500)}),
    ),
    investment=100_000,
    discount_rate_range=Range(0.015, 0.06, mode=0.035),
)


def test_same_seed_same_result_whatever_the_chunks():
    calls = []
    a = sroi.monte_carlo(RANGED, n_draws=10_000, seed=42, keep_draws=True, chunk_size=3_000,
                         progress=lambda done, total: calls.append((done, total)))
    b = sroi.monte_carlo(RANGED, n_draws=10_000, seed=42, keep_draws=True)
    assert np.array_equal(a.ratios, b.ratios)
    assert (a.mean, a.interval, a.histogram) == (b.mean, b.interval, b.histogram)
    assert calls == [(3_000, 10_000), (6_000, 10_000), (9_000, 10_000), (10_000, 10_000)]
    c = sroi.monte_carlo(RANGED, n_draws=10_000, seed=43, keep_draws=True)
    assert not np.array_equal(a.ratios, c.ratios)


def test_a_new_range_leaves_the_other_streams_alone():
    """Each (row, assumption) has its own SeedSequence stream: adding a range to the first
    row does not move the draws of the second row's range (one shared generator would)."""
    other = Outcome("A", "a", 1, 1, 0.0)
    row = Outcome("B", "b", 10, 1, 1.0, ranges={"quantity": Range(0, 10)})
    alone = ImpactMap(outcomes=(other, row), investment=1, discount_rate=0.0)
    with_range = dataclasses.replace(
        alone, outcomes=(dataclasses.replace(other, ranges={"quantity": Range(0, 10)}), row)
    )
    a = sroi.monte_carlo(alone, n_draws=100, seed=1, keep_draws=True)
    b = sroi.monte_carlo(with_range, n_draws=100, seed=1, keep_draws=True)
    assert np.array_equal(a.ratios, b.ratios)  # the first row's proxy is 0: adds nothing


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"n_draws": 0}, "draws_invalid"),
        ({"n_draws": 2.5}, "draws_invalid"),
        ({"n_draws": sroi.MAX_DRAWS + 1}, "draws_invalid"),
        ({"seed": -1}, "seed_invalid"),
        ({"seed": 1.5}, "seed_invalid"),
        ({"interval": (95, 5)}, "interval_invalid"),
        ({"interval": (-1, 50)}, "interval_invalid"),
        ({"bins": 0}, "bins_invalid"),
    ],
)
def test_monte_carlo_refuses_bad_settings(kwargs, code):
    with pytest.raises(SroiInputError) as err:
        sroi.monte_carlo(RANGED, **kwargs)
    assert err.value.code == code


def test_monte_carlo_validates_the_map_first():
    bad = dataclasses.replace(RANGED, discount_rate=-1.0)
    with pytest.raises(SroiInputError) as err:
        sroi.monte_carlo(bad)
    assert err.value.code == "discount_rate_invalid"
