"""The home page's monitoring card: reports due for holders, reports to validate for staff (two
queries whatever the number of projects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from asis.impact.access import projects_held_by, projects_managed_by
from asis.impact.models import Report, ReportingPeriod

DUE_WITHIN_DAYS = 30
SHOWN = 5


@dataclass(frozen=True)
class ProjectsCard:
    due: list[ReportingPeriod]
    n_due: int
    to_validate: list[Report]
    n_to_validate: int

    @property
    def empty(self) -> bool:
        return not self.n_due and not self.n_to_validate


def projects_card(user: Any, today: date) -> ProjectsCard:
    """Periods of held projects whose report is due within 30 days or late and not yet submitted;
    reports of managed projects waiting for validation."""
    due_qs = (ReportingPeriod.objects.filter(project__in=projects_held_by(user).values("pk"),
                                             due_on__lte=today + timedelta(days=DUE_WITHIN_DAYS))
              .filter(Q(report__isnull=True) | Q(report__status__in=[Report.Status.DRAFT, Report.Status.RETURNED]))
              .select_related("project__application").order_by("due_on"))
    waiting = (Report.objects.filter(project__in=projects_managed_by(user).values("pk"),
                                     status=Report.Status.SUBMITTED)
               .select_related("project__application", "period").order_by("submitted_at", "pk"))
    due = list(due_qs[: SHOWN + 1])
    to_validate = list(waiting[: SHOWN + 1])
    n_due = len(due) if len(due) <= SHOWN else due_qs.count()
    n_waiting = len(to_validate) if len(to_validate) <= SHOWN else waiting.count()
    return ProjectsCard(due[:SHOWN], n_due, to_validate[:SHOWN], n_waiting)
