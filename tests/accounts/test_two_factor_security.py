"""Two-factor on every surface: the attacks of the security issue, replayed.

An attacker here knows the victim's e-mail and password, nothing more.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from asis.accounts.models import RecoveryCode, User
from asis.accounts.services import api_token_create
from asis.accounts.two_factor import BACKOFF_CAP_SECONDS
from asis.core.models import AuditEntry
from tests.calls.helpers import make_application, make_call
from tests.conftest import PASSWORD, make_user

LOGIN = "/en/accounts/login/"
SETUP = "/en/accounts/two-factor/setup/"
VERIFY = "/en/accounts/two-factor/verify/"
CODES = "/en/accounts/two-factor/recovery-codes/"
DISABLE = "/en/accounts/two-factor/disable/"
PROFILE = "/en/accounts/profile/"
API = "/api/v1"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _wrong(device: TOTPDevice) -> str:
    return "000000" if _code(device) != "000000" else "111111"


def _enrolled(email: str = "victim@example.org", **extra) -> tuple[User, TOTPDevice]:
    user = make_user(email, **extra)
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _password_login(client, email: str) -> None:
    response = client.post(LOGIN, {"username": email, "password": PASSWORD})
    assert response.status_code == 302, "the password login itself must work"


def _verify(client, device: TOTPDevice) -> None:
    device.refresh_from_db()
    device.last_t = -1  # let the test reuse the current time step
    device.save()
    response = client.post(VERIFY, {"token": _code(device)})
    assert response.status_code == 302 and VERIFY not in response["Location"]


def _problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# --- break 1: takeover of the second factor with the password alone ---------------------------------

def test_password_only_session_cannot_open_setup_nor_replace_the_device(client, db):
    victim, device = _enrolled()
    _password_login(client, victim.email)

    page = client.get(SETUP)
    assert page.status_code == 302 and page["Location"].startswith(VERIFY), "no fresh secret for the attacker"
    assert not TOTPDevice.objects.filter(user=victim, confirmed=False).exists()

    # Even knowing a secret (a pending device left from earlier), posting its code changes nothing.
    attacker = TOTPDevice.objects.create(user=victim, name="attacker", confirmed=False)
    response = client.post(SETUP, {"token": _code(attacker)})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed, "the victim's device survives"
    assert not TOTPDevice.objects.get(pk=attacker.pk).confirmed
    assert client.get(PROFILE)["Location"].startswith(VERIFY), "the session is still not verified"


def test_setup_view_refuses_an_unverified_session_on_its_own(client, db, settings):
    """Defence in depth: without the middleware the view still refuses to replace the device."""
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if "MandatoryTwoFactor" not in m]
    victim, device = _enrolled()
    _password_login(client, victim.email)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    attacker = TOTPDevice.objects.create(user=victim, name="attacker", confirmed=False)
    assert client.post(SETUP, {"token": _code(attacker)})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_replacing_the_device_needs_a_verified_session_and_the_password(client, db):
    user, old = _enrolled(preferred_language="fr")
    _password_login(client, user.email)
    _verify(client, old)
    page = client.get(SETUP)
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    new = TOTPDevice.objects.get(user=user, confirmed=False)

    for data in ({"token": _code(new)}, {"token": _code(new), "password": "not-the-password"}):
        assert client.post(SETUP, data).status_code == 400
        assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    new.refresh_from_db()
    new.throttle_reset()

    response = client.post(SETUP, {"token": _code(new), "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == CODES
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [(new.pk, True)]
    assert AuditEntry.objects.filter(action="asis.account.two_factor.replaced", object_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    with translation.override("fr"):
        assert mail.outbox[0].subject == gettext("Your ASIS two-factor settings changed")


def test_turning_two_factor_off_needs_the_password(client, db):
    user, device = _enrolled()
    _password_login(client, user.email)
    _verify(client, device)
    assert client.post(DISABLE, {}).status_code == 400
    assert client.post(DISABLE, {"password": "not-the-password"}).status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.post(DISABLE, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="asis.account.two_factor.disabled", object_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1


def test_unverified_session_cannot_turn_two_factor_off_or_make_recovery_codes(client, db):
    user, device = _enrolled()
    _password_login(client, user.email)
    for url in (DISABLE, CODES):
        response = client.post(url, {"password": PASSWORD})
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()


def test_wrong_codes_back_off_is_capped(client, db):
    """30 wrong codes must not lock the owner out: the next wait stays within the cap."""
    user, device = _enrolled()
    _password_login(client, user.email)
    for _ in range(30):
        device.refresh_from_db()
        if device.throttling_failure_timestamp is not None:  # as if the attacker had waited out each delay
            device.throttling_failure_timestamp -= timedelta(days=3650)
            device.save(update_fields=["throttling_failure_timestamp"])
        assert client.post(VERIFY, {"token": _wrong(device)}).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count > 1, "each wrong code still counts"
    allowed, info = device.verify_is_allowed()
    assert not allowed, "a wrong code is still followed by a wait"
    wait = (info["locked_until"] - device.throttling_failure_timestamp).total_seconds()
    assert wait <= BACKOFF_CAP_SECONDS
    refused = client.post(VERIFY, {"token": _code(device)})
    assert refused.status_code == 400 and "Wait" in refused.content.decode()
    # The owner is told once that someone with the password is guessing codes.
    assert [m.to for m in mail.outbox] == [[user.email]]

    device.throttling_failure_timestamp -= timedelta(seconds=BACKOFF_CAP_SECONDS)
    device.save(update_fields=["throttling_failure_timestamp"])
    _verify(client, device)
    assert client.get(PROFILE).status_code == 200


# --- recovery codes ------------------------------------------------------------------------------

def test_recovery_codes_shown_once_hashed_one_time_and_regenerable(client, db):
    user = make_user("ana@example.org")
    _password_login(client, user.email)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"token": _code(device)})
    assert response.status_code == 302 and response["Location"] == CODES
    page = client.get(CODES)
    assert page["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert not re.findall(r"<code>[a-z0-9]{5}-[a-z0-9]{5}</code>", client.get(CODES).content.decode()), "shown once"

    stored = list(RecoveryCode.objects.filter(user=user).values_list("salt", "digest"))
    assert len(stored) == 10 and len({salt for salt, _ in stored}) == 10, "a salt per code"
    at_rest = " ".join(salt + digest for salt, digest in stored)
    for code in codes:
        assert code not in at_rest and code.replace("-", "") not in at_rest

    client.post("/en/accounts/logout/")
    _password_login(client, user.email)
    used = client.post(VERIFY, {"token": codes[0].upper()}, follow=True)
    assert used.status_code == 200 and used.redirect_chain[-1][0] == PROFILE
    assert "9 recovery codes are left" in used.content.decode()
    entry = AuditEntry.objects.get(action="asis.account.two_factor.recovery_code_used")
    assert entry.object_id == str(user.pk) and entry.after == {"recovery_codes_left": 9}
    assert len(mail.outbox) == 1

    client.post("/en/accounts/logout/")
    _password_login(client, user.email)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 400, "each code works once"
    assert client.post(VERIFY, {"token": codes[1]}).status_code == 302

    assert client.post(CODES, {"password": "not-the-password"}).status_code == 400
    assert client.post(CODES, {"password": PASSWORD})["Location"] == CODES
    fresh = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", client.get(CODES).content.decode())
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert AuditEntry.objects.filter(action="asis.account.two_factor.recovery_codes_generated").exists()
    client.post("/en/accounts/logout/")
    _password_login(client, user.email)
    assert client.post(VERIFY, {"token": codes[2]}).status_code == 400, "regenerating invalidates the old codes"
    assert client.post(VERIFY, {"token": fresh[0]}).status_code == 302


def test_leftover_recovery_codes_without_a_device_count_for_nothing(client, db):
    """An admin removed the lost device: the old codes neither crash the verify page nor verify."""
    from asis.accounts.two_factor import recovery_codes_regenerate

    user, device = _enrolled()
    codes = recovery_codes_regenerate(user=user)
    device.delete()
    _password_login(client, user.email)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 400
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 10


# --- break 2: the REST API -----------------------------------------------------------------------

@pytest.fixture
def call_with_applicant(world):
    call = make_call(world.org, phase="evaluation")
    make_application(call, world.users["project_holder"], world.org)
    return call


def test_api_session_obeys_the_two_factor_check(world, call_with_applicant, client):
    manager = world.users["manager"]
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _password_login(client, manager.email)
    url = f"{API}/calls/{call_with_applicant.pk}/applications"
    for path in (url, f"{API}/me"):
        refused = client.get(path)
        assert refused.status_code == 403, path
        problem = _problem(refused)
        assert problem["title"] == "Two-factor authentication required"
        assert "two-factor check" in problem["detail"]
        assert "project_holder@example.org" not in refused.content.decode()
    assert client.get(f"{API}/calls").status_code == 200, "public reads still work, as for a visitor"
    _verify(client, device)
    assert client.get(url).status_code == 200
    assert client.get(f"{API}/me").json()["email"] == manager.email


def test_staff_who_must_enrol_cannot_use_the_api(world, call_with_applicant, client, settings):
    settings.ASIS_MFA_REQUIRED_FOR_STAFF = True
    manager = world.users["manager"]
    _token, raw = api_token_create(user=manager, name="script")
    _member_token, member_raw = api_token_create(user=world.users["member"], name="script")
    url = f"{API}/calls/{call_with_applicant.pk}/applications"

    _password_login(client, manager.email)
    session = client.get(url)
    assert session.status_code == 403 and "requires two-factor" in _problem(session)["detail"]
    bearer = client.generic("GET", url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert bearer.status_code == 403 and "requires two-factor" in _problem(bearer)["detail"]
    assert world.client_for("anonymous").get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {member_raw}").status_code == 200

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=manager)
    assert client.post(SETUP, {"token": _code(device)}).status_code == 302
    assert client.get(url).status_code == 200
    assert world.client_for("anonymous").get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_token_creation_needs_a_verified_session(client, db, settings):
    user, device = _enrolled()
    _password_login(client, user.email)
    assert client.post("/en/accounts/api-tokens/", {"name": "stolen"}).status_code == 302
    # The view refuses on its own too (a client builds its middleware chain once: take a new one).
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if "MandatoryTwoFactor" not in m]
    client = Client()
    _password_login(client, user.email)
    response = client.post("/en/accounts/api-tokens/", {"name": "stolen"})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not user.api_tokens.exists()


def test_staff_who_must_enrol_cannot_create_a_token(world, settings):
    settings.ASIS_MFA_REQUIRED_FOR_STAFF = True
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if "MandatoryTwoFactor" not in m]
    client = world.client_for("evaluator")
    response = client.post("/en/accounts/api-tokens/", {"name": "script"})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert not world.users["evaluator"].api_tokens.exists()


# --- other ways into a session -------------------------------------------------------------------

def test_password_reset_does_not_skip_the_second_factor(client, db):
    user, device = _enrolled()
    client.post("/en/accounts/password-reset/", {"email": user.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    assert done.status_code == 302
    assert client.get(PROFILE)["Location"].startswith("/en/accounts/login/"), "a reset does not log in"
    assert client.post(LOGIN, {"username": user.email, "password": "a-new-long-passphrase"}).status_code == 302
    assert client.get(PROFILE)["Location"].startswith(VERIFY)
    assert client.get(f"{API}/me").status_code == 403


def test_admin_login_does_not_skip_the_second_factor(client, db):
    admin = User.objects.create_superuser("root@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    response = client.post("/en/admin/login/", {"username": admin.email, "password": PASSWORD, "next": "/en/admin/"})
    assert response.status_code == 302
    assert client.get("/en/admin/")["Location"].startswith(VERIFY)
    assert client.get("/en/admin/accounts/user/")["Location"].startswith(VERIFY)
    _verify(client, device)
    assert client.get("/en/admin/").status_code == 200


def test_staff_enrolment_still_works_from_an_unverified_session(world, settings):
    settings.ASIS_MFA_REQUIRED_FOR_STAFF = True
    client = world.client_for("manager")
    assert client.get(PROFILE)["Location"] == SETUP
    assert client.get(CODES)["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=world.users["manager"])
    assert client.post(SETUP, {"token": _code(device)})["Location"] == CODES
    assert client.get(PROFILE).status_code == 200
    assert client.post(DISABLE, {"password": PASSWORD})["Location"] == PROFILE
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists(), "the role cannot turn it off"


# --- the whole class: every route, one password-only session ---------------------------------------

def _every_route():
    from tests.test_permission_matrix import all_route_names

    return all_route_names()


@pytest.mark.parametrize("route", _every_route())
def test_no_route_serves_a_password_only_session(route, world):
    """Each non-public page and API operation refuses a session that has not shown its second factor."""
    from tests.test_permission_matrix import rule_for

    rule = rule_for(route)
    if "anonymous" in rule.allowed or route == "accounts:two_factor_verify":
        return  # public, or the verify step itself
    manager = world.users["manager"]
    manager.is_superuser = True  # the widest reach: every admin page too
    manager.is_staff = True
    manager.save()
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client = Client()
    _password_login(client, manager.email)
    response = rule.request(client, route, world)
    if response.status_code in (301, 302):
        assert response["Location"].startswith(VERIFY), f"{route}: {response['Location']}"
    else:
        assert response.status_code in (401, 403, 404, 405), f"{route}: {response.status_code}"
