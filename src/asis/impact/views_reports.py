"""Report pages: the holder's form for a period, the report with its history and staff's decisions,
the comparison of two versions, evidence downloads. Thin: parse, call ``reports`` services, render.
Every object is fetched through a permission-checked ``access_*`` function (404 for others')."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.calls.apply.budget import budget_rows
from asis.calls.web import form_add_errors
from asis.impact import access, report_flags
from asis.impact import report_versions as version_diff
from asis.impact import reports as svc
from asis.impact.forms_reports import ReportForm, ReviewForm, UnlockForm
from asis.impact.models import Report, ReportEvent, ReportEvidence
from asis.impact.report_values import ForeignObject


def _budget_table(report: Report | None, budget_lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Planned vs spent per budget line: this report and every report of the project so far."""
    lines = budget_rows(budget_lines)
    this = {int(r["line"]): Decimal(r["amount"]) for r in (report.budget_spent if report else [])}
    to_date: dict[int, Decimal] = {}
    if report is not None:
        for other in Report.objects.filter(project=report.project, period__number__lte=report.period.number):
            for r in other.budget_spent or []:
                to_date[int(r["line"])] = to_date.get(int(r["line"]), Decimal(0)) + Decimal(r["amount"])
    rows = [{"name": line["description"] or line["category"], "category": line["category"],
             "planned": line["amount"], "spent": this.get(i), "to_date": to_date.get(i)} for i, line in enumerate(lines)]
    return {"rows": rows, "planned": sum((r["planned"] or Decimal(0) for r in rows), Decimal(0)),
            "spent": sum(this.values(), Decimal(0)), "to_date": sum(to_date.values(), Decimal(0))}


def _form(request: HttpRequest, project: Any, report: Report | None) -> ReportForm:
    indicators = list(svc.project_indicators(project).values())
    return ReportForm(request.POST or None, request.FILES or None, indicators=indicators, report=report,
                      budget_lines=project.application.budget_lines or [])


def _edit_page(request: HttpRequest, project: Any, period: Any, report: Report | None, form: ReportForm,
               *, status: int = 200, problems: list[str] | None = None) -> HttpResponse:
    return render(request, "impact/reports/form.html", {
        "project": project, "application": project.application, "period": period, "report": report, "form": form,
        "groups": [{"pi": g["pi"], "unit": form[g["unit"]],
                    "rows": [{"label": r["label"], "value": form[r["value"]], "denominator": form.bound(r["denominator"])}
                             for r in g["rows"]]} for g in form.groups],
        "budget_fields": [form[f"b-{i}"] for i in range(len(form.budget_lines))],
        "budget": _budget_table(report, project.application.budget_lines or []),
        "risk_rows": [(form[f"r-{i}-risk"], form[f"r-{i}-likelihood"], form[f"r-{i}-mitigation"])
                      for i in range(form.risk_count)],
        "evidence": list(report.evidence.all()) if report else [],
        "problems": problems if problems is not None else (svc.submission_problems(report) if report else []),
        "opens_on": svc.submission_opens_on(period), "can_submit": timezone.localdate() >= svc.submission_opens_on(period),
        "last_comment": report.events.filter(action__in=[ReportEvent.Action.RETURNED, ReportEvent.Action.UNLOCKED])
        .order_by("-created_at", "-pk").first() if report else None,
    }, status=status)


@login_required
def report_edit(request: HttpRequest, project_id: int, period_id: int) -> HttpResponse:
    """The holder's form for one period: save the draft, or save and submit."""
    project, period = svc.access_holder_period(request.user, project_id, period_id)
    report = Report.objects.filter(period=period).first()
    if report is not None and report.status not in svc.EDITABLE:
        return redirect("impact:report_detail", report_id=report.pk)
    form = _form(request, project, report)
    if request.method != "POST":
        return _edit_page(request, project, period, report, form)
    form.refuse_foreign_ids()
    if not form.is_valid():
        return _edit_page(request, project, period, report, form, status=400)
    try:
        with transaction.atomic():  # the values and the file are kept together or not at all
            report = svc.report_for_period(actor=request.user, period=period)
            svc.report_save(actor=request.user, report=report, values=form.values(),
                            narrative=form.cleaned_data["narrative"], budget=form.budget(), risks=form.risks())
            upload = form.cleaned_data.get("evidence")
            if upload:
                svc.evidence_add(actor=request.user, report=report, name=upload.name, data=upload.read(),
                                 description=form.cleaned_data.get("evidence_description", ""))
    except ForeignObject as exc:
        raise Http404("No such object") from exc
    except svc.ReportStateError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("impact:report_detail", report_id=report.pk)
    except ValidationError as error:
        form_add_errors(form, error)
        report = Report.objects.filter(period=period).first()
        return _edit_page(request, project, period, report, form, status=400)
    if "submit" not in request.POST:
        messages.success(request, _("The draft was saved."))
        return redirect("impact:report_edit", project_id=project.pk, period_id=period.pk)
    try:
        svc.report_submit(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, _("The draft was saved, but the report cannot be submitted yet."))
        report.refresh_from_db()
        return _edit_page(request, project, period, report, _form_fresh(project, report), status=400,
                          problems=error.messages)
    messages.success(request, _("The report was submitted. Staff of the funding organisation will validate it or "
                                "return it with comments."))
    return redirect("impact:report_detail", report_id=report.pk)


def _form_fresh(project: Any, report: Report) -> ReportForm:
    return ReportForm(indicators=list(svc.project_indicators(project).values()), report=report,
                      budget_lines=project.application.budget_lines or [])


