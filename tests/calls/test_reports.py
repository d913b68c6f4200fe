"""PDF reports of an application and of a call."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from asis.calls.models import ConsensusScore, Review, ReviewScore
from asis.calls.results import reports
from asis.calls.results.services import call_results_compute
from tests.calls.results_fixtures import scored_call

pytestmark = pytest.mark.django_db


def _call_with_comments(world):
    call, apps, evaluators = scored_call(world, [[5, 4, 3], [2, 3, 3]], smaa_draws=20, budget=Decimal("60000"))
    first = evaluators[0].user
    first.full_name = "Evelyn Reviewer"
    first.save()
    review = Review.objects.get(assignment__evaluator=evaluators[0], assignment__application=apps[0])
    review.comment = f"I, Evelyn Reviewer ({first.email}), find the plan convincing."
    review.save()
    ReviewScore.objects.filter(review=review, criterion="newness").update(
        justification="As evelyn reviewer I know this field well.")
    ConsensusScore.objects.create(application=apps[0], criterion="risk", score=Decimal("3"),
                                  reason="The panel agreed the risks are managed.", set_by=world.users["manager"])
    call_results_compute(actor=world.users["manager"], call=call)
    return call, apps, evaluators


def test_application_report_names_no_evaluator(world):
    call, apps, evaluators = _call_with_comments(world)
    context = reports.application_report_context(apps[0], "en")
    html = render_to_string("calls/results/application_report.html", context)
    for evaluator in evaluators:
        assert evaluator.user.email not in html
        assert evaluator.user.email.split("@")[0] not in html
    assert "Evelyn" not in html and "evelyn" not in html
    assert "I, E1 (E1), find the plan convincing." in html
    assert "The panel agreed the risks are managed." in html and "<svg" in html and "<polygon" in html
    assert context["evaluators"] == ["E1", "E2", "E3"]
    newness = next(c for c in context["criteria"] if c["id"] == "newness")
    assert newness["scores"] == [5.0, 4.0, 3.0] and newness["aggregated"] == pytest.approx(4.0)


def test_report_pdfs(world):
    call, apps, _e = _call_with_comments(world)
    client = world.client_for("manager")
    response = client.get(reverse("calls:application_report_pdf", args=[apps[0].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"
    response = client.get(reverse("calls:call_report_pdf", args=[call.pk]))
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    assert world.client_for("other_manager").get(
        reverse("calls:call_report_pdf", args=[call.pk])).status_code == 404


def test_call_report_states_the_method_and_statistics(world):
    call, apps, _e = _call_with_comments(world)
    context = reports.call_report_context(call, "en")
    html = render_to_string("calls/results/call_report.html", context)
    # written for a funding committee: the method in plain words, formulas in an annex, no paths
    assert "How the applications were assessed" in html and "Annex: formulas" in html
    assert "docs/methods" not in html and ".md" not in html
    assert "Weighted sum" in html and "SMAA-2" in html and "Funding rule:" in html
    assert dict(context["eligibility_rows"])["Eligible"] == 2
    assert [r["id"] for r in context["rows"]] == [apps[0].pk, apps[1].pk]
    assert "Krippendorff" in html
