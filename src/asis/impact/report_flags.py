"""Flags on a project's page and a report's page, worded for the reader with human names:

- late: a report past its due date and not submitted (days overdue), or first submitted after it;
- off track: a key indicator's value against the straight line from its baseline to its target;
- outlier: a key indicator's value far from those of the call's other projects for the same period.

The numbers come from the engine (``asis.engines.impact.flags``, rules and a worked example in
docs/methods/monitoring-flags.md); this module gathers the data, converts reported values to the
indicator's unit, and writes the sentences. Values count once submitted (validated or awaiting
validation); a report's own page also counts that report's draft values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.calls.models import FundedProject
from asis.core.formatting import long_date, number, percent
from asis.engines.impact import flags as engine
from asis.engines.impact import units as engine_units
from asis.impact.models import (
    ProjectIndicator,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportValue,
    Target,
)
from asis.impact.units import unit_label

COUNTED = (Report.Status.SUBMITTED, Report.Status.VALIDATED)


@dataclass(frozen=True)
class Flag:
    kind: str  # late | overdue | off_track | outlier: for the page's styling, never shown
    text: str


# --- late reports ---------------------------------------------------------------------------------

def _first_submission(report: Report) -> Any:
    event = report.events.filter(action=ReportEvent.Action.SUBMITTED).order_by("created_at", "pk").first()
    return event.created_at if event is not None else report.submitted_at


def _report_of(period: ReportingPeriod) -> Report | None:
    try:
        return period.report
    except Report.DoesNotExist:
        return None


def late_flags(periods: list[ReportingPeriod], *, today: date | None = None) -> list[Flag]:
    today = today or timezone.localdate()
    flags = []
    for period in periods:
        report = _report_of(period)
        # A report counts as sent on its first submission, even when it was returned since.
        first = _first_submission(report) if report is not None and report.version else None
        submitted = timezone.localdate(first) if first is not None else None
        flag = engine.late(period.due_on, submitted, today)
        if flag is None:
            continue
        days = int(flag.params["days"])  # type: ignore[call-overload]
        values = {"number": period.number, "days": days, "due": long_date(period.due_on)}
        if flag.code == "overdue":
            flags.append(Flag("overdue", ngettext(
                "The report for period %(number)s is %(days)s day late (it was due on %(due)s).",
                "The report for period %(number)s is %(days)s days late (it was due on %(due)s).", days) % values))
        else:
            flags.append(Flag("late", ngettext(
                "The report for period %(number)s was submitted %(days)s day after its due date (%(due)s).",
                "The report for period %(number)s was submitted %(days)s days after its due date (%(due)s).",
                days) % values))
    return flags


# --- values in the indicator's unit ---------------------------------------------------------------

def _scale(pi: ProjectIndicator) -> float:
    return engine_units.get_unit(pi.indicator.unit).factor


def _in_unit(pi: ProjectIndicator, value: Decimal, denominator: Decimal | None, unit: str) -> float | None:
    """A reported value in the indicator's unit (a rate: numerator / denominator on its scale)."""
    try:
        if pi.indicator.is_ratio:
            return float(value / denominator) / _scale(pi) if denominator else None
        return engine_units.convert(float(value), unit, pi.indicator.unit)
    except (engine_units.UnknownUnitError, engine_units.IncompatibleUnitsError):
        return None


def _target_value(pi: ProjectIndicator, target: Target) -> float:
    if pi.indicator.is_ratio and target.denominator:
        return float(target.value / target.denominator) / _scale(pi)
    return float(target.value)


def _totals(pis: list[ProjectIndicator], *, include: Report | None) -> dict[int, dict[int, float]]:
    """Per project indicator: {period number: total in the indicator's unit}."""
    by_pk = {pi.pk: pi for pi in pis}
    rows = ReportValue.objects.filter(project_indicator__in=by_pk, disaggregation="").select_related("report__period")
    series: dict[int, dict[int, float]] = defaultdict(dict)
    for row in rows:
        if row.report.status not in COUNTED and (include is None or row.report_id != include.pk):
            continue
        shown = _in_unit(by_pk[row.project_indicator_id], row.value, row.denominator, row.unit)
        if shown is not None:
            series[row.project_indicator_id][row.report.period.number] = shown
    return series


# --- off track ------------------------------------------------------------------------------------

