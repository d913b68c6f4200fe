"""Public self-assessment: score against a hand computation, chart, PDF, rate limit, conversion to a draft."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from asis.calls.apply import selfassessment as sa
from asis.calls.models import Application, SelfAssessment
from asis.core.models import AuditEntry
from tests.calls.helpers import make_call

# Levels chosen by hand; weights of the ASIS grid: newness 15, social_need 15, co_creation 12, method 10,
# feasibility 10, finance 8, risk 6, local_impact 12, measurability 8, ecology 4, programme_relevance 0
# (sum 100). Score = sum(weight * level / 5) = (75+60+36+20+40+24+6+60+0+8) / 5 = 329 / 5 = 65.8.
ANSWERS = {"newness": 5, "social_need": 4, "co_creation": 3, "method": 2, "feasibility": 4, "finance": 3,
           "risk": 1, "local_impact": 5, "measurability": 0, "ecology": 2, "programme_relevance": 1}


def _post_data(answers: dict[str, int], **extra: str) -> dict[str, str]:
    data = {f"c_{k}": str(v) for k, v in answers.items()}
    data.update(extra)
    return data


def test_score_matches_hand_computation():
    result = sa.compute(ANSWERS)
    assert result.score == pytest.approx(65.8)
    assert [c.id for c in result.strengths] == ["newness", "social_need", "feasibility", "local_impact"]
    assert [c.id for c in result.weaknesses] == ["method", "risk", "measurability", "ecology"]
    assert result.knocked_out == []
    assert sum(c.contribution for c in result.criteria) == pytest.approx(65.8)


@pytest.mark.parametrize(("changes", "score", "knocked_out"), [
    (dict.fromkeys(ANSWERS, 5) | {"programme_relevance": 1}, 100.0, []),
    (dict.fromkeys(ANSWERS, 0), 0.0, ["newness", "social_need", "co_creation", "feasibility", "local_impact",
                                    "programme_relevance"]),
    ({"feasibility": 1}, 65.8 - 10 * 3 / 5, ["feasibility"]),  # 4 -> 1 on a weight of 10: minus 6 points
    ({"programme_relevance": 0}, 65.8, ["programme_relevance"]),  # weight 0: only a knock-out
])
def test_score_table(changes, score, knocked_out):
    result = sa.compute({**ANSWERS, **changes})
    assert result.score == pytest.approx(score, abs=0.05)
    assert [c.id for c in result.knocked_out] == knocked_out
    assert all(c in result.weaknesses for c in result.knocked_out)


def test_advice_per_band_is_specific():
    result = sa.compute(ANSWERS)
    by_id = {c.id: c for c in result.criteria}
    assert by_id["measurability"].advice == str(sa.ADVICE["measurability"]["low"])
    assert by_id["finance"].advice == str(sa.ADVICE["finance"]["mid"])
    assert by_id["newness"].advice == str(sa.ADVICE["newness"]["high"])
    assert by_id["programme_relevance"].advice == str(sa.ADVICE["programme_relevance"]["pass"])


def test_radar_geometry():
    result = sa.compute(ANSWERS)
    chart = sa.radar(result, width=400, height=400, radius=100)
    assert len(chart.axes) == 10  # the pass-fail criterion is not an axis
    assert chart.dots[0] == (200.0, 100.0)  # newness at 5/5, straight up
    assert len(chart.rings) == 5


def test_form_shows_criteria_and_anchors(client, db):
    response = client.get(reverse("calls:self_assessment"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Newness and innovation potential" in text
    assert "Excellent: the criterion is fully met" in text
    assert 'type="radio"' in text


def test_missing_answer_is_a_field_error(client, db):
    data = _post_data({k: v for k, v in ANSWERS.items() if k != "risk"})
    response = client.post(reverse("calls:self_assessment"), data)
    assert response.status_code == 400
    assert "Choose the level that describes your project best." in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_out_of_scale_value_is_refused(client, db):
    response = client.post(reverse("calls:self_assessment"), _post_data({**ANSWERS, "risk": 9}))
    assert response.status_code == 400
    assert not SelfAssessment.objects.exists()


def test_create_result_chart_table_and_pdf(client, db):
    data = _post_data(ANSWERS, project_title="Mountain care", n_social_need="Ageing villages need care.")
    response = client.post(reverse("calls:self_assessment"), data)
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get()
    assert response["Location"] == reverse("calls:self_assessment_result", args=[assessment.token])
    assert assessment.answers == ANSWERS
    assert assessment.notes == {"social_need": "Ageing villages need care."}
    page = client.get(response["Location"]).content.decode()
    assert "65.8" in page
    assert "<svg" in page and "<polygon" in page
    assert "Data table of the radar chart" in page
    assert "Strengths" in page and "Weaknesses" in page
    pdf = client.get(reverse("calls:self_assessment_pdf", args=[assessment.token]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"


def test_knock_out_is_announced(client, db):
    client.post(reverse("calls:self_assessment"), _post_data({**ANSWERS, "feasibility": 1}))
    page = client.get(reverse("calls:self_assessment_result", args=[SelfAssessment.objects.get().token]))
    assert "would be knocked out" in page.content.decode()


def test_unknown_token_is_404(client, db):
    assert client.get("/en/calls/self-assessment/3f0e1d7c-9a43-4b8e-8a51-5d1b3c9f0a11/").status_code == 404


def test_rate_limit_per_ip(client, db, settings):
    settings.ASIS_SELF_ASSESSMENT_RATE_PER_HOUR = 2
    url = reverse("calls:self_assessment")
    assert client.post(url, _post_data(ANSWERS)).status_code == 302
    assert client.post(url, _post_data(ANSWERS)).status_code == 302
    response = client.post(url, _post_data(ANSWERS))
    assert response.status_code == 429
    assert "Too many self-assessments" in response.content.decode()
    assert SelfAssessment.objects.count() == 2
    other = client.post(url, _post_data(ANSWERS), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_rate_limit_ignores_forged_forwarded_for(client, db, settings):
    settings.ASIS_SELF_ASSESSMENT_RATE_PER_HOUR = 2
    url = reverse("calls:self_assessment")
    statuses = [client.post(url, _post_data(ANSWERS), REMOTE_ADDR="203.0.113.66",
                            HTTP_X_FORWARDED_FOR=f"198.18.0.{i}").status_code for i in range(4)]
    assert statuses == [302, 302, 429, 429]


def test_rate_limit_behind_a_trusted_proxy_counts_each_client(client, db, settings):
    """Behind the reverse proxy every request comes from the proxy: clients must still be told apart."""
    settings.ASIS_SELF_ASSESSMENT_RATE_PER_HOUR = 2
    settings.ASIS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    url = reverse("calls:self_assessment")

    def post(xff):
        return client.post(url, _post_data(ANSWERS), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=xff).status_code

    assert [post(f"198.18.0.{i}, 203.0.113.66") for i in range(3)] == [302, 302, 429]
    assert post("198.51.100.7") == 302  # another visitor behind the same proxy


def test_linked_call_and_conversion_to_draft(client, world):
    call = make_call(world.org, phase="open")
    form = client.get(reverse("calls:self_assessment") + f"?call={call.pk}")
    assert f'name="call" value="{call.pk}"' in form.content.decode()
    data = _post_data(ANSWERS, project_title="Mountain care", call=str(call.pk),
                      n_social_need="Ageing villages need care.", n_local_impact="Fewer people move away.")
    client.post(reverse("calls:self_assessment"), data)
    assessment = SelfAssessment.objects.get()
    assert assessment.call == call

    holder = world.client_for("project_holder")
    page = holder.get(reverse("calls:self_assessment_result", args=[assessment.token])).content.decode()
    assert "Create a draft application" in page
    response = holder.post(reverse("calls:self_assessment_apply", args=[assessment.token]),
                           {"call": call.pk, "organisation": world.org.pk})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:application_edit", args=[application.pk])
    assert application.self_assessment == assessment
    assert application.title == "Mountain care"
    assert application.logic_model["problem"] == "Ageing villages need care."
    assert application.logic_model["impact"] == "Fewer people move away."
    assert application.status == Application.Status.DRAFT
    assert re.fullmatch(rf"C{call.pk}-\d{{5}}", application.reference)
    assert AuditEntry.objects.filter(action="asis.application.created", object_id=str(application.pk)).count() == 1


def test_conversion_refuses_an_organisation_of_someone_else(client, world):
    call = make_call(world.org, phase="open")
    assessment = SelfAssessment.objects.create(answers=ANSWERS, project_title="X")
    holder = world.client_for("project_holder")
    response = holder.post(reverse("calls:self_assessment_apply", args=[assessment.token]),
                           {"call": call.pk, "organisation": world.other_org.pk})
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_conversion_needs_login(client, db):
    assessment = SelfAssessment.objects.create(answers=ANSWERS)
    response = client.post(reverse("calls:self_assessment_apply", args=[assessment.token]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_criteria_in_the_visitor_language(client, db):
    page = client.get("/de/calls/self-assessment/").content.decode()
    assert "Neuheit und Innovationspotenzial" in page
    assert "Hervorragend" in page


def test_a_draft_call_cannot_be_linked(client, world):
    draft = make_call(world.org, phase="draft")
    client.post(reverse("calls:self_assessment"), _post_data(ANSWERS, call=str(draft.pk)))
    assert SelfAssessment.objects.get().call is None
