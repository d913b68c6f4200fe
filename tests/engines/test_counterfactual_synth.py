"""Synthetic control: exact recovery from a convex combination and a known effect."""

import numpy as np
import pytest

from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.panel import panel_from_columns
from asis.engines.counterfactual.synth import simplex_weights, synth_estimate


def _case(weights, effect=4.0, n_donors=10, n_periods=12, start=8, seed=5, noise=0.0):
    rng = np.random.default_rng(seed)
    donors = rng.normal(size=(n_donors, 1)) * 5 + 50 + np.cumsum(rng.normal(size=(n_donors, n_periods)), axis=1)
    w = np.zeros(n_donors)
    for j, v in weights.items():
        w[j] = v
    treated = w @ donors + rng.normal(0, noise, n_periods)
    treated[start:] += effect
    units, periods, values = [], [], []
    for j in range(n_donors):
        for t in range(n_periods):
            units.append(f"d{j}")
            periods.append(2010 + t)
            values.append(float(donors[j, t]))
    for t in range(n_periods):
        units.append("T")
        periods.append(2010 + t)
        values.append(float(treated[t]))
    return panel_from_columns(units, periods, values, {"T": 2010 + start}), w


def test_exact_recovery_of_a_convex_combination():
    panel, w = _case({1: 0.5, 4: 0.3, 7: 0.2})
    result = synth_estimate(panel)
    got = np.array([d.weight for d in result.weights])
    assert [d.unit for d in result.weights] == [f"d{j}" for j in range(10)]
    assert got == pytest.approx(w, abs=1e-8)
    assert got.sum() == pytest.approx(1.0) and (got >= 0).all()
    assert result.pre_rmspe < 1e-8
    assert result.average_effect == pytest.approx(4.0, abs=1e-8)
    assert result.gap[-1] == pytest.approx(4.0, abs=1e-8)
    assert result.gap[0] == pytest.approx(0.0, abs=1e-8)
    assert result.treated_unit == "T" and result.start == 2018
    # The treated unit's ratio is the largest of the eleven: the smallest possible p-value.
    assert result.p_value == pytest.approx(1 / 11)
    assert len(result.placebos) == 10
    assert len(result.actual) == len(result.synthetic) == len(result.periods) == 12


def test_known_effect_with_noise_and_no_effect():
    panel, _ = _case({2: 0.6, 5: 0.4}, effect=5.0, noise=0.2, n_periods=20, start=14)
    result = synth_estimate(panel)
    assert result.average_effect == pytest.approx(5.0, abs=0.6)
    assert result.ratio > 5
    null, _ = _case({2: 0.6, 5: 0.4}, effect=0.0, noise=0.2, n_periods=20, start=14)
    assert synth_estimate(null).p_value > 0.1


def test_a_treated_unit_outside_the_hull_fits_badly():
    panel, _ = _case({1: 1.0}, effect=0.0)
    shifted = panel_from_columns(
        [panel.units[i] for i in panel.unit_index],
        [panel.periods[i] for i in panel.period_index],
        [v + (30.0 if panel.units[u] == "T" else 0.0) for v, u in zip(panel.outcome, panel.unit_index)],
        {"T": 2018})
    result = synth_estimate(shifted)
    assert result.pre_rmspe > 5


def test_simplex_weights_fall_back_to_slsqp_when_polishing_goes_negative():
    donors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    target = np.array([2.0, -1.0, 1.0])  # unconstrained optimum (2, -1) is off the simplex
    w = simplex_weights(target, donors)
    assert w == pytest.approx([1.0, 0.0], abs=1e-6)


@pytest.mark.parametrize(("units", "starts", "code"), [
    (["a", "a", "b", "b", "c", "c"], {"a": 2, "b": 2}, "synth_one_treated_unit"),
    (["a", "a", "b", "b"], {"a": 2}, "too_few_donors"),
])
def test_refusals(units, starts, code):
    n = len(units)
    panel = panel_from_columns(units, [1, 2] * (n // 2), [float(i) for i in range(n)], starts)
    with pytest.raises(CounterfactualError) as info:
        synth_estimate(panel)
    assert info.value.code == code


def test_unbalanced_panel_is_refused():
    panel = panel_from_columns(["a", "a", "b", "c", "c"], [1, 2, 1, 1, 2], [1.0, 2.0, 1.0, 1.0, 2.0], {"a": 2})
    with pytest.raises(CounterfactualError) as info:
        synth_estimate(panel)
    assert info.value.code == "unbalanced_panel"
