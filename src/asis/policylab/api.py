"""REST API of the policy lab (registered on the shared ``api``). Read public, write by API token.

- ``GET /policylab/scenarios`` and ``/policylab/scenarios/{id}``: published scenarios for anyone;
  with a token (or the session) also your own and your organisation's; ``?key=`` a share link key;
- ``POST /policylab/scenarios`` and ``PUT /policylab/scenarios/{id}``: create and update (token;
  policy officers and programme managers; update: owner or officers of its organisation);
- ``POST /policylab/scenarios/{id}/runs``: start a Monte Carlo run (token; policy officers who
  can read the scenario); ``GET /policylab/runs/{id}``: status and progress; ``GET
  /policylab/runs/{id}/summary``: the results (see ``adapters``); ``POST .../cancel`` and
  ``.../resume`` (token; who started it or may edit the scenario). Every start, cancel and
  resume is audited;
- ``GET /policylab/comparisons`` and ``/policylab/comparisons/{id}``: comparisons, read like scenarios.

Objects the caller may not see answer 404, so other organisations' private scenarios do not reveal
they exist; refusals of the simulation answer 422 with the reason in words.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from asis.accounts.api_auth import BearerToken
from asis.core.api_base import ProblemOut, api
from asis.policylab import access, runs
from asis.policylab.models import Comparison, Scenario, SimulationRun, Visibility
from asis.policylab.scenario_services import ScenarioInvalid, scenario_create, scenario_update

TAGS = ["policy lab"]


READ_AUTH = None  # anyone reads; ``_reader`` recognises a token (the session is the middleware's)
WRITE_AUTH = [BearerToken()]


def _reader(request: HttpRequest) -> None:
    """On a read route, a valid personal token makes the request its owner's (more to read); no
    token or an unknown one reads as anonymous. Rate limits stay per address for anonymous reads."""
    if request.headers.get("Authorization"):
        BearerToken()(request)


class RunOut(Schema):
    id: uuid.UUID
    scenario_id: uuid.UUID
    status: str
    status_label: str
    n_runs: int
    runs_done: int
    fraction: float
    chunks_done: int
    chunks_total: int
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    has_summary: bool


class ScenarioOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    visibility: str
    organisation: str | None
    source_call_id: int | None
    horizon_years: int
    n_runs: int
    seed: int
    agents: int
    updated_at: datetime
    latest_run_id: uuid.UUID | None


class ScenarioDetailOut(ScenarioOut):
    levers: dict[str, Any]
    params: dict[str, Any]
    warnings: list[str]
    runs: list[RunOut]


class ScenarioIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    visibility: str = Visibility.PRIVATE
    organisation_id: int | None = None
    levers: dict[str, Any] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)
    horizon_years: int = Field(10, ge=1, le=20)
    n_runs: int = Field(200, ge=1)
    seed: int = Field(2026, ge=0, le=2**63 - 1)
    agents: int = Field(10_000, ge=42, le=10**9)


class ComparisonOut(Schema):
    id: uuid.UUID
    name: str
    visibility: str
    organisation: str | None
    created_at: datetime
    runs: list[dict[str, Any]]
    baseline_run_id: uuid.UUID | None


def _data(payload: ScenarioIn) -> dict[str, Any]:
    """All fields (a PUT replaces the settings), but the organisation only when it is given."""
    data = payload.dict()
    if "organisation_id" not in payload.model_fields_set:
        data.pop("organisation_id")
    return data


def _run_out(run: SimulationRun) -> dict[str, Any]:
    progress = runs.run_progress(run)
    return {"id": run.pk, "scenario_id": run.scenario_id, "status": progress["status"],
            "status_label": progress["status_label"], "n_runs": run.n_runs, "runs_done": progress["runs_done"],
            "fraction": progress["fraction"], "chunks_done": progress["chunks_done"],
            "chunks_total": progress["chunks_total"], "message": progress["message"], "created_at": run.created_at,
            "started_at": run.started_at, "finished_at": run.finished_at, "has_summary": run.summary is not None}


def _scenario_out(scenario: Scenario) -> dict[str, Any]:
    latest = scenario.latest_run()
    return {"id": scenario.pk, "name": scenario.name, "description": scenario.description,
            "visibility": scenario.visibility,
            "organisation": scenario.organisation.name if scenario.organisation_id else None,
            "source_call_id": scenario.source_call_id, "horizon_years": scenario.horizon_years,
            "n_runs": scenario.n_runs, "seed": scenario.seed, "agents": scenario.agents,
            "updated_at": scenario.updated_at, "latest_run_id": latest.pk if latest else None}


def _scenario_detail(scenario: Scenario) -> dict[str, Any]:
    return {**_scenario_out(scenario), "levers": scenario.levers, "params": scenario.params,
            "warnings": runs.scenario_warnings(scenario),
            "runs": [_run_out(run) for run in scenario.runs.defer("summary")[:20]]}


def _scenario(request: HttpRequest, scenario_id: uuid.UUID, key: str = "") -> Scenario:
    _reader(request)
    try:
        return access.access_scenario(request.user, scenario_id, token=key)
    except Http404 as exc:
        raise HttpError(404, _("No such scenario")) from exc


def _run(request: HttpRequest, run_id: uuid.UUID, key: str = "") -> SimulationRun:
    _reader(request)
    run = SimulationRun.objects.select_related("scenario").filter(pk=run_id).first()
    if run is None:
        raise HttpError(404, _("No such simulation run"))
    try:
        access.access_scenario(request.user, run.scenario_id, token=key)
    except Http404 as exc:
        raise HttpError(404, _("No such simulation run")) from exc
    return run


# --- scenarios -----------------------------------------------------------------------------------

@api.get("/policylab/scenarios", auth=READ_AUTH, response={200: list[ScenarioOut], 422: ProblemOut}, tags=TAGS,
         summary="Scenarios you may read: published ones, and with a token your own and your organisation's")
def policylab_scenario_list(request: HttpRequest) -> list[dict[str, Any]]:
    _reader(request)
    scenarios = access.scenarios_visible_to(request.user).select_related("organisation")[:500]
    return [_scenario_out(s) for s in scenarios]


@api.get("/policylab/scenarios/{scenario_id}", auth=READ_AUTH, response={200: ScenarioDetailOut, 404: ProblemOut, 422: ProblemOut},
         tags=TAGS, summary="A scenario with its levers, warnings and runs (?key= a share link key)")
def policylab_scenario_detail(request: HttpRequest, scenario_id: uuid.UUID, key: str = "") -> dict[str, Any]:
    return _scenario_detail(_scenario(request, scenario_id, key))


@api.post("/policylab/scenarios", auth=WRITE_AUTH,
          response={201: ScenarioDetailOut, 401: ProblemOut, 403: ProblemOut, 422: ProblemOut}, tags=TAGS,
          summary="Create a scenario (API token of a policy officer or programme manager)")
def policylab_scenario_create(request: HttpRequest, payload: ScenarioIn) -> Status:
    if not access.is_policy_officer(request.user):
        raise HttpError(403, _("Only policy officers and programme managers build scenarios."))
    try:
        scenario = scenario_create(user=request.user, data=_data(payload))
    except ScenarioInvalid as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, _scenario_detail(scenario))


@api.put("/policylab/scenarios/{scenario_id}", auth=WRITE_AUTH,
         response={200: ScenarioDetailOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut},
         tags=TAGS, summary="Replace a scenario's settings (API token; its owner or its organisation's officers)")
def policylab_scenario_update(request: HttpRequest, scenario_id: uuid.UUID, payload: ScenarioIn) -> dict[str, Any]:
    scenario = _scenario(request, scenario_id)
    if not access.can_edit_scenario(request.user, scenario):
        raise HttpError(403, _("You may read this scenario but not change it."))
    try:
        scenario = scenario_update(scenario=scenario, user=request.user, data=_data(payload))
    except ScenarioInvalid as exc:
        raise HttpError(422, str(exc)) from exc
    return _scenario_detail(scenario)


# --- runs ----------------------------------------------------------------------------------------

@api.post("/policylab/scenarios/{scenario_id}/runs", auth=WRITE_AUTH,
          response={202: RunOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}, tags=TAGS,
          summary="Start a Monte Carlo run of a scenario (API token of a policy officer)")
def policylab_run_start(request: HttpRequest, scenario_id: uuid.UUID) -> Status:
    scenario = _scenario(request, scenario_id)
    if not access.can_run_scenario(request.user, scenario):
        raise HttpError(403, _("Only policy officers and programme managers run simulations."))
    try:
        run = runs.run_start(scenario=scenario, user=request.user)
    except runs.SimulationRefused as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(202, _run_out(run))


@api.get("/policylab/runs/{run_id}", auth=READ_AUTH, response={200: RunOut, 404: ProblemOut, 422: ProblemOut}, tags=TAGS,
         summary="Status and progress of a simulation run (?key= the scenario's share link key)")
def policylab_run_detail(request: HttpRequest, run_id: uuid.UUID, key: str = "") -> dict[str, Any]:
    return _run_out(_run(request, run_id, key))


@api.get("/policylab/runs/{run_id}/summary", auth=READ_AUTH,
         response={200: dict[str, Any], 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}, tags=TAGS,
         summary="Results of a finished run: percentile bands per year, means per region, outcomes per run")
def policylab_run_summary(request: HttpRequest, run_id: uuid.UUID, key: str = "") -> Any:
    run = _run(request, run_id, key)
    if run.summary is None:
        raise HttpError(409, _("This simulation has no results yet: %(progress)s")
                        % {"progress": runs.run_progress(run)["message"]})
    return run.summary


def _managed_run(request: HttpRequest, run_id: uuid.UUID) -> SimulationRun:
    run = _run(request, run_id)
    if not access.can_manage_run(request.user, run):
        raise HttpError(403, _("Only who started this simulation or may edit its scenario can stop or resume it."))
    return run


@api.post("/policylab/runs/{run_id}/cancel", auth=WRITE_AUTH,
          response={200: RunOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut}, tags=TAGS,
          summary="Cancel a queued or running simulation (finished chunks are kept for a resume)")
def policylab_run_cancel(request: HttpRequest, run_id: uuid.UUID) -> dict[str, Any]:
    run = _managed_run(request, run_id)
    try:
        run = runs.run_cancel(run=run, user=request.user)
    except runs.SimulationRefused as exc:
        raise HttpError(409, str(exc)) from exc
    return _run_out(run)


@api.post("/policylab/runs/{run_id}/resume", auth=WRITE_AUTH,
          response={200: RunOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut}, tags=TAGS,
          summary="Resume a cancelled or failed simulation: only the missing chunks are computed")
def policylab_run_resume(request: HttpRequest, run_id: uuid.UUID) -> dict[str, Any]:
    run = _managed_run(request, run_id)
    try:
        run = runs.run_resume(run=run, user=request.user)
    except runs.SimulationRefused as exc:
        raise HttpError(409, str(exc)) from exc
    return _run_out(run)


# --- comparisons ---------------------------------------------------------------------------------

def _comparison_out(comparison: Comparison) -> dict[str, Any]:
    return {"id": comparison.pk, "name": comparison.name, "visibility": comparison.visibility,
            "organisation": comparison.organisation.name if comparison.organisation_id else None,
            "created_at": comparison.created_at, "baseline_run_id": comparison.baseline_id,
            "runs": [{"run_id": str(run.pk), "scenario_id": str(run.scenario_id), "scenario": run.scenario.name,
                      "status": run.status, "n_runs": run.n_runs}
                     for run in comparison.runs.select_related("scenario").defer("summary", "spec")]}


@api.get("/policylab/comparisons", auth=READ_AUTH, response={200: list[ComparisonOut], 422: ProblemOut}, tags=TAGS,
         summary="Comparisons of scenarios you may read")
def policylab_comparison_list(request: HttpRequest) -> list[dict[str, Any]]:
    _reader(request)
    comparisons = access.comparisons_visible_to(request.user).select_related("organisation")[:500]
    return [_comparison_out(c) for c in comparisons]


@api.get("/policylab/comparisons/{comparison_id}", auth=READ_AUTH, response={200: ComparisonOut, 404: ProblemOut, 422: ProblemOut},
         tags=TAGS, summary="A comparison: its runs and reference scenario (?key= a share link key)")
def policylab_comparison_detail(request: HttpRequest, comparison_id: uuid.UUID, key: str = "") -> dict[str, Any]:
    _reader(request)
    try:
        comparison = access.access_comparison(request.user, comparison_id, token=key)
    except Http404 as exc:
        raise HttpError(404, _("No such comparison")) from exc
    return _comparison_out(comparison)
