"""Permission rules of the reporting workflow's routes, merged into the matrix.

The world's project (tests/impact/rules_monitoring.py) gets one key indicator and, for the pages
that need one, a submitted report with a file of evidence."""

from __future__ import annotations

from typing import Any

from tests.impact.rules_monitoring import HOLDER_AND_STAFF, world_project
from tests.permission_rules import Rule

# Platform admins count as holders of every project (asis.impact.access.projects_held_by).
# A platform admin oversees projects as staff; only the project's own people write its reports.
HOLDER = frozenset({"project_holder"})
STAFF = frozenset({"manager", "platform_admin"})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def world_report(w: Any, *, status: str = "submitted") -> Any:
    """A report on the world project's first period in ``status`` (rebuilt to that state on each call)."""
    from asis.impact.models import ProjectIndicator, Report, ReportEvidence, ReportValue
    from tests.impact.helpers import make_indicator, monitor

    project = world_project(w)
    pi = ProjectIndicator.objects.filter(project=project).first() or monitor(project, make_indicator(
        name="Rules: persons reached"))
    period = project.periods.order_by("number").first()
    report, _created = Report.objects.get_or_create(period=period, defaults={"project": project})
    Report.objects.filter(pk=report.pk).update(status=status, version=1)
    ReportValue.objects.get_or_create(report=report, project_indicator=pi, disaggregation="",
                                      defaults={"value": 10, "unit": "persons"})
    if not report.evidence.exists():
        evidence = ReportEvidence(report=report, original_name="proof.pdf", content_type="application/pdf",
                                  size=len(PDF), sha256="0" * 64)
        evidence.file.save("proof.pdf", __import__("django.core.files.base", fromlist=["ContentFile"]).ContentFile(PDF),
                           save=False)
        evidence.save()
    report.refresh_from_db()
    return report


def _period(w: Any) -> dict[str, Any]:
    project = world_project(w)
    return {"project_id": project.pk, "period_id": project.periods.order_by("number").last().pk}


def _report(w: Any) -> dict[str, Any]:
    return {"report_id": world_report(w).pk}


def _validated(w: Any) -> dict[str, Any]:
    return {"report_id": world_report(w, status="validated").pk}


def _returned(w: Any) -> dict[str, Any]:
    return {"report_id": world_report(w, status="returned").pk}


def _evidence(w: Any) -> dict[str, Any]:
    report = world_report(w)
    return {"report_id": report.pk, "evidence_id": report.evidence.first().pk}


def _evidence_of_draft(w: Any) -> dict[str, Any]:
    report = world_report(w, status="draft")
    return {"report_id": report.pk, "evidence_id": report.evidence.first().pk}


RULES = {
    "impact:report_edit": Rule(HOLDER, kwargs=_period),
    "impact:report_detail": Rule(HOLDER_AND_STAFF, kwargs=_report),
    "impact:report_versions": Rule(HOLDER_AND_STAFF, kwargs=_report),
    "impact:report_attachment": Rule(HOLDER_AND_STAFF, kwargs=_evidence),
    "impact:report_attachment_delete": Rule(HOLDER, "POST", kwargs=_evidence_of_draft),
    "impact:report_review": Rule(STAFF, "POST", kwargs=_report, data={"decision": "validate"}),
    "impact:report_unlock": Rule(STAFF, "POST", kwargs=_validated, data={"reason": "A typo in the total."}),
    # REST API
    "api:impact_report_list": Rule(HOLDER_AND_STAFF | {"member", "evaluator", "other_manager"}),
    "api:impact_report_detail": Rule(HOLDER_AND_STAFF, kwargs=_report),
    "api:impact_report_create": Rule(HOLDER, "POST", kwargs=_period, data={"narrative": "Started."}),
    "api:impact_report_update": Rule(HOLDER, "PATCH", kwargs=_returned, data={"narrative": "Corrected."}),
    "api:impact_report_submit": Rule(HOLDER, "POST", kwargs=_returned),
    "api:impact_report_review": Rule(STAFF, "POST", kwargs=_report, data={"decision": "validate"}),
}
