"""The notification centre: written where e-mails go out, read in the reader's language, private,
marked read by POST only, and e-mail per kind on or off (security and letters always on)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

import asis
from asis.accounts.models import Organisation
from asis.calls.models import Application
from asis.calls.models import Notification as EmailLog
from asis.calls.notifications import notify
from asis.core.notify import notify_user
from asis.dashboard.inbox import email_preferences
from asis.dashboard.kinds import KINDS
from asis.dashboard.models import Notification, NotificationPreference
from asis.observatory.notifications import notify_initiative_decision, notify_organisation_decision
from tests.calls.helpers import make_application, make_call
from tests.observatory.contribute_helpers import make_initiative

pytestmark = pytest.mark.django_db


def _submitted(world) -> Application:
    call = make_call(world.org, phase="open", title="Village futures")
    return make_application(call, world.users["project_holder"], world.org)


def _page(client: Client, name: str = "dashboard:notifications", language: str = "en") -> str:
    with translation.override(language):
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_calls_email_also_lands_in_the_app_and_reads_in_the_readers_language(world):
    application = _submitted(world)
    notify(kind="application_submitted", user=application.applicant, call=application.call, application=application)
    assert len(mail.outbox) == 1
    row = Notification.objects.get(recipient=application.applicant)
    assert row.kind == "calls.application_submitted" and row.params["reference"] == application.reference
    assert "received" not in str(row.params)  # parameters, not English text, are stored
    client = world.client_for("project_holder")
    assert f"Application {application.reference} received" in _page(client)
    assert f"Antrag {application.reference} eingegangen" in _page(client, language="de")
    with translation.override("en"):
        assert reverse("calls:application_detail", args=[application.pk]) in _page(client)


def test_call_titles_are_shown_in_the_readers_language(world):
    call = make_call(world.org, phase="evaluation", title="Village futures")
    call.set_translation("de", "title", "Dorfzukunft")
    call.save()
    notify(kind="evaluator_invited", user=world.users["evaluator"], call=call, context={})
    html = _page(world.client_for("evaluator"), language="de")
    assert "Dorfzukunft" in html and "Village futures" not in html.split("<main", 1)[1]


def test_an_email_switched_off_is_not_sent_but_still_shown_in_the_app(world):
    application = _submitted(world)
    holder = application.applicant
    client = world.client_for("project_holder")
    keep = [k for k in email_preferences(holder) if k != "calls.application_submitted"]
    response = client.post(reverse("dashboard:notification_settings"), {"email": keep})
    assert response.status_code == 302
    assert email_preferences(holder)["calls.application_submitted"] is False
    notify(kind="application_submitted", user=holder, call=application.call, application=application)
    assert mail.outbox == []
    assert EmailLog.objects.get(kind="application_submitted").status == EmailLog.Status.SKIPPED
    assert Notification.objects.filter(recipient=holder, kind="calls.application_submitted").exists()
    notify(kind="application_withdrawn", user=holder, call=application.call, application=application)
    assert len(mail.outbox) == 1  # the other kinds stay on


@pytest.mark.parametrize("kind", ["accounts.two_factor", "accounts.login_unlock", "accounts.password_reset",
                                  "calls.decision_letter"])
def test_security_emails_and_letters_cannot_be_switched_off(world, kind):
    member = world.users["member"]
    client = world.client_for("member")
    client.post(reverse("dashboard:notification_settings"), {"email": [kind]})
    assert not NotificationPreference.objects.filter(user=member, kind=kind).exists()
    assert kind not in email_preferences(member)
    assert kind not in _page(client, "dashboard:notification_settings")  # no checkbox for it
    NotificationPreference.objects.create(user=member, kind=kind, email=False)  # even if forced
    assert notify_user(kind=kind, user=member, event="disabled", left=None) is True


def test_two_factor_and_password_reset_emails_are_recorded(world, client):
    member = world.users["member"]
    client.post(reverse("accounts:password_reset"), {"email": member.email})
    assert len(mail.outbox) == 1
    from asis.accounts import two_factor

    two_factor._notify(user=member, event="recovery_code_used", left=2)
    html = _page(world.client_for("member"))
    assert "A link to reset your password was sent to your e-mail address." in html
    assert "A recovery code was used to sign in to your ASIS account. 2 codes are left." in html


def test_observatory_decisions_are_recorded(world):
    member = world.users["member"]
    initiative = make_initiative(submitted_by=member, title="Shared village van", lead=world.org, status="published")
    notify_initiative_decision(initiative)
    organisation = Organisation.objects.create(name="New cooperative", type="ngo", country="AT",
                                               region=world.org.region, status="rejected", submitted_by=member)
    notify_organisation_decision(organisation)
    html = _page(world.client_for("member"))
    assert "Your initiative &quot;Shared village van&quot; is published" in html
    assert "The organisation &quot;New cooperative&quot; was not accepted" in html
    assert len(mail.outbox) == 2


def test_every_email_the_platform_sends_has_a_notification_kind():
    root = Path(asis.__file__).parent
    for app, folder in (("calls", root / "calls/templates/calls/email"),
                        ("observatory", root / "observatory/templates/observatory/email")):
        kinds = {p.name.removesuffix("_subject.txt") for p in folder.glob("*_subject.txt")}
        assert kinds and {f"{app}.{k}" for k in kinds} <= set(KINDS), app


def test_a_person_sees_only_their_own_notifications(world):
    mine = Notification.objects.create(recipient=world.users["member"], kind="accounts.password_reset")
    theirs = Notification.objects.create(recipient=world.users["manager"], kind="accounts.login_unlock")
    client = world.client_for("member")
    html = _page(client)
    assert "reset your password" in html and "confirm your browser" not in html
    response = client.post(reverse("dashboard:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post(reverse("dashboard:notification_read", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_read_needs_a_post_with_a_csrf_token(world):
    note = Notification.objects.create(recipient=world.users["member"], kind="accounts.password_reset")
    client = world.client_for("member")
    assert client.get(reverse("dashboard:notification_read", args=[note.pk])).status_code == 405
    assert client.get(reverse("dashboard:notification_read_all")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["member"])
    assert strict.post(reverse("dashboard:notification_read_all")).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_and_the_bell_count(world):
    member, manager = world.users["member"], world.users["manager"]
    for _ in range(3):
        Notification.objects.create(recipient=member, kind="accounts.password_reset")
    Notification.objects.create(recipient=manager, kind="accounts.password_reset")
    client = world.client_for("member")
    assert "3 unread notifications" in _page(client, "core:home")
    response = client.post(reverse("dashboard:notification_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=manager, read_at__isnull=True).count() == 1
    assert "unread notification" not in _page(client, "core:home")


def test_mark_read_goes_back_only_to_this_site(world):
    note = Notification.objects.create(recipient=world.users["member"], kind="accounts.password_reset")
    client = world.client_for("member")
    response = client.post(reverse("dashboard:notification_read", args=[note.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("dashboard:notifications")


def test_notifications_list_queries_do_not_grow(world, django_assert_max_num_queries):
    member = world.users["member"]
    call = make_call(world.org, phase="open")
    for n in range(25):
        Notification.objects.create(recipient=member, kind="calls.evaluator_invited",
                                    params={"call": call.pk, "call_title": call.title, "n": n})
    client = world.client_for("member")
    with django_assert_max_num_queries(10):
        _page(client)


def test_notifications_are_in_the_personal_data_export_and_erased_with_the_account(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from asis.accounts.services import retention_purge, user_anonymise, user_personal_data

    member, manager = world.users["member"], world.users["manager"]
    Notification.objects.create(recipient=member, kind="accounts.password_reset", params={})
    NotificationPreference.objects.create(user=member, kind="calls.application_submitted", email=False)
    data = user_personal_data(user=member)
    assert [n["kind"] for n in data["in_app_notifications"]] == ["accounts.password_reset"]
    assert data["notification_email_preferences"] == {"calls.application_submitted": False}
    old_read = Notification.objects.create(recipient=manager, kind="accounts.password_reset",
                                           read_at=timezone.now() - timedelta(days=400))
    unread = Notification.objects.create(recipient=manager, kind="accounts.password_reset")
    settings.ASIS_RETENTION_DAYS = 365
    assert retention_purge()["notifications"] == 1
    assert not Notification.objects.filter(pk=old_read.pk).exists() and Notification.objects.filter(pk=unread.pk).exists()
    user_anonymise(user=member, actor=member)
    assert not Notification.objects.filter(recipient=member).exists()
    assert not NotificationPreference.objects.filter(user=member).exists()
