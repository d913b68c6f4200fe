"""SROI engine: the hand-worked case of docs/methods/sroi.md, re-basing, tornado, bad input."""

import dataclasses
import math

import pytest

from asis.engines.errors import EngineError, InvalidInputError
from asis.engines.impact import sroi
from asis.engines.impact.sroi import ImpactMap, Outcome, Range, SroiInputError

EMPLOYMENT = Outcome(
    stakeholder="Long-term unemployed people",
    description="Move into sustained employment",
    quantity=20, duration_years=3, proxy_value=10_000,
    deadweight=0.25, displacement=0.10, attribution=0.20, drop_off=0.50,
)
CARERS = Outcome(
    stakeholder="Family carers",
    description="Less stress from caring",
    quantity=40, duration_years=4, proxy_value=500,
    deadweight=0.10, displacement=0.0, attribution=0.50, drop_off=0.20,
)
WORKED = ImpactMap(outcomes=(EMPLOYMENT, CARERS), investment=100_000, discount_rate=0.035)


def test_worked_example_every_intermediate():
    """The numbers written out in docs/methods/sroi.md, section "Worked example"."""
    res = sroi.evaluate(WORKED)
    employment, carers = res.outcomes
    # year 1: 20 x 10,000 x 0.75 x 0.90 x 0.80 = 108,000 ; drop-off 50 % a year after that
    assert employment.impact_year1 == pytest.approx(108_000)
    assert employment.impacts == pytest.approx((108_000, 54_000, 27_000))
    # divided by 1.035, 1.071225 and 1.108717875
    assert employment.discounted == pytest.approx((104_347.83, 50_409.58, 24_352.45), abs=0.01)
    assert employment.present_value == pytest.approx(179_109.86, abs=0.01)
    # year 1: 40 x 500 x 0.90 x 1.00 x 0.50 = 9,000 ; drop-off 20 % a year after that
    assert carers.impacts == pytest.approx((9_000, 7_200, 5_760, 4_608))
    assert carers.discounted == pytest.approx((8_695.65, 6_721.28, 5_195.19, 4_015.61), abs=0.01)
    assert carers.present_value == pytest.approx(24_627.72, abs=0.01)
    assert res.impact_by_year == pytest.approx((117_000, 61_200, 32_760, 4_608))
    assert res.present_value == pytest.approx(203_737.58, abs=0.01)
    assert res.net_present_value == pytest.approx(103_737.58, abs=0.01)
    assert res.ratio == pytest.approx(2.0374, abs=1e-4)
    assert res.net_ratio == pytest.approx(1.0374, abs=1e-4)
    # payback: 100,000 / (117,000 / 12) = 10.26 months
    assert res.payback_months == pytest.approx(10.256, abs=1e-3)


def test_default_rate_is_green_book_and_zero_rate_sums_plainly():
    assert ImpactMap(outcomes=(EMPLOYMENT,), investment=1).discount_rate == 0.035
    flat = sroi.evaluate(dataclasses.replace(WORKED, discount_rate=0.0))
    assert flat.present_value == pytest.approx(117_000 + 61_200 + 32_760 + 4_608)


def test_negative_outcome_never_pays_back():
    harm = dataclasses.replace(EMPLOYMENT, proxy_value=-100.0)
    res = sroi.evaluate(ImpactMap(outcomes=(harm,), investment=1_000))
    assert res.present_value < 0 and res.ratio < 0
    assert res.payback_months is None


def test_rebase_with_price_index():
    index = {2015: 100.0, 2020: 105.0, 2024: 126.0}
    assert sroi.rebase(1_000, 2020, 2024, index) == pytest.approx(1_200.0)
    assert sroi.rebase(1_200, 2024, 2020, index) == pytest.approx(1_000.0)
    assert sroi.rebase(50, 2015, 2015, index) == 50


