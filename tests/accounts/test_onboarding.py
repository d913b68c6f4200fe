"""Organisation onboarding: sign-up with verification and consent, register, join, invite, manage.

The permission tests prove no leak between organisations: an administrator of one organisation
cannot see, answer, invite into or manage another; a member who is not an administrator cannot
answer requests; an organisation administrator cannot hand out staff roles.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from asis.accounts import onboarding, verification
from asis.accounts.models import Invitation, JoinRequest, Membership, Organisation, Role, User
from asis.core.models import AuditEntry
from asis.regions.models import Region
from tests.conftest import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Mails go out once the transaction commits; the test's own transaction never does, so the
    callbacks of the request run when this block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)

SIGNUP = "/en/accounts/signup/"
REGISTER = "/en/accounts/organisations/register/"


def _signup(client, email="new.person@example.org", language="de", **extra):
    data = {"email": email, "full_name": "Nora Neu", "preferred_language": language,
            "password1": "long-enough-passphrase", "password2": "long-enough-passphrase",
            "accept_terms": "on", "accept_privacy": "on", **extra}
    return client.post(SIGNUP, {k: v for k, v in data.items() if v is not None})


def _link(message):
    return re.search(r"https?://\S+", message.body).group(0).split("testserver", 1)[1]


def _register_data(name="Verein Neuland", **extra):
    region = Region.objects.get(code="AT33")
    return {"name": name, "type": Organisation.Type.NGO, "country": region.country, "region": region.pk,
            "address": "Dorfplatz 1\n6020 Innsbruck", "website": "verein-neuland.example.org",
            "original_language": "de", "description": "Wir helfen.", **extra}


def _admin_of(org, email="admin.a@example.org"):
    user = make_user(email)
    Membership.objects.create(user=user, organisation=org, role=Role.ORGANISATION_ADMIN)
    return user


def _client(client, user):
    client.force_login(user)
    return client


# --- sign-up, consent, verification ----------------------------------------------------------------

def test_signup_requires_consent_and_records_its_version_and_time(client, settings):
    settings.ASIS_TERMS_VERSION = "2026-12"
    refused = _signup(client, accept_terms=None, accept_privacy=None)
    assert refused.status_code == 400 and not User.objects.exists()
    assert _signup(client).status_code == 302
    user = User.objects.get()
    assert user.terms_version == "2026-12" and user.terms_accepted_at is not None
    assert not user.email_verified


def test_verification_link_is_mailed_in_the_users_language_and_confirms_the_address(client):
    _signup(client, language="de")
    user = User.objects.get()
    [message] = mail.outbox
    assert message.to == [user.email]
    link = _link(message)
    assert link.startswith("/de/accounts/verify/")  # rendered in German: the link has the German prefix
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].endswith("/accounts/get-started/")
    user.refresh_from_db()
    assert user.email_verified
    assert AuditEntry.objects.filter(action="asis.user.email_verified", object_id=str(user.pk)).count() == 1
    client.get(link)  # a second click (or a mail scanner first) does no harm and records nothing twice
    assert AuditEntry.objects.filter(action="asis.user.email_verified").count() == 1


def test_forged_expired_or_stale_links_do_not_verify(client, settings):
    _signup(client)
    user = User.objects.get()
    assert client.get("/en/accounts/verify/forged:token/").status_code == 400
    token = verification.verification_token(user)
    settings.ASIS_EMAIL_VERIFICATION_DAYS = 0
    assert client.get(f"/en/accounts/verify/{token}/").status_code == 400
    settings.ASIS_EMAIL_VERIFICATION_DAYS = 3
    User.objects.filter(pk=user.pk).update(email="other@example.org")  # the link names the old address
    assert client.get(f"/en/accounts/verify/{token}/").status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_resending_the_link_is_rate_limited(client):
    _signup(client)
    mail.outbox.clear()
    response = client.post("/en/accounts/verify-resend/")
    assert response.status_code == 302 and not mail.outbox  # the sign-up mail went out seconds ago
    from django.core.cache import cache

    cache.delete(f"asis:verify-sent:{User.objects.get().pk}")
    client.post("/en/accounts/verify-resend/")
    assert len(mail.outbox) == 1


def test_existing_and_admin_made_accounts_count_as_verified():
    from importlib import import_module

    from django.apps import apps

    assert make_user("factory@example.org").email_verified
    old = make_user("old@example.org")
    User.objects.filter(pk=old.pk).update(email_verified_at=None)
    import_module("asis.accounts.migrations.0005_onboarding").existing_users_verified(apps, None)
    old.refresh_from_db()
    assert old.email_verified_at == old.date_joined


def test_an_unverified_user_cannot_register_join_or_be_added(client):
    _signup(client)
    user = User.objects.get()
    page = client.post(REGISTER, _register_data())
    assert "confirm your e-mail address" in page.content.decode().lower()
    assert not Organisation.objects.filter(name="Verein Neuland").exists()
    other = make_org("Verein Alt")
    client.post(f"/en/accounts/organisations/{other.pk}/join/", {"message": "Hallo"})
    assert not JoinRequest.objects.exists()
    manager = make_user("pm@example.org")
    Membership.objects.create(user=manager, organisation=other, role=Role.PROGRAMME_MANAGER)
    added = _client(client, manager).post(f"/en/accounts/organisations/{other.pk}/members/add/",
                                          {"email": user.email, "role": Role.MEMBER})
    assert added.status_code == 400 and not Membership.objects.filter(user=user).exists()


# --- register a new organisation -------------------------------------------------------------------

def test_a_new_user_registers_an_organisation_becomes_its_admin_and_can_draft_at_once(client):
    """The break of issue 10: a self-registered user could not become a member of any organisation."""
    from tests.calls.helpers import make_call

    user = make_user("founder@example.org")
    client.force_login(user)
    response = client.post(REGISTER, _register_data())
    organisation = Organisation.objects.get(name="Verein Neuland")
    assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
    assert organisation.status == Organisation.Status.SUBMITTED and organisation.submitted_by == user
    assert organisation.address.startswith("Dorfplatz 1")
    assert Membership.objects.filter(user=user, organisation=organisation, role=Role.ORGANISATION_ADMIN).exists()
    assert {"asis.organisation.registered", "asis.membership.granted"} <= set(
        AuditEntry.objects.filter(organisation_id=organisation.pk).values_list("action", flat=True))
    call = make_call(make_org("Land Tirol"))
    started = client.post(f"/en/calls/{call.pk}/apply/", {"organisation": organisation.pk})
    assert started.status_code == 302 and "/edit/" in started["Location"]  # drafting waits for nobody


def test_registering_a_name_that_exists_in_the_country_says_to_join_it(client):
    make_org("Verein Neuland", "AT33")
    client.force_login(make_user("second@example.org"))
    response = client.post(REGISTER, _register_data())
    assert response.status_code == 400 and "Ask to join it instead" in response.content.decode()


def test_the_apply_page_offers_register_and_join_instead_of_the_observatory_form(client):
    from tests.calls.helpers import make_call

    call = make_call(make_org("Land Tirol"))
    client.force_login(make_user("nobody@example.org"))
    html = client.get(f"/en/calls/{call.pk}/apply/").content.decode()
    assert "/en/accounts/organisations/register/?next=" in html and "/en/accounts/organisations/join/" in html
    assert "/observatory/propose/organisation/" not in html


# --- join requests -----------------------------------------------------------------------------------

def test_join_request_is_mailed_to_the_admins_and_accepted_with_a_role(client, committed):
    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    User.objects.filter(pk=admin.pk).update(preferred_language="de")
    asker = make_user("asker@example.org")
    client.force_login(asker)
    found = client.get("/en/accounts/organisations/join/", {"q": "neuland"}).content.decode()
    assert "Verein Neuland" in found
    with committed():
        client.post(f"/en/accounts/organisations/{org.pk}/join/", {"message": "I run the youth group."})
        client.post(f"/en/accounts/organisations/{org.pk}/join/", {"message": "again"})  # no second request
    join_request = JoinRequest.objects.get()
    assert [m.to for m in mail.outbox] == [[admin.email]] and "I run the youth group." in mail.outbox[0].body
    assert "/de/accounts/organisations/" in mail.outbox[0].body
    mail.outbox.clear()

    admin_client = _client(client.__class__(), admin)
    page = admin_client.get(org.get_absolute_url()).content.decode()
    assert "asker@example.org" in page and "I run the youth group." in page
    with committed():
        admin_client.post(f"/en/accounts/organisations/{org.pk}/requests/{join_request.pk}/accept/",
                          {f"r{join_request.pk}-role": Role.PROJECT_HOLDER})
    assert Membership.objects.filter(user=asker, organisation=org, role=Role.PROJECT_HOLDER).exists()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED and join_request.decided_by == admin
    assert [m.to for m in mail.outbox] == [[asker.email]]
    assert AuditEntry.objects.filter(action="asis.membership.join_accepted", organisation_id=org.pk).exists()


def test_a_declined_request_mails_the_reason(client, committed):
    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    asker = make_user("asker@example.org")
    join_request = JoinRequest.objects.create(user=asker, organisation=org)
    client.force_login(admin)
    with committed():
        client.post(f"/en/accounts/organisations/{org.pk}/requests/{join_request.pk}/decline/",
                    {f"d{join_request.pk}-reason": "We do not know you."})
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=asker).exists()
    assert "We do not know you." in mail.outbox[-1].body and mail.outbox[-1].to == [asker.email]


def test_no_leak_between_organisations(client):
    org_a, org_b = make_org("Org A"), make_org("Org B", "ITH1")
    admin_a = _admin_of(org_a, "admin.a@example.org")
    _admin_of(org_b, "admin.b@example.org")
    request_b = JoinRequest.objects.create(user=make_user("asker@example.org"), organisation=org_b)
    client.force_login(admin_a)
    page_b = client.get(org_b.get_absolute_url())
    assert page_b.status_code == 404
    accept = client.post(f"/en/accounts/organisations/{org_b.pk}/requests/{request_b.pk}/accept/",
                         {f"r{request_b.pk}-role": Role.MEMBER})
    # the request of B through A's address is not found either
    through_a = client.post(f"/en/accounts/organisations/{org_a.pk}/requests/{request_b.pk}/accept/",
                            {f"r{request_b.pk}-role": Role.MEMBER})
    invite = client.post(f"/en/accounts/organisations/{org_b.pk}/invitations/",
                         {"email": "spy@example.org", "role": Role.MEMBER})
    assert accept.status_code == through_a.status_code == invite.status_code == 404
    request_b.refresh_from_db()
    assert request_b.status == JoinRequest.Status.PENDING and not Invitation.objects.exists()
    assert "asker@example.org" not in client.get(org_a.get_absolute_url()).content.decode()


def test_a_member_who_is_not_an_administrator_cannot_answer_requests_or_invite(client):
    org = make_org("Verein Neuland")
    _admin_of(org)
    holder = make_user("holder@example.org")
    Membership.objects.create(user=holder, organisation=org, role=Role.PROJECT_HOLDER)
    join_request = JoinRequest.objects.create(user=make_user("asker@example.org"), organisation=org)
    client.force_login(holder)
    assert "asker@example.org" not in client.get(org.get_absolute_url()).content.decode()
    assert client.post(f"/en/accounts/organisations/{org.pk}/requests/{join_request.pk}/accept/",
                       {f"r{join_request.pk}-role": Role.MEMBER}).status_code == 404
    assert client.post(f"/en/accounts/organisations/{org.pk}/invitations/",
                       {"email": "x@example.org", "role": Role.MEMBER}).status_code == 404
    with pytest.raises(PermissionDenied):  # the service refuses too, whoever calls it
        onboarding.join_request_accept(actor=holder, join_request=join_request, role=Role.MEMBER,
                                       absolute=lambda p: p)
    assert not Membership.objects.filter(user__email="asker@example.org").exists()


def test_an_organisation_admin_cannot_hand_out_staff_roles(client):
    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    join_request = JoinRequest.objects.create(user=make_user("asker@example.org"), organisation=org)
    client.force_login(admin)
    client.post(f"/en/accounts/organisations/{org.pk}/requests/{join_request.pk}/accept/",
                {f"r{join_request.pk}-role": Role.PROGRAMME_MANAGER})
    refused = client.post(f"/en/accounts/organisations/{org.pk}/invitations/",
                          {"email": "x@example.org", "role": Role.PROGRAMME_MANAGER})
    own = Membership.objects.get(user=admin)
    client.post(f"/en/accounts/organisations/{org.pk}/members/{own.pk}/role/", {f"m{own.pk}-role": Role.EVALUATOR})
    assert refused.status_code == 400 and not Invitation.objects.exists()
    assert not Membership.objects.filter(role__in=[Role.PROGRAMME_MANAGER, Role.EVALUATOR]).exists()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


# --- members --------------------------------------------------------------------------------------

def test_the_last_administrator_can_be_neither_removed_nor_demoted(client):
    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    own = Membership.objects.get(user=admin)
    client.force_login(admin)
    client.post(f"/en/accounts/organisations/{org.pk}/members/{own.pk}/remove/")
    client.post(f"/en/accounts/organisations/{org.pk}/members/{own.pk}/role/", {f"m{own.pk}-role": Role.MEMBER})
    own.refresh_from_db()
    assert own.role == Role.ORGANISATION_ADMIN
    second = make_user("second@example.org")
    other = Membership.objects.create(user=second, organisation=org, role=Role.MEMBER)
    client.post(f"/en/accounts/organisations/{org.pk}/members/{other.pk}/role/",
                {f"m{other.pk}-role": Role.ORGANISATION_ADMIN})
    other.refresh_from_db()
    assert other.role == Role.ORGANISATION_ADMIN
    client.post(f"/en/accounts/organisations/{org.pk}/members/{own.pk}/remove/")
    assert not Membership.objects.filter(pk=own.pk).exists()
    actions = set(AuditEntry.objects.filter(organisation_id=org.pk).values_list("action", flat=True))
    assert {"asis.membership.role_changed", "asis.membership.revoked"} <= actions


# --- invitations ------------------------------------------------------------------------------------

def _invite(client, committed, org, admin, email, role=Role.PROJECT_HOLDER):
    client.force_login(admin)
    with committed():
        response = client.post(f"/en/accounts/organisations/{org.pk}/invitations/", {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return _link(mail.outbox[-1])


def test_an_invited_person_without_an_account_signs_up_verified_and_member(client, committed):
    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    link = _invite(client, committed, org, admin, "Invited@Example.org")
    assert client.get(link).status_code == 200
    signup = link + "sign-up/"
    response = client.post(signup, {"email": "someone.else@example.org", "full_name": "Ida Invited",
                                    "preferred_language": "en", "password1": "long-enough-passphrase",
                                    "password2": "long-enough-passphrase", "accept_terms": "on",
                                    "accept_privacy": "on"})
    assert response.status_code == 302
    user = User.objects.get(full_name="Ida Invited")
    assert user.email == "invited@example.org" and user.email_verified  # the address is the invited one
    assert Membership.objects.filter(user=user, organisation=org, role=Role.PROJECT_HOLDER).exists()
    client.logout()
    assert client.get(link).status_code == 400  # single use


def test_an_invitation_for_an_existing_account_needs_that_account_and_works_once(client, committed):
    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    invited = make_user("invited@example.org")
    link = _invite(client, committed, org, admin, invited.email)
    anonymous = client.get(link).content.decode()
    assert "/accounts/login/?next=" in anonymous
    client.force_login(make_user("intruder@example.org"))
    client.post(link)
    assert not Membership.objects.filter(organisation=org, user__email="intruder@example.org").exists()
    client.force_login(invited)
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=invited, organisation=org, role=Role.PROJECT_HOLDER).exists()
    assert client.get(link).status_code == 400


def test_expired_withdrawn_and_forged_invitations_do_not_work(client, committed):
    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    link = _invite(client, committed, org, admin, "late@example.org")
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(link).status_code == 400
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert client.get(link).status_code == 200
    client.force_login(admin)
    client.post(f"/en/accounts/organisations/{org.pk}/invitations/{invitation.pk}/withdraw/")
    client.logout()
    assert client.get(link).status_code == 400
    forged = signing.dumps({"i": invitation.pk, "n": "guessed"}, salt="asis.accounts.invitation")
    assert client.get(f"/en/accounts/invitation/{forged}/").status_code == 400


# --- the organisation's applications ---------------------------------------------------------------

def test_a_new_member_sees_the_organisations_draft_application(client):
    from tests.calls.helpers import make_application, make_call

    org = make_org("Verein Neuland")
    admin = _admin_of(org)
    draft = make_application(make_call(make_org("Land Tirol")), admin, org, submitted=False, title="Dorfladen")
    newcomer = make_user("newcomer@example.org")
    client.force_login(newcomer)
    assert "Dorfladen" not in client.get("/en/calls/my-applications/").content.decode()
    Membership.objects.create(user=newcomer, organisation=org, role=Role.MEMBER)
    html = client.get("/en/calls/my-applications/").content.decode()
    assert "Dorfladen" in html and draft.reference in html


def test_login_still_works_for_unverified_accounts(client):
    _signup(client)
    client.logout()
    response = client.post("/en/accounts/login/", {"username": "new.person@example.org",
                                                   "password": "long-enough-passphrase"})
    assert response.status_code == 302
    assert "confirm your e-mail address" in client.get("/en/accounts/profile/").content.decode().lower()



