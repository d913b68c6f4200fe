"""Bass (1969) diffusion model and its fit by non-linear least squares.

Cumulative adoption share F(t) = (1 - exp(-(p+q)t)) / (1 + (q/p) exp(-(p+q)t)); adopters in
period t are m [F(t) - F(t-1)]. The fit is on the per-period (non-cumulative) series, the
non-linear least-squares estimator of Srinivasan & Mason (1986), which - unlike Bass's original
OLS on cumulative sales - gives standard errors for p, q and m directly (from the Jacobian,
scipy.optimize.curve_fit). See docs/methods/bass-model.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import OptimizeWarning, curve_fit

from asis.engines.simulation.errors import InvalidParameterError, SimulationError


@dataclass(frozen=True)
class BassFit:
    p: float
    q: float
    m: float
    p_se: float
    q_se: float
    m_se: float
    rmse: float
    r_squared: float
    n: int

    @property
    def residual_se(self) -> float:
        """Residual standard error sqrt(SSE / (n - 3)), as R's ``nls`` prints it."""
        return float(self.rmse * np.sqrt(self.n / (self.n - 3)))

    @property
    def peak_time(self) -> float:
        """Time of the adoption peak, ln(q/p)/(p+q) (Bass 1969)."""
        return float(np.log(self.q / self.p) / (self.p + self.q)) if self.q > self.p else 0.0


def bass_cumulative(t: NDArray[np.float64], p: float, q: float) -> NDArray[np.float64]:
    e = np.exp(-(p + q) * np.asarray(t, dtype=np.float64))
    return np.asarray((1 - e) / (1 + (q / p) * e))


def bass_per_period(t: NDArray[np.float64], p: float, q: float, m: float) -> NDArray[np.float64]:
    """Adopters in period t (t = 1, 2, ...): m [F(t) - F(t-1)]."""
    t = np.asarray(t, dtype=np.float64)
    return np.asarray(m * (bass_cumulative(t, p, q) - bass_cumulative(t - 1, p, q)))


def bass_density(t: NDArray[np.float64], p: float, q: float, m: float) -> NDArray[np.float64]:
    """Adoption rate at time t, m f(t) = m (p+q)^2/p e^{-(p+q)t} / (1 + (q/p) e^{-(p+q)t})^2."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=np.float64))
    return np.asarray(m * ((p + q) ** 2 / p) * e / (1 + (q / p) * e) ** 2)


BassForm = Literal["increment", "density"]
_FORMS = {"increment": bass_per_period, "density": bass_density}


def _checked_series(series: Sequence[float]) -> NDArray[np.float64]:
    y = np.asarray(series, dtype=np.float64)
    if y.ndim != 1 or y.size < 4 or not np.all(np.isfinite(y)) or np.any(y < 0):
        raise InvalidParameterError(
            "simulation.bass_series",
            "a Bass fit needs at least 4 non-negative finite values",
            {"field": "series", "length": int(y.size)},
        )
    if y.sum() <= 0:
        raise InvalidParameterError(
            "simulation.bass_series", "the series has no adopters", {"field": "series"}
        )
    return y


def fit_bass(
    series: Sequence[float], *, m_guess: float | None = None, max_evaluations: int = 20000,
    form: BassForm = "increment",
) -> BassFit:
    """Fit p, q, m to adopters per period ``series`` (first value = period 1).

    ``form="increment"`` fits m [F(t) - F(t-1)] (Srinivasan & Mason 1986, the default);
    ``form="density"`` fits the adoption rate m f(t) at t = 1, 2, ..., the form of many textbook
    non-linear least-squares examples (and of R's ``nls`` on the Bass density).
    """
    if form not in _FORMS:
        raise InvalidParameterError(
            "simulation.out_of_range", "form must be 'increment' or 'density'",
            {"field": "form", "value": str(form)},
        )
    model = _FORMS[form]
    y = _checked_series(series)
    t = np.arange(1, y.size + 1, dtype=np.float64)
    total = y.sum()
    best: tuple[float, NDArray[np.float64], NDArray[np.float64]] | None = None
    # A small grid of starts: NLS on the Bass curve has local optima (Srinivasan & Mason 1986).
    for m0 in (m_guess or 1.5 * total, 1.1 * total, 3.0 * total):
        for p0, q0 in ((0.03, 0.38), (0.01, 0.5), (0.1, 0.1)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", OptimizeWarning)
                    popt, pcov = curve_fit(
                        model, t, y, p0=(p0, q0, m0),
                        bounds=([1e-6, 0.0, total * 0.999], [1.0, 5.0, total * 1000]),
                        maxfev=max_evaluations,
                    )
            except RuntimeError:
                continue
            sse = float(((model(t, *popt) - y) ** 2).sum())
            if best is None or sse < best[0]:
                best = (sse, popt, pcov)
    if best is None:
        raise SimulationError("simulation.bass_no_fit", "the Bass fit did not converge", {"field": "series"})
    sse, popt, pcov = best
    se = np.sqrt(np.clip(np.diag(pcov), 0, None))
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return BassFit(
        p=float(popt[0]), q=float(popt[1]), m=float(popt[2]),
        p_se=float(se[0]), q_se=float(se[1]), m_se=float(se[2]),
        rmse=float(np.sqrt(sse / y.size)),
        r_squared=1 - sse / ss_tot if ss_tot > 0 else 1.0,
        n=int(y.size),
    )


@dataclass(frozen=True)
class BassOlsFit:
    """Bass's (1969) own estimator: OLS of S_t = a + b Y_{t-1} + c Y_{t-1}^2 (Y cumulative)."""

    a: float
    b: float
    c: float
    p: float
    q: float
    m: float
    r_squared: float
    n: int


def fit_bass_ols(series: Sequence[float]) -> BassOlsFit:
    """Bass (1969): regress adopters in period t on cumulative adopters before t and its square;
    m is the positive root of a + b m + c m^2 = 0, p = a / m, q = -c m. No standard errors for
    p, q, m (the reason Srinivasan & Mason 1986 proposed non-linear least squares)."""
    y = _checked_series(series)
    before = np.concatenate(([0.0], np.cumsum(y)[:-1]))
    design = np.column_stack((np.ones_like(y), before, before**2))
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    a, b, c = (float(v) for v in coef)
    disc = b * b - 4 * a * c
    if c >= 0 or disc < 0:
        raise SimulationError(
            "simulation.bass_no_fit", "the regression has no positive market potential", {"field": "series"}
        )
    m = (-b - float(np.sqrt(disc))) / (2 * c)
    sse = float(((design @ coef - y) ** 2).sum())
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return BassOlsFit(
        a=a, b=b, c=c, p=a / m, q=-c * m, m=m,
        r_squared=1 - sse / ss_tot if ss_tot > 0 else 1.0, n=int(y.size),
    )
