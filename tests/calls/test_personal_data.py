"""A person's funding-call data is in their GDPR export and is erased with their account."""

from __future__ import annotations

from asis.accounts.services import user_anonymise, user_personal_data
from asis.calls.models import Application, Notification, SelfAssessment
from asis.calls.notifications import notify
from tests.calls.helpers import assign, make_application, make_call, make_evaluator, score_review


def test_export_lists_applications_reviews_and_emails(world):
    holder, evaluator = world.users["project_holder"], world.users["evaluator"]
    call = make_call(world.org, phase="evaluation")
    application = make_application(call, holder, world.org, title="Village care hub")
    score_review(assign(make_evaluator(call, evaluator), application), {"newness": 4})
    notify(kind="application_submitted", user=holder, call=call, application=application,
           context={"submitted_local": "now", "digest": "0" * 64})
    SelfAssessment.objects.create(project_title="Care hub check", answers={"newness": 3}, user=holder)

    data = user_personal_data(user=holder)
    assert [a["reference"] for a in data["applications"]] == [application.reference]
    assert data["notifications"][0]["kind"] == "application_submitted"
    assert data["self_assessments"][0]["project_title"] == "Care hub check"
    assert data["reviews"] == []
    review = user_personal_data(user=evaluator)["reviews"]
    assert review[0]["application"] == application.reference and review[0]["scores"] == {"newness": "4.00"}


def test_anonymising_erases_addresses_and_keeps_the_funding_record(world):
    holder = world.users["project_holder"]
    call = make_call(world.org)
    application = make_application(call, holder, world.org)
    notify(kind="application_submitted", user=holder, call=call, application=application,
           context={"submitted_local": "now", "digest": "0" * 64})
    assessment = SelfAssessment.objects.create(project_title="Mine", answers={}, user=holder)

    user_anonymise(user=holder, actor=holder)

    note = Notification.objects.get()
    assert note.email == "" and note.body == ""
    assessment.refresh_from_db()
    assert assessment.user is None
    assert Application.objects.filter(pk=application.pk, applicant=holder).exists()


def test_retention_purges_old_anonymous_self_assessments_only(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from asis.accounts.services import retention_purge

    settings.ASIS_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    anonymous_old = SelfAssessment.objects.create(project_title="old", answers={})
    owned_old = SelfAssessment.objects.create(project_title="owned", answers={}, user=world.users["project_holder"])
    used_old = SelfAssessment.objects.create(project_title="used", answers={})
    make_application(make_call(world.org), world.users["project_holder"], world.org, self_assessment=used_old)
    recent = SelfAssessment.objects.create(project_title="recent", answers={})
    SelfAssessment.objects.filter(pk__in=[anonymous_old.pk, owned_old.pk, used_old.pk]).update(created_at=old)

    assert retention_purge()["self_assessments"] == 1
    assert set(SelfAssessment.objects.values_list("pk", flat=True)) == {owned_old.pk, used_old.pk, recent.pk}
