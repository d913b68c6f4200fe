"""REST API of the reporting workflow (registered on the shared ``api``).

- ``GET /impact/reports``, ``GET /impact/reports/{id}``: reports of the projects the token's
  owner holds or manages (others' answer 404);
- ``POST /impact/projects/{project}/periods/{period}/report``: a holder starts the period's report;
  ``PATCH /impact/reports/{id}``: a holder updates the draft (parts left out stay as they are);
  ``POST /impact/reports/{id}/submit``: a holder submits it;
- ``POST /impact/reports/{id}/review``: staff validate it or return it with a comment.

The same services as the web pages: the same checks, locking and audit entries. A validated (or
submitted) report refuses changes with 409; invalid values answer 422 with one message per problem.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from asis.core.api_base import ProblemOut, api, problem
from asis.impact import reports as svc
from asis.impact.models import Report
from asis.impact.report_values import ForeignObject

TAGS = ["impact"]


class ValueIn(Schema):
    indicator: int = Field(..., description="Id of the project's monitored indicator")
    disaggregation: str = Field("", max_length=100, description='"" for the total, or e.g. "sex=female"')
    value: Decimal | None = None
    denominator: Decimal | None = Field(None, description="Rates only: the denominator")
    unit: str = Field("", max_length=20, description="A unit compatible with the indicator's (default: its own)")
    note: str = Field("", max_length=500)


class BudgetIn(Schema):
    line: int = Field(..., description="Index of the budget line in the application (from 0)")
    amount: Decimal | None = None


class RiskIn(Schema):
    risk: str = Field("", max_length=500)
    likelihood: Literal["low", "medium", "high", ""] = ""
    mitigation: str = Field("", max_length=500)


class ReportIn(Schema):
    values: list[ValueIn] | None = Field(None, max_length=2000)
    narrative: str | None = Field(None, max_length=20000)
    budget: list[BudgetIn] | None = Field(None, max_length=500)
    risks: list[RiskIn] | None = Field(None, max_length=50)


class ReviewIn(Schema):
    decision: Literal["validate", "return"]
    comment: str = Field("", max_length=5000)


class PeriodOut(Schema):
    id: int
    number: int
    starts_on: date
    ends_on: date
    due_on: date


class ValueOut(Schema):
    indicator: int
    indicator_code: str
    indicator_name: str
    disaggregation: str
    value: Decimal
    denominator: Decimal | None = None
    unit: str
    note: str


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class EventOut(Schema):
    action: str
    version: int
    comment: str
    at: datetime


class ReportOut(Schema):
    id: int
    project_id: int
    reference: str
    period: PeriodOut
    status: str
    version: int
    locked: bool
    narrative: str
    values: list[ValueOut]
    budget: list[dict[str, Any]]
    risks: list[dict[str, Any]]
    evidence: list[EvidenceOut]
    events: list[EventOut]
    submitted_at: datetime | None = None
    validated_at: datetime | None = None


class ReportSummaryOut(Schema):
    id: int
    project_id: int
    reference: str
    period: PeriodOut
    status: str
    version: int
    submitted_at: datetime | None = None


class ReportPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReportSummaryOut]


class ListQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)
    project: int | None = None
    status: Literal["draft", "submitted", "returned", "validated"] | None = None


def _period(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "number": p.number, "starts_on": p.starts_on, "ends_on": p.ends_on, "due_on": p.due_on}


def _summary(report: Report) -> dict[str, Any]:
    return {"id": report.pk, "project_id": report.project_id, "reference": report.project.application.reference,
            "period": _period(report.period), "status": report.status, "version": report.version,
            "submitted_at": report.submitted_at}


def _out(report: Report) -> dict[str, Any]:
    report = Report.objects.select_related("period", "project__application").get(pk=report.pk)
    values = [{"indicator": v.project_indicator_id, "indicator_code": v.project_indicator.indicator.code,
               "indicator_name": str(v.project_indicator.indicator), "disaggregation": v.disaggregation,
               "value": v.value, "denominator": v.denominator, "unit": v.unit, "note": v.note}
              for v in report.values.select_related("project_indicator__indicator")]
    return {**_summary(report), "locked": report.locked, "narrative": report.narrative, "values": values,
            "budget": report.budget_spent or [], "risks": report.risks or [], "validated_at": report.validated_at,
            "evidence": [{"id": e.pk, "name": e.original_name, "content_type": e.content_type, "size": e.size,
                          "sha256": e.sha256} for e in report.evidence.all()],
            "events": [{"action": e.action, "version": e.version, "comment": e.comment, "at": e.created_at}
                       for e in report.events.order_by("created_at", "pk")]}


def _refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    if isinstance(error, svc.ReportStateError):
        return problem(request, 409, _("The report cannot be changed now"), " ".join(error.messages))
    return problem(request, 422, _("The report was not saved"), _("Correct the values listed in errors."),
                   errors=error.messages)


def _report(request: HttpRequest, report_id: int) -> Report:
    try:
        return svc.access_report(request.user, report_id)
    except Http404 as exc:
        raise _NotFound(_("No such report")) from exc


class _NotFound(Exception):
    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


@api.exception_handler(_NotFound)
def _on_not_found(request: HttpRequest, exc: _NotFound) -> HttpResponse:
    return problem(request, 404, exc.title)


class _BadBody(Exception):
    def __init__(self, errors: list[Any]) -> None:
        super().__init__("invalid body")
        self.errors = errors


@api.exception_handler(_BadBody)
def _on_bad_body(request: HttpRequest, exc: _BadBody) -> HttpResponse:
    return problem(request, 422, "Invalid input", "The request does not match the schema.", errors=exc.errors)


def _body(request: HttpRequest, schema: type[Schema]) -> Any:
    """The request's body read after the permission check (a stranger learns nothing from a 422):
    JSON, or form fields for simple clients; an empty body is the schema's defaults."""
    import json

    import pydantic

    if request.content_type == "application/json" or not request.POST:
        try:
            raw = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise _BadBody([{"msg": "The body is not valid JSON."}]) from None
    else:
        raw = request.POST.dict()
    try:
        return schema.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise _BadBody(exc.errors(include_url=False, include_context=False, include_input=False)) from None


