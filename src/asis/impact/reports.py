"""The reporting workflow: a project holder writes a report for a period (drafts save), submits it;
staff of the funding organisation validate it (then it is locked) or return it with a comment;
unlocking a validated report needs a reason. One service per step, each with its permission
check, its ``ReportEvent`` (append-only, with a snapshot of what was reported) and its audit entry,
so the web pages, the API and the demo behave identically.

Submission is refused before the period has ended: a report covers a whole period, so it can be
submitted from the day after ``ends_on`` (drafts may be written at any time).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.calls.apply.uploads import check_upload, max_count
from asis.calls.models import FundedProject
from asis.core.audit import audit_record
from asis.core.formatting import long_date
from asis.core.storage import file_save_or_refuse
from asis.impact import access, report_values
from asis.impact.models import (
    ProjectIndicator,
    Report,
    ReportEvent,
    ReportEvidence,
    ReportingPeriod,
    ReportValue,
)
from asis.impact.report_values import ForeignObject

EDITABLE = (Report.Status.DRAFT, Report.Status.RETURNED)
MAX_COMMENT = 5000


class ReportStateError(ValidationError):
    """The report is not in a state that allows this step (edited after validation, validated
    twice...): the web shows the message, the API answers 409."""


# --- reads with the permission check ---------------------------------------------------------------

def reports_visible_to(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(project__in=access.projects_visible_to(user))


def access_report(user: Any, report_id: int) -> Report:
    """A report of a project ``user`` holds or manages; 404 otherwise."""
    report = (Report.objects.select_related("period", "project", "project__application",
                                            "project__application__call", "project__application__organisation")
              .filter(pk=report_id, project__in=access.projects_visible_to(user)).first())
    if report is None:
        raise Http404("No such report")
    return report


def access_holder_period(user: Any, project_id: int, period_id: int) -> tuple[FundedProject, ReportingPeriod]:
    """A period of a project ``user`` reports on; 404 for another project's period."""
    project = access.access_held_project(user, project_id)
    period = ReportingPeriod.objects.filter(pk=period_id, project=project).first()
    if period is None:
        raise Http404("No such period")
    return project, period


def project_indicators(project: FundedProject) -> dict[int, ProjectIndicator]:
    return {pi.pk: pi for pi in project.monitored_indicators.select_related("indicator").order_by("position", "pk")}


def submission_opens_on(period: ReportingPeriod) -> date:
    return date.fromordinal(period.ends_on.toordinal() + 1)


# --- snapshots ------------------------------------------------------------------------------------

def snapshot(report: Report) -> dict[str, Any]:
    """What the report says now, as JSON (kept in each event, so versions can be compared)."""
    values = [{"indicator": v.project_indicator_id, "name": v.project_indicator.indicator.name,
               "disaggregation": v.disaggregation, "value": str(v.value),
               "denominator": None if v.denominator is None else str(v.denominator), "unit": v.unit,
               "note": v.note}
              for v in report.values.select_related("project_indicator__indicator").order_by(
                  "project_indicator__position", "project_indicator_id", "disaggregation")]
    return {"values": values, "narrative": report.narrative, "budget": list(report.budget_spent or []),
            "risks": list(report.risks or []),
            "evidence": [{"name": e.original_name, "sha256": e.sha256} for e in report.evidence.order_by("pk")]}


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("period", "project__application__call").get(pk=report.pk)


