import numpy as np
import pytest

from asis.engines.simulation.bass import bass_cumulative, bass_per_period, fit_bass
from asis.engines.simulation.errors import InvalidParameterError, SimulationError


def test_fit_recovers_known_parameters_from_exact_data():
    t = np.arange(1, 16)
    fit = fit_bass(bass_per_period(t, 0.03, 0.38, 1000.0))
    assert (fit.p, fit.q, fit.m) == pytest.approx((0.03, 0.38, 1000.0), rel=1e-6)
    assert fit.r_squared == pytest.approx(1.0) and fit.n == 15
    assert fit.peak_time == pytest.approx(np.log(0.38 / 0.03) / 0.41)


def test_fit_on_noisy_data_covers_the_truth_within_its_standard_errors():
    rng = np.random.default_rng(5)
    t = np.arange(1, 21)
    inside = 0
    for _ in range(40):
        fit = fit_bass(rng.poisson(bass_per_period(t, 0.02, 0.5, 5000.0)))
        inside += abs(fit.q - 0.5) <= 2 * fit.q_se and abs(fit.m - 5000) <= 2 * fit.m_se
    assert inside >= 32  # about 95 % coverage expected of +- 2 SE


def test_the_cumulative_curve_reaches_one_and_peak_is_zero_without_imitation():
    assert bass_cumulative(np.array([0.0, 1e4]), 0.03, 0.38) == pytest.approx([0.0, 1.0])
    t = np.arange(1, 12)
    assert fit_bass(bass_per_period(t, 0.2, 0.0, 100.0)).peak_time == 0.0


@pytest.mark.parametrize("series", [[1, 2, 3], [1, -2, 3, 4], [0, 0, 0, 0], [1, float("nan"), 3, 4]])
def test_unusable_series_are_refused(series):
    with pytest.raises(InvalidParameterError) as err:
        fit_bass(series)
    assert err.value.code == "simulation.bass_series"


def test_a_fit_that_does_not_converge_is_reported_with_a_code():
    with pytest.raises(SimulationError) as err:
        fit_bass(bass_per_period(np.arange(1, 16), 0.03, 0.38, 1000.0), max_evaluations=1)
    assert err.value.code == "simulation.bass_no_fit"
