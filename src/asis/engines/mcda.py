"""Ranking applications across criteria: weighted sum, TOPSIS, PROMETHEE II, VIKOR.

All functions take a decision matrix (alternatives x criteria), weights (any
non-negative vector, normalised here) and benefit flags (True: more is better,
False: cost criterion), and return a frozen result with scores, ``order``
(indices best first) and ``ranks`` (1 = best).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from asis.engines._arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    as_benefit,
    as_float_array,
    as_weights,
    ranks_from_scores,
)
from asis.engines.errors import InvalidInputError
from asis.engines.weights import AHPResult, ahp

__all__ = [
    "AHPResult",
    "PreferenceFunction",
    "PrometheeResult",
    "TopsisResult",
    "VikorResult",
    "WeightedSumResult",
    "ahp",
    "promethee_ii",
    "topsis",
    "vikor",
    "weighted_sum",
]

PreferenceFunction = Literal["usual", "ushape", "vshape", "level", "linear", "gaussian"]
_ROW_CHUNK = 512


def _prepare(
    matrix: ArrayLike, weights: ArrayLike, benefit: ArrayLike | None
) -> tuple[FloatArray, FloatArray, BoolArray]:
    values = as_float_array(matrix, "matrix", ndim=2)
    n_criteria = values.shape[1]
    return values, as_weights(weights, n_criteria), as_benefit(benefit, n_criteria)


@dataclass(frozen=True, eq=False)
class WeightedSumResult:
    """Weighted-sum scores ``S_i = sum_j w_j x_ij`` (cost columns enter as ``-x_ij``)."""

    scores: FloatArray
    order: IntArray
    ranks: IntArray


def weighted_sum(
    matrix: ArrayLike, weights: ArrayLike, benefit: ArrayLike | None = None
) -> WeightedSumResult:
    """Simple additive weighting: ``S_i = sum_j w_j x_ij`` with weights normalised to 1.

    Assumes all criteria are on a common interval scale (e.g. grid scores 0-5);
    cost criteria are subtracted. The ranking is invariant under one positive
    affine map applied to all columns alike, not under per-column rescaling.

    Reference: C.-L. Hwang, K. Yoon, *Multiple Attribute Decision Making*,
    Springer, 1981, section 3.2 (SAW).
    """
    values, w, flags = _prepare(matrix, weights, benefit)
    signed = np.where(flags, w, -w)
    scores = values @ signed
    order, ranks = ranks_from_scores(scores)
    return WeightedSumResult(scores, order, ranks)


@dataclass(frozen=True, eq=False)
class TopsisResult:
    """TOPSIS closeness ``C_i = D-_i / (D+_i + D-_i)`` in [0, 1], larger is better."""

    scores: FloatArray
    distance_ideal: FloatArray
    distance_anti_ideal: FloatArray
    ideal: FloatArray
    anti_ideal: FloatArray
    order: IntArray
    ranks: IntArray


def topsis(matrix: ArrayLike, weights: ArrayLike, benefit: ArrayLike | None) -> TopsisResult:
    """TOPSIS with vector normalisation (Hwang & Yoon 1981).

    ``r_ij = x_ij / sqrt(sum_i x_ij^2)``, ``v_ij = w_j r_ij``; the ideal takes the
    column maximum of benefit and minimum of cost criteria, the anti-ideal the
    reverse; ``D+_i``, ``D-_i`` are Euclidean distances to them and the closeness
    is ``C_i = D-_i / (D+_i + D-_i)`` (0.5 when both are 0). Because of the
    vector normalisation the result is invariant under positive scaling of a
    column, but not under shifting it.

    Reference: C.-L. Hwang, K. Yoon, *Multiple Attribute Decision Making*,
    Springer, 1981, pp. 128-140.
    """
    values, w, flags = _prepare(matrix, weights, benefit)
    norms = np.sqrt(np.einsum("ij,ij->j", values, values))
    norms[norms == 0.0] = 1.0
    weighted = values * (w / norms)
    col_max = weighted.max(axis=0)
    col_min = weighted.min(axis=0)
    ideal = np.where(flags, col_max, col_min)
    anti = np.where(flags, col_min, col_max)
    d_plus = np.sqrt(((weighted - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((weighted - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    safe_total = np.where(total > 0.0, total, 1.0)
    scores = np.where(total > 0.0, d_minus / safe_total, 0.5)
    order, ranks = ranks_from_scores(scores)
    return TopsisResult(scores, d_plus, d_minus, ideal, anti, order, ranks)


@dataclass(frozen=True, eq=False)
class PrometheeResult:
    """PROMETHEE flows: ``net = positive - negative`` in [-1, 1], larger is better."""

    net_flow: FloatArray
    positive_flow: FloatArray
    negative_flow: FloatArray
    order: IntArray
    ranks: IntArray


def _threshold(value: float | ArrayLike | None, name: str, n: int, needed: bool) -> FloatArray:
    if value is None:
        if needed:
            raise InvalidInputError(name, "is required by this preference function")
        return np.zeros(n)
    array = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    if np.isnan(array).any() or (array < 0).any():
        raise InvalidInputError(name, "must be non-negative numbers")
    return array


def _preference(
    d: FloatArray,
    kind: str,
    q: FloatArray,
    p: FloatArray,
    s: FloatArray,
) -> FloatArray:
    """Brans' generalised criteria P(d) for differences ``d`` (last axis = criteria)."""
    if kind == "usual":
        return (d > 0.0).astype(np.float64)
    if kind == "ushape":
        return (d > q).astype(np.float64)
    if kind == "vshape":
        return np.clip(d / p, 0.0, 1.0)
    if kind == "level":
        return np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
    if kind == "linear":
        return np.clip((d - q) / (p - q), 0.0, 1.0)
    # gaussian
    positive = np.maximum(d, 0.0)
    return np.where(d > 0.0, 1.0 - np.exp(-(positive**2) / (2.0 * s**2)), 0.0)


