"""Synthetic control for one treated unit (Abadie, Diamond & Hainmueller 2010).

The synthetic unit is a weighted average of the comparison ("donor") units with weights
``w_j >= 0``, ``sum w_j = 1`` chosen to minimise the pre-period root mean squared prediction
error ``RMSPE_pre = sqrt(mean_t<T0 (y_1t - sum_j w_j y_jt)^2)`` of the outcome (SciPy's SLSQP on
the simplex). The gap ``y_1t - synthetic_t`` after the start is the estimated effect; its mean over
the post periods is reported as the average effect.

Inference by placebos in space: every donor in turn is treated as if it had been treated, with
the other donors as its pool (the real treated unit left out), and the ratio
``RMSPE_post / RMSPE_pre`` is compared; the p-value is the share of all units (placebos and the
treated one) whose ratio is at least the treated unit's (Abadie et al. 2010, section 3.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from asis.engines._arrays import FloatArray
from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.panel import Panel

MIN_DONORS = 2
#: A pre-period RMSPE below this share of the outcome's scale counts as an exact fit, so that a
#: ratio stays finite.
RMSPE_FLOOR = 1e-12


@dataclass(frozen=True)
class DonorWeight:
    unit: str
    weight: float


@dataclass(frozen=True)
class PlaceboRatio:
    unit: str
    ratio: float


@dataclass(frozen=True)
class SynthResult:
    treated_unit: str
    start: int
    periods: tuple[int, ...]
    actual: tuple[float, ...]
    synthetic: tuple[float, ...]
    weights: tuple[DonorWeight, ...]
    pre_rmspe: float
    post_rmspe: float
    ratio: float
    average_effect: float
    placebos: tuple[PlaceboRatio, ...]
    p_value: float
    outcome_sd: float

    @property
    def gap(self) -> tuple[float, ...]:
        return tuple(a - s for a, s in zip(self.actual, self.synthetic, strict=True))


def simplex_weights(target: FloatArray, donors: FloatArray) -> FloatArray:
    """Weights on the simplex minimising ``||target - donors @ w||^2`` (``donors`` is T0 x J)."""
    n_donors = donors.shape[1]
    scale = max(float(np.abs(donors).max()), float(np.abs(target).max()), 1.0)
    a, b = donors / scale, target / scale

    def objective(w: FloatArray) -> float:
        r = a @ w - b
        return float(r @ r)

    def gradient(w: FloatArray) -> FloatArray:
        return np.asarray(2.0 * a.T @ (a @ w - b), dtype=np.float64)

    fit = optimize.minimize(
        objective, np.full(n_donors, 1.0 / n_donors), jac=gradient, method="SLSQP",
        bounds=[(0.0, 1.0)] * n_donors,
        constraints=[{"type": "eq", "fun": lambda w: float(w.sum() - 1.0),
                      "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    w = np.clip(np.asarray(fit.x, dtype=np.float64), 0.0, None)
    w /= w.sum()
    # SLSQP stops near the optimum; on the donors it kept, the equality-constrained least squares
    # (its KKT system) gives the exact optimum when that stays non-negative.
    support = np.flatnonzero(w > 1e-6)
    k = len(support)
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2.0 * a[:, support].T @ a[:, support]
    kkt[:k, k] = 1.0
    kkt[k, :k] = 1.0
    rhs = np.concatenate([2.0 * a[:, support].T @ b, [1.0]])
    polished = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]
    if (polished >= 0).all():
        candidate = np.zeros_like(w)
        candidate[support] = polished
        if objective(candidate) <= objective(w):
            w = candidate
    return np.asarray(w, dtype=np.float64)


def _rmspe(gap: FloatArray) -> float:
    return float(np.sqrt(np.mean(gap * gap)))


def _fit_one(target: FloatArray, donors: FloatArray, pre: int,
             floor: float) -> tuple[FloatArray, FloatArray, float, float]:
    w = simplex_weights(target[:pre], donors[:pre])
    synthetic = donors @ w
    gap = target - synthetic
    pre_rmspe = max(_rmspe(gap[:pre]), floor)
    post_rmspe = _rmspe(gap[pre:])
    return w, synthetic, pre_rmspe, post_rmspe


def synth_estimate(panel: Panel) -> SynthResult:
    """Synthetic control of the panel's one treated unit (see module). Needs a balanced panel."""
    if len(panel.treatment_start) != 1:
        raise CounterfactualError("synth_one_treated_unit",
                                  "synthetic control needs exactly one treated unit",
                                  treated=len(panel.treatment_start))
    if not panel.balanced:
        raise CounterfactualError("unbalanced_panel",
                                  "every unit needs a value in every period")
    n_donors = len(panel.units) - 1
    if n_donors < MIN_DONORS:
        raise CounterfactualError("too_few_donors", "synthetic control needs two donors or more",
                                  donors=n_donors, minimum=MIN_DONORS)
    ((treated_unit, start),) = panel.treatment_start.items()
    grid = np.empty((len(panel.units), len(panel.periods)))
    grid[panel.unit_index, panel.period_index] = panel.outcome
    periods = np.asarray(panel.periods)
    pre = int((periods < start).sum())
    t = panel.units.index(treated_unit)
    donor_rows = [j for j in range(len(panel.units)) if j != t]
    donors = grid[donor_rows].T
    floor = RMSPE_FLOOR * max(1.0, float(np.abs(grid).max()))
    w, synthetic, pre_rmspe, post_rmspe = _fit_one(grid[t], donors, pre, floor)
    ratio = post_rmspe / pre_rmspe
    placebos = []
    for position, j in enumerate(donor_rows):
        pool = np.delete(donors, position, axis=1)
        _, _, p_pre, p_post = _fit_one(grid[j], pool, pre, floor)
        placebos.append(PlaceboRatio(unit=panel.units[j], ratio=p_post / p_pre))
    at_least = 1 + sum(1 for p in placebos if p.ratio >= ratio)
    return SynthResult(
        treated_unit=treated_unit, start=start, periods=tuple(panel.periods),
        actual=tuple(float(v) for v in grid[t]), synthetic=tuple(float(v) for v in synthetic),
        weights=tuple(DonorWeight(unit=panel.units[j], weight=float(wj))
                      for j, wj in zip(donor_rows, w, strict=True)),
        pre_rmspe=pre_rmspe, post_rmspe=post_rmspe, ratio=ratio,
        average_effect=float(np.mean(grid[t, pre:] - synthetic[pre:])),
        placebos=tuple(placebos), p_value=at_least / (len(placebos) + 1),
        outcome_sd=float(grid[:, :pre].std(ddof=1)),
    )
