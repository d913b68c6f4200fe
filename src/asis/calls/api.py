"""REST API of the calls module (registered on the shared ``api``).

- ``GET /calls``, ``GET /calls/{id}``: published calls, no authentication;
- ``GET /calls/{id}/applications``: the call's managers only;
- ``GET /applications/{id}``: the applicant and co-applicants, the call's managers, an assigned
  evaluator without a conflict of interest (through ``asis.calls.access``). Blind calls hide the
  applicant's identity from evaluators. No answer ever names an evaluator;
- ``GET /calls/{id}/results``: the call's managers (the latest ResultSet);
- ``GET /funded``: funded projects across calls, open data (CC BY 4.0).

Everything else answers 404 problem details, so another tenant's objects do not reveal they exist.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.errors import HttpError

from asis.calls import access
from asis.calls.models import Application, Call, DecisionLetter
from asis.calls.results import exports as exports_results
from asis.calls.results import services as result_svc
from asis.core.api_base import ProblemOut, api
from asis.core.opendata import ATTRIBUTION, LICENCE

TAGS = ["calls"]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)
    lang: str | None = Field(None, pattern="^(en|fr|de|it|sl)$")


class CallOut(Schema):
    id: int
    title: str
    description: str
    language: str
    organisation: str
    status: str
    phase: str
    budget_eur: Decimal
    min_grant_eur: Decimal
    max_grant_eur: Decimal
    cofunding_rate: Decimal
    opens_at: datetime
    closes_at: datetime
    timezone: str
    blind: bool
    ranking_methods: list[str]
    primary_method: str


class CallPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CallOut]


class ApplicationOut(Schema):
    id: int
    reference: str
    call_id: int
    title: str
    summary: str
    status: str
    submitted_at: datetime | None = None
    region: str | None = None
    challenges: list[str]
    requested_eur: Decimal | None = None
    total_cost_eur: Decimal | None = None
    applicant: str | None = Field(None, description="Hidden from evaluators of blind calls.")
    organisation: str | None = Field(None, description="Hidden from evaluators of blind calls.")
    eligibility: str | None = Field(None, description="Managers only.")
    decision: str | None = Field(None, description="Managers; applicants once the letter is sent.")
    granted_eur: Decimal | None = None
    shared_draft: bool = Field(False, description="A draft its applicant shared with the call's managers "
                                                   "(read-only; not submitted).")


class ResultsOut(Schema):
    id: int
    call_id: int
    computed_at: datetime
    inputs_digest: str
    stale: bool
    params: dict[str, Any]
    data: dict[str, Any]


class FundedOut(Schema):
    id: int
    title: str
    organisation: str
    region: str
    country: str
    call: str
    call_id: int
    amount_eur: Decimal
    year: int
    status: str
    licence: str


class FundedPage(Schema):
    count: int
    page: int
    page_size: int
    licence: str = LICENCE
    attribution: str = ATTRIBUTION
    items: list[FundedOut]


def _not_found(message: str) -> HttpError:
    return HttpError(404, message)


def _call_out(call: Call, lang: str | None) -> dict[str, Any]:
    language = lang or call.original_language
    title = call.translated("title", language)
    return {"id": call.pk, "title": title.text, "description": call.translated("description", language).text,
            "language": title.language, "organisation": call.organisation.name, "status": call.status,
            "phase": call.phase, "budget_eur": call.budget, "min_grant_eur": call.min_grant,
            "max_grant_eur": call.max_grant, "cofunding_rate": call.cofunding_rate, "opens_at": call.opens_at,
            "closes_at": call.closes_at, "timezone": call.timezone, "blind": call.blind,
            "ranking_methods": list(call.ranking_methods or []), "primary_method": call.primary_method}


@api.get("/calls", auth=None, response={200: CallPage, 422: ProblemOut}, tags=TAGS, summary="Published calls")
def call_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    queryset = access.public_calls().select_related("organisation").order_by("-opens_at", "pk")
    start = (query.page - 1) * query.page_size
    return {"count": queryset.count(), "page": query.page, "page_size": query.page_size,
            "items": [_call_out(c, query.lang) for c in queryset[start:start + query.page_size]]}


@api.get("/calls/{call_id}", auth=None, response={200: CallOut, 404: ProblemOut, 422: ProblemOut}, tags=TAGS,
         summary="One published call")
def call_detail(request: HttpRequest, call_id: int, lang: str | None = None) -> dict[str, Any]:
    try:
        call = access.access_public_call(call_id)
    except Http404 as exc:
        raise _not_found(_("No such call")) from exc
    return _call_out(call, lang if lang in ("en", "fr", "de", "it", "sl") else None)


def _application_out(app: Application, *, role: str, letter_sent: bool) -> dict[str, Any]:
    hide_identity = role == "evaluator" and app.call.blind
    show_decision = role == "manager" or (role == "applicant" and letter_sent)
    return {
        "id": app.pk, "reference": app.reference, "call_id": app.call_id, "title": app.title, "summary": app.summary,
        "status": app.status, "submitted_at": app.submitted_at, "shared_draft": app.is_shared_draft, "region": app.region.code if app.region_id else None,
        "challenges": [c.code for c in app.challenges.all()], "requested_eur": app.requested_amount,
        "total_cost_eur": app.total_cost,
        "applicant": None if hide_identity else (app.applicant.display_name if role == "manager" else None),
        "organisation": None if hide_identity else app.organisation.name,
        "eligibility": app.eligibility if role == "manager" else None,
        "decision": (app.decision or None) if show_decision else None,
        "granted_eur": app.granted_amount if show_decision else None,
    }


@api.get("/calls/{call_id}/applications", response={200: list[ApplicationOut], 401: ProblemOut, 404: ProblemOut},
         tags=TAGS, summary="Submitted applications to a call and the drafts their applicants shared "
                 "(the call's programme managers)")
def call_applications(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    try:
        call = access.access_managed_call(request.user, call_id)
    except Http404 as exc:
        raise _not_found(_("No such call")) from exc
    apps = (Application.objects.filter(access.manager_visible(), call=call).select_related("call", "region", "organisation", "applicant")
            .prefetch_related("challenges").order_by("reference"))
    return [_application_out(a, role="manager", letter_sent=True) for a in apps]


@api.get("/applications/{application_id}", response={200: ApplicationOut, 401: ProblemOut, 404: ProblemOut},
         tags=TAGS, summary="One application (applicant, co-applicants, managers, assigned evaluator)")
def application_detail(request: HttpRequest, application_id: int) -> dict[str, Any]:
    user = request.user
    application: Application | None = None
    role = ""
    for candidate_role, fetch in (("manager", lambda u, pk: access.access_managed_application(u, pk, shared_drafts=True)),
                                  ("applicant", access.access_own_application),
                                  ("evaluator", lambda u, pk: access.access_assignment(u, pk).application)):
        try:
            application = fetch(user, application_id)
        except Http404:
            continue
        role = candidate_role
        break
    if application is None:
        raise _not_found(_("No such application"))
    application = (Application.objects.select_related("call", "region", "organisation", "applicant")
                   .prefetch_related("challenges").get(pk=application.pk))
    sent = role == "applicant" and DecisionLetter.objects.filter(application=application).exists()
    return _application_out(application, role=role, letter_sent=sent)


@api.get("/calls/{call_id}/results", response={200: ResultsOut, 401: ProblemOut, 404: ProblemOut}, tags=TAGS,
         summary="The latest computed results of a call (the call's programme managers)")
def call_results(request: HttpRequest, call_id: int) -> dict[str, Any]:
    try:
        call = access.access_managed_call(request.user, call_id)
    except Http404 as exc:
        raise _not_found(_("No such call")) from exc
    result = result_svc.latest_result(call)
    if result is None:
        raise _not_found(_("No results have been computed for this call yet."))
    return {"id": result.pk, "call_id": call.pk, "computed_at": result.created_at,
            "inputs_digest": result.inputs_digest, "stale": result_svc.is_stale(call, result),
            "params": result.params, "data": result.data}


@api.get("/funded", auth=None, response={200: FundedPage, 422: ProblemOut}, tags=TAGS,
         summary="Funded projects across calls (open data, CC BY 4.0)")
def funded_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    queryset = exports_results.funded_projects()
    start = (query.page - 1) * query.page_size
    language = query.lang or "en"
    return {"count": queryset.count(), "page": query.page, "page_size": query.page_size,
            "items": [exports_results.funded_record(p, language) for p in queryset[start:start + query.page_size]]}
