"""Agreement between evaluators: Krippendorff's alpha, Shrout-Fleiss ICCs,
per-application disagreement flags and a per-evaluator report.

Score arrays are evaluators x applications with NaN where an evaluator did not
score an application (``icc`` takes the transpose, targets x judges, as in
Shrout & Fleiss).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from asis.engines._arrays import FloatArray, as_float_array
from asis.engines.errors import InvalidInputError

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha ``1 - D_o / D_e``; NaN (``defined`` False) when D_e = 0."""

    alpha: float
    level: str
    observed_disagreement: float
    expected_disagreement: float
    pairable_values: int
    defined: bool


def _value_counts(data: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Units x values count matrix ``n_uc`` over pairable units, and the sorted values."""
    observed = ~np.isnan(data)
    values, inverse = np.unique(data[observed], return_inverse=True)
    unit_index = np.nonzero(observed)[1]
    n_units = data.shape[1]
    counts = np.bincount(
        unit_index * values.shape[0] + inverse.ravel(), minlength=n_units * values.shape[0]
    ).reshape(n_units, values.shape[0])
    counts = counts[counts.sum(axis=1) >= 2]
    return counts.astype(np.float64), values


def krippendorff_alpha(data: ArrayLike, level: Level = "interval") -> AlphaResult:
    """Krippendorff's alpha for evaluators x units data with NaN for missing values.

    Only units with at least two values are pairable. From the value counts
    ``n_uc`` and ``m_u = sum_c n_uc`` the coincidence matrix is
    ``o_ck = sum_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1)``, ``n_c = sum_k o_ck`` and
    ``n = sum_c n_c``. Then ``D_o = sum_ck o_ck delta^2_ck / n``,
    ``D_e = sum_ck n_c n_k delta^2_ck / (n (n - 1))`` and ``alpha = 1 - D_o / D_e``,
    with ``delta^2`` nominal ``[c != k]``, ordinal
    ``(sum_{g=c..k} n_g - (n_c + n_k)/2)^2``, interval ``(c - k)^2`` and ratio
    ``((c - k)/(c + k))^2``. For the interval metric the double sums reduce to
    per-unit sums of values and squares, computed without the V x V matrix.

    Reference: K. Krippendorff, "Computing Krippendorff's Alpha-Reliability",
    University of Pennsylvania, 2011 (https://repository.upenn.edu/asc_papers/43).
    """
    if level not in LEVELS:
        raise InvalidInputError("level", f"must be one of {', '.join(LEVELS)}, got {level!r}")
    matrix = as_float_array(data, "data", ndim=2, allow_nan=True)
    if level == "ratio" and (matrix[~np.isnan(matrix)] < 0).any():
        raise InvalidInputError("data", "ratio level needs non-negative values")
    if level == "interval":
        return _alpha_interval(matrix)
    counts, values = _value_counts(matrix)
    if counts.shape[0] == 0:
        raise InvalidInputError(
            "data", "no unit has two or more values: alpha needs pairable values"
        )
    m_u = counts.sum(axis=1)
    scaled = counts / (m_u - 1.0)[:, None]
    coincidence = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = float(n_c.sum())
    if level == "nominal":
        delta = 1.0 - np.eye(values.shape[0])
    elif level == "ordinal":
        cum = np.concatenate(([0.0], np.cumsum(n_c)))
        lo = np.minimum.outer(np.arange(values.shape[0]), np.arange(values.shape[0]))
        hi = np.maximum.outer(np.arange(values.shape[0]), np.arange(values.shape[0]))
        delta = (cum[hi + 1] - cum[lo] - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
    else:
        total = np.add.outer(values, values)
        diff = np.subtract.outer(values, values)
        delta = np.where(total > 0.0, diff / np.where(total > 0.0, total, 1.0), 0.0) ** 2
    d_o = float((coincidence * delta).sum()) / n
    d_e = float(n_c @ delta @ n_c) / (n * (n - 1.0))
    return _alpha(d_o, d_e, level, int(n))


def _alpha(d_o: float, d_e: float, level: str, n: int) -> AlphaResult:
    if d_e <= 0.0:
        return AlphaResult(float("nan"), level, d_o, d_e, n, False)
    return AlphaResult(1.0 - d_o / d_e, level, d_o, d_e, n, True)


def _alpha_interval(matrix: FloatArray) -> AlphaResult:
    observed = ~np.isnan(matrix)
    m_u = observed.sum(axis=0).astype(np.float64)
    pairable = m_u >= 2
    if not pairable.any():
        raise InvalidInputError(
            "data", "no unit has two or more values: alpha needs pairable values"
        )
    x = np.where(observed, matrix, 0.0)[:, pairable]
    m = m_u[pairable]
    s1 = x.sum(axis=0)
    s2 = (x * x).sum(axis=0)
    n = float(m.sum())
    # sum_{i,j in u} (x_i - x_j)^2 = 2 m_u S2_u - 2 S1_u^2
    d_o = float(((2.0 * m * s2 - 2.0 * s1 * s1) / (m - 1.0)).sum()) / n
    t1 = float(s1.sum())
    t2 = float(s2.sum())
    d_e = (2.0 * n * t2 - 2.0 * t1 * t1) / (n * (n - 1.0))
    return _alpha(d_o, d_e, "interval", int(n))


@dataclass(frozen=True)
class ICCForm:
    """One Shrout-Fleiss form with its F test of ``ICC = 0`` and 95 % interval."""

    name: str
    value: float
    f: float
    df1: int
    df2: int
    p_value: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class ICCResult:
    """The six ICC forms, in the order ICC(1,1), ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k)."""

    forms: tuple[ICCForm, ...]
    targets: int
    judges: int

    def __getitem__(self, name: str) -> ICCForm:
        for form in self.forms:
            if form.name == name:
                return form
        raise KeyError(name)


def icc(ratings: ArrayLike) -> ICCResult:
    """Shrout & Fleiss (1979) intraclass correlations for targets x judges ratings.

    With mean squares BMS (targets), JMS (judges), WMS (within targets) and EMS
    (residual) of the two-way ANOVA, ``n`` targets and ``k`` judges:
    ICC(1,1) = (BMS - WMS) / (BMS + (k-1) WMS);
    ICC(2,1) = (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n);
    ICC(3,1) = (BMS - EMS) / (BMS + (k-1) EMS);
    ICC(1,k) = (BMS - WMS) / BMS; ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n);
    ICC(3,k) = (BMS - EMS) / BMS. Form 1: each target rated by different random
    judges; form 2: the same random judges rate all targets (absolute agreement);
    form 3: fixed judges (consistency). Confidence intervals follow Shrout &
    Fleiss (form 2 with Satterthwaite's degrees of freedom), as in McGraw & Wong 1996.

    Reference: P. E. Shrout, J. L. Fleiss, "Intraclass correlations: uses in
    assessing rater reliability", Psychological Bulletin 86(2), 1979, 420-428.
    Needs a complete design (no NaN); drop incomplete targets first.
    """
    x = as_float_array(ratings, "ratings", ndim=2)
    n, k = x.shape
    if n < 2 or k < 2:
        raise InvalidInputError("ratings", "needs at least 2 targets and 2 judges")
    grand = x.mean()
    ss_total = float(((x - grand) ** 2).sum())
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    ems = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    if bms <= 0.0:
        raise InvalidInputError("ratings", "no variance between targets: ICC undefined")
    df_b, df_w, df_e = n - 1, n * (k - 1), (n - 1) * (k - 1)
    icc1 = (bms - wms) / (bms + (k - 1) * wms)
    icc2 = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
    icc3 = (bms - ems) / (bms + (k - 1) * ems)
    icc1k = (bms - wms) / bms
    icc2k = (bms - ems) / (bms + (jms - ems) / n)
    icc3k = (bms - ems) / bms
    q = 0.975
    undefined = (float("nan"), float("nan"))
    f1 = bms / wms if wms > 0 else float("inf")
    f3 = bms / ems if ems > 0 else float("inf")
    ci1 = ci1k = ci2 = ci2k = ci3 = ci3k = undefined
    if wms > 0:
        # Form 1 intervals (Shrout & Fleiss 1979, Table 4).
        fl1 = f1 / stats.f.ppf(q, df_b, df_w)
        fu1 = f1 * stats.f.ppf(q, df_w, df_b)
        ci1 = ((fl1 - 1) / (fl1 + k - 1), (fu1 - 1) / (fu1 + k - 1))
        ci1k = (1 - 1 / fl1, 1 - 1 / fu1)
    if ems > 0:
        fl3 = f3 / stats.f.ppf(q, df_b, df_e)
        fu3 = f3 * stats.f.ppf(q, df_e, df_b)
        ci3 = ((fl3 - 1) / (fl3 + k - 1), (fu3 - 1) / (fu3 + k - 1))
        ci3k = (1 - 1 / fl3, 1 - 1 / fu3)
        # Form 2 with Satterthwaite's degrees of freedom (Shrout & Fleiss 1979, eq. 7-9).
        fj = jms / ems
        vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = vn / vd
        fs_lo = stats.f.ppf(q, n - 1, v)
        fs_hi = stats.f.ppf(q, v, n - 1)
        lo2 = n * (bms - fs_lo * ems) / (fs_lo * (k * jms + (k * n - k - n) * ems) + n * bms)
        hi2 = n * (fs_hi * bms - ems) / (k * jms + (k * n - k - n) * ems + n * fs_hi * bms)
        ci2 = (lo2, hi2)
        ci2k = (lo2 * k / (1 + lo2 * (k - 1)), hi2 * k / (1 + hi2 * (k - 1)))

    def form(
        name: str, value: float, f: float, d1: int, d2: int, ci: tuple[float, float]
    ) -> ICCForm:
        return ICCForm(
            name,
            float(value),
            float(f),
            d1,
            d2,
            float(stats.f.sf(f, d1, d2)),
            (float(ci[0]), float(ci[1])),
        )

    forms = (
        form("ICC(1,1)", icc1, f1, df_b, df_w, ci1),
        form("ICC(2,1)", icc2, f3, df_b, df_e, ci2),
        form("ICC(3,1)", icc3, f3, df_b, df_e, ci3),
        form("ICC(1,k)", icc1k, f1, df_b, df_w, ci1k),
        form("ICC(2,k)", icc2k, f3, df_b, df_e, ci2k),
        form("ICC(3,k)", icc3k, f3, df_b, df_e, ci3k),
    )
    return ICCResult(forms, n, k)


@dataclass(frozen=True)
class DisagreementFlag:
    """An application whose evaluators disagree.

    ``spread`` is max - min of its scores; ``outlier`` the index of the evaluator
    farthest from the median of the others when that distance exceeds the
    outlier threshold (None otherwise).
    """

    application: int
    spread: float
    outlier: int | None
    outlier_distance: float
    reasons: tuple[str, ...]


def disagreement_flags(
    scores: ArrayLike, *, spread_threshold: float, outlier_threshold: float | None = None
) -> tuple[DisagreementFlag, ...]:
    """Flag applications (columns of an evaluators x applications array, NaN missing).

    An application is flagged when ``max - min > spread_threshold`` or, with at
    least three scores, when one evaluator lies more than ``outlier_threshold``
    (default: the spread threshold) from the median of the other evaluators.
    """
    x = as_float_array(scores, "scores", ndim=2, allow_nan=True)
    if spread_threshold < 0:
        raise InvalidInputError("spread_threshold", "must be non-negative")
    limit = spread_threshold if outlier_threshold is None else outlier_threshold
    flags: list[DisagreementFlag] = []
    for app in range(x.shape[1]):
        column = x[:, app]
        who = np.flatnonzero(~np.isnan(column))
        if who.shape[0] < 2:
            continue
        vals = column[who]
        spread = float(vals.max() - vals.min())
        outlier: int | None = None
        distance = 0.0
        if who.shape[0] >= 3:
            for pos, evaluator in enumerate(who):
                others = np.delete(vals, pos)
                d = abs(float(vals[pos] - np.median(others)))
                if d > distance:
                    distance, best = d, int(evaluator)
            if distance > limit:
                outlier = best
        reasons: list[str] = []
        if spread > spread_threshold:
            reasons.append(f"spread {spread:g} above {spread_threshold:g}")
        if outlier is not None:
            reasons.append(f"evaluator {outlier} is {distance:g} from the others' median")
        if reasons:
            flags.append(DisagreementFlag(app, spread, outlier, distance, tuple(reasons)))
    return tuple(flags)


@dataclass(frozen=True)
class EvaluatorStats:
    """Leniency and consistency of one evaluator.

    ``leniency`` is the mean of (own score - mean of the co-evaluators) over the
    applications shared with others: positive means lenient, negative harsh.
    ``consistency`` is the Pearson correlation between own scores and the
    co-evaluators' means (NaN with fewer than 3 shared applications or no variance).
    """

    evaluator: int
    n_scored: int
    n_shared: int
    mean: float
    sd: float
    leniency: float
    consistency: float


def evaluator_report(scores: ArrayLike) -> tuple[EvaluatorStats, ...]:
    """Per-evaluator leniency and consistency for an evaluators x applications array."""
    x = as_float_array(scores, "scores", ndim=2, allow_nan=True)
    observed = ~np.isnan(x)
    filled = np.where(observed, x, 0.0)
    col_sum = filled.sum(axis=0)
    col_n = observed.sum(axis=0)
    report: list[EvaluatorStats] = []
    for e in range(x.shape[0]):
        mine = observed[e]
        others_n = col_n - mine
        shared = mine & (others_n > 0)
        own = x[e, mine]
        n_scored = int(mine.sum())
        mean = float(own.mean()) if n_scored else float("nan")
        sd = float(own.std(ddof=1)) if n_scored > 1 else float("nan")
        if shared.any():
            others_mean = (col_sum[shared] - x[e, shared]) / others_n[shared]
            diff = x[e, shared] - others_mean
            leniency = float(diff.mean())
            consistency = float("nan")
            if shared.sum() >= 3 and np.ptp(x[e, shared]) > 0 and np.ptp(others_mean) > 0:
                consistency = float(np.corrcoef(x[e, shared], others_mean)[0, 1])
        else:
            leniency = float("nan")
            consistency = float("nan")
        report.append(
            EvaluatorStats(e, n_scored, int(shared.sum()), mean, sd, leniency, consistency)
        )
    return tuple(report)
