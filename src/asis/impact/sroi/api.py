"""REST API of SROI analyses (registered on the shared ``api``).

- ``GET /impact/sroi/{id}``: the analysis, its impact map and its latest run; managers of the
  funding organisation and the project's holders;
- ``POST /impact/sroi/{id}/run``: start a Monte Carlo run as a background job (managers; by API
  token from scripts; ``?draws=&seed=``). Other objects answer 404, so other tenants' analyses do not reveal they exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from asis.core.api_base import ProblemOut, api
from asis.impact.sroi import access, adapters, services

TAGS = ["impact"]


class OutcomeOut(Schema):
    stakeholder: str
    outcome: str
    quantity: float
    quantity_from_monitoring: bool
    duration_years: int
    proxy_value_eur: float
    deadweight: float
    displacement: float
    attribution: float
    drop_off: float
    ranges: dict[str, list[float]]


class RunOut(Schema):
    id: int
    draws: int
    seed: int
    created_at: datetime
    result: dict[str, Any]


class SroiOut(Schema):
    id: int
    title: str
    project_reference: str | None
    call_id: int
    report_year: int
    investment_eur: float
    discount_rate: float
    status: str
    outcomes: list[OutcomeOut]
    latest_run: RunOut | None


class RunIn(Schema):
    draws: int = Field(services.DEFAULT_DRAWS, ge=1, le=services.MAX_DRAWS)
    seed: int = Field(0, ge=0, le=2**63 - 1)


class JobOut(Schema):
    job_id: str
    status: str


@api.get("/impact/sroi/{analysis_id}", response={200: SroiOut, 401: ProblemOut, 404: ProblemOut}, tags=TAGS,
         summary="An SROI analysis with its latest run (managers and the project's holders)")
def sroi_detail(request: HttpRequest, analysis_id: int) -> dict[str, Any]:
    try:
        analysis = access.access_analysis(request.user, analysis_id)
    except Http404 as exc:
        raise HttpError(404, _("No such analysis")) from exc
    outcomes = []
    for row in analysis.outcomes.select_related("project_indicator__indicator"):
        monitored = adapters.monitored_quantity(row.project_indicator)
        outcomes.append({
            "stakeholder": row.stakeholder, "outcome": row.outcome,
            "quantity": float(monitored.value if monitored else row.quantity),
            "quantity_from_monitoring": monitored is not None, "duration_years": row.duration_years,
            "proxy_value_eur": float(row.proxy_value), "deadweight": float(row.deadweight),
            "displacement": float(row.displacement), "attribution": float(row.attribution),
            "drop_off": float(row.drop_off), "ranges": row.ranges or {}})
    run = analysis.runs.first()
    return {
        "id": analysis.pk, "title": analysis.title,
        "project_reference": analysis.project.application.reference if analysis.project_id else None,
        "call_id": analysis.funding_call.pk, "report_year": analysis.report_year,
        "investment_eur": float(analysis.investment), "discount_rate": float(analysis.discount_rate),
        "status": analysis.status, "outcomes": outcomes,
        "latest_run": None if run is None else {"id": run.pk, "draws": run.draws, "seed": run.seed,
                                                "created_at": run.created_at, "result": run.result},
    }


@api.post("/impact/sroi/{analysis_id}/run", response={202: JobOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut,
                                                       422: ProblemOut}, tags=TAGS,
          summary="Start a Monte Carlo run of an SROI analysis (the funding organisation's managers)")
def sroi_run(request: HttpRequest, analysis_id: int, payload: Query[RunIn]) -> Status:
    try:
        analysis = access.access_managed_analysis(request.user, analysis_id)
    except Http404 as exc:
        raise HttpError(404, _("No such analysis")) from exc
    try:
        job = services.sroi_run_start(actor=request.user, analysis=analysis, draws=payload.draws, seed=payload.seed)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return Status(202, {"job_id": str(job.pk), "status": job.status})
