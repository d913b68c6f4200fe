"""The learning loop: did the ex-ante criterion scores predict the measured outcomes?

For each criterion of a call, :func:`criterion_signals` measures how well the projects'
ex-ante scores rank their measured outcomes (Spearman's rank correlation, with an
interval and the number of projects behind it); :func:`suggest_weights` turns the
criteria that carried a signal into a cautious re-weighting for the next call's grid.
The rule, its limits and a worked example are in ``docs/methods/learning-loop.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from asis.engines.impact.errors import InvalidSpecError

DEFAULT_MIN_N = 10


@dataclass(frozen=True)
class Signal:
    """What one criterion's ex-ante scores say about the outcomes, over ``n`` projects.

    ``rho`` is Spearman's rank correlation, ``ci_low``/``ci_high`` its interval,
    ``carries_signal`` whether the interval excludes 0. When nothing can be said,
    ``reason`` (``too_few_projects``, ``no_variation``) and ``params`` say why and the
    numbers are ``None``.
    """

    criterion: str
    n: int
    rho: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    carries_signal: bool = False
    reason: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """Why no re-weighting is suggested: ``code`` and its facts."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    """Suggested ``weights`` (same total as the current ones) and each relative change.

    ``changes[c] = new / old - 1`` (0.1 = ten per cent more weight). With ``refused`` set,
    ``weights`` are the current ones unchanged.
    """

    weights: Mapping[str, float]
    changes: Mapping[str, float]
    refused: Refusal | None = None


def _check_min_n(min_n: int) -> None:
    if min_n < 4:
        # n - 3 is the interval's denominator: below 4 projects there is no interval at all.
        raise InvalidSpecError("invalid_min_n", {"value": min_n, "least": 4},
                               "min_n must be at least 4")


def spearman_interval(rho: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Confidence interval of Spearman's rho by Fisher's z with Bonett & Wright's error.

    ``tanh(atanh(rho) -+ z_(1-a/2) * sqrt((1 + rho^2 / 2) / (n - 3)))`` (D. G. Bonett and
    T. A. Wright, "Sample size requirements for estimating Pearson, Kendall and Spearman
    correlations", *Psychometrika* 65(1), 2000, 23-28). Their standard error is wider than
    Fisher's ``1 / sqrt(n - 3)``, which is too narrow for rank correlations.
    """
    if abs(rho) >= 1:
        return rho, rho
    half = stats.norm.ppf(0.5 + confidence / 2) * math.sqrt((1 + rho * rho / 2) / (n - 3))
    z = math.atanh(rho)
    return math.tanh(z - half), math.tanh(z + half)


def criterion_signals(scores: Mapping[str, Sequence[float]], outcome: Sequence[float],
                      confidence: float = 0.95,
                      min_n: int = DEFAULT_MIN_N) -> dict[str, Signal]:
    """One :class:`Signal` per criterion, in the order of ``scores``.

    ``scores[c][i]`` is project ``i``'s ex-ante score on criterion ``c`` and ``outcome[i]``
    its measured outcome (e.g. the mean achievement over its key indicators); NaN marks
    a missing value and the project is left out for that criterion only. ``rho`` and its
    two-sided ``p_value`` come from :func:`scipy.stats.spearmanr` (ties get mid-ranks);
    the interval from :func:`spearman_interval`. Below ``min_n`` projects nothing is
    computed (reason ``too_few_projects``): with ten projects a rank correlation of 0.5
    still has an interval from about -0.2 to 0.9.
    """
    _check_min_n(min_n)
    if not 0 < confidence < 1:
        raise InvalidSpecError("invalid_confidence", {"value": confidence},
                               "confidence must lie between 0 and 1")
    y = np.asarray(outcome, dtype=np.float64)
    out: dict[str, Signal] = {}
    for criterion, values in scores.items():
        x = np.asarray(values, dtype=np.float64)
        if x.shape != y.shape:
            raise InvalidSpecError(
                "length_mismatch",
                {"criterion": criterion, "scores": int(x.size), "outcomes": int(y.size)},
                f"{criterion}: {x.size} scores for {y.size} outcomes")
        known = np.isfinite(x) & np.isfinite(y)
        n = int(known.sum())
        if n < min_n:
            out[criterion] = Signal(criterion, n, reason="too_few_projects",
                                    params={"n": n, "min_n": min_n})
            continue
        xs, ys = x[known], y[known]
        if np.ptp(xs) == 0 or np.ptp(ys) == 0:
            # Every project scored alike (or did alike): there is no ranking to compare.
            out[criterion] = Signal(criterion, n, reason="no_variation", params={"n": n})
            continue
        result = stats.spearmanr(xs, ys)
        rho, p_value = float(result.statistic), float(result.pvalue)
        low, high = spearman_interval(rho, n, confidence)
        out[criterion] = Signal(criterion, n, rho, low, high, p_value,
                                carries_signal=low > 0 or high < 0)
    return out


