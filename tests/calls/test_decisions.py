"""Decisions, letters and funded projects."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from asis.calls.models import Application, Call, DecisionLetter, FundedProject, Notification
from asis.calls.results import letters, reasons
from asis.calls.results.decisions import (
    DecisionInput,
    candidates,
    decision_facts,
    decision_reason,
    decision_record,
    decisions_prefill,
    decisions_record,
    decisions_send,
    funded_now,
)
from asis.calls.results.services import call_results_compute
from asis.core.models import AuditEntry
from asis.observatory.models import Initiative
from tests.calls.results_fixtures import scored_call
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _decided_call(world, **fields):
    """Three applications (ranked A > C > B), 50,000 EUR each, budget 120,000 EUR."""
    return scored_call(world, [[5, 4], [2, 3], [4, 4]], smaa_draws=0, budget=Decimal("120000"), **fields)


def test_budget_exceeded_is_an_error_and_nothing_is_saved(world):
    call, (a, b, c), _e = _decided_call(world)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        decisions_record(actor=world.users["manager"], call=call, items=[
            DecisionInput(a.pk, "approved"), DecisionInput(b.pk, "approved"), DecisionInput(c.pk, "approved")])
    assert "budget" in " ".join(info.value.message_dict["__all__"])
    assert set(Application.objects.filter(call=call).values_list("decision", flat=True)) == {""}
    assert AuditEntry.objects.count() == audit_before


def test_amount_limits_are_checked_per_application(world):
    call, (a, b, c), _e = _decided_call(world)
    with pytest.raises(ValidationError) as info:
        decisions_record(actor=world.users["manager"], call=call, items=[
            DecisionInput(a.pk, "approved", Decimal("150000")), DecisionInput(b.pk, "approved", Decimal("60000")),
            DecisionInput(c.pk, "approved", Decimal("10"))])
    errors = info.value.message_dict
    assert "maximum grant" in " ".join(errors[f"app-{a.pk}"])
    assert "requested amount" in " ".join(errors[f"app-{b.pk}"])
    assert "minimum grant" in " ".join(errors[f"app-{c.pk}"])


def test_decision_record_defaults_to_the_requested_amount_and_is_audited(world):
    call, (a, _b, _c), _e = _decided_call(world)
    assert decision_record(actor=world.users["manager"], application=a, outcome="approved", reason="Strong.") == 1
    a.refresh_from_db()
    assert a.decision == "approved" and a.granted_amount == Decimal("50000.00") and decision_reason(a) == "Strong."
    entry = AuditEntry.objects.get(action="asis.decision.recorded")
    assert entry.after["decision"] == "approved" and entry.before["decision"] == ""


def test_prefill_from_the_optimal_portfolio(world):
    call, (a, b, c), _e = _decided_call(world)
    result = call_results_compute(actor=world.users["manager"], call=call)
    ineligible = Application.objects.create(
        call=call, applicant=world.users["project_holder"], organisation=world.org, reference=f"X{call.pk}",
        title="Not eligible", status=Application.Status.SUBMITTED, eligibility=Application.Eligibility.INELIGIBLE,
        requested_amount=Decimal("20000"))
    decisions_prefill(actor=world.users["manager"], call=call, result=result, rest="waitlisted")
    decided = dict(Application.objects.filter(call=call).values_list("pk", "decision"))
    assert decided == {a.pk: "approved", c.pk: "approved", b.pk: "waitlisted", ineligible.pk: "rejected"}
    # the reason is generated from the facts, not written at prefill time
    b.refresh_from_db()
    assert decision_reason(b) == ""
    facts = decision_facts(call, candidates(call), funded_now(call))
    assert facts[b.pk]["kind"] == "did_not_fit" and facts[b.pk]["left"] == "20000.00"
    assert "ranked 3 of 3" in reasons.render(facts[b.pk], call=call, language="en")


def test_decisions_page_shows_field_errors_and_saves_nothing(world):
    call, (a, b, c), _e = _decided_call(world)
    client = world.client_for("manager")
    url = reverse("calls:decisions", args=[call.pk])
    data = {f"outcome-{x.pk}": "approved" for x in (a, b, c)}
    data[f"amount-{b.pk}"] = "lots"
    response = client.post(url, data)
    assert response.status_code == 400 and b"Enter a number" in response.content
    data[f"amount-{b.pk}"] = "50000"
    response = client.post(url, data)
    assert response.status_code == 400 and b"exceed the call&#x27;s budget" in response.content
    assert not Application.objects.filter(call=call).exclude(decision="").exists()
    data[f"outcome-{b.pk}"] = "rejected"
    data[f"reason-{b.pk}"] = "Below the funding line."
    assert client.post(url, data).status_code == 302
    assert Application.objects.get(pk=b.pk).decision == "rejected"
    assert client.get(url).status_code == 200


def test_send_letters_in_the_applicants_language_once(world):
    call, (a, b, c), _e = _decided_call(world)
    french = make_user("candidate-fr@example.org", preferred_language="fr", full_name="Camille Martin")
    Application.objects.filter(pk=b.pk).update(applicant=french)
    Application.objects.filter(pk=a.pk).update(logic_model={
        "problem": "Isolation of elderly people", "impact": "Less isolation",
        "indicators": [{"name": "People reached", "unit": "persons", "baseline": 0, "target": 300}]})
    decisions_record(actor=world.users["manager"], call=call, items=[
        DecisionInput(a.pk, "approved", Decimal("45000"), "Excellent co-creation."),
        DecisionInput(b.pk, "rejected", None, "Budget used by higher-ranked projects."),
        DecisionInput(c.pk, "waitlisted")])
    with pytest.raises(ValidationError):  # the send needs a decision on every application
        Application.objects.filter(pk=c.pk).update(decision="")
        decisions_send(actor=world.users["manager"], call=call)
    Application.objects.filter(pk=c.pk).update(decision="waitlisted")

    assert decisions_send(actor=world.users["manager"], call=call) == 3
    call.refresh_from_db()
    assert call.status == Call.Status.RESULTS
    letter_b = DecisionLetter.objects.get(application=b)
    assert letter_b.language == "fr" and "Camille Martin" in letter_b.body
    assert "Budget used by higher-ranked projects." in letter_b.body
    letter_a = DecisionLetter.objects.get(application=a)
    assert letter_a.outcome == "approved" and "45,000.00" in letter_a.body and a.reference in letter_a.subject
    assert len(mail.outbox) == 3
    sent = next(m for m in mail.outbox if m.to == ["candidate-fr@example.org"])
    assert sent.attachments[0][0] == f"decision-{b.reference}.pdf" and sent.attachments[0][1][:4] == b"%PDF"
    assert Notification.objects.filter(kind="decision_letter", status="sent").count() == 3

    # funded: a FundedProject with the logic model's indicators and a published initiative
    project = FundedProject.objects.get(application=a)
    assert project.grant == Decimal("45000.00") and project.indicators[0]["name"] == "People reached"
    a.refresh_from_db()
    initiative = Initiative.objects.get(pk=a.initiative_id)
    assert initiative.status == Initiative.Status.PUBLISHED and initiative.title == a.title
    assert list(initiative.regions.values_list("code", flat=True)) == ["AT33"]
    assert not FundedProject.objects.filter(application__in=[b, c]).exists()

    # idempotent: nothing is sent twice; a sent decision is final
    assert decisions_send(actor=world.users["manager"], call=call) == 0
    assert DecisionLetter.objects.count() == 3 and len(mail.outbox) == 3 and FundedProject.objects.count() == 1
    with pytest.raises(ValidationError):
        decision_record(actor=world.users["manager"], application=b, outcome="approved")


def test_the_applicant_reads_the_letter_and_nobody_else(world):
    call, (a, _b, _c), evaluators = _decided_call(world)
    decisions_record(actor=world.users["manager"], call=call, items=[
        DecisionInput(x.pk, "approved" if x == a else "rejected") for x in call.applications.all()])
    applicant = world.client_for("project_holder")
    url = reverse("calls:letter", args=[a.pk])
    assert b"No decision has been sent" in applicant.get(url).content
    decisions_send(actor=world.users["manager"], call=call)
    response = applicant.get(url)
    content = response.content.decode()
    assert response.status_code == 200 and a.reference in content
    assert all(e.user.email not in content for e in evaluators)
    pdf = applicant.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    for role in ("member", "evaluator", "other_manager"):
        assert world.client_for(role).get(url).status_code == 404


def test_send_view_starts_a_job_only_when_every_application_is_decided(world):
    from asis.core.models import Job

    call, apps, _e = _decided_call(world)
    client = world.client_for("manager")
    url = reverse("calls:decisions_send", args=[call.pk])
    client.post(url)
    assert not Job.objects.filter(kind="calls.decisions_send").exists()
    decisions_record(actor=world.users["manager"], call=call,
                     items=[DecisionInput(x.pk, "rejected") for x in apps])
    # a preview of each kind of letter and a confirmation with the count
    page = client.get(url).content.decode()
    assert "Send 3 letters?" in page and 'name="count" value="3"' in page and "Not funded" in page
    assert client.post(url).status_code == 302  # without the confirmed count: nothing starts
    assert not Job.objects.filter(kind="calls.decisions_send").exists()
    assert client.post(url, {"count": "3"}).status_code == 302
    job = Job.objects.get(kind="calls.decisions_send")
    from asis.core.jobs import run_job

    assert run_job.call(str(job.pk)) == "succeeded"
    assert DecisionLetter.objects.filter(application__call=call).count() == 3


def test_letter_templates_per_language_and_restricted_placeholders(world):
    call, (a, _b, _c), _e = _decided_call(world)
    client = world.client_for("manager")
    url = reverse("calls:letter_templates", args=[call.pk])
    page = client.get(url, {"language": "de"})
    assert page.status_code == 200
    data = {"language": "de"}
    for outcome in letters.OUTCOMES:
        subject, body = letters.default_text(outcome, "de")
        data[f"{outcome}_subject"], data[f"{outcome}_body"] = subject, body
    data["approved_body"] = "Hallo {{ applicant_name }}, {{ project_title }} erhält {{ amount }}."
    assert client.post(url, data).status_code == 302
    bad = dict(data, approved_body="{{ applicant.password }} {% debug %}")
    response = client.post(url, bad)
    assert response.status_code == 400 and b"no tags" in response.content
    bad = dict(data, approved_body="{{ applicant.password }}")
    assert b"Unknown placeholder" in client.post(url, bad).content

    german = make_user("antrag-de@example.org", preferred_language="de", full_name="Greta Berger")
    Application.objects.filter(pk=a.pk).update(applicant=german, decision="approved",
                                               granted_amount=Decimal("40000"))
    a.refresh_from_db()
    text = letters.letter_for(a, reason="")
    assert text.language == "de" and text.body.startswith("Hallo Greta Berger") and "40.000,00" in text.body
    # an Italian applicant gets the built-in default in Italian? no: the managers' text comes first
    italian = make_user("domanda-it@example.org", preferred_language="it")
    Application.objects.filter(pk=a.pk).update(applicant=italian)
    a.refresh_from_db()
    assert letters.letter_for(a, reason="").language == "de"
    assert AuditEntry.objects.filter(action="asis.letter_template.changed").count() == 1


def test_default_letters_render_without_templates(world):
    call, (a, _b, _c), _e = _decided_call(world)
    Application.objects.filter(pk=a.pk).update(decision="rejected")
    a.refresh_from_db()
    text = letters.letter_for(a, reason="<b>not</b> funded")
    assert text.language == "en" and "<b>not</b> funded" in text.body and a.title in text.body


def test_funded_list_is_open_data(world):
    call, (a, b, c), _e = _decided_call(world)
    decisions_record(actor=world.users["manager"], call=call, items=[
        DecisionInput(a.pk, "approved", Decimal("50000")), DecisionInput(b.pk, "rejected"),
        DecisionInput(c.pk, "rejected")])
    decisions_send(actor=world.users["manager"], call=call)
    client = world.client_for("anonymous")
    page = client.get(reverse("calls:funded_list"))
    assert page.status_code == 200 and a.title.encode() in page.content and b.title.encode() not in page.content
    response = client.get(reverse("calls:funded_export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("id,title,organisation,region") and "CC-BY-4.0" in body
    assert response["X-License"] == "CC-BY-4.0"
    data = client.get(reverse("calls:funded_export", args=["json"])).json()
    assert data["licence"] == "CC-BY-4.0" and data["items"][0]["amount_eur"] == "50000.00"


def test_decisions_page_is_paginated_and_saves_only_its_page(world, django_assert_max_num_queries):
    from tests.calls.helpers import make_application, make_call

    call = make_call(world.org, phase="evaluation", budget=Decimal("10000000"))
    apps = [make_application(call, world.users["project_holder"], world.org) for _ in range(105)]
    client = world.client_for("manager")
    url = reverse("calls:decisions", args=[call.pk])
    with django_assert_max_num_queries(20):
        first = client.get(url).content.decode()
    assert first.count('name="outcome-') == 100 and "Page 1 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('name="outcome-') == 5
    last_five = sorted(apps, key=lambda a: a.reference)[100:]
    data = {"page": "2", **{f"outcome-{a.pk}": "rejected" for a in last_five},
            **{f"reason-{a.pk}": "Outside the priorities." for a in last_five}}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    assert Application.objects.filter(call=call, decision="rejected").count() == 5
    assert Application.objects.filter(call=call, decision="").count() == 100
