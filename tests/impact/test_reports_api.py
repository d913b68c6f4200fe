"""The reports API by token: the same rules as the web (scope, checks, locking, audit)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from asis.accounts.services import api_token_create
from asis.core.models import AuditEntry
from asis.impact.models import Report
from tests.conftest import make_org, make_user
from tests.impact.helpers import make_indicator, make_project, monitor
from tests.impact.reports_fixtures import setup_fixture  # noqa: F401  (the "setup" fixture)

pytestmark = pytest.mark.django_db
API = "/api/v1/impact"


class Api:
    def __init__(self, user):
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='test')[1]}")

    def get(self, path, **params):
        return self.client.get(API + path, params)

    def send(self, method, path, body=None):
        return self.client.generic(method, API + path, json.dumps(body or {}), content_type="application/json")


def _values(s, total="120", unit="persons"):
    return [{"indicator": s.reached.pk, "value": total, "unit": unit},
            {"indicator": s.reached.pk, "disaggregation": "sex=female", "value": "70"}]


def test_holder_creates_updates_and_submits_staff_validate(world, setup):
    s = setup
    holder, manager = Api(world.users["project_holder"]), Api(world.users["manager"])
    created = holder.send("POST", f"/projects/{s.project.pk}/periods/{s.ended.pk}/report",
                          {"values": _values(s), "narrative": "Opened."})
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    again = holder.send("POST", f"/projects/{s.project.pk}/periods/{s.ended.pk}/report", {})
    assert again.status_code == 409 and again.json()["report"] == report_id
    updated = holder.send("PATCH", f"/reports/{report_id}", {"budget": [{"line": 1, "amount": "150.5"}]})
    assert updated.status_code == 200
    body = updated.json()
    assert body["narrative"] == "Opened." and len(body["values"]) == 2  # parts left out stay
    assert body["budget"] == [{"line": 1, "amount": "150.50"}]
    assert holder.send("POST", f"/reports/{report_id}/submit").json()["status"] == "submitted"
    # the holder cannot validate their own report; staff can
    assert holder.send("POST", f"/reports/{report_id}/review", {"decision": "validate"}).status_code == 404
    validated = manager.send("POST", f"/reports/{report_id}/review", {"decision": "validate"})
    assert validated.status_code == 200 and validated.json()["locked"] is True
    # locked: edits are refused with a 409 problem, nothing changes
    refused = holder.send("PATCH", f"/reports/{report_id}", {"values": _values(s, total="5")})
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert "validated and is locked" in refused.json()["detail"]
    assert Report.objects.get(pk=report_id).values.get(disaggregation="").value == Decimal("120")
    assert holder.send("POST", f"/reports/{report_id}/submit").status_code == 409
    actions = set(AuditEntry.objects.filter(object_id=str(report_id)).values_list("action", flat=True))
    assert {"asis.impact.report.submitted", "asis.impact.report.validated"} <= actions


def test_return_needs_a_comment_by_api_too(world, setup):
    s = setup
    holder, manager = Api(world.users["project_holder"]), Api(world.users["manager"])
    report_id = holder.send("POST", f"/projects/{s.project.pk}/periods/{s.ended.pk}/report",
                            {"values": _values(s)}).json()["id"]
    holder.send("POST", f"/reports/{report_id}/submit")
    response = manager.send("POST", f"/reports/{report_id}/review", {"decision": "return"})
    assert response.status_code == 422 and "Say what the project holder should correct." in response.json()["errors"]
    response = manager.send("POST", f"/reports/{report_id}/review", {"decision": "return", "comment": "Add women."})
    assert response.json()["status"] == "returned"
    assert response.json()["events"][-1]["comment"] == "Add women."


def test_bad_values_answer_422_and_save_nothing(world, setup):
    s = setup
    holder = Api(world.users["project_holder"])
    url = f"/projects/{s.project.pk}/periods/{s.ended.pk}/report"
    for body, message in (({"values": _values(s, unit="eur")}, "cannot be converted"),
                          ({"values": _values(s, total="99999")}, "outside the plausible range"),
                          ({"values": [{"indicator": s.share.pk, "value": "5", "denominator": "0"}]},
                           "denominator above zero"),
                          ({"budget": [{"line": 0, "amount": "-1"}]}, "zero or more")):
        response = holder.send("POST", url, body)
        assert response.status_code == 422, body
        assert any(message in error for error in response.json()["errors"]), response.json()
    assert holder.send("POST", url, {"values": [{"indicator": s.reached.pk, "value": "abc"}]}).status_code == 422
    assert not Report.objects.exists()


def test_foreign_objects_answer_404(world, setup):
    s = setup
    stranger = make_user("stranger@example.org")
    other = make_project(make_org("Verein Anders", "ITH1"), stranger, funder=world.other_org, periods=1)
    foreign = monitor(other, make_indicator(name="Their indicator"))
    holder = Api(world.users["project_holder"])
    url = f"/projects/{s.project.pk}/periods/{s.ended.pk}/report"
    assert holder.send("POST", url, {"values": [{"indicator": foreign.pk, "value": "1"}]}).status_code == 404
    assert holder.send("POST", url, {"budget": [{"line": 7, "amount": "1"}]}).status_code == 404
    assert not Report.objects.exists()
    assert holder.send("POST", f"/projects/{s.project.pk}/periods/{other.periods.get().pk}/report").status_code == 404
    assert holder.send("POST", f"/projects/{other.pk}/periods/{other.periods.get().pk}/report").status_code == 404
    theirs = Api(stranger).send("POST", f"/projects/{other.pk}/periods/{other.periods.get().pk}/report").json()["id"]
    assert holder.get(f"/reports/{theirs}").status_code == 404
    assert holder.send("PATCH", f"/reports/{theirs}", {"narrative": "x"}).status_code == 404
    assert Api(world.users["manager"]).get(f"/reports/{theirs}").status_code == 404


def test_list_shows_each_person_their_reports(world, setup):
    s = setup
    holder = Api(world.users["project_holder"])
    holder.send("POST", f"/projects/{s.project.pk}/periods/{s.ended.pk}/report", {})
    assert holder.get("/reports").json()["count"] == 1
    assert Api(world.users["manager"]).get("/reports", status="draft").json()["count"] == 1
    assert Api(world.users["manager"]).get("/reports", status="validated").json()["count"] == 0
    for role in ("other_manager", "evaluator", "member"):
        assert Api(world.users[role]).get("/reports").json()["count"] == 0
    assert Client().get(API + "/reports").status_code == 401
