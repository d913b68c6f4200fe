"""The Bass fit against a published worked example, and the variants of the fit.

Published example (data and fitted values printed together): Chengjun Wang, "Bass diffusion
model" (RPubs, 2012-04-24, https://rpubs.com/chengjun/bass_model; reproduced in the public
repository agk79/Bass, file AGK_BASS_MODEL/Bass_2a.r). Ten yearly sales from 1979, fitted by R's
``nls`` on the Bass density m f(t) from the start M = 60630, P = 0.03, Q = 0.38; the printed
summary is

    M 6.80e+04 (SE 3.13e+03), P 6.59e-03 (SE 1.43e-03), Q 6.38e-01 (SE 4.14e-02),
    residual standard error 727 on 7 degrees of freedom.

The printed values have three significant figures, so the test asks for agreement to half a unit
in the last printed digit.
"""

import numpy as np
import pytest

from asis.engines.simulation.bass import (
    bass_density,
    fit_bass,
    fit_bass_ols,
)
from asis.engines.simulation.errors import InvalidParameterError, SimulationError

SALES_1979 = [840, 1470, 2110, 4000, 7590, 10950, 10530, 9470, 7790, 5890]


def test_reproduces_the_published_nls_fit_with_its_standard_errors():
    fit = fit_bass(SALES_1979, form="density", m_guess=60630)
    assert fit.m == pytest.approx(6.80e4, abs=0.005e4)
    assert fit.m_se == pytest.approx(3.13e3, abs=0.005e3)
    assert fit.p == pytest.approx(6.59e-3, abs=0.005e-3)
    assert fit.p_se == pytest.approx(1.43e-3, abs=0.005e-3)
    assert fit.q == pytest.approx(0.638, abs=0.0005)
    assert fit.q_se == pytest.approx(0.0414, abs=0.00005)
    assert fit.residual_se == pytest.approx(727, abs=0.5)
    # t values printed: 21.74, 4.61, 15.41
    assert fit.m / fit.m_se == pytest.approx(21.74, abs=0.005)
    assert fit.p / fit.p_se == pytest.approx(4.61, abs=0.005)
    assert fit.q / fit.q_se == pytest.approx(15.41, abs=0.005)


def test_the_density_form_is_the_derivative_of_the_cumulative_curve():
    t = np.linspace(0.5, 12, 40)
    h = 1e-5
    cum = lambda x: 1000 * (1 - np.exp(-0.41 * x)) / (1 + (0.38 / 0.03) * np.exp(-0.41 * x))  # noqa: E731
    numeric = (cum(t + h) - cum(t - h)) / (2 * h)
    assert bass_density(t, 0.03, 0.38, 1000.0) == pytest.approx(numeric, rel=1e-6)


def test_the_increment_form_differs_from_the_density_form_on_the_same_data():
    inc = fit_bass(SALES_1979)
    dens = fit_bass(SALES_1979, form="density")
    assert inc.p != pytest.approx(dens.p, rel=0.05)
    # both describe the same series about equally well
    assert inc.r_squared == pytest.approx(dens.r_squared, abs=0.01)


def test_unknown_form_is_refused():
    with pytest.raises(InvalidParameterError) as err:
        fit_bass(SALES_1979, form="cumulative")  # type: ignore[arg-type]
    assert err.value.code == "simulation.out_of_range" and err.value.params["field"] == "form"


def test_bass_1969_ols_matches_an_independent_regression():
    """Bass's (1969) regression on his room air-conditioner series (thousands, 1949-1961; the
    series as reproduced in many public repositories). The published p, q, m are not checked:
    we could not quote them from the paper. The regression is checked against numpy's
    polynomial fit and the quadratic's root."""
    sales = [96, 195, 238, 380, 1045, 1230, 1267, 1828, 1586, 1673, 1800, 1580, 1500]
    fit = fit_bass_ols(sales)
    before = np.concatenate(([0.0], np.cumsum(sales)[:-1]))
    c, b, a = np.polyfit(before, sales, 2)
    assert (fit.a, fit.b, fit.c) == pytest.approx((a, b, c), rel=1e-9)
    roots = np.roots([c, b, a])
    assert fit.m == pytest.approx(roots[roots > 0].max(), rel=1e-9)
    assert fit.p == pytest.approx(a / fit.m) and fit.q == pytest.approx(-c * fit.m)
    assert 0 < fit.r_squared < 1 and fit.n == 13


def test_ols_recovers_a_discrete_bass_process_exactly():
    # S_t = (p + q Y/m)(m - Y) holds exactly for the discrete Bass recursion.
    p, q, m = 0.02, 0.4, 1000.0
    y, total = [], 0.0
    for _ in range(12):
        s = (p + q * total / m) * (m - total)
        y.append(s)
        total += s
    fit = fit_bass_ols(y)
    assert (fit.p, fit.q, fit.m) == pytest.approx((p, q, m), rel=1e-8)
    assert fit.r_squared == pytest.approx(1.0)


def test_ols_refuses_a_series_without_a_market_potential():
    with pytest.raises(SimulationError) as err:
        fit_bass_ols([1, 2, 4, 8, 16, 32, 64])  # accelerating: c >= 0
    assert err.value.code == "simulation.bass_no_fit"
    with pytest.raises(InvalidParameterError):
        fit_bass_ols([1, 2, 3])


def test_ols_refuses_a_regression_without_a_real_root(monkeypatch):
    """a = -1, b = 0.1, c = -0.01: b^2 - 4ac = 0.01 - 0.04 < 0, no market potential."""
    monkeypatch.setattr(np.linalg, "lstsq", lambda *a, **k: (np.array([-1.0, 0.1, -0.01]), None, None, None))
    with pytest.raises(SimulationError) as err:
        fit_bass_ols([1.0, 2.0, 3.0, 4.0])
    assert err.value.code == "simulation.bass_no_fit"


def test_abc_reports_progress_after_each_draw():
    from asis.engines.simulation.calibration import Prior, abc_rejection
    from tests.engines.simulation_helpers import small_spec

    seen: list[tuple[int, int]] = []
    abc_rejection(small_spec(horizon_months=12), {"exit_rate_per_year": 0.1},
                  [Prior("failure_hazard", 0.005, 0.02)], draws=3, accept=0.5, runs_per_draw=1,
                  progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