def _openapi(schema: type[Schema]) -> dict[str, Any]:
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": schema.model_json_schema()}}}}


def _write(request: HttpRequest, report: Report, body: ReportIn) -> Any:
    data = body.dict()
    try:
        svc.report_save(actor=request.user, report=report, values=data["values"], narrative=data["narrative"],
                        budget=data["budget"], risks=data["risks"])
    except ForeignObject as exc:
        raise _NotFound(_("No such indicator or budget line in this project")) from exc
    except Http404 as exc:
        raise _NotFound(_("No such report")) from exc
    except ValidationError as error:
        return _refused(request, error)
    return None


@api.get("/impact/reports", response={200: ReportPage, 401: ProblemOut, 422: ProblemOut}, tags=TAGS,
         summary="Reports of the projects you hold or monitor", url_name="impact_report_list")
def impact_report_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    queryset = (svc.reports_visible_to(request.user).select_related("period", "project__application")
                .order_by("project_id", "period__number"))
    if query.project is not None:
        queryset = queryset.filter(project_id=query.project)
    if query.status is not None:
        queryset = queryset.filter(status=query.status)
    start = (query.page - 1) * query.page_size
    return {"count": queryset.count(), "page": query.page, "page_size": query.page_size,
            "items": [_summary(r) for r in queryset[start:start + query.page_size]]}


@api.get("/impact/reports/{report_id}", response={200: ReportOut, 401: ProblemOut, 404: ProblemOut}, tags=TAGS,
         summary="One report with its values, evidence and history", url_name="impact_report_detail")
def impact_report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _out(_report(request, report_id))


@api.post("/impact/projects/{project_id}/periods/{period_id}/report",
          response={201: ReportOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut,
                    422: ProblemOut},
          tags=TAGS, summary="Start the report of a period (project holders)", url_name="impact_report_create",
          openapi_extra=_openapi(ReportIn))
def impact_report_create(request: HttpRequest, project_id: int, period_id: int) -> Any:
    try:
        _project, period = svc.access_holder_period(request.user, project_id, period_id)
    except Http404 as exc:
        raise _NotFound(_("No such period")) from exc
    body = _body(request, ReportIn)
    existing = Report.objects.filter(period=period).first()
    if existing is not None:
        return problem(request, 409, _("This period already has a report"),
                       _("Update report %(id)s instead.") % {"id": existing.pk}, report=existing.pk)
    report = svc.report_for_period(actor=request.user, period=period)
    try:
        refused = _write(request, report, body)
    except _NotFound:
        report.delete()  # nothing half-saved: the empty draft goes with the refused values
        raise
    if refused is not None:
        report.delete()
        return refused
    return Status(201, _out(report))


@api.patch("/impact/reports/{report_id}",
           response={200: ReportOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut,
                    422: ProblemOut},
           tags=TAGS, summary="Update a draft or returned report (project holders)", url_name="impact_report_update",
           openapi_extra=_openapi(ReportIn))
def impact_report_update(request: HttpRequest, report_id: int) -> Any:
    report = _report(request, report_id)
    from asis.impact import access

    if not access.can_hold_project(request.user, report.project):
        raise _NotFound(_("No such report"))
    body = _body(request, ReportIn)
    refused = _write(request, report, body)
    return refused if refused is not None else _out(report)


@api.post("/impact/reports/{report_id}/submit",
          response={200: ReportOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut,
                    422: ProblemOut},
          tags=TAGS, summary="Submit the report for validation (project holders)", url_name="impact_report_submit")
def impact_report_submit(request: HttpRequest, report_id: int) -> Any:
    report = _report(request, report_id)
    try:
        svc.report_submit(actor=request.user, report=report)
    except Http404 as exc:
        raise _NotFound(_("No such report")) from exc
    except ValidationError as error:
        return _refused(request, error)
    return _out(report)


@api.post("/impact/reports/{report_id}/review",
          response={200: ReportOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut,
                    422: ProblemOut},
          tags=TAGS, summary="Validate or return a submitted report (programme managers)",
          url_name="impact_report_review", openapi_extra=_openapi(ReviewIn))
def impact_report_review(request: HttpRequest, report_id: int) -> Any:
    report = _report(request, report_id)
    from asis.impact import access

    if not access.can_manage_project(request.user, report.project):
        raise _NotFound(_("No such report"))
    body = _body(request, ReviewIn)
    step = svc.report_validate if body.decision == "validate" else svc.report_return
    try:
        step(actor=request.user, report=report, comment=body.comment)
    except Http404 as exc:
        raise _NotFound(_("No such report")) from exc
    except ValidationError as error:
        return _refused(request, error)
    return _out(report)
