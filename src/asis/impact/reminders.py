"""Reminders of report due dates, by e-mail to the project's holders: 14 days before the due date,
on the due date and 7 days after it (late), for periods whose report is not submitted (none yet,
a draft, or returned and not sent back).

Each run sends, per period, only the latest reminder that applies today, and records it in
``ReportReminder`` before the e-mails go (unique per period and kind), so running it again, from
cron or from the worker's sweep at the same time, never sends a reminder twice; a run missed for a
few days does not send stale "due in two weeks" e-mails for a report that is already late.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from asis.calls.models import FundedProject
from asis.impact.models import Report, ReportingPeriod
from asis.impact.models_reports import ReportReminder

logger = logging.getLogger(__name__)

BEFORE = timedelta(days=14)
AFTER = timedelta(days=7)
# Reminders stop this long after the due date: the late flag on the project page takes over.
GIVE_UP = timedelta(days=60)
OPEN = (Report.Status.DRAFT, Report.Status.RETURNED)


def kind_for(period: ReportingPeriod, today: date) -> str | None:
    """The reminder that applies to ``period`` on ``today`` (None: none)."""
    due = period.due_on
    if today >= due + AFTER:
        return ReportReminder.Kind.LATE if today <= due + GIVE_UP else None
    if today >= due:
        return ReportReminder.Kind.DUE_TODAY if today == due else None
    if today >= due - BEFORE:
        return ReportReminder.Kind.DUE_SOON
    return None


def _outstanding(today: date) -> Any:
    return (ReportingPeriod.objects
            .filter(project__status=FundedProject.Status.ACTIVE,
                    due_on__gte=today - GIVE_UP, due_on__lte=today + BEFORE)
            .filter(Q(report__isnull=True) | Q(report__status__in=OPEN))
            .select_related("project__application__call", "project__application__applicant")
            .order_by("due_on", "pk"))


def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Send the reminders due ``today``; counts of reminder rounds and e-mails."""
    from asis.impact.report_notices import holders_of, send

    today = today or timezone.localdate()
    summary = {"reminders": 0, "emails": 0}
    for period in _outstanding(today):
        kind = kind_for(period, today)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                reminder = ReportReminder.objects.create(period=period, kind=kind)
        except IntegrityError:
            continue  # already sent (by this run's twin, or an earlier day)
        sent = 0
        project = period.project
        for user in holders_of(project):
            sent += send(kind="report_reminder", user=user,
                         context={"project": project, "application": project.application, "period": period,
                                  "reminder": kind},
                         objects={"period": period, "reminder": str(kind)})
        ReportReminder.objects.filter(pk=reminder.pk).update(recipients=sent)
        logger.info("report reminder %s for period %s sent to %s people", kind, period.pk, sent)
        summary["reminders"] += 1
        summary["emails"] += sent
    return summary


_last_day: list[date] = []


def reminders_due() -> None:
    """Periodic hook (the worker's sweep): one run per day and process. Never raises."""
    today = timezone.localdate()
    if _last_day and _last_day[0] == today:
        return
    try:
        reminders_send(today=today)
    except Exception:
        logger.exception("report reminders failed; retried at the next sweep")
        return
    _last_day[:] = [today]
