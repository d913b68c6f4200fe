"""Reads for monitoring pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from asis.calls.models import FundedProject
from asis.impact.access import projects_held_by, projects_managed_by
from asis.impact.models import Report


def project_rows(user: Any) -> dict[str, QuerySet[FundedProject]]:
    """The projects a person reports on and those they monitor, with counts of reports to act on."""
    annotate = {
        "reports_waiting": Count("reports", filter=Q(reports__status=Report.Status.SUBMITTED), distinct=True),
        "reports_returned": Count("reports", filter=Q(reports__status=Report.Status.RETURNED), distinct=True),
        "reports_validated": Count("reports", filter=Q(reports__status=Report.Status.VALIDATED), distinct=True),
        "period_count": Count("periods", distinct=True),
    }
    related = ("application", "application__call", "application__organisation")
    held = projects_held_by(user).select_related(*related).annotate(**annotate).order_by("-created_at")
    managed = projects_managed_by(user).select_related(*related).annotate(**annotate).order_by("-created_at")
    return {"held": held, "managed": managed}
