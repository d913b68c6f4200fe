"""REST API of counterfactual studies (registered on the shared ``api``), read only:

- ``GET /impact/counterfactual/studies``: the studies of the organisations the person analyses
  (programme managers, platform admins); an empty list for everyone else;
- ``GET /impact/counterfactual/studies/{id}``: one study with its inputs and its stored result
  (numbers and codes; see docs/methods/counterfactual.md), 404 for anyone who may not see it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

from asis.core.api_base import ProblemOut, api
from asis.impact.counterfactual import access, messages
from asis.impact.models_counterfactual import CounterfactualStudy

TAGS = ["impact"]


class StudyOut(Schema):
    id: int
    name: str
    organisation: str
    panel: str
    outcome: str
    method: str
    treated_units: list[str]
    comparison_units: list[str]
    treatment_start: int
    period_from: int | None
    period_to: int | None
    confidence: float
    status: str
    problem: str
    created_at: datetime
    finished_at: datetime | None


class StudyDetailOut(StudyOut):
    result: dict[str, Any] | None


def _out(study: CounterfactualStudy) -> dict[str, Any]:
    return {"id": study.pk, "name": study.name, "organisation": study.organisation.name,
            "panel": study.panel.name, "outcome": study.panel.outcome_label, "method": study.method,
            "treated_units": study.treated_units, "comparison_units": study.comparison_units,
            "treatment_start": study.treatment_start, "period_from": study.period_from,
            "period_to": study.period_to, "confidence": study.confidence, "status": study.status,
            "problem": messages.error_text(study.error_code, study.error_params) if study.error_code else "",
            "created_at": study.created_at, "finished_at": study.finished_at}


@api.get("/impact/counterfactual/studies", response={200: list[StudyOut], 401: ProblemOut}, tags=TAGS,
         summary="Counterfactual studies of the organisations you analyse")
def counterfactual_study_list(request: HttpRequest) -> list[dict[str, Any]]:
    studies = access.studies_for(request.user).select_related("organisation", "panel")[:500]
    return [_out(s) for s in studies]


@api.get("/impact/counterfactual/studies/{study_id}", response={200: StudyDetailOut, 401: ProblemOut,
                                                                404: ProblemOut},
         tags=TAGS, summary="One counterfactual study with its result")
def counterfactual_study_detail(request: HttpRequest, study_id: int) -> dict[str, Any]:
    try:
        study = access.access_study(request.user, study_id)
    except Http404 as exc:
        raise HttpError(404, _("No such study")) from exc
    return {**_out(study), "result": study.result}
