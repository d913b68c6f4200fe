"""Combining several evaluators' scores for one application, and calibrating
lenient or harsh evaluators.

Arrays are evaluators x applications, NaN where an evaluator did not score an
application. Which calibration fits:

* none: every application is scored by the same panel, or evaluators were
  trained on anchors and their leniency report shows no systematic offset;
* ``standardise`` (z-scores): each evaluator scored many applications drawn at
  random from the same pool, so differences in their means and spreads reflect
  the evaluator and not the applications they happened to get;
* ``evaluator_effects`` (additive model): evaluators scored different, possibly
  non-random subsets (incomplete design); the model separates the application
  effect from a constant evaluator offset, using the overlap between
  evaluators. It needs a connected design and corrects offsets, not spreads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import trim_mean

from asis.engines._arrays import FloatArray, IntArray, as_float_array
from asis.engines.errors import DisconnectedDesignError, InvalidInputError

Aggregation = Literal["mean", "median", "trimmed_mean"]
AGGREGATIONS: tuple[str, ...] = ("mean", "median", "trimmed_mean")


@dataclass(frozen=True, eq=False)
class AggregateResult:
    """One value per application (NaN if nobody scored it) and the number of scores."""

    values: FloatArray
    counts: IntArray
    method: str


def aggregate(
    scores: ArrayLike, method: Aggregation = "mean", *, trim: float = 0.2
) -> AggregateResult:
    """Combine evaluators (axis 0) per application, ignoring NaN.

    ``mean``: arithmetic mean; ``median``; ``trimmed_mean``: the mean after
    removing the fraction ``trim`` of scores from each end (``floor(trim m)``
    values on each side for ``m`` scores, scipy's ``trim_mean``); with three
    scores and ``trim = 0.2`` nothing is trimmed, use ``trim >= 1/3`` to drop the
    extremes of three. Trimming and the median resist one outlying evaluator.
    Reference: J. W. Tukey, D. H. McLaughlin, Sankhya A 25, 1963 (trimmed means).
    """
    x = as_float_array(scores, "scores", ndim=2, allow_nan=True)
    if method not in AGGREGATIONS:
        raise InvalidInputError("method", f"must be one of {', '.join(AGGREGATIONS)}")
    if not 0.0 <= trim < 0.5:
        raise InvalidInputError("trim", "must lie in [0, 0.5)")
    observed = ~np.isnan(x)
    counts = observed.sum(axis=0).astype(np.intp)
    values = np.full(x.shape[1], np.nan)
    scored = counts > 0
    if method == "mean":
        values[scored] = np.where(observed, x, 0.0).sum(axis=0)[scored] / counts[scored]
    elif method == "median":
        for m in np.unique(counts[scored]):
            cols = counts == m
            block = np.sort(np.where(observed[:, cols], x[:, cols], np.inf), axis=0)[:m]
            values[cols] = np.median(block, axis=0)
    else:
        for m in np.unique(counts[scored]):
            cols = counts == m
            block = np.sort(np.where(observed[:, cols], x[:, cols], np.inf), axis=0)[:m]
            values[cols] = trim_mean(block, trim, axis=0)
    return AggregateResult(values, counts, method)


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Calibrated evaluators x applications scores, with each evaluator's offset.

    ``offset[e]`` is what was subtracted on average from evaluator e's scores
    (positive: lenient); ``scale[e]`` the factor applied to deviations (1 for
    the additive model).
    """

    adjusted: FloatArray
    offset: FloatArray
    scale: FloatArray
    method: str


def standardise(scores: ArrayLike) -> CalibrationResult:
    """Per-evaluator standardisation rescaled to the grand mean and sd.

    ``x'_ie = M + SD (x_ie - m_e) / s_e`` where ``m_e``, ``s_e`` are the mean and
    (sample) sd of evaluator e's scores and ``M``, ``SD`` those of all scores. An
    evaluator with one score, or with no spread, is only shifted
    (``x'_ie = x_ie - m_e + M``). Assumes each evaluator saw a comparable random
    sample of applications.

    Reference: common practice in peer review, e.g. D. V. Cicchetti, "The
    reliability of peer review", Behavioral and Brain Sciences 14, 1991.
    """
    x = as_float_array(scores, "scores", ndim=2, allow_nan=True)
    observed = ~np.isnan(x)
    if not observed.any():
        raise InvalidInputError("scores", "contains no score")
    all_scores = x[observed]
    grand_mean = float(all_scores.mean())
    grand_sd = float(all_scores.std(ddof=1)) if all_scores.shape[0] > 1 else 0.0
    n_e = observed.sum(axis=1)
    safe_n = np.maximum(n_e, 1)
    filled = np.where(observed, x, 0.0)
    means = filled.sum(axis=1) / safe_n
    dev = np.where(observed, x - means[:, None], 0.0)
    sds = np.sqrt((dev**2).sum(axis=1) / np.maximum(n_e - 1, 1))
    usable = (n_e > 1) & (sds > 0.0) & (grand_sd > 0.0)
    scale = np.where(usable, grand_sd / np.where(usable, sds, 1.0), 1.0)
    adjusted = np.where(observed, grand_mean + dev * scale[:, None], np.nan)
    offset = np.where(n_e > 0, means - grand_mean, 0.0)
    return CalibrationResult(adjusted, offset, scale, "standardise")


@dataclass(frozen=True, eq=False)
class EffectsResult:
    """Additive model ``y_ie = mu + a_i + b_e + e_ie`` with ``sum_e b_e = 0``.

    ``application_scores`` is ``mu + a_i``: the score an average evaluator would
    give (NaN for unscored applications); ``adjusted`` holds ``y_ie - b_e``.
    """

    mu: float
    application_effects: FloatArray
    evaluator_effects: FloatArray
    application_scores: FloatArray
    adjusted: FloatArray
    residual_sd: float
    degrees_of_freedom: int


def evaluator_effects(scores: ArrayLike) -> EffectsResult:
    """Least-squares fit of the additive evaluator-effect model on an incomplete design.

    Model ``y_ie = theta_i + b_e + e_ie`` with ``theta_i = mu + a_i`` and
    ``sum_e b_e = 0``, ``mu`` the mean of ``theta``. The normal equations are
    reduced to the evaluators: ``theta = D_a^{-1}(s_a - N b)`` and
    ``(D_b - N^T D_a^{-1} N) b = s_b - N^T D_a^{-1} s_a``, where ``N`` is the
    applications x evaluators incidence matrix, ``D_a``, ``D_b`` the counts and
    ``s_a``, ``s_b`` the score sums. The reduced matrix is a graph Laplacian
    whose null space is the constant vector when the design is connected; adding
    ``1 1^T / E`` imposes ``sum b_e = 0``. Unconnected designs raise
    :class:`DisconnectedDesignError`.

    Reference: the two-way additive model for incomplete block designs, e.g.
    D. C. Montgomery, *Design and Analysis of Experiments*, ch. 4 (BIBD, intra-block
    analysis); applied to grading by J. Wang, N. B. Shah, "Your 2 is my 1, your 3 is
    my 9: handling arbitrary miscalibrations in ratings", AAMAS 2019.
    """
    x = as_float_array(scores, "scores", ndim=2, allow_nan=True)
    observed = ~np.isnan(x)
    n_eval, n_app = x.shape
    active_e = observed.any(axis=1)
    active_a = observed.any(axis=0)
    if not active_e.any():
        raise InvalidInputError("scores", "contains no score")
    ev_idx, app_idx = np.nonzero(observed)
    graph = sparse.coo_matrix(
        (np.ones(ev_idx.shape[0]), (ev_idx, n_eval + app_idx)),
        shape=(n_eval + n_app, n_eval + n_app),
    )
    n_comp, labels = connected_components(graph, directed=False)
    used = np.concatenate([active_e, active_a])
    components = np.unique(labels[used]).shape[0]
    if components > 1:
        raise DisconnectedDesignError(components)
    y = x[observed]
    e_pos = np.cumsum(active_e) - 1
    ev = e_pos[ev_idx]
    n_e_act = int(active_e.sum())
    incidence = sparse.csr_matrix((np.ones(y.shape[0]), (app_idx, ev)), shape=(n_app, n_e_act))
    d_a = np.asarray(incidence.sum(axis=1)).ravel()
    d_b = np.asarray(incidence.sum(axis=0)).ravel()
    s_a = np.bincount(app_idx, weights=y, minlength=n_app)
    s_b = np.bincount(ev, weights=y, minlength=n_e_act)
    inv_a = np.where(d_a > 0, 1.0 / np.where(d_a > 0, d_a, 1.0), 0.0)
    scaled = sparse.diags(inv_a) @ incidence
    laplacian = np.diag(d_b) - (incidence.T @ scaled).toarray()
    rhs = s_b - scaled.T @ s_a
    b_active = np.linalg.solve(laplacian + np.ones((n_e_act, n_e_act)) / n_e_act, rhs)
    theta = np.full(n_app, np.nan)
    theta[active_a] = (inv_a * (s_a - incidence @ b_active))[active_a]
    b = np.zeros(n_eval)
    b[active_e] = b_active
    mu = float(np.nanmean(theta))
    residual = y - theta[app_idx] - b_active[ev]
    dof = int(y.shape[0] - int(active_a.sum()) - (n_e_act - 1))
    residual_sd = float(np.sqrt((residual**2).sum() / dof)) if dof > 0 else 0.0
    adjusted = np.where(observed, x - b[:, None], np.nan)
    return EffectsResult(mu, theta - mu, b, theta, adjusted, residual_sd, dof)


@dataclass(frozen=True)
class ConsensusOverride:
    """A panel's consensus score replacing the computed one; ``reason`` is mandatory."""

    application: int
    score: float
    reason: str


@dataclass(frozen=True, eq=False)
class ConsensusResult:
    """Scores after overrides; ``applied`` lists (application, old, new, reason)."""

    values: FloatArray
    applied: tuple[tuple[int, float, float, str], ...]


def apply_consensus(
    values: ArrayLike, overrides: tuple[ConsensusOverride, ...] | list[ConsensusOverride]
) -> ConsensusResult:
    """Replace computed scores by consensus scores, keeping the trail of what changed."""
    v = as_float_array(values, "values", ndim=1, allow_nan=True).copy()
    applied: list[tuple[int, float, float, str]] = []
    seen: set[int] = set()
    for k, item in enumerate(overrides):
        if not item.reason.strip():
            raise InvalidInputError(f"overrides[{k}].reason", "a consensus score needs a reason")
        if not 0 <= item.application < v.shape[0]:
            raise InvalidInputError(f"overrides[{k}].application", "out of range")
        if item.application in seen:
            raise InvalidInputError(f"overrides[{k}].application", "overridden twice")
        if not np.isfinite(item.score):
            raise InvalidInputError(f"overrides[{k}].score", "must be a finite number")
        seen.add(item.application)
        applied.append((item.application, float(v[item.application]), item.score, item.reason))
        v[item.application] = item.score
    return ConsensusResult(v, tuple(applied))
