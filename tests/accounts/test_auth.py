from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from asis.accounts.models import User
from tests.conftest import PASSWORD, make_user

LOGIN = "/en/accounts/login/"


def _login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_login_with_email_and_argon2_in_production_hashers(db, settings):
    from asis.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    make_user("ana@example.org")
    response = _login(__import__("django.test").test.Client(), "ana@example.org")
    assert response.status_code == 302 and response["Location"] == "/en/"  # the home page


def test_wrong_password_gives_a_clear_message(client, db):
    make_user("ana@example.org")
    response = _login(client, "ana@example.org", "wrong")
    assert response.status_code == 200
    assert "The email address or the password is not correct." in response.content.decode()


def test_login_is_rate_limited(client, db):
    make_user("ana@example.org")
    for _ in range(5):
        _login(client, "ana@example.org", "wrong")
    response = _login(client, "ana@example.org")  # even the right password is refused now
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_by_email(client, db):
    make_user("ana@example.org")
    response = client.post("/en/accounts/password-reset/", {"email": "ana@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    assert response.status_code == 302
    assert User.objects.get(email="ana@example.org").check_password("a-new-long-passphrase")


def test_password_reset_mail_in_the_users_language(client, db):
    make_user("ana@example.org", preferred_language="sl")
    client.post("/en/accounts/password-reset/", {"email": "ana@example.org"})
    message = mail.outbox[0]
    with translation.override("sl"):
        assert message.subject == gettext("Reset your ASIS password")
    assert message.subject != "Reset your ASIS password"
    assert "/sl/accounts/password-reset/" in message.body


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post("/en/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_signup_validates_and_creates_account(client, db):
    bad = client.post("/en/accounts/signup/", {"email": "x", "password1": "a", "password2": "b", "preferred_language": "fr"})
    assert bad.status_code == 400 and User.objects.count() == 0
    ok = client.post("/en/accounts/signup/", {"email": "New@Example.org", "full_name": "New", "preferred_language": "fr",
                                               "password1": "long-enough-passphrase", "password2": "long-enough-passphrase",
                                               "accept_terms": "on", "accept_privacy": "on"})
    assert ok.status_code == 302
    assert User.objects.get().email == "new@example.org"


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_two_factor_enrolment_and_login(client, db):
    user = make_user("ana@example.org")
    client.force_login(user)
    page = client.get("/en/accounts/two-factor/setup/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    wrong = client.post("/en/accounts/two-factor/setup/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp throttles guessing
    device.throttle_reset()
    response = client.post("/en/accounts/two-factor/setup/", {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    client.logout()
    assert _login(client, "ana@example.org").status_code == 302
    blocked = client.get("/en/accounts/profile/")
    assert blocked.status_code == 302 and "/two-factor/verify/" in blocked["Location"]
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    verified = client.post("/en/accounts/two-factor/verify/", {"token": _code(device), "next": "/en/accounts/profile/"})
    assert verified.status_code == 302 and verified["Location"] == "/en/accounts/profile/"
    assert client.get("/en/accounts/profile/").status_code == 200


def test_two_factor_mandatory_for_staff_roles(world, settings):
    settings.ASIS_MFA_REQUIRED_FOR_STAFF = True
    for role in ("manager", "evaluator", "platform_admin"):
        response = world.client_for(role).get("/en/accounts/profile/")
        assert response.status_code == 302 and response["Location"].endswith("/two-factor/setup/"), role
    for role in ("member", "project_holder"):
        assert world.client_for(role).get("/en/accounts/profile/").status_code == 200, role


def test_verify_refuses_foreign_redirect(client, db):
    user = make_user("ana@example.org")
    client.force_login(user)
    page = client.get("/en/accounts/two-factor/verify/?next=https://evil.example/")
    assert '<input type="hidden" name="next" value="">' in page.content.decode()


def test_logout_requires_post(client, db):
    client.force_login(make_user("ana@example.org"))
    assert client.get("/en/accounts/logout/").status_code == 405
    assert client.post("/en/accounts/logout/").status_code == 302


@pytest.mark.parametrize("lang", ["en", "fr", "de", "it", "sl"])
def test_login_page_in_every_language(client, db, lang):
    response = client.get(f"/{lang}/accounts/login/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()
