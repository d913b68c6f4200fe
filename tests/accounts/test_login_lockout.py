"""Login lockout cannot be turned against the account's owner (security issue item 7).

Per address: django-axes refuses an (address, account) pair after AXES_FAILURE_LIMIT failures.
Per account: past ASIS_LOGIN_ACCOUNT_FAILURE_LIMIT failures from anywhere, the password is only
tried from a browser that signed in before or was confirmed through an e-mailed one-time link.
"""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client

from asis.accounts import login_guard
from asis.accounts.models import User
from asis.core.models import AuditEntry
from tests.conftest import PASSWORD, make_user

LOGIN = "/en/accounts/login/"
UNLOCK = "/en/accounts/login/unlock/"
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"
VICTIM_ADDRESS = "198.51.100.7"
GUARDED = "too many failed logins for this account from other browsers"


def _post(client, email, password, remote, xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _attack(behind_proxy: bool, count: int = 50) -> list[int]:
    attacker = Client()
    statuses = []
    for i in range(count):
        forged = f"198.18.{i}.{i + 1}"
        if behind_proxy:  # the proxy appends the attacker's real address on the right
            response = _post(attacker, "victim@example.org", f"guess-{i}", PROXY, f"{forged}, {ATTACKER}")
        else:
            response = _post(attacker, "victim@example.org", f"guess-{i}", ATTACKER, forged)
        statuses.append(response.status_code)
    return statuses


def _victim(behind_proxy: bool) -> dict[str, str]:
    if behind_proxy:
        return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": VICTIM_ADDRESS}
    return {"REMOTE_ADDR": VICTIM_ADDRESS}


@pytest.fixture(params=[False, True], ids=["direct", "behind-trusted-proxy"])
def behind_proxy(request, settings):
    settings.ASIS_TRUSTED_PROXIES = ["10.0.0.0/8"] if request.param else []
    return request.param


def test_attack_cannot_lock_out_the_owner_in_a_browser_they_used_before(db, behind_proxy):
    make_user("victim@example.org")
    victim = Client()
    where = _victim(behind_proxy)
    assert victim.post(LOGIN, {"username": "victim@example.org", "password": PASSWORD}, **where).status_code == 302
    victim.post("/en/accounts/logout/", **where)

    statuses = _attack(behind_proxy)
    assert 302 not in statuses

    response = victim.post(LOGIN, {"username": "victim@example.org", "password": PASSWORD}, **where)
    assert response.status_code == 302 and response["Location"] == "/en/"  # the home page


def test_attack_cannot_lock_out_the_owner_in_a_new_browser_after_the_e_mail_link(db, behind_proxy):
    make_user("victim@example.org", preferred_language="de")
    _attack(behind_proxy)
    victim = Client()
    where = _victim(behind_proxy)

    response = victim.post(LOGIN, {"username": "victim@example.org", "password": PASSWORD}, **where)
    assert response.status_code == 200  # not the 429 of a lockout: a way forward
    page = response.content.decode()
    assert GUARDED in page and "in 60 minutes" in page and UNLOCK in page

    sent = victim.post(UNLOCK, {"email": "victim@example.org"}, **where)
    assert sent.status_code == 200 and "If an account has this address" in sent.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["victim@example.org"]
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    assert link.startswith("/de/accounts/login/confirm/")  # in the owner's language

    assert victim.get(link, **where).status_code == 200  # a mail scanner fetching it spends nothing
    confirmed = victim.post(link, **where)
    assert confirmed.status_code == 302
    response = victim.post(LOGIN, {"username": "victim@example.org", "password": PASSWORD}, **where)
    assert response.status_code == 302 and response["Location"] == "/de/"  # the home page, in the owner's language

    assert Client().post(link, **where).status_code == 400  # the link works once
    victim_id = User.objects.get(email="victim@example.org").pk
    assert list(AuditEntry.objects.filter(object_id=str(victim_id), action__in=[
        "asis.user.login_guarded", "asis.user.browser_confirmed"]).order_by("seq").values_list("action", flat=True)) \
        == ["asis.user.login_guarded", "asis.user.browser_confirmed"]


def test_guarded_account_does_not_try_passwords_from_unknown_browsers(db, behind_proxy):
    make_user("victim@example.org")
    _attack(behind_proxy, count=20)
    # Even the right password, from yet another address, is not tried: guessing has stopped.
    response = _post(Client(), "victim@example.org", PASSWORD, "192.0.2.200")
    assert response.status_code == 200 and GUARDED in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_one_address_is_still_stopped_after_five_failures(db, behind_proxy):
    make_user("ana@example.org")
    client = Client()
    for i in range(5):
        if behind_proxy:
            _post(client, "ana@example.org", "wrong", PROXY, f"192.0.2.{i}, {ATTACKER}")
        else:
            _post(client, "ana@example.org", "wrong", ATTACKER, f"192.0.2.{i}")
    # Rotating the forwarded header does not reset the count; even the right password is refused.
    if behind_proxy:
        response = _post(client, "ana@example.org", PASSWORD, PROXY, f"192.0.2.99, {ATTACKER}")
    else:
        response = _post(client, "ana@example.org", PASSWORD, ATTACKER, "192.0.2.99")
    assert response.status_code == 429
    page = response.content.decode()
    assert "from your network address" in page and "try again in 15 minutes" in page


def test_unlock_request_reveals_nothing_and_is_throttled(db):
    make_user("ana@example.org")
    client = Client()
    for email in ("nobody@example.org", "ana@example.org", "ana@example.org"):
        response = client.post(UNLOCK, {"email": email})
        assert response.status_code == 200 and "If an account has this address" in response.content.decode()
    assert len(mail.outbox) == 1  # none for unknown addresses, one per account and minute
    assert client.post(UNLOCK, {"email": "not an address"}).status_code == 400


def test_forged_or_expired_links_are_refused(db):
    user = make_user("ana@example.org")
    client = Client()
    assert client.get("/en/accounts/login/confirm/forged-token/").status_code == 400

    class TwoHoursAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 7200)

    expired = TwoHoursAgo(salt=login_guard._UNLOCK_SALT).sign_object({"u": user.pk, "n": "x"})
    assert client.post(f"/en/accounts/login/confirm/{expired}/").status_code == 400
    other_salt = signing.dumps({"u": user.pk, "n": "y"}, salt="asis.accounts.something-else")
    assert client.post(f"/en/accounts/login/confirm/{other_salt}/").status_code == 400
    assert login_guard.BROWSER_COOKIE not in client.cookies
    assert client.post(f"/en/accounts/login/confirm/{login_guard.unlock_token(user)}/").status_code == 302
    assert login_guard.BROWSER_COOKIE in client.cookies  # only the valid link set it


def test_guard_lifts_after_the_window(db, settings):
    make_user("ana@example.org")
    settings.ASIS_LOGIN_ACCOUNT_FAILURE_LIMIT = 3
    for i in range(3):
        _post(Client(), "ana@example.org", "wrong", f"192.0.2.{i}")
    assert GUARDED in _post(Client(), "ana@example.org", PASSWORD, "192.0.2.50").content.decode()
    from django.core.cache import cache

    cache.delete(f"asis:login:guarded:{login_guard._marker('ana@example.org')}")  # what expiry does
    assert _post(Client(), "ana@example.org", PASSWORD, "192.0.2.50").status_code == 302
