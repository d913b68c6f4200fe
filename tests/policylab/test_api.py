"""The policy lab's REST API with personal tokens: who reads and writes what, refusals in words,
runs started, followed, cancelled and resumed (audited), summaries and comparisons."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from asis.accounts.models import Role
from asis.accounts.services import api_token_create
from asis.core.audit import AuditEntry
from asis.policylab import runs
from asis.policylab.models import Comparison, Scenario, SimulationRun, Visibility
from tests.factories import MembershipFactory, OrganisationFactory
from tests.policylab.runs_helpers import execute_all, officer, scenario

pytestmark = pytest.mark.django_db

BODY = {"name": "Training for all", "description": "Every evaluator trained.", "visibility": "organisation",
        "levers": {"budget_eur_per_year": 25e6, "training_intensity": 1.0, "calls_per_year": 2},
        "horizon_years": 3, "n_runs": 12, "seed": 5, "agents": 420}


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='script')[1]}",
                  HTTP_ACCEPT_LANGUAGE="en")


def post(client: Client, url: str, body=None):
    return client.post(url, json.dumps(body) if body is not None else "", content_type="application/json")


def put(client: Client, url: str, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def people(db):
    organisation = OrganisationFactory(name="Land Tirol", code="AT33")
    other_org = OrganisationFactory(name="Région Sud", code="FRL0")
    return {
        "officer": officer("officer@example.org", organisation),
        "colleague": officer("colleague@example.org", organisation),
        "manager": MembershipFactory(user__email="manager@example.org", organisation=organisation,
                                     role=Role.PROGRAMME_MANAGER).user,
        "member": MembershipFactory(user__email="member@example.org", organisation=organisation,
                                    role=Role.MEMBER).user,
        "stranger": officer("stranger@example.org", other_org),
        "organisation": organisation,
    }


def test_policy_officer_creates_updates_and_runs_a_scenario_by_token(people, settings):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    client = token_client(people["officer"])
    created = post(client, "/api/v1/policylab/scenarios", BODY)
    assert created.status_code == 201, created.content
    data = created.json()
    scenario_obj = Scenario.objects.get(pk=data["id"])
    assert scenario_obj.owner == people["officer"] and scenario_obj.organisation == people["organisation"]
    assert data["levers"]["training_intensity"] == 1.0 and data["visibility"] == "organisation"
    assert AuditEntry.objects.filter(action="asis.policylab.scenario.created", object_id=data["id"]).exists()

    # a colleague of the organisation changes it; the programme manager too
    changed = put(token_client(people["colleague"]), f"/api/v1/policylab/scenarios/{data['id']}",
                  {**BODY, "name": "Training for half", "levers": {"training_intensity": 0.5}})
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "Training for half" and changed.json()["levers"] == {"training_intensity": 0.5}

    started = post(client, f"/api/v1/policylab/scenarios/{data['id']}/runs")
    assert started.status_code == 202, started.content
    run_data = started.json()
    assert run_data["status"] == "queued" and run_data["chunks_total"] == 3 and run_data["runs_done"] == 0
    run = SimulationRun.objects.get(pk=run_data["id"])
    assert AuditEntry.objects.filter(action="asis.policylab.run.started", object_id=str(run.pk),
                                     actor_id=people["officer"].pk).exists()

    pending = client.get(f"/api/v1/policylab/runs/{run.pk}/summary")
    assert pending.status_code == 409 and "0 of 12 runs" in pending.json()["title"]

    execute_all(run)
    status = client.get(f"/api/v1/policylab/runs/{run.pk}").json()
    assert status["status"] == "succeeded" and status["runs_done"] == 12 and status["fraction"] == 1.0
    summary = client.get(f"/api/v1/policylab/runs/{run.pk}/summary")
    assert summary.status_code == 200
    run.refresh_from_db()
    assert summary.json() == run.summary and summary.json()["n_runs"] == 12
    detail = client.get(f"/api/v1/policylab/scenarios/{data['id']}").json()
    assert detail["latest_run_id"] == str(run.pk) and detail["runs"][0]["id"] == str(run.pk)


def test_reads_are_public_for_published_scenarios_only(people):
    published = scenario(people["officer"], name="Published", visibility=Visibility.PUBLIC)
    shared = scenario(people["officer"], name="Shared", visibility=Visibility.ORGANISATION)
    private = scenario(people["officer"], name="Private", visibility=Visibility.PRIVATE)
    anonymous = Client()
    names = {s["name"] for s in anonymous.get("/api/v1/policylab/scenarios").json()}
    assert names == {"Published"}
    assert anonymous.get(f"/api/v1/policylab/scenarios/{published.pk}").status_code == 200
    assert anonymous.get(f"/api/v1/policylab/scenarios/{shared.pk}").status_code == 404
    # the share link key opens it
    assert anonymous.get(f"/api/v1/policylab/scenarios/{private.pk}?key={private.share_token}").status_code == 200
    assert anonymous.get(f"/api/v1/policylab/scenarios/{private.pk}?key=wrong").status_code == 404
    colleague = {s["name"] for s in token_client(people["colleague"]).get("/api/v1/policylab/scenarios").json()}
    assert colleague == {"Published", "Shared"}
    own = {s["name"] for s in token_client(people["officer"]).get("/api/v1/policylab/scenarios").json()}
    assert own == {"Published", "Shared", "Private"}
    stranger = token_client(people["stranger"])
    assert {s["name"] for s in stranger.get("/api/v1/policylab/scenarios").json()} == {"Published"}
    assert stranger.get(f"/api/v1/policylab/scenarios/{shared.pk}").status_code == 404
    assert anonymous.get("/api/v1/policylab/scenarios/not-a-uuid").status_code == 422
    unknown_token = Client(HTTP_AUTHORIZATION="Bearer asis_not-a-token")  # reads as anonymous
    assert {s["name"] for s in unknown_token.get("/api/v1/policylab/scenarios").json()} == {"Published"}
    session = Client()
    session.force_login(people["colleague"])
    assert {s["name"] for s in session.get("/api/v1/policylab/scenarios").json()} == {"Published", "Shared"}


def test_writes_need_a_token_of_a_policy_officer(people):
    shared = scenario(people["officer"], name="Shared", visibility=Visibility.ORGANISATION)
    published = scenario(people["officer"], name="Published", visibility=Visibility.PUBLIC)
    session = Client()
    session.force_login(people["officer"])
    assert post(session, "/api/v1/policylab/scenarios", BODY).status_code == 401  # write by token only
    assert post(Client(), "/api/v1/policylab/scenarios", BODY).status_code == 401
    member = token_client(people["member"])
    assert post(member, "/api/v1/policylab/scenarios", BODY).status_code == 403
    assert post(member, f"/api/v1/policylab/scenarios/{published.pk}/runs").status_code == 403
    stranger = token_client(people["stranger"])
    assert put(stranger, f"/api/v1/policylab/scenarios/{shared.pk}", BODY).status_code == 404
    assert put(stranger, f"/api/v1/policylab/scenarios/{published.pk}", BODY).status_code == 403
    assert post(stranger, f"/api/v1/policylab/scenarios/{shared.pk}/runs").status_code == 404
    # an officer of another organisation may run a published scenario (not change it)
    assert post(stranger, f"/api/v1/policylab/scenarios/{published.pk}/runs").status_code == 202
    manager = token_client(people["manager"])
    assert put(manager, f"/api/v1/policylab/scenarios/{shared.pk}", {**BODY, "name": "By the manager"}).status_code == 200
    assert Scenario.objects.get(pk=shared.pk).name == "By the manager"
    assert not Scenario.objects.filter(name="Training for all").exists()


@pytest.mark.parametrize(("change", "expected"), [
    ({"levers": {"budget_eur_per_year": -1}}, "The budget cannot be negative"),
    ({"levers": {"cofunding_rate": 1.5}}, "Applicants' own share (co-funding) must lie between"),
    ({"params": {"apply_probability": 2}}, "Probability that an initiative applies is a probability"),
    ({"levers": {"magic": 1}}, "These levers do not exist: magic"),
    ({"visibility": "everyone"}, "Choose who can see the scenario"),
    ({"organisation_id": 999_999}, "only for organisations where you are a policy officer"),
])
def test_impossible_scenarios_are_refused_with_a_clear_message(people, change, expected):
    response = post(token_client(people["officer"]), "/api/v1/policylab/scenarios", {**BODY, **change})
    assert response.status_code == 422
    assert expected in response.json()["title"]
    assert response["Content-Type"] == "application/problem+json"
    assert not Scenario.objects.exists() and not AuditEntry.objects.filter(action__startswith="asis.policylab").exists()


def test_schema_violations_answer_422(people):
    client = token_client(people["officer"])
    assert post(client, "/api/v1/policylab/scenarios", {**BODY, "horizon_years": 40}).status_code == 422
    assert post(client, "/api/v1/policylab/scenarios", {**BODY, "agents": 3}).status_code == 422
    assert post(client, "/api/v1/policylab/scenarios", {"description": "no name"}).status_code == 422
    assert not Scenario.objects.exists()


def test_too_large_run_is_refused_in_the_readers_language(people, settings):
    settings.ASIS_SIM_MAX_RUNS = 10
    sc = scenario(people["officer"])
    client = token_client(people["officer"])
    response = post(client, f"/api/v1/policylab/scenarios/{sc.pk}/runs")
    assert response.status_code == 422
    assert response.json()["title"] == "This experiment asks for 12 Monte Carlo runs; the platform allows at most 10."
    german = post(Client(HTTP_AUTHORIZATION=client.defaults["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="de"),
                  f"/api/v1/policylab/scenarios/{sc.pk}/runs")
    assert german.status_code == 422 and "12" in german.json()["title"]
    assert not SimulationRun.objects.exists()


def test_cancel_and_resume_by_token_are_audited(people, settings):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    sc = scenario(people["officer"], visibility=Visibility.ORGANISATION)
    run = runs.run_start(scenario=sc, user=people["officer"])
    assert post(token_client(people["member"]), f"/api/v1/policylab/runs/{run.pk}/cancel").status_code == 404
    assert post(token_client(people["stranger"]), f"/api/v1/policylab/runs/{run.pk}/cancel").status_code == 404
    colleague = token_client(people["colleague"])
    cancelled = post(colleague, f"/api/v1/policylab/runs/{run.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = post(colleague, f"/api/v1/policylab/runs/{run.pk}/cancel")
    assert again.status_code == 409 and "Only a queued or running simulation" in again.json()["title"]
    resumed = post(token_client(people["officer"]), f"/api/v1/policylab/runs/{run.pk}/resume")
    assert resumed.status_code == 200 and resumed.json()["status"] == "queued"
    assert post(colleague, f"/api/v1/policylab/runs/{run.pk}/resume").status_code == 409
    actions = list(AuditEntry.objects.filter(object_id=str(run.pk)).order_by("pk").values_list("action", "actor_id"))
    assert actions == [("asis.policylab.run.started", people["officer"].pk),
                       ("asis.policylab.run.cancelled", people["colleague"].pk),
                       ("asis.policylab.run.resumed", people["officer"].pk)]
    assert execute_all(run).status == SimulationRun.Status.SUCCEEDED


def test_comparisons_read_public_and_by_organisation(people):
    sc = scenario(people["officer"], visibility=Visibility.PUBLIC)
    run = SimulationRun.objects.create(scenario=sc, n_runs=4, chunk_size=4, status=SimulationRun.Status.SUCCEEDED)
    public = Comparison.objects.create(name="Public comparison", owner=people["officer"],
                                       organisation=people["organisation"], visibility=Visibility.PUBLIC, baseline=run)
    public.runs.add(run)
    shared = Comparison.objects.create(name="Shared comparison", owner=people["officer"],
                                       organisation=people["organisation"], visibility=Visibility.ORGANISATION)
    assert [c["name"] for c in Client().get("/api/v1/policylab/comparisons").json()] == ["Public comparison"]
    detail = Client().get(f"/api/v1/policylab/comparisons/{public.pk}").json()
    assert detail["baseline_run_id"] == str(run.pk)
    assert detail["runs"] == [{"run_id": str(run.pk), "scenario_id": str(sc.pk), "scenario": sc.name,
                               "status": "succeeded", "n_runs": 4}]
    assert Client().get(f"/api/v1/policylab/comparisons/{shared.pk}").status_code == 404
    assert Client().get(f"/api/v1/policylab/comparisons/{shared.pk}?key={shared.share_token}").status_code == 200
    colleague = token_client(people["colleague"])
    assert {c["name"] for c in colleague.get("/api/v1/policylab/comparisons").json()} == {
        "Public comparison", "Shared comparison"}
    assert token_client(people["stranger"]).get(f"/api/v1/policylab/comparisons/{shared.pk}").status_code == 404


def test_policy_officer_membership_and_admin(people, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.org", "correct-horse-battery-staple")
    private = scenario(people["officer"], name="Private")
    client = token_client(admin)
    assert client.get(f"/api/v1/policylab/scenarios/{private.pk}").status_code == 200
    assert post(client, f"/api/v1/policylab/scenarios/{private.pk}/runs").status_code == 202
    assert post(client, "/api/v1/policylab/scenarios", {**BODY, "visibility": "private"}).status_code == 201