def promethee_ii(
    matrix: ArrayLike,
    weights: ArrayLike,
    benefit: ArrayLike | None,
    preference: PreferenceFunction = "usual",
    *,
    q: float | ArrayLike | None = None,
    p: float | ArrayLike | None = None,
    s: float | ArrayLike | None = None,
) -> PrometheeResult:
    """PROMETHEE II complete ranking by net outranking flow (Brans & Vincke 1985).

    For each pair, ``d_j(a, b) = x_aj - x_bj`` (negated for cost criteria) and
    ``pi(a, b) = sum_j w_j P_j(d_j(a, b))`` with the generalised criterion P:
    ``usual`` (P = 1 if d > 0), ``ushape`` (1 if d > q), ``vshape`` (d/p up to 1),
    ``level`` (1/2 if q < d <= p, 1 if d > p), ``linear`` ((d - q)/(p - q) clipped
    to [0, 1]) and ``gaussian`` (1 - exp(-d^2 / 2 s^2)). Flows are
    ``phi+(a) = sum_b pi(a, b) / (n - 1)``, ``phi-(a) = sum_b pi(b, a) / (n - 1)``
    and ``phi(a) = phi+(a) - phi-(a)``. Thresholds may be scalars or one per criterion.

    Reference: J. P. Brans, P. Vincke, "A preference ranking organisation method
    (The PROMETHEE method for multiple criteria decision-making)", Management
    Science 31(6), 1985, 647-656.
    """
    values, w, flags = _prepare(matrix, weights, benefit)
    n, m = values.shape
    if preference not in ("usual", "ushape", "vshape", "level", "linear", "gaussian"):
        raise InvalidInputError("preference", f"unknown preference function {preference!r}")
    q_arr = _threshold(q, "q", m, preference in ("ushape", "level", "linear"))
    p_arr = _threshold(p, "p", m, preference in ("vshape", "level", "linear"))
    s_arr = _threshold(s, "s", m, preference == "gaussian")
    if preference in ("vshape", "linear", "level") and (p_arr <= q_arr).any():
        raise InvalidInputError("p", "must be larger than q (and than 0)")
    if preference == "gaussian" and (s_arr <= 0).any():
        raise InvalidInputError("s", "must be positive")
    if n < 2:
        zero = np.zeros(n)
        order, ranks = ranks_from_scores(zero)
        return PrometheeResult(zero, zero, zero, order, ranks)
    signed = np.where(flags, values, -values)
    positive = np.zeros(n)
    negative = np.zeros(n)
    for start in range(0, n, _ROW_CHUNK):
        block = signed[start : start + _ROW_CHUNK]
        diff = block[:, None, :] - signed[None, :, :]
        pi_out = _preference(diff, preference, q_arr, p_arr, s_arr) @ w
        pi_in = _preference(-diff, preference, q_arr, p_arr, s_arr) @ w
        positive[start : start + block.shape[0]] = pi_out.sum(axis=1)
        negative[start : start + block.shape[0]] = pi_in.sum(axis=1)
    positive /= n - 1
    negative /= n - 1
    net = positive - negative
    order, ranks = ranks_from_scores(net)
    return PrometheeResult(net, positive, negative, order, ranks)


