"""Letters as applicants and managers read them: signatory, legal remedy, scores and anonymised
comments (only when the call shares them, only after sending, only one's own), manager previews."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from asis.calls.models import Application, DecisionLetter, Review
from asis.calls.results import reasons
from asis.calls.results.decisions import DecisionInput, decisions_record, decisions_send
from asis.calls.results.services import call_results_compute
from asis.core.models import AuditEntry
from tests.calls.results_fixtures import scored_call
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _ranked_call(world, **fields):
    call, apps, evaluators = scored_call(world, [[5, 4], [2, 3], [4, 4]], smaa_draws=0, budget=Decimal("120000"),
                                         **fields)
    call_results_compute(actor=world.users["manager"], call=call)
    Review.objects.filter(assignment__application=apps[1]).update(comment="Clear plan, weak budget.")
    a, b, c = apps
    decisions_record(actor=world.users["manager"], call=call, items=[
        DecisionInput(a.pk, "approved"), DecisionInput(c.pk, "approved"), DecisionInput(b.pk, "rejected")])
    return call, apps, evaluators


def test_letter_settings_go_into_the_letter_in_the_applicants_language(world):
    call, (a, b, c), _e = _ranked_call(world)
    german = make_user("brief-de@example.org", preferred_language="de", full_name="Greta Huber")
    Application.objects.filter(pk=b.pk).update(applicant=german)
    client = world.client_for("manager")
    url = reverse("calls:letter_templates", args=[call.pk])
    form = client.get(url, {"language": "de"}).context["form"]
    data = {"language": "de", **{name: field.initial for name, field in form.fields.items()},
            "settings-signatory_name": "Dr. Anna Berger", "settings-signatory_function": "Programmleiterin",
            "settings-legal_remedy": "Gegen diese Entscheidung ist binnen vier Wochen Beschwerde möglich.",
            "settings-share_scores": "on"}
    assert client.post(url, data).status_code == 302
    call.refresh_from_db()
    assert call.share_scores and call.signatory_name == "Dr. Anna Berger"
    assert AuditEntry.objects.filter(action="asis.call.letter_settings_changed").exists()

    decisions_send(actor=world.users["manager"], call=call)
    letter = DecisionLetter.objects.get(application=b)
    assert letter.language == "de"
    assert letter.body.endswith("Gegen diese Entscheidung ist binnen vier Wochen Beschwerde möglich.\n\n"
                                "Dr. Anna Berger\nProgrammleiterin")
    b.refresh_from_db()
    assert reasons.render(b.decision_facts, call=call, language="de") in letter.body
    english = DecisionLetter.objects.get(application=a)  # no English remedy written: the German one is used
    assert "Dr. Anna Berger" in english.body


def test_scores_and_comments_only_when_shared_after_sending_and_without_names(world):
    call, (a, b, c), evaluators = _ranked_call(world)
    holder = world.client_for("project_holder")
    url = reverse("calls:letter", args=[b.pk])
    # not before the letter is sent
    call.share_scores = True
    call.save()
    page = holder.get(url).content.decode()
    assert "Clear plan, weak budget." not in page
    decisions_send(actor=world.users["manager"], call=call)
    page = holder.get(url).content.decode()
    assert "Clear plan, weak budget." in page and "Reasoned." in page
    names = reasons.criterion_names(call, "en")
    assert names["social_need"] in page and "social_need" not in page
    for evaluator in evaluators:
        assert evaluator.user.email not in page and evaluator.user.display_name not in page
    # not when the call does not share them
    call.share_scores = False
    call.save()
    assert "Clear plan, weak budget." not in holder.get(url).content.decode()
    # never someone else's letter
    assert world.client_for("member").get(url).status_code in (403, 404)


def test_managers_open_every_letter_preview_before_sending(world):
    call, (a, b, c), _e = _ranked_call(world)
    client = world.client_for("manager")
    listing = client.get(reverse("calls:decision_letters", args=[call.pk])).content.decode()
    for app in (a, b, c):
        assert reverse("calls:manager_letter", args=[app.pk]) in listing
    preview = client.get(reverse("calls:manager_letter", args=[b.pk])).content.decode()
    assert "has not been sent yet" in preview and "ranked 3 of 3" in preview
    assert not DecisionLetter.objects.exists()
    assert world.client_for("other_manager").get(reverse("calls:manager_letter", args=[b.pk])).status_code == 404
