"""How stable is the ranking? SMAA-style Monte Carlo over weights and evaluators.

Stochastic Multicriteria Acceptability Analysis (Lahdelma, Hokkanen & Salminen
1998; Lahdelma & Salminen 2001) draws weight vectors (uniformly on the simplex
or within bounds around the agreed weights) and, optionally, resamples the
evaluators of every application (bootstrap). For every draw the applications
are scored by the weighted sum and ranked; the tallies give:

* rank acceptability ``b_i^r``: share of draws in which application i has rank r;
* funding probability: share of draws in which i is funded when applications are
  funded in rank order while the cumulative cost stays within the budget (the
  first application that does not fit closes the list: the "budget line");
* central weights ``w_i^c``: the mean weight vector among the draws that rank i first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from asis.engines._arrays import FloatArray, as_float_array, as_weights
from asis.engines._backend import get_backend, to_numpy
from asis.engines.errors import InvalidInputError

#: Give up bounded weight sampling when fewer than this share of proposals is accepted.
MIN_ACCEPTANCE = 1e-4


@dataclass(frozen=True, eq=False)
class SMAAResult:
    """Monte Carlo tallies; rows are applications, ``rank_acceptability[i, r]`` is for rank r+1."""

    rank_acceptability: FloatArray
    expected_rank: FloatArray
    funding_probability: FloatArray | None
    central_weights: FloatArray
    n_draws: int
    seed: int
    acceptance_rate: float


def bounds_around(weights: ArrayLike, relative: float) -> tuple[FloatArray, FloatArray]:
    """Bounds ``w_j (1 - relative) <= w_j <= w_j (1 + relative)`` around normalised weights."""
    base = as_float_array(weights, "weights", ndim=1)
    w = as_weights(base, base.shape[0])
    if not relative >= 0.0:
        raise InvalidInputError("relative", "must be non-negative")
    return np.clip(w * (1.0 - relative), 0.0, 1.0), np.clip(w * (1.0 + relative), 0.0, 1.0)


def sample_weights(
    rng: np.random.Generator,
    n_draws: int,
    n_criteria: int,
    bounds: tuple[ArrayLike, ArrayLike] | None = None,
) -> tuple[FloatArray, float]:
    """Draw weight vectors uniformly on the simplex, optionally within bounds.

    Uniform on the simplex: normalised i.i.d. exponentials (a flat Dirichlet).
    With bounds ``l <= w <= u``: ``w = l + (1 - sum l) y`` with y uniform on the
    simplex meets the lower bounds exactly; draws breaking an upper bound are
    rejected, so accepted draws are uniform on the bounded polytope. Returns the
    draws and the acceptance rate.
    """
    if bounds is None:
        e = rng.standard_exponential((n_draws, n_criteria))
        return e / e.sum(axis=1, keepdims=True), 1.0
    lower = as_float_array(bounds[0], "bounds.lower", ndim=1)
    upper = as_float_array(bounds[1], "bounds.upper", ndim=1)
    if lower.shape[0] != n_criteria or upper.shape[0] != n_criteria:
        raise InvalidInputError("bounds", f"need {n_criteria} lower and upper bounds")
    if (lower < 0).any() or (upper < lower).any():
        raise InvalidInputError("bounds", "need 0 <= lower <= upper")
    free = 1.0 - float(lower.sum())
    if free < -1e-12 or float(upper.sum()) < 1.0 - 1e-12:
        raise InvalidInputError("bounds", "no weight vector summing to 1 lies within the bounds")
    if free <= 1e-12:
        return np.tile(lower / lower.sum(), (n_draws, 1)), 1.0
    accepted: list[FloatArray] = []
    have = 0
    proposed = 0
    while have < n_draws:
        batch = max(2 * (n_draws - have), 1024)
        e = rng.standard_exponential((batch, n_criteria))
        w = lower + free * e / e.sum(axis=1, keepdims=True)
        ok = (w <= upper + 1e-12).all(axis=1)
        proposed += batch
        accepted.append(w[ok])
        have += int(ok.sum())
        if have < n_draws and have < MIN_ACCEPTANCE * proposed:
            raise InvalidInputError(
                "bounds", "too narrow: almost no weight vector within them sums to 1"
            )
    return np.concatenate(accepted)[:n_draws], have / proposed


def smaa(
    matrix: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    bounds: tuple[ArrayLike, ArrayLike] | None = None,
    vary_weights: bool = True,
    evaluator_scores: ArrayLike | None = None,
    costs: ArrayLike | None = None,
    budget: float | None = None,
    n_draws: int = 10_000,
    seed: int = 0,
    chunk_size: int = 500,
    backend: str = "numpy",
    progress: Callable[[int, int], None] | None = None,
) -> SMAAResult:
    """SMAA-2 rank acceptability, funding probability and central weights.

    ``matrix`` holds the applications x criteria scores (higher is better, on
    comparable scales). Weight draws: ``vary_weights`` with ``bounds`` None draws
    uniformly on the simplex; with bounds (see :func:`bounds_around`) inside them;
    ``vary_weights=False`` keeps ``weights`` fixed. With ``evaluator_scores``
    (evaluators x applications x criteria, NaN missing) every draw also resamples,
    per application, its evaluators with replacement and uses their mean instead
    of ``matrix``. Score of draw d: ``s_d = X_d w_d``; ranks by descending score
    (ties: lower index first). Deterministic for a given ``seed``.

    Reference: R. Lahdelma, P. Salminen, "SMAA-2: Stochastic multicriteria
    acceptability analysis for group decision making", Operations Research
    49(3), 2001, 444-454.
    """
    xp: Any = get_backend(backend)
    x = as_float_array(matrix, "matrix", ndim=2)
    n, m = x.shape
    if n_draws < 1:
        raise InvalidInputError("n_draws", "must be at least 1")
    if chunk_size < 1:
        raise InvalidInputError("chunk_size", "must be at least 1")
    base_w = None if weights is None else as_weights(weights, m)
    if not vary_weights and base_w is None:
        raise InvalidInputError("weights", "are required when vary_weights is False")
    if not vary_weights and evaluator_scores is None:
        raise InvalidInputError(
            "evaluator_scores", "nothing varies: give evaluator scores or vary weights"
        )
    cost_arr: FloatArray | None = None
    if (costs is None) != (budget is None):
        raise InvalidInputError("budget", "costs and budget go together")
    if costs is not None and budget is not None:
        cost_arr = as_float_array(costs, "costs", ndim=1)
        if cost_arr.shape[0] != n:
            raise InvalidInputError("costs", f"must have {n} entries")
        if (cost_arr < 0).any():
            raise InvalidInputError("costs", "must not be negative")
        if budget < 0:
            raise InvalidInputError("budget", "must not be negative")
    boot = None
    if evaluator_scores is not None:
        boot = _bootstrap_setup(evaluator_scores, n, m)
    rng = np.random.default_rng(seed)
    if vary_weights:
        all_w, acceptance = sample_weights(rng, n_draws, m, bounds)
    else:
        assert base_w is not None
        all_w, acceptance = np.tile(base_w, (n_draws, 1)), 1.0
    x_dev = xp.asarray(x)
    rank_counts = xp.zeros(n * n, dtype=xp.int64)
    funded_counts = xp.zeros(n, dtype=xp.int64)
    first_counts = xp.zeros(n, dtype=xp.int64)
    central_sum = xp.zeros((n, m), dtype=xp.float64)
    offsets = xp.arange(n, dtype=xp.int64)
    cost_dev = None if cost_arr is None else xp.asarray(cost_arr)
    done = 0
    while done < n_draws:
        size = min(chunk_size, n_draws - done)
        w = xp.asarray(all_w[done : done + size])
        if boot is None:
            scores = w @ x_dev.T
        else:
            sampled = xp.asarray(_bootstrap_draw(rng, boot, size))
            scores = xp.einsum("dnc,dc->dn", sampled, w)
        order = xp.argsort(-scores, axis=1)
        rank_counts += xp.bincount((order * n + offsets).ravel(), minlength=n * n)
        first = order[:, 0]
        first_counts += xp.bincount(first, minlength=n)
        for c in range(m):
            central_sum[:, c] += xp.bincount(first, weights=w[:, c], minlength=n)
        if cost_dev is not None and budget is not None:
            cum = xp.cumsum(cost_dev[order], axis=1)
            funded = cum <= budget * (1.0 + 1e-12)
            funded_counts += xp.bincount(order[funded], minlength=n)
        done += size
        if progress is not None:
            progress(done, n_draws)
    acceptability = to_numpy(rank_counts).reshape(n, n) / n_draws
    acceptability = acceptability.astype(np.float64)
    expected_rank = acceptability @ np.arange(1, n + 1, dtype=np.float64)
    firsts = to_numpy(first_counts).astype(np.float64)
    central = to_numpy(central_sum) / np.where(firsts > 0, firsts, np.nan)[:, None]
    funding = None if cost_dev is None else to_numpy(funded_counts) / n_draws
    return SMAAResult(acceptability, expected_rank, funding, central, n_draws, seed, acceptance)


@dataclass(frozen=True, eq=False)
class _Bootstrap:
    values: FloatArray  # applications x max_evaluators x criteria, padded
    counts: np.ndarray


def _bootstrap_setup(evaluator_scores: ArrayLike, n: int, m: int) -> _Bootstrap:
    tensor = as_float_array(evaluator_scores, "evaluator_scores", ndim=3, allow_nan=True)
    if tensor.shape[1:] != (n, m):
        raise InvalidInputError("evaluator_scores", f"must have shape (evaluators, {n}, {m})")
    has = np.asarray(~np.isnan(tensor).all(axis=2), dtype=bool)  # evaluators x applications
    counts = has.sum(axis=0)
    if (counts == 0).any():
        raise InvalidInputError(
            "evaluator_scores", "every application needs at least one evaluator"
        )
    if (np.isnan(tensor) & has[:, :, None]).any():
        raise InvalidInputError(
            "evaluator_scores", "an evaluator must score all criteria of an application"
        )
    width = int(counts.max())
    padded = np.zeros((n, width, m))
    for app in range(n):
        who = np.flatnonzero(has[:, app])
        padded[app, : who.shape[0]] = tensor[who, app]
    return _Bootstrap(padded, counts)


def _bootstrap_draw(rng: np.random.Generator, boot: _Bootstrap, size: int) -> FloatArray:
    """Per draw and application, the mean over evaluators resampled with replacement."""
    n, width, _ = boot.values.shape
    picks = np.floor(rng.random((size, n, width)) * boot.counts[None, :, None]).astype(np.intp)
    mask = np.arange(width)[None, None, :] < boot.counts[None, :, None]
    gathered = boot.values[np.arange(n)[None, :, None], picks]  # size x n x width x m
    total = (gathered * mask[..., None]).sum(axis=2)
    result: FloatArray = total / boot.counts[None, :, None]
    return result