@dataclass(frozen=True, eq=False)
class VikorResult:
    """VIKOR measures: group utility S, individual regret R and compromise index Q.

    Smaller is better for all three. ``compromise`` holds the indices of the
    compromise solution set; ``acceptable_advantage`` and ``acceptable_stability``
    report Opricovic's conditions C1 and C2.
    """

    s: FloatArray
    r: FloatArray
    q: FloatArray
    order: IntArray
    ranks: IntArray
    compromise: tuple[int, ...]
    acceptable_advantage: bool
    acceptable_stability: bool


def vikor(
    matrix: ArrayLike, weights: ArrayLike, benefit: ArrayLike | None, v: float = 0.5
) -> VikorResult:
    """VIKOR compromise ranking (Opricovic & Tzeng 2004).

    With best ``f*_j`` and worst ``f-_j`` per criterion,
    ``S_i = sum_j w_j (f*_j - f_ij)/(f*_j - f-_j)``, ``R_i = max_j`` of the same terms,
    ``Q_i = v (S_i - S*)/(S- - S*) + (1 - v)(R_i - R*)/(R- - R*)`` (a zero range
    contributes 0). Alternatives are ranked by Q ascending. The top one is the
    compromise if C1 ``Q(a2) - Q(a1) >= 1/(n - 1)`` and C2 (it is also best by S
    or R) hold; otherwise the set follows Opricovic & Tzeng's rules.

    Reference: S. Opricovic, G.-H. Tzeng, "Compromise solution by MCDM methods:
    A comparative analysis of VIKOR and TOPSIS", European Journal of Operational
    Research 156(2), 2004, 445-455.
    """
    values, w, flags = _prepare(matrix, weights, benefit)
    if not 0.0 <= v <= 1.0:
        raise InvalidInputError("v", "must lie in [0, 1]")
    n = values.shape[0]
    best = np.where(flags, values.max(axis=0), values.min(axis=0))
    worst = np.where(flags, values.min(axis=0), values.max(axis=0))
    spread = best - worst
    safe = np.where(spread != 0.0, spread, 1.0)
    terms = np.where(spread != 0.0, w * (best - values) / safe, 0.0)
    s = terms.sum(axis=1)
    r = terms.max(axis=1)

    def _scaled(x: FloatArray) -> FloatArray:
        rng = float(x.max() - x.min())
        return (x - x.min()) / rng if rng > 0.0 else np.zeros_like(x)

    q = v * _scaled(s) + (1.0 - v) * _scaled(r)
    order, ranks = ranks_from_scores(q, descending=False)
    if n < 2:
        return VikorResult(s, r, q, order, ranks, (int(order[0]),), True, True)
    dq = 1.0 / (n - 1)
    first = int(order[0])
    advantage = bool(q[order[1]] - q[first] >= dq - 1e-12)
    stability = bool(s[first] <= s.min() + 1e-12 or r[first] <= r.min() + 1e-12)
    if advantage and stability:
        compromise: tuple[int, ...] = (first,)
    elif advantage:
        compromise = (first, int(order[1]))
    else:
        close = q[order] - q[first] < dq - 1e-12
        compromise = tuple(int(i) for i in order[close])
    return VikorResult(s, r, q, order, ranks, compromise, advantage, stability)
