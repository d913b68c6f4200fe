"""Panel: pseudonymised scores, disagreement flags, consensus scores."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asis.calls.models import ConsensusScore
from asis.core.models import AuditEntry
from tests.calls.helpers import assign, make_application, score_review
from tests.calls.review_fixtures import scenario

pytestmark = pytest.mark.django_db


def _panel(call):
    return reverse("calls:panel", kwargs={"call_id": call.pk})


def test_panel_pseudonyms_reveal_and_disagreement(world):
    s = scenario(world)
    score_review(s["assignment"], {"social_need": 0, "newness": 3})
    score_review(s["second_assignment"], {"social_need": 5, "newness": 3})
    client = world.client_for("manager")
    html = client.get(_panel(s["call"])).content.decode()
    assert "Evaluator 1" in html and "Evaluator 2" in html
    assert s["second_user"].email not in html
    assert "disagreement" in html
    revealed = client.get(_panel(s["call"]) + "?reveal=1").content.decode()
    assert s["second_user"].email in revealed or s["second_user"].display_name in revealed
    assert world.client_for("other_manager").get(_panel(s["call"])).status_code == 404
    assert world.client_for("evaluator").get(_panel(s["call"])).status_code == 404


def test_no_flag_when_scores_agree(world):
    s = scenario(world)
    score_review(s["assignment"], {"social_need": 3})
    score_review(s["second_assignment"], {"social_need": 4})
    html = world.client_for("manager").get(_panel(s["call"]) + "?flagged=1").content.decode()
    assert 'class="flag"' not in html


def test_consensus_set_validated_and_audited(world):
    s = scenario(world)
    client = world.client_for("manager")
    url = reverse("calls:consensus_set", kwargs={"application_id": s["application"].pk})
    for data, message in [
        ({"criterion": "social_need", "score": "6", "reason": "Agreed"}, "Choose a score from 0 to 5."),
        ({"criterion": "social_need", "score": "2.5", "reason": "Agreed"}, "Enter a whole number."),
        ({"criterion": "social_need", "score": "abc", "reason": "Agreed"}, "Enter a number."),
        ({"criterion": "social_need", "score": "3", "reason": ""}, "This field is required."),
        ({"criterion": "bogus", "score": "3", "reason": "Agreed"}, "Select a valid choice."),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not ConsensusScore.objects.exists()
    assert client.post(url, {"criterion": "social_need", "score": "4", "reason": "Panel agreed"}).status_code == 302
    row = ConsensusScore.objects.get()
    assert row.score == 4 and row.reason == "Panel agreed" and row.set_by == world.users["manager"]
    client.post(url, {"criterion": "social_need", "score": "3", "reason": "Second thoughts"})
    entries = AuditEntry.objects.filter(action="asis.consensus.set").order_by("seq")
    assert entries.count() == 2 and Decimal(entries.last().before["score"]) == 4
    html = client.get(_panel(s["call"])).content.decode()
    assert "Second thoughts" in html
    client.post(reverse("calls:consensus_remove", kwargs={"application_id": s["application"].pk}),
                {"criterion": "social_need"})
    assert not ConsensusScore.objects.exists()
    assert AuditEntry.objects.filter(action="asis.consensus.removed").count() == 1
    assert world.client_for("other_manager").post(url, {"criterion": "social_need", "score": "4",
                                                        "reason": "x"}).status_code == 404


def test_panel_queries_do_not_grow_with_applications(world):
    s = scenario(world)
    client = world.client_for("manager")

    def add(n):
        for _ in range(n):
            application = make_application(s["call"], world.users["project_holder"], s["lead"])
            score_review(assign(s["evaluator"], application), {"social_need": 2})
            score_review(assign(s["second"], application), {"social_need": 5})

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_panel(s["call"]) + "?reveal=1").status_code == 200
        return len(queries)

    add(2)
    small = count()
    add(10)
    assert count() == small