@pytest.mark.parametrize(
    ("from_year", "to_year", "index", "code", "params"),
    [
        (2019, 2024, {2024: 126.0}, "index_year_missing", {"year": 2019}),
        (2024, 2030, {2024: 126.0}, "index_year_missing", {"year": 2030}),
        (2020, 2024, {2020: 0.0, 2024: 126.0}, "index_value_invalid", {"year": 2020, "value": 0.0}),
        (2020, 2024, {2020: float("nan"), 2024: 1.0}, "value_not_finite", {}),
    ],
)
def test_rebase_refuses_missing_or_bad_years(from_year, to_year, index, code, params):
    with pytest.raises(SroiInputError) as err:
        sroi.rebase(100, from_year, to_year, index)
    assert err.value.code == code
    assert err.value.params == params


def _with(row=None, **changes):
    """WORKED with its first row changed (``row``) or map-level fields changed."""
    outcomes = (dataclasses.replace(EMPLOYMENT, **row), CARERS) if row else WORKED.outcomes
    return dataclasses.replace(WORKED, outcomes=outcomes, **changes)


@pytest.mark.parametrize(
    ("impact_map", "code", "field"),
    [
        (_with(discount_rate=-1.0), "discount_rate_invalid", "discount_rate"),
        (_with(discount_rate=-1.5), "discount_rate_invalid", "discount_rate"),
        (_with({"duration_years": 0}), "duration_invalid", "outcomes[0].duration_years"),
        (_with({"duration_years": -2}), "duration_invalid", "outcomes[0].duration_years"),
        (_with({"duration_years": 2.5}), "duration_invalid", "outcomes[0].duration_years"),
        (_with({"duration_years": 101}), "duration_invalid", "outcomes[0].duration_years"),
        (_with({"deadweight": 1.2}), "share_out_of_range", "outcomes[0].deadweight"),
        (_with({"displacement": -0.1}), "share_out_of_range", "outcomes[0].displacement"),
        (_with({"attribution": 2}), "share_out_of_range", "outcomes[0].attribution"),
        (_with({"drop_off": -1}), "share_out_of_range", "outcomes[0].drop_off"),
        (_with({"quantity": -1}), "quantity_invalid", "outcomes[0].quantity"),
        (_with({"proxy_value": float("inf")}), "value_not_finite", "outcomes[0].proxy_value"),
        (_with({"proxy_value": "ten"}), "value_not_number", "outcomes[0].proxy_value"),
        (_with(investment=0), "investment_invalid", "investment"),
        (_with(investment=-5), "investment_invalid", "investment"),
        (ImpactMap(outcomes=(), investment=10), "map_empty", "outcomes"),
        (_with({"ranges": {"deadweight": Range(0.5, 0.1)}}), "range_invalid",
         "outcomes[0].ranges.deadweight"),
        (_with({"ranges": {"quantity": Range(1, 5, mode=9)}}), "range_invalid",
         "outcomes[0].ranges.quantity"),
        (_with({"ranges": {"attribution": Range(0.1, 1.5)}}), "share_out_of_range",
         "outcomes[0].ranges.attribution.high"),
        (_with({"ranges": {"duration_years": Range(0, 3)}}), "duration_invalid",
         "outcomes[0].ranges.duration_years.low"),
        (_with({"ranges": {"colour": Range(0, 1)}}), "assumption_unknown", "outcomes[0].ranges"),
        (_with(discount_rate_range=Range(-1.0, 0.05)), "discount_rate_invalid",
         "discount_rate_range.low"),
    ],
)
def test_bad_input_has_code_and_field(impact_map, code, field):
    with pytest.raises(SroiInputError) as err:
        sroi.evaluate(impact_map)
    assert err.value.code == code
    assert err.value.field == field
    # the app and older callers catch the engines' base classes
    assert isinstance(err.value, InvalidInputError) and isinstance(err.value, EngineError)


def test_error_params_carry_the_facts():
    with pytest.raises(SroiInputError) as err:
        sroi.evaluate(_with({"deadweight": 1.2}))
    assert err.value.params == {"name": "deadweight", "value": 1.2}
    with pytest.raises(SroiInputError) as err:
        sroi.evaluate(_with(discount_rate=-1.0))
    assert err.value.params == {"value": -1.0}


