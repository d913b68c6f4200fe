"""Per-account login guard: many failures for one account do not lock its owner out.

django-axes throttles each (address, account) pair; an attacker with many addresses (or, behind
a misconfigured proxy, a forged forwarding header) could still guess slowly. So failures are also
counted per account, from any address. Past ``ASIS_LOGIN_ACCOUNT_FAILURE_LIMIT`` within
``ASIS_LOGIN_ACCOUNT_WINDOW_MINUTES`` the account is *guarded*: a password is only checked from
a browser that proved itself -- one that signed in to the account before (it carries a marker
cookie) or one whose user opened a one-time link e-mailed to the account's address. The
attacker's guesses stop being tried; the owner still signs in. The guard lifts one window after
the last failure.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

from asis.accounts.models import User
from asis.core.audit import audit_record
from asis.core.notify import notify_user
from asis.core.ratelimit import count_event

BROWSER_COOKIE = "asis_known_browser"
BROWSER_COOKIE_DAYS = 180
_MARKERS_KEPT = 5  # accounts remembered per browser (a shared family computer)
_UNLOCK_SALT = "asis.accounts.login-unlock"
_MARKER_SALT = "asis.accounts.login-guard"


def normalise(username: Any) -> str:
    return str(username or "").strip().lower()


def _marker(username: str) -> str:
    return salted_hmac(_MARKER_SALT, normalise(username)).hexdigest()[:32]


def window_seconds() -> int:
    return max(60, int(getattr(settings, "ASIS_LOGIN_ACCOUNT_WINDOW_MINUTES", 60)) * 60)


def unlock_max_age() -> int:
    return window_seconds()


def failure_record(username: str) -> None:
    """Count one failed login for the account; guard it once the count passes the limit."""
    if not normalise(username):
        return
    marker = _marker(username)
    window = window_seconds()
    key = f"asis:login:failures:{marker}"
    count = count_event(key, window=window)
    limit = int(getattr(settings, "ASIS_LOGIN_ACCOUNT_FAILURE_LIMIT", 20))
    if count >= limit:
        cache.set(key, count, timeout=window)  # keeps counting while the attack goes on
        cache.set(f"asis:login:guarded:{marker}", time.time() + window, timeout=window)
    if count == limit:
        user = User.objects.filter(email__iexact=normalise(username)).first()
        if user is not None:  # admins see the attack in the audit log
            audit_record(action="asis.user.login_guarded", obj=user,
                         after={"failures": count, "minutes": window // 60})


def browser_known(request: HttpRequest, username: str) -> bool:
    return _marker(username) in request.COOKIES.get(BROWSER_COOKIE, "").split()


def guard_minutes(request: HttpRequest, username: str) -> int | None:
    """Minutes until this browser may try a password for the account; None when it may now."""
    if not normalise(username) or browser_known(request, username):
        return None
    until = cache.get(f"asis:login:guarded:{_marker(username)}")
    if until is None:
        return None
    return max(1, math.ceil((float(until) - time.time()) / 60))


def remember_browser(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Mark this browser as one the account's owner uses (after a login or an e-mailed link)."""
    marker = _marker(username)
    others = [m for m in request.COOKIES.get(BROWSER_COOKIE, "").split() if m != marker]
    value = " ".join([marker, *others[: _MARKERS_KEPT - 1]])
    response.set_cookie(BROWSER_COOKIE, value, max_age=BROWSER_COOKIE_DAYS * 86400, httponly=True,
                        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")


def browser_confirm(*, request: HttpRequest, response: HttpResponse, user: User) -> None:
    """The owner opened an e-mailed link: this browser may try the password while guarded."""
    remember_browser(request, response, user.email)
    audit_record(action="asis.user.browser_confirmed", actor=user, obj=user)


def unlock_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(12)}, salt=_UNLOCK_SALT)


def unlock_user(token: str) -> tuple[User, str] | None:
    """The account and nonce of a valid, unexpired unlock link, or None."""
    try:
        data = signing.loads(token, salt=_UNLOCK_SALT, max_age=unlock_max_age())
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first() if isinstance(data, dict) else None
    if user is None or cache.get(f"asis:login:unlock-used:{data.get('n')}"):
        return None
    return user, str(data.get("n"))


def unlock_consume(nonce: str) -> bool:
    """Spend a link's nonce; False when it was spent already (a link works once)."""
    return bool(cache.add(f"asis:login:unlock-used:{nonce}", 1, timeout=unlock_max_age()))


def unlock_mail_send(*, request: HttpRequest, email: str) -> None:
    """E-mail a one-time link that confirms a browser, in the owner's language.

    Silent when no active account has the address (the page does not reveal which exist) and
    at most one message per account and minute (no mail bombing through this form).
    """
    user = User.objects.filter(email__iexact=normalise(email), is_active=True).first()
    if user is None or not cache.add(f"asis:login:unlock-sent:{_marker(user.email)}", 1, timeout=60):
        return
    notify_user(kind="accounts.login_unlock", user=user)  # a security e-mail: always sent
    with translation.override(user.preferred_language or "en"):
        link = request.build_absolute_uri(reverse("accounts:login_confirm", args=[unlock_token(user)]))
        context = {"link": link, "minutes": unlock_max_age() // 60}
        subject = render_to_string("accounts/email/login_unlock_subject.txt", context).strip()
        body = render_to_string("accounts/email/login_unlock.txt", context)
    send_mail(subject, body, None, [user.email])
