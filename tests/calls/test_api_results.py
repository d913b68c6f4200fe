"""The calls REST API: who may read what."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from asis.calls.models import Application, ConflictOfInterest
from asis.calls.results.services import call_results_compute
from tests.calls.helpers import assign, make_application, make_call, make_evaluator, score_review
from tests.calls.results_fixtures import full_scores

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _setup(world, *, blind=False):
    call = make_call(world.org, phase="evaluation", blind=blind, smaa_draws=0)
    evaluator = make_evaluator(call, world.users["evaluator"])
    assigned = make_application(call, world.users["project_holder"], world.org,
                                eligibility=Application.Eligibility.ELIGIBLE, requested=Decimal("40000"))
    unassigned = make_application(call, world.users["project_holder"], world.org,
                                  eligibility=Application.Eligibility.ELIGIBLE)
    conflicted = make_application(call, world.users["project_holder"], world.org,
                                  eligibility=Application.Eligibility.ELIGIBLE)
    for app in (assigned, conflicted):
        score_review(assign(evaluator, app), full_scores(4))
    ConflictOfInterest.objects.create(evaluator=evaluator, application=conflicted, type="declared")
    return call, assigned, unassigned, conflicted


def test_evaluator_reads_only_assigned_applications_without_conflict(world):
    call, assigned, unassigned, conflicted = _setup(world)
    client = world.client_for("evaluator")
    assert client.get(f"{API}/applications/{assigned.pk}").status_code == 200
    for app in (unassigned, conflicted):
        response = client.get(f"{API}/applications/{app.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_blind_calls_hide_the_applicant_from_evaluators(world):
    call, assigned, _u, _c = _setup(world, blind=True)
    data = world.client_for("evaluator").get(f"{API}/applications/{assigned.pk}").json()
    assert data["organisation"] is None and data["applicant"] is None
    assert data["title"] == assigned.title and data["decision"] is None
    managed = world.client_for("manager").get(f"{API}/applications/{assigned.pk}").json()
    assert managed["organisation"] == world.org.name and managed["eligibility"] == "eligible"


def test_the_applicant_never_sees_an_evaluator(world):
    call, assigned, _u, _c = _setup(world)
    response = world.client_for("project_holder").get(f"{API}/applications/{assigned.pk}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "evaluator@example.org" not in text and "Evaluator" not in text
    assert response.json()["decision"] is None  # no letter sent yet


def test_results_for_managers_of_the_call_only(world):
    call, *_apps = _setup(world)
    manager = world.client_for("manager")
    assert manager.get(f"{API}/calls/{call.pk}/results").status_code == 404  # nothing computed yet
    call_results_compute(actor=world.users["manager"], call=call)
    data = manager.get(f"{API}/calls/{call.pk}/results").json()
    assert data["call_id"] == call.pk and data["stale"] is False and len(data["inputs_digest"]) == 64
    assert {e["id"] for e in data["data"]["evaluators"]} == {"E1"}
    assert "evaluator@example.org" not in json.dumps(data)
    for role in ("other_manager", "evaluator", "project_holder"):
        assert world.client_for(role).get(f"{API}/calls/{call.pk}/results").status_code == 404
    assert world.client_for("anonymous").get(f"{API}/calls/{call.pk}/results").status_code == 401


def test_call_list_and_applications(world, django_assert_max_num_queries):
    call, assigned, unassigned, conflicted = _setup(world)
    draft = make_call(world.org, phase="draft", title="Draft call")
    anonymous = world.client_for("anonymous")
    with django_assert_max_num_queries(4):
        listing = anonymous.get(f"{API}/calls").json()
    ids = [c["id"] for c in listing["items"]]
    assert call.pk in ids and draft.pk not in ids
    assert anonymous.get(f"{API}/calls/{draft.pk}").status_code == 404
    assert anonymous.get(f"{API}/calls/{call.pk}").json()["budget_eur"] == "500000.00"
    manager = world.client_for("manager")
    apps = manager.get(f"{API}/calls/{call.pk}/applications").json()
    assert [a["id"] for a in apps] == sorted([assigned.pk, unassigned.pk, conflicted.pk])
    assert world.client_for("other_manager").get(f"{API}/calls/{call.pk}/applications").status_code == 404


def test_funded_open_data(world):
    data = world.client_for("anonymous").get(f"{API}/funded").json()
    assert data == {"count": 0, "page": 1, "page_size": 20, "licence": "CC-BY-4.0",
                    "attribution": data["attribution"], "items": []}
