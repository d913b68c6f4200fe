"""Eligibility screening by the call's managers: checklist, reason, audit, notification, list and filters."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from asis.calls.models import Application, EligibilityCheck, Notification
from asis.calls.review.eligibility import eligibility_record
from asis.core.models import AuditEntry
from tests.calls.helpers import make_application, make_call


@pytest.fixture
def submitted(world):
    return make_application(make_call(world.org), world.users["project_holder"], world.org)


def _screen(world, application, **data):
    return world.client_for("manager").post(reverse("calls:manage_application", args=[application.pk]), data)


def test_screening_records_notifies_and_audits(world, submitted):
    applicant = world.users["project_holder"]
    applicant.preferred_language = "de"
    applicant.save()
    response = _screen(world, submitted, item_region="yes", item_cofunding="no", outcome="ineligible",
                       reason="The co-funding rate is exceeded.")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.eligibility == Application.Eligibility.INELIGIBLE
    check = EligibilityCheck.objects.get()
    assert check.results == {"region": True, "cofunding": False}
    assert check.checked_by == world.users["manager"]
    assert AuditEntry.objects.filter(action="asis.application.screened").count() == 1
    note = Notification.objects.get(kind="eligibility_decided")
    assert note.language == "de" and note.recipient == applicant
    assert "The co-funding rate is exceeded." in note.body
    assert len(mail.outbox) == 1
    # the applicant sees the outcome and the reason
    page = world.client_for("project_holder").get(reverse("calls:application_detail", args=[submitted.pk]))
    assert "The co-funding rate is exceeded." in page.content.decode()


def test_reason_required_when_an_item_fails(world, submitted):
    response = _screen(world, submitted, item_region="yes", item_cofunding="no", outcome="eligible", reason="")
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    assert not EligibilityCheck.objects.exists()
    assert not Notification.objects.exists()


def test_reason_required_when_ineligible(world, submitted):
    response = _screen(world, submitted, item_region="yes", item_cofunding="yes", outcome="ineligible")
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.eligibility == Application.Eligibility.PENDING


def test_eligible_without_reason(world, submitted):
    assert _screen(world, submitted, item_region="yes", item_cofunding="yes", outcome="eligible").status_code == 302
    submitted.refresh_from_db()
    assert submitted.eligibility == Application.Eligibility.ELIGIBLE


def test_every_item_must_be_answered(world, submitted):
    response = _screen(world, submitted, item_region="yes", outcome="eligible")
    assert response.status_code == 400
    assert not EligibilityCheck.objects.exists()


def test_service_refuses_a_partial_checklist(world, submitted):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        eligibility_record(actor=world.users["manager"], application=submitted, results={"region": True},
                           outcome="eligible", reason="")


def test_drafts_cannot_be_screened(world):
    draft = make_application(make_call(world.org), world.users["project_holder"], world.org, submitted=False)
    response = _screen(world, draft, item_region="yes", item_cofunding="yes", outcome="eligible")
    assert response.status_code == 404  # the managers do not see a draft its applicant did not share
    Application.objects.filter(pk=draft.pk).update(draft_shared_at=timezone.now())
    response = _screen(world, draft, item_region="yes", item_cofunding="yes", outcome="eligible")
    assert response.status_code == 400  # shared: read-only
    assert not EligibilityCheck.objects.exists()


@pytest.mark.parametrize("role", ["other_manager", "project_holder", "evaluator", "member"])
def test_only_managers_of_the_call_screen(world, submitted, role):
    response = world.client_for(role).post(reverse("calls:manage_application", args=[submitted.pk]),
                                           {"item_region": "yes", "item_cofunding": "yes", "outcome": "eligible"})
    assert response.status_code == 404
    assert not EligibilityCheck.objects.exists()


def test_list_filters_counts_and_query_bound(world, django_assert_max_num_queries):
    call = make_call(world.org)
    holder = world.users["project_holder"]
    for _ in range(3):
        make_application(call, holder, world.org)
    for _ in range(2):
        make_application(call, holder, world.org, eligibility=Application.Eligibility.ELIGIBLE)
    make_application(call, holder, world.org, submitted=False)
    client = world.client_for("manager")
    url = reverse("calls:manage_applications", args=[call.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["counts"] == {"total": 6, "draft": 1, "shared": 0, "submitted": 5, "withdrawn": 0,
                                      "pending": 3, "eligible": 2, "ineligible": 0}
    filtered = client.get(url, {"status": "submitted", "eligibility": "eligible"})
    assert len(filtered.context["applications"]) == 2
    bogus = client.get(url, {"status": "nonsense"})
    assert len(bogus.context["applications"]) == 5  # the draft is only counted