def _cap(raw: dict[str, float], current: Mapping[str, float], total: float,
         max_change: float) -> dict[str, float]:
    """Rescale ``raw`` to ``total`` keeping each weight within +-max_change of its current.

    The weights are ``clip(raw * s, (1 - max_change) * current, (1 + max_change) * current)``
    for the one scale ``s`` that gives the total: their sum grows with ``s`` from the sum
    of the lower bounds to the sum of the upper ones, and the current total lies between,
    so bisection finds it. Criteria that are not clipped keep their ratios to each other.
    """
    names = list(raw)
    r = np.array([raw[c] for c in names])
    low = np.array([current[c] for c in names]) * (1 - max_change)
    high = np.array([current[c] for c in names]) * (1 + max_change)
    scale = total / r.sum()
    if np.all((r * scale >= low) & (r * scale <= high)):
        return dict(zip(names, (r * scale).tolist(), strict=True))
    lo, hi = 0.0, scale
    while np.clip(r * hi, low, high).sum() < total:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.clip(r * mid, low, high).sum() < total:
            lo = mid
        else:
            hi = mid
    weights = np.clip(r * hi, low, high)
    return dict(zip(names, (weights * (total / weights.sum())).tolist(), strict=True))


def suggest_weights(current: Mapping[str, float], signals: Mapping[str, Signal],
                    min_n: int = DEFAULT_MIN_N, strength: float = 0.5,
                    max_change: float = 0.5) -> Suggestion:
    """A cautious re-weighting of ``current`` from the criteria that carried a signal.

    Rule (one round, the same for every call):

    1. Refused (``too_few_projects``, params ``n``, ``min_n``) while no criterion has
       ``min_n`` projects behind it; refused (``no_signal``) when none carried a signal.
    2. Each criterion's weight is multiplied by ``1 + strength * ci_low`` when its interval
       lies above 0 and by ``1 - strength * |ci_high|`` when it lies below 0: the bound
       nearest to 0, i.e. the weakest effect the data support, not the point estimate.
       Criteria without a signal keep a factor of 1.
    3. The weights are rescaled to the current total; no weight moves more than
       ``max_change`` (50 %) from its current value (:func:`_cap`), and criteria without
       a signal keep their weights relative to each other.
    """
    _check_min_n(min_n)
    if not 0 < strength < 1:
        # below 1, every factor stays positive: no criterion is dropped in one round
        raise InvalidSpecError("invalid_strength", {"value": strength},
                               "strength must lie between 0 and 1")
    if not 0 < max_change < 1:
        raise InvalidSpecError("invalid_max_change", {"value": max_change},
                               "max_change must lie between 0 and 1")
    if any(not math.isfinite(w) or w < 0 for w in current.values()):
        raise InvalidSpecError("invalid_weights", {}, "weights must be finite and not negative")
    total = float(sum(current.values()))
    if total <= 0:
        raise InvalidSpecError("invalid_weights", {}, "the weights must not all be zero")
    unchanged = Suggestion(dict(current), dict.fromkeys(current, 0.0))
    used = [signals[c] for c in current if c in signals]
    n = max((s.n for s in used), default=0)
    if n < min_n:
        return Suggestion(unchanged.weights, unchanged.changes,
                          Refusal("too_few_projects", {"n": n, "min_n": min_n}))
    if not any(s.carries_signal and s.n >= min_n for s in used):
        return Suggestion(unchanged.weights, unchanged.changes, Refusal("no_signal", {"n": n}))
    raw: dict[str, float] = {}
    for criterion, weight in current.items():
        signal = signals.get(criterion)
        factor = 1.0
        if (signal is not None and signal.carries_signal and signal.n >= min_n
                and signal.ci_low is not None and signal.ci_high is not None):
            bound = signal.ci_low if signal.ci_low > 0 else signal.ci_high
            factor = 1.0 + strength * bound
        raw[criterion] = weight * factor
    weights = _cap(raw, current, total, max_change)
    changes = {c: (weights[c] / w - 1.0) if w > 0 else 0.0 for c, w in current.items()}
    return Suggestion(weights, changes)
