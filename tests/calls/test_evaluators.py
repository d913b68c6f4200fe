"""Evaluators: invitations, answers, removal; conflicts of interest (automatic, declared, manual)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asis.accounts.models import Membership, Role, User
from asis.calls.models import (
    ApplicationPartner,
    Assignment,
    Call,
    ConflictOfInterest,
    Evaluator,
    Notification,
    Review,
)
from asis.calls.review import evaluators as ev
from asis.core.models import AuditEntry
from tests.calls.helpers import assign, make_application, make_evaluator, score_review
from tests.calls.review_fixtures import evaluator_user, scenario
from tests.conftest import make_org

pytestmark = pytest.mark.django_db


def _evaluators_url(call):
    return reverse("calls:manage_evaluators", kwargs={"call_id": call.pk})


def test_invite_external_expert_creates_account_and_mails_links(world):
    s = scenario(world)
    client = world.client_for("manager")
    response = client.post(_evaluators_url(s["call"]), {"email": "Expert@Example.ORG", "full_name": "Eva Expert",
                                                         "external": "on", "capacity": "5"})
    assert response.status_code == 302
    user = User.objects.get(email="expert@example.org")
    assert not user.has_usable_password()
    evaluator = Evaluator.objects.get(call=s["call"], user=user)
    assert evaluator.external and evaluator.capacity == 5 and evaluator.status == Evaluator.Status.INVITED
    mail = Notification.objects.get(kind="evaluator_invited")
    assert "/password-reset/" in mail.body
    assert reverse("calls:invitation", kwargs={"call_id": s["call"].pk}) in mail.body
    assert AuditEntry.objects.filter(action="asis.evaluator.invited").count() == 1


def test_invite_existing_user_without_password_link_and_refuses_duplicates(world):
    s = scenario(world)
    client = world.client_for("manager")
    client.post(_evaluators_url(s["call"]), {"email": world.users["member"].email})
    assert Evaluator.objects.filter(call=s["call"], user=world.users["member"]).exists()
    assert "/password-reset/" not in Notification.objects.get(kind="evaluator_invited").body
    again = client.post(_evaluators_url(s["call"]), {"email": world.users["member"].email})
    assert again.status_code == 400
    assert "already an evaluator" in again.content.decode()


@pytest.mark.parametrize("data", [{"email": "not-an-address"}, {"email": "a@example.org", "capacity": "-1"},
                                  {"email": "a@example.org", "capacity": "many"}])
def test_invite_bad_input_is_a_field_error(world, data):
    s = scenario(world)
    before = Evaluator.objects.count()
    response = world.client_for("manager").post(_evaluators_url(s["call"]), data)
    assert response.status_code == 400
    assert Evaluator.objects.count() == before
    assert not User.objects.filter(email="a@example.org").exists()


def test_invitation_answer(world):
    s = scenario(world)
    user = evaluator_user("invited@example.org")
    make_evaluator(s["call"], user, status=Evaluator.Status.INVITED)
    client = world.client_for("member")
    client.force_login(user)
    url = reverse("calls:invitation", kwargs={"call_id": s["call"].pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": "maybe"}).status_code == 200
    assert client.post(url, {"answer": "accept"}).status_code == 302
    assert Evaluator.objects.get(user=user).status == Evaluator.Status.ACCEPTED
    assert AuditEntry.objects.filter(action="asis.evaluator.accepted").count() == 1
    client.post(url, {"answer": "decline"})
    assert Evaluator.objects.get(user=user).status == Evaluator.Status.DECLINED


def test_remove_evaluator_only_without_reviews(world):
    s = scenario(world)
    client = world.client_for("manager")
    remove = reverse("calls:evaluator_remove", kwargs={"call_id": s["call"].pk, "evaluator_id": s["second"].pk})
    score_review(s["second_assignment"], {"social_need": 3}, submit=False)
    client.post(remove)
    assert Evaluator.objects.filter(pk=s["second"].pk).exists()
    Review.objects.all().delete()
    client.post(remove)
    assert not Evaluator.objects.filter(pk=s["second"].pk).exists()
    assert not Assignment.objects.filter(evaluator_id=s["second"].pk).exists()
    assert AuditEntry.objects.filter(action="asis.evaluator.removed").count() == 1


def test_other_tenant_cannot_manage(world):
    s = scenario(world)
    client = world.client_for("other_manager")
    assert client.get(_evaluators_url(s["call"])).status_code == 404
    assert client.post(_evaluators_url(s["call"]), {"email": "x@example.org"}).status_code == 404
    assert not Evaluator.objects.filter(user__email="x@example.org").exists()


def test_conflicts_detect_same_partner_and_regional(world):
    s = scenario(world)
    call, application = s["call"], s["application"]
    member = evaluator_user("member.of.lead@example.org", s["lead"])
    partner_org = make_org("Partner GmbH", "AT33")
    ApplicationPartner.objects.create(application=application, organisation=partner_org)
    partner_member = evaluator_user("partner@example.org", partner_org)
    regional = evaluator_user("regional@example.org", make_org("Same region office", "AT33"))
    national = evaluator_user("national@example.org", make_org("Vienna office", "AT13"))
    foreign = evaluator_user("foreign@example.org", make_org("Lyon office", "FRK2"))
    for user in (member, partner_member, regional, national, foreign):
        make_evaluator(call, user)
    assign(Evaluator.objects.get(user=member), application)

    counts = ev.conflicts_detect(call=call, actor=world.users["manager"])
    types = dict(ConflictOfInterest.objects.values_list("evaluator__user__email", "type"))
    assert types["member.of.lead@example.org"] == ConflictOfInterest.Type.SAME_ORGANISATION
    assert types["partner@example.org"] == ConflictOfInterest.Type.PARTNER_ORGANISATION
    assert "regional@example.org" not in types  # the call has no regional rule
    assert counts["assignments_removed"] == 1
    assert not Assignment.objects.filter(evaluator__user=member).exists()

    Call.objects.filter(pk=call.pk).update(regional_conflict_rule=Call.RegionalConflictRule.SAME_REGION)
    call.refresh_from_db()
    ev.conflicts_detect(call=call)
    types = dict(ConflictOfInterest.objects.values_list("evaluator__user__email", "type"))
    assert types["regional@example.org"] == ConflictOfInterest.Type.REGIONAL
    assert "national@example.org" not in types

    Call.objects.filter(pk=call.pk).update(regional_conflict_rule=Call.RegionalConflictRule.SAME_COUNTRY)
    call.refresh_from_db()
    ev.conflicts_detect(call=call)
    types = dict(ConflictOfInterest.objects.values_list("evaluator__user__email", "type"))
    assert types["national@example.org"] == ConflictOfInterest.Type.REGIONAL
    assert "foreign@example.org" not in types

    Call.objects.filter(pk=call.pk).update(regional_conflict_rule=Call.RegionalConflictRule.NONE)
    call.refresh_from_db()
    counts = ev.conflicts_detect(call=call)
    # regional, national and the world's evaluator (a member of an AT33 organisation)
    assert counts["removed"] == 3, "regional conflicts go when the rule is lifted"
    assert AuditEntry.objects.filter(action="asis.conflicts.detected").count() == 4


def test_declared_conflict_removes_assignment_or_flags_submitted_review(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    url = reverse("calls:declare_conflict", kwargs={"application_id": s["application"].pk})
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "My cousin leads the project."}).status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert conflict.type == ConflictOfInterest.Type.DECLARED
    assert not Assignment.objects.filter(pk=s["assignment"].pk).exists()
    assert AuditEntry.objects.filter(action="asis.assignment.removed").count() == 1
    # the second evaluator already submitted: the assignment stays, flagged for the manager
    score_review(s["second_assignment"], {"social_need": 3})
    ev.conflict_record(actor=world.users["manager"], evaluator=s["second"], application=s["application"],
                       note="Former employer.")
    assert Assignment.objects.filter(pk=s["second_assignment"].pk).exists()
    assert [x.pk for x in ev.flagged_conflicts(s["call"])] == [s["second_assignment"].pk]
    page = world.client_for("manager").get(_evaluators_url(s["call"])).content.decode()
    assert "submitted before a conflict of interest was recorded" in page


def test_declare_shows_title_only_and_hides_identity_when_blind(world):
    s = scenario(world, blind=True)
    other = make_application(s["call"], world.users["project_holder"], s["lead"], title="Unassigned idea")
    client = world.client_for("evaluator")
    listing = client.get(reverse("calls:review_list")).content.decode()
    assert "Unassigned idea" in listing
    html = client.get(reverse("calls:declare_conflict", kwargs={"application_id": other.pk})).content.decode()
    assert "Unassigned idea" in html
    assert "Applicant Verein Sichtbar" not in html and "Applicant Verein Sichtbar" not in listing


def test_manual_conflict_needs_note_and_is_refused_for_assignment(world):
    s = scenario(world)
    client = world.client_for("manager")
    url = reverse("calls:conflict_record", kwargs={"call_id": s["call"].pk})
    data = {"evaluator": s["evaluator"].pk, "application": s["application"].pk, "note": ""}
    assert client.post(url, data).status_code == 400
    assert client.post(url, {**data, "note": "Board member."}).status_code == 302
    assert ConflictOfInterest.objects.get().type == ConflictOfInterest.Type.MANUAL
    assert client.post(url, {**data, "note": "Again."}).status_code == 400
    conflict = ConflictOfInterest.objects.get()
    client.post(reverse("calls:conflict_remove", kwargs={"conflict_id": conflict.pk}))
    assert not ConflictOfInterest.objects.exists()
    assert AuditEntry.objects.filter(action="asis.conflict.removed").count() == 1


def test_manage_evaluators_page_lists_load(world, django_assert_max_num_queries):
    s = scenario(world)
    for n in range(4):
        make_evaluator(s["call"], evaluator_user(f"extra{n}@example.org"))
    Membership.objects.get_or_create(user=world.users["evaluator"], organisation=world.org, role=Role.EVALUATOR)
    with django_assert_max_num_queries(31):  # 30 + the header's role links and unread count (one query)
        page = world.client_for("manager").get(_evaluators_url(s["call"]))
    assert page.status_code == 200
    assert "extra3@example.org" in page.content.decode()


def test_large_calls_take_the_application_by_reference(world, monkeypatch):
    from asis.calls.review import forms as forms_review

    s = scenario(world)
    monkeypatch.setattr(forms_review, "SELECT_LIMIT", 0)
    form = forms_review.ConflictRecordForm({"evaluator": s["evaluator"].pk, "application": s["application"].reference,
                                            "note": "Former colleague"}, call=s["call"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["application"] == s["application"]
    wrong = forms_review.ConflictRecordForm({"evaluator": s["evaluator"].pk, "application": "NOPE-1", "note": "x"},
                                            call=s["call"])
    assert not wrong.is_valid() and "has this reference" in str(wrong.errors["application"])