def _ratio_of(impact_map):
    return sroi.evaluate(impact_map).ratio


def test_tornado_one_at_a_time_sorted_by_swing():
    ranged = _with(
        {"ranges": {"deadweight": Range(0.10, 0.40), "quantity": Range(10, 30, mode=20),
                    "duration_years": Range(2, 5)}},
        discount_rate_range=Range(0.0, 0.06),
    )
    res = sroi.tornado(ranged)
    assert res.base_ratio == pytest.approx(_ratio_of(WORKED))
    swings = [bar.swing for bar in res.bars]
    assert swings == sorted(swings, reverse=True)
    by_name = {(bar.outcome_index, bar.assumption): bar for bar in res.bars}
    assert set(by_name) == {(0, "deadweight"), (0, "quantity"), (0, "duration_years"),
                            (None, "discount_rate")}
    # each end recomputed independently with evaluate() on a changed map
    dw = by_name[(0, "deadweight")]
    assert (dw.base, dw.low, dw.high) == (0.25, 0.10, 0.40)
    assert dw.ratio_low == pytest.approx(_ratio_of(_with({"deadweight": 0.10})))
    assert dw.ratio_high == pytest.approx(_ratio_of(_with({"deadweight": 0.40})))
    assert dw.ratio_low > dw.ratio_high  # more deadweight, less value
    dur = by_name[(0, "duration_years")]
    assert dur.ratio_high == pytest.approx(_ratio_of(_with({"duration_years": 5})))
    rate = by_name[(None, "discount_rate")]
    assert rate.ratio_low == pytest.approx(_ratio_of(_with(discount_rate=0.0)))
    # quantity: 10..30 around 20 halves and grows the first row's value by half
    q = by_name[(0, "quantity")]
    assert q.ratio_high - q.ratio_low == pytest.approx(179_109.857 / 100_000, rel=1e-6)


def test_tornado_default_swing_covers_every_assumption_within_bounds():
    res = sroi.tornado(WORKED, default_swing=0.5)
    assert len(res.bars) == 1 + 2 * len(sroi.ASSUMPTIONS)
    for bar in res.bars:
        if bar.assumption in sroi.SHARES:
            assert 0.0 <= bar.low <= bar.high <= 1.0
        if bar.assumption == "duration_years":
            assert bar.low >= 1 and bar.low == int(bar.low) and bar.high == int(bar.high)
    carers_dw = next(b for b in res.bars if (b.outcome_index, b.assumption) == (1, "deadweight"))
    assert (carers_dw.low, carers_dw.high) == pytest.approx((0.05, 0.15))
    assert sroi.tornado(WORKED).bars == ()  # no ranges, no default: nothing to move
    negative = sroi.tornado(_with(discount_rate=-0.5), default_swing=1.0)
    rate = next(b for b in negative.bars if b.assumption == "discount_rate")
    assert rate.low == pytest.approx(-0.99)  # never down to -100 %


def test_tornado_refuses_bad_swing():
    with pytest.raises(SroiInputError) as err:
        sroi.tornado(WORKED, default_swing=1.5)
    assert err.value.code == "share_out_of_range"


def test_worked_example_numbers_match_the_method_page():
    """docs/methods/sroi.md writes the same figures the engine returns (rounded)."""
    from pathlib import Path

    page = (Path(__file__).parents[2] / "docs" / "methods" / "sroi.md").read_text()
    res = sroi.evaluate(WORKED)
    for figure in (
        "108,000", "104,347.83", "50,409.58", "24,352.45", "179,109.86",
        "8,695.65", "6,721.28", "5,195.19", "4,015.61", "24,627.72",
        "203,737.58", "103,737.58", "2.04", "10.26",
    ):
        assert figure in page, figure
    assert f"{res.present_value:,.2f}" in page
    assert f"{res.payback_months:.2f}" in page
    assert math.isclose(res.ratio, 2.0374, abs_tol=1e-4)
