"""Flags on a project's page and a report's page, worded for the reader with human names:

- late: a report past its due date and not submitted (days overdue), or submitted after it;
- off track: a key indicator's latest value against the trajectory from its baseline to its target;
- outlier: a value far from those of similar projects (same indicator, same call).

The numbers come from the engine (``asis.engines.impact.flags``, see docs/methods/monitoring-flags.md);
this module gathers the data and writes the sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import ngettext

from asis.calls.models import FundedProject
from asis.core.formatting import long_date
from asis.impact.models import Report, ReportingPeriod

OPEN = (Report.Status.DRAFT, Report.Status.RETURNED)


@dataclass(frozen=True)
class Flag:
    kind: str  # late | off_track | outlier: for the page's styling, never shown
    text: str


def _late_text(period: ReportingPeriod, days: int) -> str:
    return ngettext("The report for period %(number)s is %(days)s day late (it was due on %(due)s).",
                    "The report for period %(number)s is %(days)s days late (it was due on %(due)s).", days) % {
        "number": period.number, "days": days, "due": long_date(period.due_on)}


def _submitted_late_text(period: ReportingPeriod, days: int) -> str:
    return ngettext("The report for period %(number)s was submitted %(days)s day after its due date (%(due)s).",
                    "The report for period %(number)s was submitted %(days)s days after its due date (%(due)s).",
                    days) % {"number": period.number, "days": days, "due": long_date(period.due_on)}


def late_flags(periods: list[ReportingPeriod], *, today: date | None = None) -> list[Flag]:
    today = today or timezone.localdate()
    flags = []
    for period in periods:
        report = getattr(period, "report", None) if _has_report(period) else None
        if report is None or report.status in OPEN:
            if today > period.due_on:
                flags.append(Flag("late", _late_text(period, (today - period.due_on).days)))
        elif report.submitted_at is not None:
            first = report.events.filter(action="submitted").order_by("created_at", "pk").first()
            submitted = timezone.localdate(first.created_at if first else report.submitted_at)
            if submitted > period.due_on:
                flags.append(Flag("late", _submitted_late_text(period, (submitted - period.due_on).days)))
    return flags


def _has_report(period: ReportingPeriod) -> bool:
    try:
        period.report  # noqa: B018  (the reverse one-to-one raises when there is none)
    except Report.DoesNotExist:
        return False
    return True


def project_flags(project: FundedProject, *, today: date | None = None) -> list[Flag]:
    periods = list(project.periods.select_related("report").order_by("number"))
    return late_flags(periods, today=today) + indicator_flags(project, today=today)


def report_flags(report: Report, *, today: date | None = None) -> list[Flag]:
    return late_flags([report.period], today=today) + indicator_flags(report.project, upto=report.period,
                                                                      today=today)


def indicator_flags(project: FundedProject, *, upto: ReportingPeriod | None = None,
                    today: date | None = None) -> list[Flag]:
    """Off-track and outlier flags (engine-based); none until the engine is present."""
    return []


__all__ = ["Flag", "late_flags", "project_flags", "report_flags"]
