"""A long panel (unit, period, outcome, optional covariates) checked once for every method.

The treated units are the keys of ``treatment_start``: the period from which each is treated.
Every other unit is a comparison unit (never treated). A period is "pre" for a treated unit when it
is before that unit's start, "post" from the start on; the panel needs at least one of each among
the treated units' observations, at least one treated and one comparison unit, no (unit, period)
twice and finite numeric outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from asis.engines._arrays import BoolArray, FloatArray, IntArray
from asis.engines.counterfactual.errors import CounterfactualError


@dataclass(frozen=True)
class PanelRow:
    """One observation; ``covariates`` are numbers named by the panel's ``covariate_names``."""

    unit: str
    period: int
    outcome: float
    covariates: tuple[float, ...] = ()


@dataclass(frozen=True)
class PanelInput:
    rows: tuple[PanelRow, ...]
    treatment_start: Mapping[str, int]
    covariate_names: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Panel:
    """A validated panel as arrays, one entry per observation, sorted by unit then period."""

    units: tuple[str, ...]
    periods: tuple[int, ...]
    unit_index: IntArray
    period_index: IntArray
    outcome: FloatArray
    covariates: FloatArray
    covariate_names: tuple[str, ...]
    treated_unit: BoolArray
    treated: BoolArray
    event_time: IntArray
    treatment_start: Mapping[str, int] = field(default_factory=dict)

    @property
    def n_obs(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def balanced(self) -> bool:
        return self.n_obs == len(self.units) * len(self.periods)

    @property
    def treated_units(self) -> tuple[str, ...]:
        return tuple(u for u in self.units if u in self.treatment_start)


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(float(value)))


def panel_validate(data: PanelInput) -> Panel:
    """Check ``data`` and return it as arrays, or raise :class:`CounterfactualError`.

    Codes: ``empty_panel``, ``non_numeric_outcome``, ``non_numeric_covariate``,
    ``duplicate_observation``, ``too_few_units``, ``unknown_treated_unit``, ``no_treated_unit``,
    ``no_comparison_unit``, ``no_pre_period``, ``no_post_period``.
    """
    rows = data.rows
    if not rows:
        raise CounterfactualError("empty_panel", "the panel has no rows")
    n_cov = len(data.covariate_names)
    seen: set[tuple[str, int]] = set()
    for number, row in enumerate(rows, start=1):
        if not _is_number(row.outcome):
            raise CounterfactualError("non_numeric_outcome", "outcome is not a finite number",
                                      row=number, unit=row.unit, period=row.period)
        if len(row.covariates) != n_cov or not all(_is_number(c) for c in row.covariates):
            raise CounterfactualError("non_numeric_covariate",
                                      "covariates are missing or not finite numbers",
                                      row=number, unit=row.unit, period=row.period)
        key = (row.unit, row.period)
        if key in seen:
            raise CounterfactualError("duplicate_observation", "unit and period appear twice",
                                      row=number, unit=row.unit, period=row.period)
        seen.add(key)
    units = tuple(sorted({r.unit for r in rows}))
    periods = tuple(sorted({r.period for r in rows}))
    if len(units) < 2:
        raise CounterfactualError("too_few_units", "a comparison needs at least two units",
                                  units=len(units))
    unknown = sorted(set(data.treatment_start) - set(units))
    if unknown:
        raise CounterfactualError("unknown_treated_unit", "a treated unit has no rows",
                                  unit=unknown[0])
    if not data.treatment_start:
        raise CounterfactualError("no_treated_unit", "no unit is treated")
    if len(data.treatment_start) == len(units):
        raise CounterfactualError("no_comparison_unit", "every unit is treated")
    ordered = sorted(rows, key=lambda r: (r.unit, r.period))
    u_pos = {u: i for i, u in enumerate(units)}
    p_pos = {p: i for i, p in enumerate(periods)}
    unit_index = np.fromiter((u_pos[r.unit] for r in ordered), dtype=np.intp, count=len(ordered))
    period_index = np.fromiter((p_pos[r.period] for r in ordered), dtype=np.intp,
                               count=len(ordered))
    outcome = np.fromiter((float(r.outcome) for r in ordered), dtype=np.float64,
                          count=len(ordered))
    covariates = np.array([r.covariates for r in ordered], dtype=np.float64).reshape(
        len(ordered), n_cov)
    start = np.array([data.treatment_start.get(u, 0) for u in units], dtype=np.int64)
    treated_unit_flags = np.array([u in data.treatment_start for u in units], dtype=bool)
    period_value = np.array(periods, dtype=np.int64)[period_index]
    treated_unit = treated_unit_flags[unit_index]
    event_time = np.where(treated_unit, period_value - start[unit_index], 0).astype(np.intp)
    treated = treated_unit & (event_time >= 0)
    if not (treated_unit & ~treated).any():
        raise CounterfactualError("no_pre_period", "no treated unit is observed before its start",
                                  first_period=periods[0])
    if not treated.any():
        raise CounterfactualError("no_post_period", "no treated unit is observed after its start",
                                  last_period=periods[-1])
    return Panel(
        units=units, periods=periods, unit_index=unit_index, period_index=period_index,
        outcome=outcome, covariates=covariates, covariate_names=tuple(data.covariate_names),
        treated_unit=treated_unit, treated=treated, event_time=event_time,
        treatment_start=dict(data.treatment_start),
    )


def panel_from_columns(
    units: Sequence[str], periods: Sequence[int], outcomes: Sequence[float],
    treatment_start: Mapping[str, int], covariates: Sequence[Sequence[float]] | None = None,
    covariate_names: Sequence[str] = (),
) -> Panel:
    """Convenience: build and validate a panel from parallel columns."""
    covs = covariates if covariates is not None else [()] * len(units)
    rows = tuple(PanelRow(unit=u, period=p, outcome=y, covariates=tuple(c))
                 for u, p, y, c in zip(units, periods, outcomes, covs, strict=True))
    return panel_validate(PanelInput(rows=rows, treatment_start=dict(treatment_start),
                                     covariate_names=tuple(covariate_names)))