def _audit(action: str, actor: Any, report: Report, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit_record(action=f"asis.impact.report.{action}", actor=actor, obj=report,
                 organisation_id=report.project.application.call.organisation_id, before=before, after=after)


# ``actor=None`` is the platform itself (the demo, scheduled work): no person, no audit name that
# would keep a deleted demo user's account alive.
def _check_holder(actor: Any, project: FundedProject) -> None:
    if actor is not None and not access.can_hold_project(actor, project):
        raise Http404("No such report")


def _check_staff(actor: Any, project: FundedProject) -> None:
    if actor is not None and not access.can_manage_project(actor, project):
        raise Http404("No such report")


def _editable(report: Report) -> None:
    if report.status == Report.Status.VALIDATED:
        raise ReportStateError(_("This report was validated and is locked. Staff can unlock it, giving a reason."))
    if report.status not in EDITABLE:
        raise ReportStateError(_("This report was submitted and awaits validation; it can be changed again only "
                                 "if staff return it."))


# --- the holder's steps ---------------------------------------------------------------------------

def report_for_period(*, actor: Any, period: ReportingPeriod) -> Report:
    """The period's report, created as an empty draft the first time the holder saves it."""
    _check_holder(actor, period.project)
    report, _created = Report.objects.get_or_create(period=period, defaults={"project": period.project})
    return report


def report_save(*, actor: Any, report: Report, values: list[dict[str, Any]] | None = None,
                narrative: Any = None, budget: list[dict[str, Any]] | None = None,
                risks: list[dict[str, Any]] | None = None) -> Report:
    """Save the draft. ``None`` leaves a part as it is (the API may send only values); a list replaces
    it. Everything is checked first; one refused value and nothing is saved.

    Raises ``ValidationError`` (field errors), ``ReportStateError`` (locked or awaiting validation)
    and ``ForeignObject`` (an indicator or budget line of another project)."""
    _check_holder(actor, report.project)
    indicators = project_indicators(report.project)
    clean_values = report_values.check_values(indicators, values) if values is not None else None
    clean_budget = (report_values.check_budget(report.project.application.budget_lines or [], budget)
                    if budget is not None else None)
    clean_risks = report_values.check_risks(risks) if risks is not None else None
    clean_narrative = report_values.check_narrative(narrative) if narrative is not None else None
    with transaction.atomic():
        report = _lock(report)
        _editable(report)
        before = _digest(snapshot(report))
        if clean_values is not None:
            report.values.all().delete()
            ReportValue.objects.bulk_create([
                ReportValue(report=report, project_indicator=v.project_indicator, disaggregation=v.disaggregation,
                            value=v.value, denominator=v.denominator, unit=v.unit, note=v.note)
                for v in clean_values])
        fields = ["updated_at"]
        if clean_narrative is not None:
            report.narrative = clean_narrative
            fields.append("narrative")
        if clean_budget is not None:
            report.budget_spent = clean_budget
            fields.append("budget_spent")
        if clean_risks is not None:
            report.risks = clean_risks
            fields.append("risks")
        report.save(update_fields=fields)
        after = snapshot(report)
        if _digest(after) != before:
            _audit("saved", actor, report, {"digest": before},
                   {"digest": _digest(after), "values": len(after["values"]), "budget": after["budget"]})
    return report


def evidence_add(*, actor: Any, report: Report, name: str, data: bytes, description: str = "") -> ReportEvidence:
    """Attach a file under the application attachments' rules (type sniffed, size and count limits)."""
    _check_holder(actor, report.project)
    clean_name, content_type = check_upload(name, data)
    with transaction.atomic():
        report = _lock(report)
        _editable(report)
        if report.evidence.count() >= max_count():
            raise ValidationError({"file": _("A report can have at most %(count)s files.") % {"count": max_count()}})
        evidence = ReportEvidence(report=report, original_name=clean_name, content_type=content_type,
                                  size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor,
                                  description=str(description or "")[:300])
        file_save_or_refuse(evidence.file, clean_name, data)
        evidence.save()
        _audit("evidence_added", actor, report, {}, {"evidence": evidence.pk, "name": clean_name,
                                                     "sha256": evidence.sha256, "size": evidence.size})
    return evidence


def evidence_delete(*, actor: Any, report: Report, evidence_id: int) -> None:
    _check_holder(actor, report.project)
    with transaction.atomic():
        report = _lock(report)
        _editable(report)
        evidence = ReportEvidence.objects.filter(report=report, pk=evidence_id).first()
        if evidence is None:
            raise ForeignObject("evidence")
        storage, path = evidence.file.storage, evidence.file.name
        info = {"evidence": evidence.pk, "name": evidence.original_name, "sha256": evidence.sha256}
        evidence.delete()
        _audit("evidence_deleted", actor, report, info, {})
        transaction.on_commit(lambda: storage.delete(path))


def submission_problems(report: Report, *, today: date | None = None) -> list[str]:
    """Why the report cannot be submitted yet (empty: it can)."""
    problems: list[str] = []
    today = today or timezone.localdate()
    period = report.period
    if today < submission_opens_on(period):
        problems.append(_("The period ends on %(end)s: its report can be submitted from %(from)s.") % {
            "end": long_date(period.ends_on), "from": long_date(submission_opens_on(period))})
    stored = list(report.values.select_related("project_indicator__indicator"))
    totals = {v.project_indicator_id for v in stored if not v.disaggregation}
    for pi in project_indicators(report.project).values():
        if pi.is_key and pi.pk not in totals:
            problems.append(_("Enter the total of the key indicator %(indicator)s.") % {"indicator": str(pi.indicator)})
    for value in stored:  # the indicator's settings may have changed since the draft was saved
        result = report_values.check_value(value.project_indicator, disaggregation=value.disaggregation,
                                           value=value.value, denominator=value.denominator, unit=value.unit)
        if isinstance(result, dict):
            problems.extend(result.values())
    return problems


def _event(report: Report, action: str, actor: Any, comment: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, action=action, version=report.version, comment=comment,
                                      snapshot=snapshot(report), actor=actor)


def report_submit(*, actor: Any, report: Report, today: date | None = None, notify: bool = True) -> Report:
    _check_holder(actor, report.project)
    with transaction.atomic():
        report = _lock(report)
        _editable(report)
        problems = submission_problems(report, today=today)
        if problems:
            raise ValidationError(problems)
        before = {"status": report.status, "version": report.version}
        report.status = Report.Status.SUBMITTED
        report.version += 1
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        report.save(update_fields=["status", "version", "submitted_at", "submitted_by", "updated_at"])
        event = _event(report, ReportEvent.Action.SUBMITTED, actor)
        _audit("submitted", actor, report, before, {"status": report.status, "version": report.version,
                                                    "digest": _digest(event.snapshot)})
        if notify:
            transaction.on_commit(lambda: _notify(event))
    return report


# --- staff's steps --------------------------------------------------------------------------------

def _comment(text: Any, *, required: bool, message: str) -> str:
    comment = str(text or "").strip()
    if required and not comment:
        raise ValidationError({"comment": message})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("Keep the comment under %(count)s characters.") % {"count": MAX_COMMENT}})
    return comment


