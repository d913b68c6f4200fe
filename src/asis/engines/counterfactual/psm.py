"""Propensity-score matching: the average effect of the treatment on the treated (ATT).

1. Propensity score ``e(x) = P(T = 1 | x)`` by logistic regression (``statsmodels.Logit``,
   intercept added; Rosenbaum & Rubin 1983).
2. Every treated unit is matched to the comparison unit with the nearest logit of the score
   (the linear predictor ``x'b``), **with replacement**: a comparison unit may serve several
   treated units, which keeps the closest match for each and makes the result independent of the
   order of matching (Dehejia & Wahba 2002); the matched comparison units are then weighted by
   how often they are used. A treated unit whose nearest neighbour lies farther than the caliper
   ``0.2 * SD(logit e)`` (Austin 2011) stays unmatched and out of the ATT.
3. ``ATT = mean over matched treated of (y_i - y_m(i))``.
4. Balance: the standardised mean difference per covariate,
   ``SMD = (mean_T - mean_C) / sqrt((var_T + var_C) / 2)``, before matching (all units) and
   after (matched treated against the used comparison units with their weights), both on the
   denominator of the unmatched sample so that the two are comparable (Austin 2009). ``|SMD| >
   0.1`` is the usual sign of imbalance.
5. Interval: percentile bootstrap that resamples treated and comparison units separately and
   repeats steps 1-3 (seeded ``numpy.random.SeedSequence``). Abadie & Imbens (2008) show the
   bootstrap can be conservative or anti-conservative for nearest-neighbour matching with a fixed
   number of matches; the interval is a guide, not an exact test, and the methods page says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from asis.engines._arrays import BoolArray, FloatArray, IntArray
from asis.engines.counterfactual.errors import CounterfactualError

CALIPER_SD = 0.2
DEFAULT_BOOTSTRAP = 500
#: A bootstrap whose draws fail more often than this (no overlap in a resample) gives no interval.
MAX_FAILED_DRAWS = 0.1


@dataclass(frozen=True)
class PsmInput:
    units: tuple[str, ...]
    treated: tuple[bool, ...]
    outcome: tuple[float, ...]
    covariates: tuple[tuple[float, ...], ...]
    covariate_names: tuple[str, ...]


@dataclass(frozen=True)
class Balance:
    covariate: str
    mean_treated: float
    mean_comparison_before: float
    mean_comparison_after: float
    smd_before: float
    smd_after: float


@dataclass(frozen=True)
class PsmResult:
    att: float
    ci_low: float
    ci_high: float
    confidence: float
    balance: tuple[Balance, ...]
    caliper: float
    n_treated: int
    n_comparison: int
    n_matched: int
    n_comparison_used: int
    n_bootstrap: int
    n_bootstrap_failed: int
    seed: int

    @property
    def max_abs_smd_after(self) -> float:
        return max((abs(b.smd_after) for b in self.balance), default=0.0)


@dataclass(frozen=True, eq=False)
class _Match:
    att: float
    treated_rows: IntArray
    control_rows: IntArray
    caliper: float


def _check(data: PsmInput) -> tuple[BoolArray, FloatArray, FloatArray]:
    n = len(data.units)
    if not (len(data.treated) == len(data.outcome) == len(data.covariates) == n):
        raise CounterfactualError("length_mismatch", "columns have different lengths")
    if not data.covariate_names:
        raise CounterfactualError("no_covariates", "matching needs at least one covariate")
    treated = np.array(data.treated, dtype=bool)
    try:
        y = np.array(data.outcome, dtype=np.float64)
        x = np.array(data.covariates, dtype=np.float64).reshape(n, len(data.covariate_names))
    except (TypeError, ValueError) as exc:
        raise CounterfactualError("non_numeric_covariate", "values are not numbers") from exc
    if not (np.isfinite(y).all() and np.isfinite(x).all()):
        raise CounterfactualError("non_numeric_covariate", "values are not finite numbers")
    n_treated = int(treated.sum())
    if n_treated < 1:
        raise CounterfactualError("no_treated_unit", "no unit is treated")
    if n - n_treated < 1:
        raise CounterfactualError("no_comparison_unit", "every unit is treated")
    if n < len(data.covariate_names) + 2:
        raise CounterfactualError("too_few_units", "fewer units than the score has parameters",
                                  units=n)
    return treated, y, x


def _logit_index(treated: BoolArray, x: FloatArray) -> FloatArray:
    """The linear predictor ``x'b`` of the fitted logit, or ``no_overlap`` when it cannot be fit.

    Perfect or quasi-perfect separation (a covariate splits treated from comparison units) means
    there is no overlap to match on; statsmodels warns or fails on it, and the engine says so.
    """
    design = sm.add_constant(x, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.Logit(treated.astype(np.float64), design).fit(disp=0, maxiter=100)
        except np.linalg.LinAlgError as exc:
            raise CounterfactualError("no_overlap", "the propensity score cannot be fit") from exc
    if any("separation" in str(w.message).lower() or "converge" in str(w.message).lower()
           for w in caught):
        raise CounterfactualError("no_overlap",
                                  "the covariates separate treated from comparison units")
    return np.asarray(design @ np.asarray(fit.params, dtype=np.float64), dtype=np.float64)


def _match(treated: BoolArray, y: FloatArray, x: FloatArray) -> _Match:
    index = _logit_index(treated, x)
    caliper = CALIPER_SD * float(index.std(ddof=1))
    t_rows = np.flatnonzero(treated)
    c_rows = np.flatnonzero(~treated)
    order = np.argsort(index[c_rows], kind="stable")
    c_sorted = c_rows[order]
    c_index = index[c_sorted]
    pos = np.searchsorted(c_index, index[t_rows])
    left = np.clip(pos - 1, 0, len(c_sorted) - 1)
    right = np.clip(pos, 0, len(c_sorted) - 1)
    d_left = np.abs(index[t_rows] - c_index[left])
    d_right = np.abs(index[t_rows] - c_index[right])
    nearest = np.where(d_left <= d_right, left, right)
    distance = np.minimum(d_left, d_right)
    keep = distance <= caliper
    matched_t = t_rows[keep]
    matched_c = c_sorted[nearest[keep]]
    att = float((y[matched_t] - y[matched_c]).mean()) if keep.any() else float("nan")
    return _Match(att=att, treated_rows=matched_t, control_rows=matched_c, caliper=caliper)


def _smd(mean_t: float, mean_c: float, sd: float) -> float:
    return (mean_t - mean_c) / sd if sd > 0 else 0.0


def psm_estimate(data: PsmInput, *, n_bootstrap: int = DEFAULT_BOOTSTRAP, seed: int = 0,
                 confidence: float = 0.95) -> PsmResult:
    """ATT by nearest-neighbour matching on the logit of the propensity score (see module)."""
    if not 0.0 < confidence < 1.0:
        raise CounterfactualError("invalid_confidence", "confidence must lie in (0, 1)",
                                  confidence=confidence)
    if n_bootstrap < 2:
        raise CounterfactualError("too_few_draws", "the bootstrap needs at least two draws",
                                  draws=n_bootstrap)
    treated, y, x = _check(data)
    match = _match(treated, y, x)
    if len(match.treated_rows) == 0:
        raise CounterfactualError("no_matches",
                                  "no treated unit has a comparison unit within the caliper",
                                  caliper=match.caliper)
    balance = []
    for j, name in enumerate(data.covariate_names):
        xt, xc = x[treated, j], x[~treated, j]
        sd = float(np.sqrt((xt.var(ddof=1) + xc.var(ddof=1)) / 2.0)) if (
            len(xt) > 1 and len(xc) > 1) else 0.0
        mt_after = float(x[match.treated_rows, j].mean())
        mc_after = float(x[match.control_rows, j].mean())
        balance.append(Balance(
            covariate=name, mean_treated=float(xt.mean()),
            mean_comparison_before=float(xc.mean()), mean_comparison_after=mc_after,
            smd_before=_smd(float(xt.mean()), float(xc.mean()), sd),
            smd_after=_smd(mt_after, mc_after, sd)))
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    t_rows, c_rows = np.flatnonzero(treated), np.flatnonzero(~treated)
    draws: list[float] = []
    failed = 0
    for _ in range(n_bootstrap):
        rows = np.concatenate([rng.choice(t_rows, size=len(t_rows)),
                               rng.choice(c_rows, size=len(c_rows))])
        try:
            boot = _match(treated[rows], y[rows], x[rows])
        except CounterfactualError:
            failed += 1
            continue
        if np.isnan(boot.att):
            failed += 1
            continue
        draws.append(boot.att)
    if failed > MAX_FAILED_DRAWS * n_bootstrap:
        raise CounterfactualError("unstable_bootstrap",
                                  "too many resamples could not be matched",
                                  failed=failed, draws=n_bootstrap)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(np.array(draws), [tail, 100.0 - tail])
    return PsmResult(
        att=match.att, ci_low=float(low), ci_high=float(high), confidence=confidence,
        balance=tuple(balance), caliper=match.caliper, n_treated=int(treated.sum()),
        n_comparison=int((~treated).sum()), n_matched=len(match.treated_rows),
        n_comparison_used=len(set(match.control_rows.tolist())), n_bootstrap=n_bootstrap,
        n_bootstrap_failed=failed, seed=seed,
    )


def psm_input(units: Sequence[str], treated: Sequence[bool], outcome: Sequence[float],
              covariates: Sequence[Sequence[float]], covariate_names: Sequence[str]) -> PsmInput:
    return PsmInput(units=tuple(units), treated=tuple(bool(t) for t in treated),
                    outcome=tuple(outcome), covariates=tuple(tuple(c) for c in covariates),
                    covariate_names=tuple(covariate_names))
