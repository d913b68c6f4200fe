"""DiD by two-way fixed effects against statsmodels with full dummies, a published example and
generated data with a known effect."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from asis.engines.counterfactual.did import (
    did_estimate,
    event_study,
    event_times,
    sweep_fixed_effects,
)
from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.panel import panel_from_columns


def _generated(n_units=30, n_periods=8, start=5, effect=2.0, seed=1, trend_gap=0.0,
               unbalanced=False, staggered=False):
    rng = np.random.default_rng(seed)
    rows, starts = [], {}
    for i in range(n_units):
        unit = f"u{i:02d}"
        treated = i < n_units // 3
        unit_start = start + (i % 2 if staggered else 0)
        if treated:
            starts[unit] = 2000 + unit_start
        alpha = rng.normal(0, 2)
        shock = rng.normal(0, 1, n_periods).cumsum() * 0.3  # serially correlated: clustering matters
        for t in range(n_periods):
            if unbalanced and i % 5 == 0 and t == 2:
                continue
            y = alpha + 0.5 * t + shock[t] + rng.normal(0, 0.5)
            if treated:
                y += trend_gap * t
                if t >= unit_start:
                    y += effect
            rows.append((unit, 2000 + t, y))
    frame = pd.DataFrame(rows, columns=["unit", "period", "y"])
    panel = panel_from_columns(frame.unit.tolist(), frame.period.tolist(), frame.y.tolist(), starts)
    frame["d"] = [float(u in starts and p >= starts[u]) for u, p in zip(frame.unit, frame.period)]
    return panel, frame, starts


def _full_dummies(frame, terms):
    return smf.ols(f"y ~ {terms} + C(unit) + C(period)", frame).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame.unit)[0]})


@pytest.mark.parametrize("unbalanced", [False, True])
def test_twfe_equals_statsmodels_with_full_dummies(unbalanced):
    panel, frame, _ = _generated(n_units=12, n_periods=6, start=3, unbalanced=unbalanced)
    ours = did_estimate(panel, dof="all")
    full = _full_dummies(frame, "d")
    assert ours.effect.estimate == pytest.approx(full.params["d"], abs=1e-8)
    assert ours.effect.std_error == pytest.approx(full.bse["d"], abs=1e-8)


def test_nested_dof_counts_no_unit_effects():
    panel, frame, _ = _generated(n_units=12, n_periods=6, start=3)
    nested, every = did_estimate(panel), did_estimate(panel, dof="all")
    n, g, t = panel.n_obs, len(panel.units), len(panel.periods)
    assert nested.dof_factor == pytest.approx(g / (g - 1) * (n - 1) / (n - (1 + t)))
    assert every.dof_factor == pytest.approx(g / (g - 1) * (n - 1) / (n - (1 + t + g - 1)))
    ratio = nested.effect.std_error / every.effect.std_error
    assert ratio == pytest.approx(np.sqrt(nested.dof_factor / every.dof_factor))
    assert nested.effect.estimate == every.effect.estimate
    # Student's t with G - 1 degrees of freedom.
    from scipy import stats
    crit = stats.t.ppf(0.975, g - 1)
    assert nested.effect.ci_high - nested.effect.estimate == pytest.approx(crit * nested.effect.std_error)


def test_sweep_leaves_no_unit_or_period_means():
    panel, _, _ = _generated(n_units=10, n_periods=5, start=3, unbalanced=True)
    swept = sweep_fixed_effects(panel, panel.outcome[:, None])[:, 0]
    for index in (panel.unit_index, panel.period_index):
        sums = np.bincount(index, weights=swept)
        assert np.abs(sums).max() < 1e-9


def test_card_krueger_group_means():
    """Card & Krueger (1994), Table 3, full-time-equivalent employment per store: New Jersey
    20.44 -> 21.03, Pennsylvania 23.33 -> 21.17. A panel rebuilt to those means (three stores per
    state, deviations -1, 0, +1) gives the difference in differences of the rounded means, 2.75;
    the paper's 2.76 comes from its unrounded means."""
    means = {("NJ", 0): 20.44, ("NJ", 1): 21.03, ("PA", 0): 23.33, ("PA", 1): 21.17}
    units, periods, outcomes = [], [], []
    for state in ("NJ", "PA"):
        for k, dev in enumerate((-1.0, 0.0, 1.0)):
            for wave in (0, 1):
                units.append(f"{state}{k}")
                periods.append(1992 + wave)
                outcomes.append(means[(state, wave)] + dev * (1 + 0.3 * wave))
    panel = panel_from_columns(units, periods, outcomes, {f"NJ{k}": 1993 for k in range(3)})
    result = did_estimate(panel)
    assert result.effect.estimate == pytest.approx(2.75, abs=1e-9)
    assert result.effect.estimate == pytest.approx(2.76, abs=0.015)
    gm = result.group_means
    assert (gm.treated_pre, gm.treated_post) == pytest.approx((20.44, 21.03))
    assert (gm.comparison_pre, gm.comparison_post) == pytest.approx((23.33, 21.17))
    assert gm.difference_in_differences == pytest.approx(result.effect.estimate)
    assert (result.n_units, result.n_periods, result.n_treated_units) == (6, 2, 3)