def _staff_step(*, actor: Any, report: Report, action: str, comment: str, expected: str, status: str,
               notify: bool = True) -> Report:
    _check_staff(actor, report.project)
    with transaction.atomic():
        report = _lock(report)
        if report.status != expected:
            raise ReportStateError({
                Report.Status.SUBMITTED: _("Only a submitted report can be validated or returned; this one is "
                                           "%(status)s.") % {"status": report.get_status_display().lower()},
                Report.Status.VALIDATED: _("Only a validated report can be unlocked."),
            }[expected])
        before = {"status": report.status, "version": report.version}
        report.status = status
        fields = ["status", "updated_at"]
        if status == Report.Status.VALIDATED:
            report.validated_at, report.validated_by = timezone.now(), actor
            fields += ["validated_at", "validated_by"]
        report.save(update_fields=fields)
        event = _event(report, action, actor, comment)
        _audit(action, actor, report, before, {"status": report.status, "version": report.version,
                                               "comment": comment})
        if notify:
            transaction.on_commit(lambda: _notify(event))
    return report


def report_return(*, actor: Any, report: Report, comment: Any, notify: bool = True) -> Report:
    text = _comment(comment, required=True, message=_("Say what the project holder should correct."))
    return _staff_step(actor=actor, report=report, action=ReportEvent.Action.RETURNED, comment=text,
                       expected=Report.Status.SUBMITTED, status=Report.Status.RETURNED, notify=notify)


def report_validate(*, actor: Any, report: Report, comment: Any = "", notify: bool = True) -> Report:
    text = _comment(comment, required=False, message="")
    return _staff_step(actor=actor, report=report, action=ReportEvent.Action.VALIDATED, comment=text,
                       expected=Report.Status.SUBMITTED, status=Report.Status.VALIDATED, notify=notify)


def report_unlock(*, actor: Any, report: Report, reason: Any) -> Report:
    """A validated report back to the holder (status: returned), with the reason on record."""
    text = _comment(reason, required=True, message=_("Give the reason for unlocking the report."))
    return _staff_step(actor=actor, report=report, action=ReportEvent.Action.UNLOCKED, comment=text,
                       expected=Report.Status.VALIDATED, status=Report.Status.RETURNED)


def _notify(event: ReportEvent) -> None:
    from asis.impact.report_notices import report_event_notify

    report_event_notify(event)


__all__ = ["EDITABLE", "ForeignObject", "ReportStateError", "access_holder_period", "access_report",
           "evidence_add", "evidence_delete", "project_indicators", "report_for_period", "report_return",
           "report_save", "report_submit", "report_unlock", "report_validate", "reports_visible_to", "snapshot",
           "submission_opens_on", "submission_problems"]
