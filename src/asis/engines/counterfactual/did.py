"""Difference-in-differences by two-way fixed effects, and its event-study version.

Model (unit effects ``a_i``, period effects ``l_t``, treatment dummy ``D_it``)::

    y_it = a_i + l_t + beta * D_it + e_it

The engine prepares the data and statsmodels estimates: the outcome and the regressors are swept
of both sets of effects by the within transformation (alternating projections, Guimaraes &
Portugal 2010; one sweep is exact on a balanced panel), and ``statsmodels.OLS`` fits the swept
data with standard errors clustered by unit (CRV1, Liang & Zeger 1986). By Frisch-Waugh-Lovell
the coefficients and residuals equal those of OLS with full unit and period dummies.

Degrees of freedom. The cluster-robust covariance is multiplied by the small-sample factor
``G / (G - 1) * (N - 1) / (N - K)`` with G clusters (units) and N observations. A regression on
the swept data alone would count only the regressors in K and understate it; OLS with full dummies
counts every dummy. Unit effects are nested in the unit clusters, so by default (``dof="nested"``)
K counts the regressors, the period effects and the intercept but not the unit effects
(Cameron & Miller 2015, section III.B; Stata's ``xtreg, fe vce(cluster)`` and ``reghdfe`` do the
same). ``dof="all"`` counts the unit effects too and reproduces ``statsmodels`` OLS with
``C(unit) + C(period)`` dummies exactly. Tests and intervals use Student's t with G - 1 degrees of
freedom.

Event study: ``D_it`` is replaced by one dummy per event time ``k = t - start_i`` of the treated
units (leads k < 0, lags k >= 0), k = -1 left out as the reference. The leads' joint Wald test
(F with q and G - 1 degrees of freedom) is the pre-trend test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.api as sm
from scipy import stats

from asis.engines._arrays import FloatArray, IntArray
from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.panel import Panel

#: Alternating projections stop when no swept value moves more than this (relative to scale).
SWEEP_TOLERANCE = 1e-13
SWEEP_MAX_ITERATIONS = 10_000
REFERENCE_EVENT_TIME = -1

DofRule = Literal["nested", "all"]


@dataclass(frozen=True)
class Estimate:
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True)
class GroupMeans:
    """Mean outcome of the treated and comparison units before and after a common start."""

    treated_pre: float
    treated_post: float
    comparison_pre: float
    comparison_post: float

    @property
    def difference_in_differences(self) -> float:
        return ((self.treated_post - self.treated_pre)
                - (self.comparison_post - self.comparison_pre))


@dataclass(frozen=True)
class DidResult:
    effect: Estimate
    confidence: float
    n_obs: int
    n_units: int
    n_periods: int
    n_treated_units: int
    dof_factor: float
    group_means: GroupMeans | None


@dataclass(frozen=True)
class EventCoefficient:
    event_time: int
    estimate: Estimate
    reference: bool = False


@dataclass(frozen=True)
class PreTrendTest:
    statistic: float
    df_num: int
    df_den: int
    p_value: float


@dataclass(frozen=True)
class EventStudyResult:
    coefficients: tuple[EventCoefficient, ...]
    pre_trend: PreTrendTest | None
    confidence: float
    n_obs: int
    n_units: int
    n_periods: int
    n_treated_units: int

    @property
    def leads(self) -> tuple[EventCoefficient, ...]:
        return tuple(c for c in self.coefficients if c.event_time < REFERENCE_EVENT_TIME)

    @property
    def lags(self) -> tuple[EventCoefficient, ...]:
        return tuple(c for c in self.coefficients if c.event_time >= 0)


def sweep_fixed_effects(panel: Panel, columns: FloatArray) -> FloatArray:
    """Remove unit and period means from every column until both sets of means are zero."""
    n_units, n_periods = len(panel.units), len(panel.periods)
    unit_count = np.bincount(panel.unit_index, minlength=n_units).astype(np.float64)
    period_count = np.bincount(panel.period_index, minlength=n_periods).astype(np.float64)
    swept = np.array(columns, dtype=np.float64, copy=True)
    scale = max(1.0, float(np.abs(swept).max()))
    for _ in range(SWEEP_MAX_ITERATIONS):
        moved = 0.0
        for index, count, size in ((panel.unit_index, unit_count, n_units),
                                   (panel.period_index, period_count, n_periods)):
            for j in range(swept.shape[1]):
                means = np.bincount(index, weights=swept[:, j], minlength=size) / count
                step = means[index]
                swept[:, j] -= step
                moved = max(moved, float(np.abs(step).max()))
        if moved <= SWEEP_TOLERANCE * scale:
            break
    return swept


def _fit(panel: Panel, regressors: FloatArray, dof: DofRule,
         confidence: float) -> tuple[list[Estimate], FloatArray, float]:
    if not 0.0 < confidence < 1.0:
        raise CounterfactualError("invalid_confidence", "confidence must lie in (0, 1)",
                                  confidence=confidence)
    data = sweep_fixed_effects(panel, np.column_stack([panel.outcome, regressors]))
    y, x = data[:, 0], data[:, 1:]
    n_obs, k = x.shape
    # A regressor the effects absorb sweeps to (numerical) zero; the rank test alone would read
    # that rounding noise as a column.
    swept_norm = np.linalg.norm(x, axis=0)
    raw_norm = np.linalg.norm(regressors, axis=0)
    if (swept_norm <= 1e-9 * raw_norm).any() or np.linalg.matrix_rank(x) < k:
        raise CounterfactualError("collinear_design",
                                  "the treatment is collinear with the unit and period effects")
    groups = panel.unit_index
    n_clusters = len(panel.units)
    fit = sm.OLS(y, x).fit(cov_type="cluster",
                           cov_kwds={"groups": groups, "use_correction": False})
    absorbed = (len(panel.periods) - 1) + 1
    if dof == "all":
        absorbed += n_clusters - 1
    k_total = k + absorbed
    if n_obs <= k_total:
        raise CounterfactualError("too_few_observations",
                                  "more parameters than observations",
                                  observations=n_obs, parameters=k_total)
    factor = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k_total)
    params = np.asarray(fit.params, dtype=np.float64)
    cov = np.asarray(fit.cov_params(), dtype=np.float64) * factor
    df = n_clusters - 1
    crit = float(stats.t.ppf(0.5 + confidence / 2.0, df))
    estimates = []
    for j in range(k):
        se = float(np.sqrt(cov[j, j]))
        b = float(params[j])
        t_stat = b / se if se > 0 else np.inf
        p = float(2.0 * stats.t.sf(abs(t_stat), df)) if se > 0 else 0.0
        estimates.append(Estimate(estimate=b, std_error=se, ci_low=b - crit * se,
                                  ci_high=b + crit * se, p_value=p))
    return estimates, cov, factor


def _group_means(panel: Panel) -> GroupMeans | None:
    starts = set(panel.treatment_start.values())
    if len(starts) != 1:
        return None
    start = starts.pop()
    period_value = np.asarray(panel.periods, dtype=np.int64)[panel.period_index]
    post = period_value >= start
    cells = []
    for group in (panel.treated_unit, ~panel.treated_unit):
        for when in (~post, post):
            mask = group & when
            cells.append(float(panel.outcome[mask].mean()) if mask.any() else float("nan"))
    return GroupMeans(treated_pre=cells[0], treated_post=cells[1],
                      comparison_pre=cells[2], comparison_post=cells[3])


def did_estimate(panel: Panel, *, confidence: float = 0.95, dof: DofRule = "nested") -> DidResult:
    """Two-way fixed-effects DiD: ``beta`` with its unit-clustered standard error and interval.

    On two periods and a common start this is the 2x2 difference of group means
    ``(T_post - T_pre) - (C_post - C_pre)`` (Card & Krueger 1994, Table 3).
    """
    estimates, _, factor = _fit(panel, panel.treated.astype(np.float64)[:, None], dof,
                                confidence)
    return DidResult(
        effect=estimates[0], confidence=confidence, n_obs=panel.n_obs, n_units=len(panel.units),
        n_periods=len(panel.periods), n_treated_units=len(panel.treatment_start),
        dof_factor=factor, group_means=_group_means(panel),
    )


def event_times(panel: Panel) -> tuple[int, ...]:
    """Event times observed among the treated units, the reference -1 left out."""
    observed: IntArray = np.unique(panel.event_time[panel.treated_unit])
    return tuple(int(k) for k in observed if int(k) != REFERENCE_EVENT_TIME)


def event_study(panel: Panel, *, confidence: float = 0.95,
                dof: DofRule = "nested") -> EventStudyResult:
    """Leads and lags relative to each treated unit's start (reference k = -1) and the
    joint pre-trend test of the leads (H0: every lead is 0)."""
    times = event_times(panel)
    if REFERENCE_EVENT_TIME not in set(panel.event_time[panel.treated_unit].tolist()):
        raise CounterfactualError("no_reference_period",
                                  "no treated unit is observed in the period before its start")
    columns = np.column_stack([
        (panel.treated_unit & (panel.event_time == k)).astype(np.float64) for k in times])
    estimates, cov, _ = _fit(panel, columns, dof, confidence)
    coefficients = [EventCoefficient(event_time=k, estimate=e)
                    for k, e in zip(times, estimates, strict=True)]
    coefficients.append(EventCoefficient(
        event_time=REFERENCE_EVENT_TIME, reference=True,
        estimate=Estimate(estimate=0.0, std_error=0.0, ci_low=0.0, ci_high=0.0, p_value=1.0)))
    coefficients.sort(key=lambda c: c.event_time)
    lead_idx = [j for j, k in enumerate(times) if k < REFERENCE_EVENT_TIME]
    pre_trend = None
    if lead_idx:
        b = np.array([estimates[j].estimate for j in lead_idx])
        v = cov[np.ix_(lead_idx, lead_idx)]
        # With few clusters the leads' covariance can be singular: the pseudo-inverse tests the
        # directions it identifies and the numerator degrees of freedom are its rank.
        q = int(np.linalg.matrix_rank(v))
        df_den = len(panel.units) - 1
        f_stat = float(b @ np.linalg.pinv(v) @ b) / q
        pre_trend = PreTrendTest(statistic=f_stat, df_num=q, df_den=df_den,
                                 p_value=float(stats.f.sf(f_stat, q, df_den)))
    return EventStudyResult(
        coefficients=tuple(coefficients), pre_trend=pre_trend, confidence=confidence,
        n_obs=panel.n_obs, n_units=len(panel.units), n_periods=len(panel.periods),
        n_treated_units=len(panel.treatment_start),
    )
