"""E-mail address verification after self sign-up.

The link carries a signed, expiring token naming the account and the address it was sent to: a
link for an address the account no longer has does not verify the new one. Opening it is
idempotent (a second click, or a mail scanner fetching it first, does no harm), so it needs no
nonce. Resending is limited per account (``RESEND_SECONDS`` apart), so the form cannot be used to
flood someone's mailbox.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from asis.accounts.models import User
from asis.core.audit import audit_record

_SALT = "asis.accounts.email-verification"
RESEND_SECONDS = 60


def max_age_seconds() -> int:
    return int(getattr(settings, "ASIS_EMAIL_VERIFICATION_DAYS", 3)) * 86400


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_SALT)


def verification_user(token: str) -> User | None:
    """The account of a valid, unexpired link whose address is still the account's, or None."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age_seconds())
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email != data.get("e"):
        return None
    return user


def email_verify(*, user: User) -> bool:
    """Mark the address verified; False when it already was (nothing recorded twice)."""
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
            email_verified_at=timezone.now())
        if updated:
            audit_record(action="asis.user.email_verified", actor=user, obj=user, after={"email_verified": True})
    user.refresh_from_db(fields=["email_verified_at"])
    return bool(updated)


def verification_mail_send(*, request: Any, user: User) -> bool:
    """E-mail the verification link in the user's language; False when one went out less than
    ``RESEND_SECONDS`` ago (nothing is sent then)."""
    if user.email_verified or not cache.add(f"asis:verify-sent:{user.pk}", 1, timeout=RESEND_SECONDS):
        return False
    with translation.override(user.preferred_language or "en"):
        link = request.build_absolute_uri(reverse("accounts:email_verify", args=[verification_token(user)]))
        context = {"link": link, "user": user, "days": max_age_seconds() // 86400}
        subject = render_to_string("accounts/email/verify_email_subject.txt", context).strip()
        body = render_to_string("accounts/email/verify_email.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
