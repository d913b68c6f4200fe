"""One project's results against its targets: per period, to date, and the share of the way from
the baseline to the target; and its spending against the grant. Validated reports only.

Progress = (actual to date - baseline) / (target - baseline), so it reads the same for an
indicator where lower is better (a fall from 40 % to 30 % towards a target of 20 % is half the
way). The target is the end-of-project target, else the sum of the period targets of a
``per_period`` indicator, else the last period's target. See docs/methods/units-and-rollups.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from asis.calls.models import FundedProject
from asis.engines.impact import units
from asis.engines.impact.rollup import rollup
from asis.impact.models import Indicator, ProjectIndicator, Report, ReportingPeriod
from asis.impact.rollups import ProjectFigure, _subset, project_figures, spec_of, table_of


@dataclass(frozen=True)
class PeriodRow:
    number: int
    ends_on: date
    actual: float | None
    to_date: float | None
    target: float | None


@dataclass(frozen=True)
class IndicatorProgress:
    monitored: ProjectIndicator
    rows: tuple[PeriodRow, ...]
    baseline: float | None
    target: float | None
    to_date: float | None
    share: float | None  # of the way from baseline to target; None when it cannot be said
    excluded: int

    @property
    def indicator(self) -> Indicator:
        return self.monitored.indicator

    @property
    def unit(self) -> str:
        return self.indicator.unit


def _ratio_scale(unit: str) -> float:
    found = units.get_unit(unit)
    return 1.0 / found.factor if found.dimension == units.RATIO_DIMENSION else 1.0


def stated(indicator: Indicator, value: Any, denominator: Any) -> float | None:
    """A baseline or target in the indicator's unit: a ratio given as a pair is divided out."""
    if value is None:
        return None
    if indicator.is_ratio and denominator:
        return float(value) / float(denominator) * _ratio_scale(indicator.unit)
    return float(value)


def indicator_progress(monitored: ProjectIndicator, periods: list[ReportingPeriod],
                       figures: list[ProjectFigure]) -> IndicatorProgress:
    indicator = monitored.indicator
    spec = spec_of(indicator)
    totals = [f for f in figures if not f.disaggregation]
    table = table_of(indicator, totals)
    targets = {t.period_id: stated(indicator, t.value, t.denominator) for t in monitored.targets.all()
               if not t.disaggregation}
    rows = []
    excluded = 0
    for period in periods:
        ordinal = period.ends_on.toordinal()
        single = rollup(spec, _subset(table, np.flatnonzero(table.period == ordinal)))
        so_far = rollup(spec, _subset(table, np.flatnonzero(table.period <= ordinal)))
        excluded += len(single.excluded)
        rows.append(PeriodRow(period.number, period.ends_on, single.value, so_far.value, targets.get(period.pk)))
    overall = rollup(spec, table)
    to_date = overall.value
    baseline = stated(indicator, monitored.baseline_value, monitored.baseline_denominator)
    target = targets.get(None)
    period_targets = [r.target for r in rows if r.target is not None]
    if target is None and period_targets:
        per_period = indicator.values_mode == Indicator.ValuesMode.PER_PERIOD and not indicator.is_ratio
        target = sum(period_targets) if per_period else period_targets[-1]
    share = None
    start = baseline if baseline is not None else 0.0
    if to_date is not None and target is not None and target != start:
        share = (to_date - start) / (target - start)
    return IndicatorProgress(monitored, tuple(rows), baseline, target, to_date, share, excluded)


@dataclass(frozen=True)
class Spending:
    grant: Decimal
    spent: Decimal
    n_reports: int

    @property
    def share(self) -> float | None:
        return float(self.spent / self.grant) if self.grant else None


def spending(project: FundedProject, reports: list[Report]) -> Spending:
    """Budget spent as declared in the validated reports (each report declares its own period)."""
    spent = Decimal("0")
    counted = 0
    for report in reports:
        if report.status != Report.Status.VALIDATED:
            continue
        counted += 1
        for line in report.budget_spent or []:
            try:
                spent += Decimal(str(line.get("amount") or "0"))
            except (InvalidOperation, AttributeError):
                continue
    return Spending(project.grant, spent, counted)


def project_progress(project: FundedProject, *, key_only: bool = True) -> list[IndicatorProgress]:
    """Every (key) monitored indicator of ``project`` with its period rows: three queries."""
    monitored = list(project.monitored_indicators.select_related("indicator").prefetch_related("targets")
                     .filter(**({"is_key": True} if key_only else {})))
    periods = list(project.periods.order_by("number"))
    figures = project_figures(FundedProject.objects.filter(pk=project.pk), per_period=True)
    by_indicator: dict[int, list[ProjectFigure]] = defaultdict(list)
    for f in figures:
        by_indicator[f.indicator_id].append(f)
    return [indicator_progress(m, periods, by_indicator.get(m.indicator_id, [])) for m in monitored]
