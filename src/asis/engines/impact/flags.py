"""Monitoring flags: off the trajectory, late reports, outliers, and achievement.

Each flag is a :class:`Flag` with a ``code`` and the facts (``params``) a page needs to
say it in the reader's language. ``docs/methods/monitoring-flags.md`` gives the rules
with a worked example.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from asis.engines.impact.errors import InvalidSpecError

MIN_OUTLIER_VALUES = 5
# 0.6745 is the 0.75 quantile of the standard normal distribution, so that the modified
# z-score of a normal sample has the scale of an ordinary z-score (Iglewicz & Hoaglin 1993).
_MAD_SCALE = 0.6745
# sqrt(pi / 2): E|X - mu| = sigma * sqrt(2 / pi) for a normal X (fallback when MAD = 0).
_MEAN_AD_SCALE = math.sqrt(math.pi / 2)


@dataclass(frozen=True)
class Flag:
    """A monitoring flag: ``code`` (``off_track``, ``late``, ``overdue``, ``outlier``) and facts."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


def _check_direction(direction: str) -> None:
    if direction not in ("higher", "lower"):
        raise InvalidSpecError("invalid_direction", {"value": direction},
                               f"direction must be 'higher' or 'lower', got {direction!r}")


def expected_on_trajectory(baseline_value: float, baseline_date: date, target_value: float,
                           target_date: date, at: date) -> float:
    """The value expected at ``at`` on the straight line from the baseline to the target.

    ``baseline + (target - baseline) * (at - baseline_date) / (target_date - baseline_date)``,
    counted in days; before the baseline date the baseline is expected and after the
    target date the target. A straight line is the simplest trajectory a project can be
    held to; a project that plans a slow start should set intermediate targets (each
    period's target starts a new line).
    """
    span = (target_date - baseline_date).days
    if span <= 0:
        raise InvalidSpecError(
            "invalid_trajectory", {"baseline_date": baseline_date, "target_date": target_date},
            "the target date must come after the baseline date")
    elapsed = min(max((at - baseline_date).days, 0), span)
    return baseline_value + (target_value - baseline_value) * elapsed / span


def off_track(actual: float, expected: float, baseline: float, direction: str,
              tolerance: float = 0.25) -> Flag | None:
    """An ``off_track`` flag when the progress made falls short of the progress expected.

    Progress is counted from the baseline in the good ``direction``:
    ``shortfall = (expected_gain - actual_gain) / expected_gain`` with
    ``gain = (value - baseline)`` (its opposite when lower is better). The flag is raised
    when the shortfall exceeds ``tolerance`` (0.25: a quarter of the expected progress is
    missing). No flag while no progress is expected yet (``expected_gain <= 0``).
    Params: ``actual``, ``expected``, ``baseline``, ``shortfall`` (share, 0-1 or more).
    """
    _check_direction(direction)
    if not 0 <= tolerance < 1:
        raise InvalidSpecError("invalid_tolerance", {"value": tolerance},
                               "tolerance must be at least 0 and below 1")
    sign = 1.0 if direction == "higher" else -1.0
    expected_gain = sign * (expected - baseline)
    if expected_gain <= 0:
        return None
    shortfall = (expected_gain - sign * (actual - baseline)) / expected_gain
    if shortfall <= tolerance:
        return None
    return Flag("off_track", {"actual": actual, "expected": expected, "baseline": baseline,
                             "shortfall": shortfall})


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def late(due: date, submitted_at: date | datetime | None, today: date,
         grace_days: int = 0) -> Flag | None:
    """``late`` (submitted after the due date) or ``overdue`` (not submitted yet), or None.

    A report counts as on time up to ``grace_days`` after ``due``; once later, ``days``
    counts from ``due`` itself (a report due on the 31st and sent on the 5th is 5 days
    late, whatever the grace). Params: ``due``, ``days``.
    """
    if grace_days < 0:
        raise InvalidSpecError("invalid_grace_days", {"value": grace_days},
                               "grace_days must not be negative")
    day = today if submitted_at is None else _day(submitted_at)
    days = (day - due).days
    if days <= grace_days:
        return None
    return Flag("late" if submitted_at is not None else "overdue", {"due": due, "days": days})


@dataclass(frozen=True)
class OutlierCheck:
    """The result of :func:`outliers`: flags by project, the centre and spread used.

    ``reason`` says why nothing could be checked (``too_few_values``, ``no_spread``) with
    ``reason_params``; ``spread`` names the spread used: ``mad`` or, when more than half
    the values are equal, ``mean_absolute_deviation``.
    """

    flags: Mapping[str, Flag]
    n: int
    median: float | None = None
    spread: str | None = None
    reason: str | None = None
    reason_params: Mapping[str, object] = field(default_factory=dict)


def outliers(values: Mapping[str, float], threshold: float = 3.5) -> OutlierCheck:
    """Flag values far from similar projects' by the modified z-score.

    ``z = 0.6745 (x - median) / MAD`` with ``MAD = median |x - median|``; ``|z| > 3.5`` is an
    outlier (B. Iglewicz and D. C. Hoaglin, *How to Detect and Handle Outliers*, ASQC
    Quality Press, 1993). Median and MAD are not pulled by the outliers themselves, unlike
    the mean and the standard deviation. When more than half the values are equal the MAD
    is 0; the mean absolute deviation around the median then stands in,
    ``z = (x - median) / (1.253314 * meanAD)`` (the form IBM SPSS documents). Fewer than
    five values are not checked (``too_few_values``): a median of four says little about
    what is unusual. Missing (NaN) values are left out. Params of each ``outlier`` flag:
    ``value``, ``median``, ``z``.
    """
    if threshold <= 0:
        raise InvalidSpecError("invalid_threshold", {"value": threshold},
                               "threshold must be positive")
    known = {key: float(v) for key, v in values.items() if not math.isnan(v)}
    n = len(known)
    if n < MIN_OUTLIER_VALUES:
        return OutlierCheck({}, n, reason="too_few_values",
                            reason_params={"n": n, "min_n": MIN_OUTLIER_VALUES})
    x = np.fromiter(known.values(), dtype=np.float64, count=n)
    median = float(np.median(x))
    deviation = np.abs(x - median)
    mad = float(np.median(deviation))
    if mad > 0:
        z, spread = _MAD_SCALE * (x - median) / mad, "mad"
    else:
        mean_ad = float(deviation.mean())
        if mean_ad == 0:
            return OutlierCheck({}, n, median, reason="no_spread", reason_params={"n": n})
        z, spread = (x - median) / (_MEAN_AD_SCALE * mean_ad), "mean_absolute_deviation"
    flags = {
        key: Flag("outlier", {"value": value, "median": median, "z": float(score)})
        for (key, value), score in zip(known.items(), z.tolist(), strict=True)
        if abs(score) > threshold
    }
    return OutlierCheck(flags, n, median, spread)


def achievement(baseline: float, target: float, actual: float, direction: str) -> float | None:
    """The share of the distance from baseline to target covered: ``(actual - b) / (t - b)``.

    1 means the target is reached, above 1 exceeded, below 0 the value moved away from
    the target. The same formula serves both directions (for "lower is better" the
    target lies below the baseline and both differences are negative); ``direction`` is
    checked but needs no sign change. ``None`` when the target equals the baseline
    (a target to hold a level has no distance to cover).
    """
    _check_direction(direction)
    if target == baseline:
        return None
    return (actual - baseline) / (target - baseline)
