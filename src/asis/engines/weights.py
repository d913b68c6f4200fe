"""Criterion weights: direct, equal, rank-order centroid and AHP.

Every function returns weights that are non-negative and sum to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from asis.engines._arrays import FloatArray, as_float_array, as_weights
from asis.engines.errors import InvalidInputError

#: Saaty's random consistency indices RI(n), n = 1..15 (Saaty 1980, Table 1.7 extended).
SAATY_RANDOM_INDEX: tuple[float, ...] = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
)  # fmt: skip

#: Consistency ratio above which Saaty advises revising the judgments.
CONSISTENCY_THRESHOLD = 0.10


def direct(raw: ArrayLike) -> FloatArray:
    """Normalise directly assigned weights: ``w_i = r_i / sum_j r_j``.

    Raises :class:`InvalidInputError` on negative, NaN or all-zero input.
    """
    raw_array = as_float_array(raw, "weights", ndim=1)
    return as_weights(raw_array, raw_array.shape[0])


def equal(n: int) -> FloatArray:
    """Equal weights ``w_i = 1/n``."""
    if n < 1:
        raise InvalidInputError("n", "must be at least 1")
    return np.full(n, 1.0 / n)


def rank_order_centroid(ranks: ArrayLike) -> FloatArray:
    """Rank-order centroid weights (Barron & Barrett 1996).

    With criteria ranked 1 (most important) to n, ``w_r = (1/n) sum_{k=r}^{n} 1/k``.
    ``ranks`` gives the rank of each criterion; ranks must be a permutation of 1..n.

    Reference: F. H. Barron, B. E. Barrett, "Decision quality using ranked attribute
    weights", Management Science 42(11), 1996, 1515-1523.
    """
    rank_array = as_float_array(ranks, "ranks", ndim=1)
    n = rank_array.shape[0]
    if not np.array_equal(np.sort(rank_array), np.arange(1, n + 1)):
        raise InvalidInputError("ranks", f"must be a permutation of 1..{n} (no ties, no gaps)")
    tail = np.cumsum((1.0 / np.arange(1, n + 1))[::-1])[::-1] / n
    result: FloatArray = tail[rank_array.astype(np.intp) - 1]
    return result


@dataclass(frozen=True, eq=False)
class AHPResult:
    """Weights from a pairwise comparison matrix and their consistency.

    ``worst_judgment`` is the pair ``(i, j)`` whose judgment ``a_ij`` departs most
    from the ratio ``w_i / w_j`` implied by the weights (largest ``|ln(a_ij w_j / w_i)|``);
    revising it improves consistency most. ``warning`` is set when CR > 0.10.
    """

    weights: FloatArray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    worst_judgment: tuple[int, int] | None
    warning: str | None


def ahp(pairwise: ArrayLike) -> AHPResult:
    """Analytic Hierarchy Process weights (Saaty 1980).

    ``pairwise[i, j]`` says how much more important criterion i is than j on
    Saaty's 1-9 scale, with ``a_ji = 1 / a_ij`` and ``a_ii = 1``. The weights are
    the principal right eigenvector ``A w = lambda_max w`` normalised to sum 1;
    the consistency index is ``CI = (lambda_max - n) / (n - 1)`` and the ratio
    ``CR = CI / RI(n)`` with Saaty's random index RI. CR above 0.10 warns.

    Reference: T. L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, 1980.
    """
    matrix = as_float_array(pairwise, "pairwise", ndim=2)
    n = matrix.shape[0]
    if matrix.shape != (n, n):
        raise InvalidInputError("pairwise", f"must be square, got shape {matrix.shape}")
    if (matrix <= 0).any():
        raise InvalidInputError("pairwise", "judgments must be positive")
    if not np.allclose(np.diag(matrix), 1.0):
        raise InvalidInputError("pairwise", "diagonal must be 1")
    if not np.allclose(matrix * matrix.T, 1.0, rtol=1e-6, atol=1e-6):
        raise InvalidInputError("pairwise", "must be reciprocal: a_ji = 1 / a_ij")
    if n > len(SAATY_RANDOM_INDEX):
        raise InvalidInputError("pairwise", f"at most {len(SAATY_RANDOM_INDEX)} criteria")
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues.real[principal])
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    if n <= 2:
        return AHPResult(weights, float(n), 0.0, 0.0, 0.0, None, None)
    ci = max((lambda_max - n) / (n - 1), 0.0)
    ri = SAATY_RANDOM_INDEX[n - 1]
    cr = ci / ri
    deviation = np.abs(np.log(matrix * np.outer(1.0 / weights, weights)))
    i, j = np.unravel_index(int(np.argmax(np.triu(deviation, 1))), deviation.shape)
    worst = (int(i), int(j)) if deviation[i, j] > 1e-9 else None
    warning = None
    if cr > CONSISTENCY_THRESHOLD:
        where = (
            f"; the judgment on ({worst[0]}, {worst[1]}) hurts consistency most" if worst else ""
        )
        warning = f"consistency ratio {cr:.3f} exceeds {CONSISTENCY_THRESHOLD:.2f}{where}"
    return AHPResult(weights, lambda_max, ci, cr, ri, worst, warning)