def test_known_effect_is_recovered():
    panel, _, _ = _generated(n_units=300, n_periods=10, start=6, effect=2.0, seed=7)
    result = did_estimate(panel)
    assert result.effect.ci_low < 2.0 < result.effect.ci_high
    assert result.effect.estimate == pytest.approx(2.0, abs=0.15)
    assert result.effect.p_value < 1e-6


def test_event_study_equals_statsmodels_and_tests_leads():
    panel, frame, starts = _generated(n_units=15, n_periods=7, start=4)
    times = event_times(panel)
    assert times == (-4, -3, -2, 0, 1, 2)
    names = []
    for k in times:
        name = f"e{k + 10}"
        names.append(name)
        frame[name] = [float(u in starts and p - starts[u] == k) for u, p in zip(frame.unit, frame.period)]
    full = _full_dummies(frame, " + ".join(names))
    study = event_study(panel, dof="all")
    coefs = [c for c in study.coefficients if not c.reference]
    for c, name in zip(coefs, names):
        assert c.estimate.estimate == pytest.approx(full.params[name], abs=1e-8)
        assert c.estimate.std_error == pytest.approx(full.bse[name], abs=1e-8)
    wald = full.f_test(", ".join(f"{n} = 0" for n in names[:3]))
    assert study.pre_trend.statistic == pytest.approx(float(wald.fvalue), rel=1e-8)
    assert study.pre_trend.p_value == pytest.approx(float(wald.pvalue), rel=1e-8)
    assert (study.pre_trend.df_num, study.pre_trend.df_den) == (3, 14)
    reference = [c for c in study.coefficients if c.reference]
    assert [c.event_time for c in reference] == [-1] and reference[0].estimate.estimate == 0.0
    assert [c.event_time for c in study.leads] == [-4, -3, -2]
    assert [c.event_time for c in study.lags] == [0, 1, 2]


def test_event_study_finds_known_lags_and_flags_pre_trends():
    flat, _, _ = _generated(n_units=300, n_periods=10, start=6, effect=2.0, seed=3)
    study = event_study(flat)
    for lag in study.lags:
        assert lag.estimate.ci_low < 2.0 < lag.estimate.ci_high
    assert study.pre_trend.p_value > 0.05
    trending, _, _ = _generated(n_units=300, n_periods=10, start=6, effect=2.0, seed=3, trend_gap=0.4)
    assert event_study(trending).pre_trend.p_value < 1e-6


def test_event_study_with_staggered_starts_and_one_pre_period():
    panel, _, _ = _generated(n_units=12, n_periods=6, start=3, staggered=True)
    assert event_study(panel).pre_trend is not None
    assert did_estimate(panel).group_means is None
    two = panel_from_columns(["a", "a", "b", "b", "c", "c"], [1, 2] * 3,
                             [1.0, 3.0, 1.0, 1.5, 2.0, 2.2], {"a": 2})
    assert event_study(two).pre_trend is None


def test_event_study_needs_the_reference_period():
    panel = panel_from_columns(["a", "a", "a", "b", "b", "b"], [1, 3, 4] * 2,
                               [1.0, 2.0, 3.0, 1.0, 1.2, 1.1], {"a": 3})
    with pytest.raises(CounterfactualError) as info:
        event_study(panel)
    assert info.value.code == "no_reference_period"


@pytest.mark.parametrize("confidence", [0.0, 1.0])
def test_confidence_must_be_a_share(confidence):
    panel, _, _ = _generated(n_units=6, n_periods=4, start=2)
    with pytest.raises(CounterfactualError) as info:
        did_estimate(panel, confidence=confidence)
    assert info.value.code == "invalid_confidence"


def test_too_few_observations_and_collinear_design():
    tiny = panel_from_columns(["a", "a", "b", "b"], [1, 2, 1, 2], [1.0, 3.0, 1.0, 1.5], {"a": 2})
    with pytest.raises(CounterfactualError) as info:
        did_estimate(tiny, dof="all")
    assert info.value.code == "too_few_observations"
    # Every treated observation is in the last period and only the treated unit has it:
    # the treatment dummy is that unit-period cell, absorbed by nothing but still collinear with
    # the period effect of a period only treated units reach.
    collinear = panel_from_columns(["a", "a", "b", "c"], [1, 2, 1, 1], [1.0, 3.0, 1.0, 1.5], {"a": 2})
    with pytest.raises(CounterfactualError) as info:
        did_estimate(collinear)
    assert info.value.code == "collinear_design"
