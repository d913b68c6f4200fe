"""Shared input checks that turn array-like inputs into validated float arrays."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from asis.engines.errors import InvalidInputError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


def as_float_array(
    value: ArrayLike, field: str, *, ndim: int, allow_nan: bool = False
) -> FloatArray:
    """Return ``value`` as a float64 array of ``ndim`` dimensions, or raise naming ``field``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(field, f"must be numeric ({exc})") from exc
    if array.ndim != ndim:
        raise InvalidInputError(field, f"must have {ndim} dimension(s), got {array.ndim}")
    if array.size == 0:
        raise InvalidInputError(field, "must not be empty")
    if np.isinf(array).any():
        raise InvalidInputError(field, "must not contain infinite values")
    if not allow_nan and np.isnan(array).any():
        raise InvalidInputError(field, "must not contain NaN (missing values)")
    return array


def as_weights(value: ArrayLike, n: int, field: str = "weights") -> FloatArray:
    """Validate non-negative weights of length ``n`` and normalise them to sum 1."""
    weights = as_float_array(value, field, ndim=1)
    if weights.shape[0] != n:
        raise InvalidInputError(field, f"must have {n} entries, got {weights.shape[0]}")
    if (weights < 0).any():
        raise InvalidInputError(field, "must not be negative")
    total = float(weights.sum())
    if total <= 0.0:
        raise InvalidInputError(field, "must not all be zero (cannot be normalised)")
    return weights / total


def as_benefit(value: ArrayLike | None, n: int, field: str = "benefit") -> BoolArray:
    """Benefit flags (True: more is better; False: cost criterion), default all True."""
    if value is None:
        return np.ones(n, dtype=bool)
    flags = np.asarray(value)
    if flags.ndim != 1 or flags.shape[0] != n:
        raise InvalidInputError(field, f"must be a sequence of {n} booleans")
    if flags.dtype != np.bool_:
        if not np.isin(flags, (0, 1, True, False)).all():
            raise InvalidInputError(field, "must contain only booleans")
        flags = flags.astype(bool)
    return flags.astype(bool)


def ranks_from_scores(scores: FloatArray, *, descending: bool = True) -> tuple[IntArray, IntArray]:
    """Return ``(order, ranks)``: order lists indices best first; ranks are 1-based.

    Ties keep input order (stable sort), so results are deterministic.
    """
    key = -scores if descending else scores
    order = np.argsort(key, kind="stable").astype(np.intp)
    ranks = np.empty_like(order)
    ranks[order] = np.arange(1, order.shape[0] + 1, dtype=np.intp)
    return order, ranks
