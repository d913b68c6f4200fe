"""Applications: start, edit, autosave, co-applicants, partners, submission, withdrawal, tenancy, bad input."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from asis.calls.models import Application, ApplicationPartner, CoApplicant, Notification
from asis.core.models import AuditEntry
from asis.regions.models import Region
from tests.calls.helpers import make_application, make_call
from tests.conftest import make_user

COMPLETE = {
    "budget_lines": [{"category": "personnel", "description": "Coordinator", "amount": "60000"},
                     {"category": "travel", "description": "Visits", "amount": "40000"}],
    "logic_model": {"problem": "Villages empty", "activities": "Care network", "outputs": "10 helpers",
                    "outcomes": "Elderly stay home", "impact": "Living villages",
                    "indicators": [{"name": "People served", "unit": "persons", "baseline": "0", "target": "50"}]},
}


DECLARED = {"declaration": "on"}  # the applicant ticked the declaration on the final review page


def complete_draft(world, call=None, **fields):
    call = call or make_call(world.org, phase="open")
    return make_application(call, world.users["project_holder"], world.org, submitted=False,
                            **{**COMPLETE, **fields})


def form_data(application, **changes):
    """What the edit form posts for a complete application."""
    data = {
        "title": application.title, "summary": "A project for the tests.", "original_language": "en",
        "region": Region.objects.get(code="AT33").pk, "requested_amount": "50000", "total_cost": "100000",
        "problem": "Villages empty", "activities": "Care network", "outputs": "10 helpers",
        "outcomes": "Elderly stay home", "impact": "Living villages",
        "budget-0-category": "personnel", "budget-0-description": "Coordinator", "budget-0-amount": "60000",
        "budget-1-category": "travel", "budget-1-description": "Visits", "budget-1-amount": "40000",
        "indicator-0-name": "People served", "indicator-0-unit": "persons", "indicator-0-baseline": "0",
        "indicator-0-target": "50",
    }
    data.update(changes)
    return data


# --- start ---------------------------------------------------------------------------------------

def test_start_creates_a_draft_with_a_reference(world):
    call = make_call(world.org, phase="open")
    holder = world.client_for("project_holder")
    page = holder.get(reverse("calls:application_start", args=[call.pk]))
    assert world.org.name in page.content.decode()
    response = holder.post(reverse("calls:application_start", args=[call.pk]), {"organisation": world.org.pk})
    application = Application.objects.get()
    assert response["Location"] == reverse("calls:application_edit", args=[application.pk])
    assert re.fullmatch(rf"C{call.pk}-\d{{5}}", application.reference)
    assert application.applicant == world.users["project_holder"]
    assert application.status == Application.Status.DRAFT
    assert AuditEntry.objects.filter(action="asis.application.created").count() == 1


def test_user_without_organisation_is_told_to_join_one(world, client):
    call = make_call(world.org, phase="open")
    client.force_login(make_user("lonely@example.org"))
    page = client.get(reverse("calls:application_start", args=[call.pk])).content.decode()
    assert "not a member of any" in page
    client.post(reverse("calls:application_start", args=[call.pk]), {"organisation": world.org.pk})
    assert not Application.objects.exists()


def test_cannot_apply_for_another_organisation(world):
    call = make_call(world.org, phase="open")
    response = world.client_for("project_holder").post(reverse("calls:application_start", args=[call.pk]),
                                                       {"organisation": world.other_org.pk})
    assert response.status_code == 400
    assert not Application.objects.exists()


@pytest.mark.parametrize("phase", ["announced", "evaluation"])
def test_start_only_while_open(world, phase):
    call = make_call(world.org, phase=phase)
    world.client_for("project_holder").post(reverse("calls:application_start", args=[call.pk]),
                                            {"organisation": world.org.pk})
    assert not Application.objects.exists()


def test_draft_call_is_404(world):
    call = make_call(world.org, phase="draft")
    assert world.client_for("project_holder").get(
        reverse("calls:application_start", args=[call.pk])).status_code == 404


# --- edit, autosave --------------------------------------------------------------------------------

def test_edit_saves_every_section(world):
    application = complete_draft(world, budget_lines=[], logic_model={})
    holder = world.client_for("project_holder")
    assert holder.get(reverse("calls:application_edit", args=[application.pk])).status_code == 200
    response = holder.post(reverse("calls:application_edit", args=[application.pk]), form_data(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.budget_lines == COMPLETE["budget_lines"]
    assert application.logic_model == COMPLETE["logic_model"]
    assert application.requested_amount == Decimal("50000")
    assert AuditEntry.objects.filter(action="asis.application.changed").count() == 1


def test_autosave_answers_saved_at(world):
    application = complete_draft(world)
    response = world.client_for("project_holder").post(
        reverse("calls:application_autosave", args=[application.pk]), form_data(application, title="New title"))
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    application.refresh_from_db()
    assert application.title == "New title"


def test_autosave_reports_errors_and_saves_nothing(world):
    application = complete_draft(world)
    response = world.client_for("project_holder").post(
        reverse("calls:application_autosave", args=[application.pk]),
        form_data(application, title="Changed", requested_amount="150000"))
    text = response.content.decode()
    assert "Not saved" in text and "between" in text
    application.refresh_from_db()
    assert application.title != "Changed"


def test_custom_questions_are_saved_and_required_at_submission(world):
    call = make_call(world.org, phase="open", custom_questions=[
        {"id": "jobs", "label": "How many jobs?", "kind": "number", "required": True},
        {"id": "pilot", "label": "Pilot before?", "kind": "yes_no", "required": False}])
    application = complete_draft(world, call=call)
    holder = world.client_for("project_holder")
    holder.post(reverse("calls:application_submit", args=[application.pk]), DECLARED)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    holder.post(reverse("calls:application_edit", args=[application.pk]),
                form_data(application, q_jobs="3", q_pilot="yes"))
    application.refresh_from_db()
    assert application.answers == {"jobs": "3", "pilot": "yes"}
    holder.post(reverse("calls:application_submit", args=[application.pk]), DECLARED)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_requested_above_max_grant_is_refused(world):
    application = complete_draft(world)
    response = world.client_for("project_holder").post(reverse("calls:application_edit", args=[application.pk]),
                                                       form_data(application, requested_amount="150000",
                                                                 total_cost="300000", title="Other"))
    assert response.status_code == 400
    assert "The requested grant must be between" in response.content.decode()
    application.refresh_from_db()
    assert application.requested_amount == Decimal("50000") and application.title != "Other"


def test_cofunding_rate_is_enforced(world):
    application = complete_draft(world)  # rate 80 %
    response = world.client_for("project_holder").post(reverse("calls:application_edit", args=[application.pk]),
                                                       form_data(application, requested_amount="90000"))
    assert response.status_code == 400
    assert "at most 80 %" in response.content.decode()


def test_region_outside_the_call_is_refused(world):
    call = make_call(world.org, phase="open")
    call.eligible_regions.set([Region.objects.get(code="AT33")])
    application = complete_draft(world, call=call)
    other = Region.objects.get(code="FRK2")
    response = world.client_for("project_holder").post(reverse("calls:application_edit", args=[application.pk]),
                                                       form_data(application, region=other.pk))
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.region.code == "AT33"


def test_budget_sum_must_match_total_cost(world):
    application = complete_draft(world, budget_lines=[{"category": "Staff", "description": "", "amount": "90000"}])
    world.client_for("project_holder").post(reverse("calls:application_submit", args=[application.pk]), DECLARED)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    page = world.client_for("project_holder").get(reverse("calls:application_edit", args=[application.pk]))
    assert "add up to" in page.content.decode()


def test_submission_lists_every_missing_item(world):
    call = make_call(world.org, phase="open")
    application = make_application(call, world.users["project_holder"], world.org, submitted=False)
    Application.objects.filter(pk=application.pk).update(summary="")
    holder = world.client_for("project_holder")
    response = holder.post(reverse("calls:application_submit", args=[application.pk]), DECLARED, follow=True)
    text = response.content.decode()
    for expected in ("The summary is missing.", "The budget table has no line.", "the problem part is missing",
                     "name at least one indicator"):
        assert expected in text
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


# --- co-applicants and partners --------------------------------------------------------------------

def test_co_applicant_can_edit(world):
    application = complete_draft(world)
    holder = world.client_for("project_holder")
    response = holder.post(reverse("calls:application_co_applicant_add", args=[application.pk]),
                           {"email": "member@example.org"})
    assert response.status_code == 302
    assert CoApplicant.objects.filter(application=application, user=world.users["member"]).exists()
    assert Notification.objects.filter(kind="application_co_applicant").count() == 1
    member = world.client_for("member")
    assert member.get(reverse("calls:application_edit", args=[application.pk])).status_code == 200
    member.post(reverse("calls:application_autosave", args=[application.pk]), form_data(application, title="By co"))
    application.refresh_from_db()
    assert application.title == "By co"
    assert application in Application.objects.filter(co_applicants__user=world.users["member"])
    page = member.get(reverse("calls:my_applications")).content.decode()
    assert application.reference in page


def test_unknown_co_applicant_email_is_a_field_error(world):
    application = complete_draft(world)
    response = world.client_for("project_holder").post(
        reverse("calls:application_co_applicant_add", args=[application.pk]), {"email": "nobody@example.org"})
    assert response.status_code == 400
    assert "No account uses this e-mail address" in response.content.decode()


def test_partner_add_and_remove(world):
    application = complete_draft(world)
    holder = world.client_for("project_holder")
    holder.post(reverse("calls:application_partner_add", args=[application.pk]),
                {"organisation": world.other_org.pk, "role": "Pilot site"})
    partner = ApplicationPartner.objects.get(application=application)
    assert partner.role == "Pilot site"
    response = holder.post(reverse("calls:application_partner_add", args=[application.pk]),
                           {"organisation": world.org.pk})
    assert response.status_code == 400  # the lead cannot be its own partner
    holder.post(reverse("calls:application_partner_remove", args=[application.pk, partner.pk]))
    assert not ApplicationPartner.objects.exists()


def test_tampered_ids_of_another_application_change_nothing(world):
    mine = complete_draft(world)
    theirs = make_application(mine.call, world.users["manager"], world.org, submitted=False)
    link = CoApplicant.objects.create(application=theirs, user=world.users["member"])
    partner = ApplicationPartner.objects.create(application=theirs, organisation=world.other_org)
    holder = world.client_for("project_holder")
    holder.post(reverse("calls:application_co_applicant_remove", args=[mine.pk, link.pk]))
    holder.post(reverse("calls:application_partner_remove", args=[mine.pk, partner.pk]))
    assert CoApplicant.objects.filter(pk=link.pk).exists()
    assert ApplicationPartner.objects.filter(pk=partner.pk).exists()
    # and the other application itself is out of reach
    assert holder.post(reverse("calls:application_autosave", args=[theirs.pk]),
                       form_data(theirs)).status_code == 404
    assert holder.post(reverse("calls:application_submit", args=[theirs.pk]), DECLARED).status_code == 404


# --- tenancy ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["member", "evaluator", "other_manager", "manager"])
def test_others_get_404_on_applicant_pages(world, role):
    application = complete_draft(world)
    client = world.client_for(role)
    for name in ("calls:application_edit", "calls:application_detail"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 404
    assert client.post(reverse("calls:application_autosave", args=[application.pk]),
                       form_data(application)).status_code == 404


def test_other_tenant_manager_gets_404(world):
    application = make_application(make_call(world.org), world.users["project_holder"], world.org)
    other = world.client_for("other_manager")
    assert other.get(reverse("calls:manage_application", args=[application.pk])).status_code == 404
    assert other.get(reverse("calls:manage_applications", args=[application.call_id])).status_code == 404


# --- submission -------------------------------------------------------------------------------------

def test_submit_sets_time_digest_audit_and_mails_a_receipt(world):
    application = complete_draft(world)
    holder = world.client_for("project_holder")
    response = holder.post(reverse("calls:application_submit", args=[application.pk]), DECLARED)
    assert response["Location"] == reverse("calls:application_detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    assert re.fullmatch(r"[0-9a-f]{64}", application.receipt_digest)
    from asis.calls.apply.services import application_content, content_digest

    assert content_digest(application_content(application)) == application.receipt_digest
    assert len(mail.outbox) == 1
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert application.reference in mail.outbox[0].subject
    # read-only afterwards
    edit = holder.get(reverse("calls:application_edit", args=[application.pk]))
    assert edit["Location"] == reverse("calls:application_detail", args=[application.pk])
    before = application.title
    holder.post(reverse("calls:application_autosave", args=[application.pk]), form_data(application, title="Late"))
    application.refresh_from_db()
    assert application.title == before
    detail = holder.get(reverse("calls:application_detail", args=[application.pk])).content.decode()
    assert application.receipt_digest in detail


def test_double_submission_is_idempotent(world):
    application = complete_draft(world)
    holder = world.client_for("project_holder")
    holder.post(reverse("calls:application_submit", args=[application.pk]), DECLARED)
    application.refresh_from_db()
    first = application.submitted_at
    response = holder.post(reverse("calls:application_submit", args=[application.pk]), DECLARED, follow=True)
    assert "already submitted at" in response.content.decode()
    application.refresh_from_db()
    assert application.submitted_at == first
    assert AuditEntry.objects.filter(action="asis.application.submitted").count() == 1
    assert Notification.objects.filter(kind="application_submitted").count() == 1
    assert len(mail.outbox) == 1


def test_submission_after_the_deadline_is_refused_and_the_draft_kept(world, monkeypatch):
    application = complete_draft(world)
    call = application.call
    later = call.closes_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = world.client_for("project_holder").post(reverse("calls:application_submit", args=[application.pk]), DECLARED,
                                                       follow=True)
    text = response.content.decode()
    assert "The call closed at" in text and "(Europe/Vienna)" in text
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT and application.submitted_at is None
    assert not AuditEntry.objects.filter(action="asis.application.submitted").exists()


def test_closed_call_draft_is_read_only(world):
    call = make_call(world.org, phase="evaluation")
    application = make_application(call, world.users["project_holder"], world.org, submitted=False, **COMPLETE)
    holder = world.client_for("project_holder")
    assert holder.get(reverse("calls:application_edit", args=[application.pk])).status_code == 302
    holder.post(reverse("calls:application_submit", args=[application.pk]), DECLARED)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


# --- withdrawal --------------------------------------------------------------------------------------

def test_withdrawal_with_confirmation(world):
    application = make_application(make_call(world.org), world.users["project_holder"], world.org)
    holder = world.client_for("project_holder")
    page = holder.get(reverse("calls:application_withdraw", args=[application.pk]))
    assert "Yes, withdraw the application" in page.content.decode()
    holder.post(reverse("calls:application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN and application.withdrawn_at
    assert AuditEntry.objects.filter(action="asis.application.withdrawn").count() == 1
    assert Notification.objects.filter(kind="application_withdrawn", application=application).count() == 1
    holder.post(reverse("calls:application_withdraw", args=[application.pk]))
    assert AuditEntry.objects.filter(action="asis.application.withdrawn").count() == 1


def test_no_withdrawal_after_a_decision(world):
    call = make_call(world.org, phase="decided")
    application = make_application(call, world.users["project_holder"], world.org, decision="approved")
    world.client_for("project_holder").post(reverse("calls:application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_my_applications_lists_status(world, django_assert_max_num_queries):
    call = make_call(world.org)
    for _ in range(4):
        make_application(call, world.users["project_holder"], world.org)
    client = world.client_for("project_holder")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("calls:my_applications"))
    assert page.content.decode().count("Submitted") >= 4


def test_applicant_never_sees_evaluators(world):
    from tests.calls.helpers import assign, make_evaluator, score_review

    application = make_application(make_call(world.org), world.users["project_holder"], world.org)
    score_review(assign(make_evaluator(application.call, world.users["evaluator"]), application), {"newness": 4})
    page = world.client_for("project_holder").get(reverse("calls:application_detail", args=[application.pk]))
    text = page.content.decode()
    assert "evaluator@example.org" not in text and "Evaluator" not in text


def test_reference_is_unique_even_on_collision(world, monkeypatch):
    from asis.calls.apply import services as applications

    call = make_call(world.org, phase="open")
    draws = iter([f"C{call.pk}-00001", f"C{call.pk}-00001", f"C{call.pk}-00002"])
    monkeypatch.setattr(applications, "_new_reference", lambda c: next(draws))
    user = world.users["project_holder"]
    a = applications.application_start(actor=user, call=call, organisation=world.org)
    b = applications.application_start(actor=user, call=call, organisation=world.org)
    assert (a.reference, b.reference) == (f"C{call.pk}-00001", f"C{call.pk}-00002")

