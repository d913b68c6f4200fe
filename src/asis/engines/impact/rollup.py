"""Roll-ups of indicator values: per project to date, then across projects.

The rules (``docs/methods/units-and-rollups.md`` has them with a worked example):

1. **Units.** Each value is converted to the indicator's unit
   (:func:`asis.engines.impact.units.factor`). A value in a unit of another
   dimension, or in an unknown unit, is *excluded* (never added) and listed in
   :attr:`RollupResult.excluded` with a reason code, as are missing and
   non-finite values, ratio values without a positive denominator and, for a
   weighted mean, values without a non-negative weight.
2. **Per project, to date.** ``per_period`` values are flows that add up over
   time (persons newly reached in the period): the project's value to date is
   their sum. ``cumulative`` values are running totals or levels (jobs that
   exist, a satisfaction score): the latest one stands for the state to date.
   Several values of one project at the same period end are parts of that
   period (rows of a disaggregation) and are added.
3. **Across projects**, by the indicator's aggregation rule: ``sum``; ``mean``
   (unweighted mean of the projects' values to date); ``weighted_mean``
   (weights: the ``weight`` of the values used, e.g. persons reached, added like
   the values); ``max``; ``last``: each project's latest value whatever the
   values mode, added across projects (DHIS2's "last value" aggregation type:
   last in time, summed across organisation units).
4. **Ratios** (percentages, rates, cost per participant) are rolled up as
   ``sum(numerators) / sum(denominators)``, inside a project (over periods, or
   the latest pair) and across projects, never as a mean of ratios: a mean of
   percentages gives a project of 10 persons the voice of one of 10,000. Only
   ``max`` compares the projects' own ratios. A ratio unit (``percent``,
   ``per_1000``) scales the pooled ratio (``x 100``, ``x 1,000``); another unit
   (EUR per participant) converts the numerator.

Two input forms: a sequence of :class:`Observation` (convenient), or an
:class:`ObservationTable` of NumPy columns, which is what a roll-up over a
million values should use (the work is vectorised either way; building a
million dataclasses is the slow part).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from asis.engines._arrays import BoolArray, FloatArray, IntArray
from asis.engines.impact import units
from asis.engines.impact.errors import InvalidSpecError

Aggregation = Literal["sum", "mean", "weighted_mean", "last", "max"]
ValuesMode = Literal["per_period", "cumulative"]
Direction = Literal["higher", "lower"]
AGGREGATIONS: tuple[str, ...] = ("sum", "mean", "weighted_mean", "last", "max")
VALUES_MODES: tuple[str, ...] = ("per_period", "cumulative")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class IndicatorSpec:
    """What the roll-up needs to know of an indicator."""

    code: str
    unit: str
    aggregation: Aggregation = "sum"
    values_mode: ValuesMode = "per_period"
    is_ratio: bool = False
    direction: Direction = "higher"

    def __post_init__(self) -> None:
        unit = units.get_unit(self.unit)
        for name, value, allowed in (
            ("aggregation", self.aggregation, AGGREGATIONS),
            ("values_mode", self.values_mode, VALUES_MODES),
            ("direction", self.direction, DIRECTIONS),
        ):
            if value not in allowed:
                raise InvalidSpecError(
                    f"invalid_{name}", {"indicator": self.code, "value": value},
                    f"{self.code}: {name} must be one of {', '.join(allowed)}, got {value!r}",
                )
        if unit.dimension == units.RATIO_DIMENSION and not self.is_ratio:
            # A percentage without its numerator and denominator can only be averaged,
            # which is the mistake the ratio rule exists to prevent.
            raise InvalidSpecError(
                "ratio_unit_needs_parts", {"indicator": self.code, "unit": self.unit},
                f"{self.code}: unit {self.unit} is a ratio; store numerator and denominator",
            )


@dataclass(frozen=True)
class Observation:
    """One reported value of one project for the period that ends on ``period_end``.

    ``unit`` ``None`` means the indicator's own unit. Ratio indicators read
    ``numerator`` and ``denominator`` and ignore ``value``.
    """

    project: str
    period_end: date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    weight: float | None = None
    unit: str | None = None
    disaggregation: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """A value left out of a roll-up: whose, why (``code``) and the facts (``params``)."""

    project: str
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RollupResult:
    """The rolled-up ``value`` (``None`` when nothing was left to roll up), in ``unit``.

    ``n_values`` counts the values used (a cumulative indicator uses each project's
    latest); ``numerator`` and ``denominator`` are the pooled parts of a ratio.
    """

    value: float | None
    n_projects: int
    n_values: int
    unit: str
    excluded: tuple[Exclusion, ...] = ()
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class SeriesPoint:
    """The roll-up of every value up to and including ``period_end``."""

    period_end: date
    result: RollupResult


def _float_column(values: ArrayLike | None, n: int, name: str) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (n,):
        raise InvalidSpecError("column_length", {"column": name, "expected": n},
                               f"column {name} must have {n} entries")
    return array


def _ordinals(period_end: ArrayLike) -> NDArray[np.int64]:
    array = np.asarray(period_end)
    if array.dtype.kind == "M":
        days = array.astype("datetime64[D]").astype(np.int64)
        return days + _EPOCH_ORDINAL
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    return np.fromiter((d.toordinal() for d in array), dtype=np.int64, count=array.shape[0])


@dataclass(frozen=True)
class ObservationTable:
    """Observations as columns, one row per value (the fast input of the roll-ups).

    ``project`` holds project ids (strings or integers); ``period`` the period ends
    as proleptic ordinals (:meth:`datetime.date.toordinal`); missing numbers are NaN;
    ``unit`` is one code for every row or one per row (``""`` = the indicator's unit).
    Build it with :meth:`from_columns` or :meth:`from_observations`.
    """

    project: NDArray[Any]
    period: NDArray[np.int64]
    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray
    weight: FloatArray
    unit: str | NDArray[np.str_] = ""

    @classmethod
    def from_columns(
        cls, *, project: ArrayLike, period_end: ArrayLike, value: ArrayLike | None = None,
        numerator: ArrayLike | None = None, denominator: ArrayLike | None = None,
        weight: ArrayLike | None = None, unit: str | ArrayLike = "",
    ) -> ObservationTable:
        """Columns of equal length; ``period_end`` as dates, ``datetime64`` or ordinals."""
        projects = np.asarray(project)
        n = projects.shape[0] if projects.ndim == 1 else -1
        periods = _ordinals(period_end)
        if n < 0 or periods.shape != (n,):
            raise InvalidSpecError("column_length", {"column": "period_end", "expected": n},
                                   "project and period_end must be columns of equal length")
        unit_column: str | NDArray[np.str_]
        if isinstance(unit, str):
            unit_column = unit
        else:
            unit_column = np.asarray(unit, dtype=np.str_)
            if unit_column.shape != (n,):
                raise InvalidSpecError("column_length", {"column": "unit", "expected": n},
                                       f"column unit must have {n} entries")
        return cls(
            project=projects, period=periods,
            value=_float_column(value, n, "value"),
            numerator=_float_column(numerator, n, "numerator"),
            denominator=_float_column(denominator, n, "denominator"),
            weight=_float_column(weight, n, "weight"),
            unit=unit_column,
        )

    @classmethod
    def from_observations(cls, observations: Iterable[Observation]) -> ObservationTable:
        """The table of ``observations``, in their order."""
        rows = list(observations)

        def column(name: str) -> list[float]:
            return [np.nan if (x := getattr(o, name)) is None else float(x) for o in rows]

        return cls.from_columns(
            project=np.array([o.project for o in rows], dtype=object),
            period_end=np.array([o.period_end.toordinal() for o in rows], dtype=np.int64),
            value=column("value"), numerator=column("numerator"),
            denominator=column("denominator"), weight=column("weight"),
            unit=np.array([o.unit or "" for o in rows], dtype=np.str_),
        )

    def __len__(self) -> int:
        return int(self.period.shape[0])


@dataclass(frozen=True)
class _Prepared:
    """A table checked against one indicator: which rows count, converted, and why not."""

    spec: IndicatorSpec
    table: ObservationTable
    project_index: IntArray
    project_labels: NDArray[Any]
    convert: FloatArray  # per row: multiply the value (or numerator) by this
    reason: NDArray[np.int8]  # per row: 0 = usable, otherwise an index into _REASONS
    unit_codes: NDArray[np.str_]  # the distinct unit codes of the table
    unit_index: IntArray  # per row: its unit's index in unit_codes


_REASONS = ("", "unknown_unit", "incompatible_unit", "missing_value", "invalid_value",
            "missing_ratio_parts", "invalid_denominator", "missing_weight", "invalid_weight")
_R = {name: i for i, name in enumerate(_REASONS)}


def _factorise(column: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """Labels and, per row, the index of its label (``np.unique``, with a fast path).

    Integer ids (database keys) index directly; the labels that no row uses are never
    counted as present, so the spare room costs nothing but memory.
    """
    if column.dtype.kind in "iu" and column.size:
        low, high = int(column.min()), int(column.max())
        if high - low <= 4 * column.size + 1024:
            return np.arange(low, high + 1), (column - low).astype(np.intp)
    labels, inverse = np.unique(column, return_inverse=True)
    return labels, inverse.astype(np.intp)


def _unit_codes(unit: str | NDArray[np.str_], n: int) -> tuple[NDArray[np.str_], IntArray]:
    """The distinct unit codes and each row's index into them.

    Tables hold a handful of units: comparing the column with each one is several
    times faster than sorting a million strings.
    """
    if isinstance(unit, str):
        return np.array([unit], dtype=np.str_), np.zeros(n, dtype=np.intp)
    inverse = np.full(n, -1, dtype=np.intp)
    found: list[str] = []
    while len(found) < 16:
        pending = np.flatnonzero(inverse < 0)
        if pending.size == 0:
            return np.array(found, dtype=np.str_), inverse
        code = str(unit[pending[0]])
        inverse[unit == code] = len(found)
        found.append(code)
    labels, rest = np.unique(unit, return_inverse=True)
    return labels.astype(np.str_), rest.astype(np.intp)


def _prepare(spec: IndicatorSpec, table: ObservationTable) -> _Prepared:
    n = len(table)
    target = units.get_unit(spec.unit)
    ratio_scale = target.dimension == units.RATIO_DIMENSION
    reason = np.zeros(n, dtype=np.int8)
    convert = np.ones(n, dtype=np.float64)

    codes, inverse = _unit_codes(table.unit, n)
    code_reason = np.zeros(codes.shape[0], dtype=np.int8)
    code_factor = np.ones(codes.shape[0], dtype=np.float64)
    for i, code in enumerate(codes.tolist()):
        code = code or spec.unit
        if code not in units.UNITS:
            code_reason[i] = _R["unknown_unit"]
        elif not units.compatible(code, spec.unit):
            code_reason[i] = _R["incompatible_unit"]
        elif not ratio_scale:
            # For a ratio unit the numerator and denominator are plain counts: the
            # observation's scale (percent or per 1,000) does not change them.
            code_factor[i] = units.factor(code, spec.unit)
    reason = code_reason[inverse]
    convert = code_factor[inverse]

    def mark(mask: BoolArray, name: str) -> None:
        reason[(reason == 0) & mask] = _R[name]

    if spec.is_ratio:
        mark(np.isnan(table.numerator) | np.isnan(table.denominator), "missing_ratio_parts")
        mark(np.isinf(table.numerator) | ~(table.denominator > 0)
             | np.isinf(table.denominator), "invalid_denominator")
    else:
        mark(np.isnan(table.value), "missing_value")
        mark(np.isinf(table.value), "invalid_value")
        if spec.aggregation == "weighted_mean":
            mark(np.isnan(table.weight), "missing_weight")
            mark(np.isinf(table.weight) | (table.weight < 0), "invalid_weight")
    labels, project_index = _factorise(table.project)
    return _Prepared(spec, table, project_index, labels, convert, reason, codes, inverse)


def _exclusions(prep: _Prepared, rows: IntArray) -> tuple[Exclusion, ...]:
    spec, table = prep.spec, prep.table
    out: list[Exclusion] = []
    for i in np.sort(rows[prep.reason[rows] != 0]).tolist():
        code = _REASONS[int(prep.reason[i])]
        params: dict[str, object] = {"period_end": date.fromordinal(int(table.period[i]))}
        if code in ("unknown_unit", "incompatible_unit"):
            params["unit"] = str(prep.unit_codes[prep.unit_index[i]])
            params["expected"] = spec.unit
        elif code == "invalid_value":
            params["value"] = float(table.value[i])
        elif code == "invalid_denominator":
            params["numerator"] = float(table.numerator[i])
            params["denominator"] = float(table.denominator[i])
        elif code == "invalid_weight":
            params["weight"] = float(table.weight[i])
        out.append(Exclusion(str(prep.project_labels[prep.project_index[i]]), code, params))
    return tuple(out)


def _compute(prep: _Prepared, rows: IntArray) -> RollupResult:
    """The roll-up of the table's rows ``rows`` (indices)."""
    spec, table = prep.spec, prep.table
    excluded = _exclusions(prep, rows)
    use = rows[prep.reason[rows] == 0]
    n_all = prep.project_labels.shape[0]
    project = prep.project_index[use]
    period = table.period[use]
    if spec.values_mode == "cumulative" or spec.aggregation == "last":
        latest = np.full(n_all, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(latest, project, period)
        keep = period == latest[project]
        use = use[keep]
        project = project[keep]
    n_values = int(project.shape[0])
    present = np.bincount(project, minlength=n_all) > 0
    n_projects = int(present.sum())
    if n_projects == 0:
        return RollupResult(None, 0, 0, spec.unit, excluded)

    if spec.is_ratio:
        scale = 1.0 / units.get_unit(spec.unit).factor \
            if units.get_unit(spec.unit).dimension == units.RATIO_DIMENSION else 1.0
        num = np.bincount(project, table.numerator[use] * prep.convert[use], minlength=n_all)
        den = np.bincount(project, table.denominator[use], minlength=n_all)
        num_total, den_total = float(num.sum()), float(den.sum())
        if spec.aggregation == "max":
            value = float((num[present] / den[present]).max()) * scale
        else:
            value = num_total / den_total * scale
        return RollupResult(value, n_projects, n_values, spec.unit, excluded,
                            num_total, den_total)

    per_project = np.bincount(project, table.value[use] * prep.convert[use],
                              minlength=n_all)[present]
    result: float | None
    if spec.aggregation in ("sum", "last"):
        result = float(per_project.sum())
    elif spec.aggregation == "mean":
        result = float(per_project.mean())
    elif spec.aggregation == "max":
        result = float(per_project.max())
    else:
        weights = np.bincount(project, table.weight[use], minlength=n_all)[present]
        total_weight = float(weights.sum())
        result = float((weights * per_project).sum()) / total_weight if total_weight > 0 \
            else None
    return RollupResult(result, n_projects, n_values, spec.unit, excluded)


def _as_table(observations: Iterable[Observation] | ObservationTable) -> ObservationTable:
    if isinstance(observations, ObservationTable):
        return observations
    return ObservationTable.from_observations(observations)


def rollup(spec: IndicatorSpec,
           observations: Iterable[Observation] | ObservationTable) -> RollupResult:
    """The roll-up of ``observations`` of one indicator across every project (rules above)."""
    table = _as_table(observations)
    prep = _prepare(spec, table)
    return _compute(prep, np.arange(len(table), dtype=np.intp))


Key = str | Callable[[Observation], str | None] | Sequence[str | None] | NDArray[Any]


def rollup_by(spec: IndicatorSpec, observations: Sequence[Observation] | ObservationTable,
              key: Key) -> dict[str, RollupResult]:
    """One roll-up per group, sorted by group label.

    ``key`` is a disaggregation dimension (``"sex"``: the group is that value of each
    observation's ``disaggregation``), a function of an observation (the project's
    region, challenge...), or, for a table, a column of labels. Observations whose
    group is ``None`` or ``""`` (no value for that dimension) belong to no group.
    """
    table = _as_table(observations)
    labels: NDArray[Any]
    if isinstance(key, str) or callable(key):
        if isinstance(observations, ObservationTable):
            raise InvalidSpecError("key_needs_column", {},
                                   "with an ObservationTable, key must be a column of labels")
        if isinstance(key, str):
            labels = np.array([dict(o.disaggregation).get(key) for o in observations],
                              dtype=object)
        else:
            labels = np.array([key(o) for o in observations], dtype=object)
    else:
        labels = np.asarray(key)
        if labels.shape != (len(table),):
            raise InvalidSpecError("column_length", {"column": "key", "expected": len(table)},
                                   f"key must have {len(table)} entries")
    if labels.dtype == object:
        labels = np.array(["" if x is None else str(x) for x in labels.tolist()], dtype=np.str_)
    prep = _prepare(spec, table)
    groups, inverse = _factorise(labels)
    # Rows sorted by group (stably, so each group keeps the input order): one slice each.
    order = np.argsort(inverse, kind="stable")
    ends = np.cumsum(np.bincount(inverse, minlength=groups.shape[0]))
    return {
        str(group): _compute(prep, order[end - count:end])
        for group, end, count in zip(groups.tolist(), ends.tolist(),
                                     np.bincount(inverse, minlength=groups.shape[0]).tolist(),
                                     strict=True)
        if group != "" and count
    }


def series(spec: IndicatorSpec,
           observations: Iterable[Observation] | ObservationTable) -> tuple[SeriesPoint, ...]:
    """The roll-up to date at each period end found in ``observations``, oldest first.

    Each point rolls up every value up to and including its period end, so a
    ``per_period`` indicator shows its running total and a ``cumulative`` one each
    project's latest value at that date: the line a target trajectory is drawn against.
    """
    table = _as_table(observations)
    prep = _prepare(spec, table)
    # Rows in input order at every point, so that each sum adds in the same order as
    # :func:`rollup` and the last point equals it to the last bit.
    return tuple(
        SeriesPoint(date.fromordinal(period), _compute(prep, np.flatnonzero(table.period <= period)))
        for period in np.unique(table.period).tolist()
    )