def _value_rows(report: Report) -> list[dict[str, Any]]:
    from asis.impact import disaggregations
    from asis.impact.units import unit_label

    rows = []
    for value in report.values.select_related("project_indicator__indicator").order_by(
            "project_indicator__position", "project_indicator_id", "disaggregation"):
        rows.append({"indicator": str(value.project_indicator.indicator), "total": not value.disaggregation,
                     "breakdown": disaggregations.label(value.disaggregation), "value": value.value,
                     "denominator": value.denominator, "unit": unit_label(value.unit)})
    return rows


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = svc.access_report(request.user, report_id)
    project = report.project
    is_manager = access.can_manage_project(request.user, project)
    is_holder = access.can_hold_project(request.user, project)
    events = list(report.events.select_related("actor").order_by("created_at", "pk"))
    return render(request, "impact/reports/detail.html", {
        "report": report, "project": project, "application": project.application, "period": report.period,
        "values": _value_rows(report), "evidence": list(report.evidence.all()),
        "budget": _budget_table(report, project.application.budget_lines or []),
        "risks": report.risks or [], "events": events, "is_manager": is_manager, "is_holder": is_holder,
        "flags": report_flags.report_flags(report),
        "review_form": ReviewForm(), "unlock_form": UnlockForm(),
        "can_edit": is_holder and report.status in svc.EDITABLE,
        "can_review": is_manager and report.status == Report.Status.SUBMITTED,
        "can_unlock": is_manager and report.status == Report.Status.VALIDATED,
        "has_versions": sum(1 for e in events if e.action == ReportEvent.Action.SUBMITTED) >= 1,
    })


@login_required
@require_POST
def report_review(request: HttpRequest, report_id: int) -> HttpResponse:
    """Staff validate the report or return it with a comment."""
    report = svc.access_report(request.user, report_id)
    if not access.can_manage_project(request.user, report.project):
        raise Http404("No such report")
    form = ReviewForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in ("validate", "return") or not form.is_valid():
        messages.error(request, _("Choose to validate or to return the report."))
        return redirect("impact:report_detail", report_id=report.pk)
    try:
        if decision == "validate":
            svc.report_validate(actor=request.user, report=report, comment=form.cleaned_data["comment"])
            messages.success(request, _("The report was validated and is now locked."))
        else:
            svc.report_return(actor=request.user, report=report, comment=form.cleaned_data["comment"])
            messages.success(request, _("The report was returned to the project holder with your comment."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("impact:report_detail", report_id=report.pk)


@login_required
@require_POST
def report_unlock(request: HttpRequest, report_id: int) -> HttpResponse:
    report = svc.access_report(request.user, report_id)
    if not access.can_manage_project(request.user, report.project):
        raise Http404("No such report")
    try:
        svc.report_unlock(actor=request.user, report=report, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was unlocked; the project holder can correct it and submit it again."))
    return redirect("impact:report_detail", report_id=report.pk)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, report_id: int, evidence_id: int) -> HttpResponse:
    report = svc.access_report(request.user, report_id)
    if not access.can_hold_project(request.user, report.project):
        raise Http404("No such report")
    try:
        svc.evidence_delete(actor=request.user, report=report, evidence_id=evidence_id)
    except ForeignObject as exc:
        raise Http404("No such file") from exc
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("impact:report_edit", project_id=report.project_id, period_id=report.period_id)


@login_required
def evidence_download(request: HttpRequest, report_id: int, evidence_id: int) -> HttpResponse:
    report = svc.access_report(request.user, report_id)
    evidence = ReportEvidence.objects.filter(report=report, pk=evidence_id).first()
    if evidence is None:
        raise Http404("No such file")
    with evidence.file.open("rb") as handle:  # size-limited at upload: read and close at once
        content = handle.read()
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report_versions(request: HttpRequest, report_id: int) -> HttpResponse:
    """Two versions side by side: by default the latest submission against the one before it (or
    against the current draft while the holder corrects it)."""
    report = svc.access_report(request.user, report_id)
    events = list(report.events.select_related("actor").order_by("created_at", "pk"))
    versions = [e for e in events if e.action == ReportEvent.Action.SUBMITTED]
    choices = [(str(e.pk), _("Version %(version)s, submitted on %(date)s") % {
        "version": e.version, "date": _date(e.created_at)}) for e in versions]
    if report.status in svc.EDITABLE:
        choices.append(("current", _("Current draft")))
    default_to = choices[-1][0] if choices else "current"
    default_from = choices[-2][0] if len(choices) >= 2 else default_to
    keys = dict(choices)
    chosen_from = request.GET.get("from", default_from)
    chosen_to = request.GET.get("to", default_to)
    if choices and (chosen_from not in keys or chosen_to not in keys):
        raise Http404("No such version")

    def snap(key: str) -> dict[str, Any]:
        if key == "current":
            return svc.snapshot(report)
        return next(e.snapshot for e in versions if str(e.pk) == key)

    return render(request, "impact/reports/versions.html", {
        "report": report, "project": report.project, "application": report.project.application,
        "period": report.period, "choices": choices, "chosen_from": chosen_from, "chosen_to": chosen_to,
        "from_label": keys.get(chosen_from, ""), "to_label": keys.get(chosen_to, ""),
        "rows": version_diff.diff(snap(chosen_from), snap(chosen_to), report=report) if choices else [],
    })


def _date(value: Any) -> str:
    from asis.core.formatting import long_date

    return long_date(value)


__all__ = ["evidence_delete", "evidence_download", "report_detail", "report_edit", "report_review",
           "report_unlock", "report_versions"]
