"""The evaluator's desk: a failed submit loses nothing, the error summary, pass/fail justifications,
the running total, and the panel showing justifications beside scores."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from asis.calls.models import Review, ReviewScore
from asis.calls.review import services as rv
from tests.calls.helpers import score_review
from tests.calls.review_fixtures import full_scores, scenario

pytestmark = pytest.mark.django_db


def _url(application, name="calls:review"):
    return reverse(name, kwargs={"application_id": application.pk})


def test_failed_submit_keeps_every_typed_character_as_draft(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    data = full_scores(s["call"])
    data.pop("score_newness")
    typed = "Sehr überzeugend – aber: die Kostenplanung\r\nfehlt noch ✓ " + "x" * 40
    data["justification_newness"] = typed
    data["justification_social_need"] = "Lokaler Bedarf belegt."
    data["comment"] = "Gesamteindruck: gut."
    data["submit"] = "1"
    response = client.post(_url(s["application"]), data)
    assert response.status_code == 400
    html = response.content.decode()
    # the GOV.UK error summary at the top, each error linked to its field
    assert 'id="error-summary"' in html
    summary = html[html.index('id="error-summary"'):html.index("</div>", html.index('id="error-summary"'))]
    assert 'href="#id_score_newness_0"' in summary
    assert "Score this criterion before submitting." in summary
    review = Review.objects.get(assignment=s["assignment"])
    assert review.status == Review.Status.DRAFT
    assert review.comment == "Gesamteindruck: gut."
    notes = dict(ReviewScore.objects.filter(review=review).values_list("criterion", "justification"))
    assert notes["newness"] == typed.replace("\r\n", "\n").strip()
    assert notes["social_need"] == "Lokaler Bedarf belegt."
    # a reload (GET) shows it all again
    again = client.get(_url(s["application"])).content.decode()
    assert "fehlt noch ✓" in again and "Gesamteindruck: gut." in again
    assert 'id="error-summary"' not in again


def test_overlong_text_is_kept_even_when_the_form_itself_is_invalid(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    long_text = "a" * 5001
    response = client.post(_url(s["application"]), {"justification_risk": long_text, "submit": "1"})
    assert response.status_code == 400
    assert 'href="#id_justification_risk"' in response.content.decode()
    assert ReviewScore.objects.get(criterion="risk").justification == long_text


def test_pass_fail_needs_justification_only_when_failed(world):
    s = scenario(world)
    criterion = next(c for c in rv.criteria_of(s["call"]) if c.id == "programme_relevance")
    assert criterion.pass_fail
    assert not criterion.needs_justification(1)
    assert criterion.needs_justification(0)
    client = world.client_for("evaluator")
    data = {**full_scores(s["call"]), "submit": "1"}
    data["score_programme_relevance"] = "1"
    data["justification_programme_relevance"] = ""
    assert client.post(_url(s["application"]), data).status_code == 302
    assert Review.objects.get().status == Review.Status.SUBMITTED


def test_pass_fail_no_requires_justification(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    data = {**full_scores(s["call"]), "submit": "1"}
    data["score_programme_relevance"] = "0"
    data["justification_programme_relevance"] = ""
    response = client.post(_url(s["application"]), data)
    assert response.status_code == 400
    assert 'href="#id_justification_programme_relevance"' in response.content.decode()


def test_weighted_total_is_the_weighted_share_of_the_scale(world):
    s = scenario(world)
    criteria = rv.criteria_of(s["call"])
    assert rv.weighted_total(criteria, {})["share"] is None
    # newness (weight 15) at 5 of 0..5 and social_need (weight 15) at 0: half the weight at the top
    total = rv.weighted_total(criteria, {"newness": "5", "social_need": "0", "programme_relevance": "0"})
    assert total["share"] == pytest.approx(0.5)
    assert total["scored"] == 3 and total["count"] == len(criteria)
    # a score off its scale does not count
    assert rv.weighted_total(criteria, {"newness": "9"})["share"] is None


def test_desk_shows_running_total_in_the_readers_language(world):
    s = scenario(world)
    score_review(s["assignment"], {"newness": 4, "social_need": 2}, submit=False)
    client = world.client_for("evaluator")
    with translation.override("de"):
        url = _url(s["application"])
    html = client.get(url).content.decode()
    assert "data-desk-total" in html
    assert re.search(r"data-total-value>60\xa0%<", html), "4/5 and 2/5 at equal weight: 60 %, German spacing"
    assert "js/review-desk.js" in html


def test_panel_shows_justifications_beside_scores(world):
    s = scenario(world)
    review = score_review(s["assignment"], {"social_need": 1})
    ReviewScore.objects.filter(review=review).update(justification="Bedarf kaum belegt.")
    html = world.client_for("manager").get(reverse("calls:panel", kwargs={"call_id": s["call"].pk})).content.decode()
    assert "Bedarf kaum belegt." in html
    assert world.client_for("evaluator").get(
        reverse("calls:panel", kwargs={"call_id": s["call"].pk})).status_code == 404