def _expected(pi: ProjectIndicator, periods: list[ReportingPeriod], upto: ReportingPeriod,
              series: dict[int, float]) -> tuple[float, float, float] | None:
    """(actual, expected, baseline) at the end of ``upto``, on the scale the targets use, or None."""
    indicator = pi.indicator
    per_period = indicator.values_mode == indicator.ValuesMode.PER_PERIOD and not indicator.is_ratio
    targets = {t.period_id: t for t in pi.targets.all() if not t.disaggregation}
    done = [p for p in periods if p.number <= upto.number]
    if per_period:
        baseline = 0.0  # per-period values add up: progress is the total reported so far
        actual = sum(series.get(p.number, 0.0) for p in done)
    else:
        baseline = float(pi.baseline_value or 0) if not indicator.is_ratio else (
            float(pi.baseline_value / pi.baseline_denominator) / _scale(pi)
            if pi.baseline_value is not None and pi.baseline_denominator else float(pi.baseline_value or 0))
        actual = series[upto.number]
    if all(p.pk in targets for p in done):
        if per_period:
            return actual, sum(_target_value(pi, targets[p.pk]) for p in done), baseline
        return actual, _target_value(pi, targets[upto.pk]), baseline
    final = targets.get(None)
    if final is None or not periods:
        return None
    start = pi.baseline_date or periods[0].starts_on
    try:
        expected = engine.expected_on_trajectory(baseline, start, _target_value(pi, final), periods[-1].ends_on,
                                                 upto.ends_on)
    except engine.InvalidSpecError:
        return None
    return actual, expected, baseline


def _shown(pi: ProjectIndicator, value: float) -> str:
    amount = Decimal(str(round(value, 2)))
    amount = amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()
    return f"{number(amount)} {unit_label(pi.indicator.unit)}"


def off_track_flags(pis: list[ProjectIndicator], periods: list[ReportingPeriod], series: dict[int, dict[int, float]],
                    upto: ReportingPeriod | None) -> list[Flag]:
    flags = []
    for pi in pis:
        reported = series.get(pi.pk, {})
        candidates = [p for p in periods if p.number in reported and (upto is None or p.number <= upto.number)]
        if not pi.is_key or not candidates:
            continue
        period = candidates[-1]
        numbers = _expected(pi, periods, period, reported)
        if numbers is None:
            continue
        actual, expected, baseline = numbers
        flag = engine.off_track(actual, expected, baseline, pi.indicator.direction)
        if flag is None:
            continue
        flags.append(Flag("off_track", _(
            "%(indicator)s is off track: %(actual)s by the end of period %(number)s, where the path from the "
            "baseline to the target expects %(expected)s (%(missing)s of the expected progress is missing).") % {
            "indicator": str(pi.indicator), "actual": _shown(pi, actual), "number": period.number,
            "expected": _shown(pi, expected), "missing": percent(min(float(flag.params["shortfall"]), 9.99))}))  # type: ignore[arg-type]
    return flags


# --- outliers -------------------------------------------------------------------------------------

def outlier_flags(project: FundedProject, pis: list[ProjectIndicator], series: dict[int, dict[int, float]],
                  upto: ReportingPeriod | None) -> list[Flag]:
    flags = []
    for pi in pis:
        reported = series.get(pi.pk, {})
        numbers = [n for n in reported if upto is None or n <= upto.number]
        if not pi.is_key or not numbers:
            continue
        period_number = max(numbers)
        peers = (ReportValue.objects.filter(
            project_indicator__indicator=pi.indicator, disaggregation="", report__period__number=period_number,
            report__status__in=COUNTED, report__project__application__call=project.application.call_id)
            .exclude(report__project=project).select_related("project_indicator__indicator"))
        values = {str(project.pk): reported[period_number]}
        for row in peers:
            shown = _in_unit(row.project_indicator, row.value, row.denominator, row.unit)
            if shown is not None:
                values[str(row.report.project_id)] = shown
        check = engine.outliers(values)
        flag = check.flags.get(str(project.pk))
        if flag is None:
            continue
        flags.append(Flag("outlier", _(
            "%(indicator)s: %(value)s in period %(number)s is far from the call's other projects "
            "(their median: %(median)s, %(count)s projects compared).") % {
            "indicator": str(pi.indicator), "value": _shown(pi, reported[period_number]), "number": period_number,
            "median": _shown(pi, float(flag.params["median"])), "count": check.n}))  # type: ignore[arg-type]
    return flags


def indicator_flags(project: FundedProject, *, upto: ReportingPeriod | None = None,
                    include: Report | None = None) -> list[Flag]:
    pis = list(project.monitored_indicators.select_related("indicator").prefetch_related("targets"))
    if not pis:
        return []
    periods = list(project.periods.order_by("number"))
    series = _totals(pis, include=include)
    return off_track_flags(pis, periods, series, upto) + outlier_flags(project, pis, series, upto)


def project_flags(project: FundedProject, *, today: date | None = None) -> list[Flag]:
    periods = list(project.periods.select_related("report").order_by("number"))
    return late_flags(periods, today=today) + indicator_flags(project)


def report_flags(report: Report, *, today: date | None = None) -> list[Flag]:
    return late_flags([report.period], today=today) + indicator_flags(report.project, upto=report.period,
                                                                      include=report)
