"""Two-factor authentication: the one rule every surface applies, and the writes that change a
person's second factor (enrol, replace, remove, recovery codes).

The rule (``session_refusal``): a session of a user with a confirmed device must have been verified
with a code; a staff user without a device must enrol one when ASIS_MFA_REQUIRED_FOR_STAFF is on.
Pages (MandatoryTwoFactorMiddleware) and the API's session auth both ask it; the API's bearer
tokens ask ``token_refusal``.
"""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from asis.accounts.access import has_staff_role
from asis.accounts.models import RecoveryCode, User
from asis.core.audit import audit_record
from asis.core.notify import notify_user
from asis.core.site import site_url

logger = logging.getLogger(__name__)

VERIFY = "verify"  # has a device, the session has not shown a code yet
ENROL = "enrol"  # staff without a device while the installation requires one

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper
_RECOVERY_LENGTH = 10  # about 49 bits each: guessing is hopeless, so a fast salted hash is enough

# django-otp doubles the wait after each wrong code without limit, so someone who knows only the
# password could lock the owner out of their own second factor for hours. The wait stops growing
# here (1, 2, 4 ... 64 s with the default factor); each wrong code still restarts it, and the owner
# is told by e-mail when the wait first reaches the cap.
BACKOFF_CAP_SECONDS = 64


def must_enrol(user: Any) -> bool:
    return bool(settings.ASIS_MFA_REQUIRED_FOR_STAFF and has_staff_role(user))


def session_refusal(user: Any) -> str | None:
    """Why this logged-in session may not act yet (VERIFY or ENROL), or None."""
    if not user.is_authenticated:
        return None
    if user_has_device(user, confirmed=True):
        is_verified = getattr(user, "is_verified", None)
        return None if is_verified is not None and is_verified() else VERIFY
    return ENROL if must_enrol(user) else None


def token_refusal(user: Any) -> str | None:
    """A personal token stops working while its staff owner has not enrolled the required device."""
    if must_enrol(user) and not user_has_device(user, confirmed=True):
        return ENROL
    return None


# --- back-off -------------------------------------------------------------------------------------

def _max_failure_count(device: TOTPDevice) -> int:
    """The failure count whose wait (factor * 2**(count-1) seconds) is the last one within the cap."""
    factor = max(float(device.get_throttle_factor()), 1e-9)
    return max(1, 1 + math.floor(math.log2(max(BACKOFF_CAP_SECONDS / factor, 1))))


def _cap_backoff(device: TOTPDevice) -> None:
    ceiling = _max_failure_count(device)
    if device.throttling_failure_count > ceiling:
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=ceiling)
        device.throttling_failure_count = ceiling


def required_wait_seconds(device: TOTPDevice) -> float:
    """Seconds left before the device accepts another code (0 when it does now)."""
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0.0
    return max(0.0, (info["locked_until"] - timezone.now()).total_seconds())


def totp_check(device: TOTPDevice, code: str) -> bool:
    """``device.verify_token`` with django-otp's per-attempt back-off, capped (see BACKOFF_CAP_SECONDS)."""
    _cap_backoff(device)  # devices that piled up failures before the cap existed
    before = device.throttling_failure_count
    verified = bool(device.verify_token(code))
    if not verified:
        device.refresh_from_db(fields=["throttling_failure_count", "throttling_failure_timestamp"])
        _cap_backoff(device)
        if device.confirmed and before < device.throttling_failure_count == _max_failure_count(device):
            audit_record(action="asis.account.two_factor.failures_capped", actor=None, obj=device.user,
                         after={"failures": device.throttling_failure_count})
            _notify(user=device.user, event="failures")
    return verified


@dataclass(frozen=True)
class CodeCheck:
    device: TOTPDevice | None = None  # the authenticator that accepted the code
    recovery_code_used: bool = False
    recovery_codes_left: int = 0
    wait_seconds: int = 0  # > 0: refused because of the back-off, not because the code is wrong

    @property
    def ok(self) -> bool:
        return self.device is not None or self.recovery_code_used


def normalise_recovery_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def second_factor_check(*, user: User, code: str) -> CodeCheck:
    """Check a code at the verify step: six digits go to the authenticator, anything else is tried
    as a recovery code (used up, audited, the owner told by e-mail)."""
    code = code.strip()
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:  # nothing to verify (an admin removed the device): leftover recovery codes count for nothing
        return CodeCheck()
    if code.isdigit() and len(code) == 6:
        wait = 0.0
        for device in devices:
            if totp_check(device, code):
                return CodeCheck(device=device)
            wait = max(wait, required_wait_seconds(device))
        return CodeCheck(wait_seconds=math.ceil(wait))
    left = recovery_code_use(user=user, code=code)
    if left is None:
        return CodeCheck()
    return CodeCheck(recovery_code_used=True, recovery_codes_left=left)


# --- writes ---------------------------------------------------------------------------------------

def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _store_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    rows = []
    for code in codes:
        salt = secrets.token_hex(16)
        rows.append(RecoveryCode(user=user, salt=salt, digest=RecoveryCode.hash(salt, normalise_recovery_code(code))))
    RecoveryCode.objects.bulk_create(rows)
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def two_factor_confirm(*, user: User, device: TOTPDevice, replace: bool = False) -> list[str]:
    """Confirm a new authenticator; returns fresh recovery codes (shown once, stored hashed).

    ``replace`` must be asked for explicitly: the caller has checked a verified session and the
    current password. Without it, a user who already has a confirmed device is refused, so a
    password-only session can never swap the owner's authenticator for its own.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one enrolment at a time
        others = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk)
        had_device = others.filter(confirmed=True).exists()
        if had_device and not replace:
            raise PermissionError("a confirmed device exists; replacing it needs a verified session and the password")
        others.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _store_recovery_codes(user)
        audit_record(action="asis.account.two_factor.replaced" if had_device else "asis.account.two_factor.enabled",
                     actor=user, obj=user, after={"recovery_codes": len(codes)})
    if had_device:
        _notify(user=user, event="replaced")
    return codes


def two_factor_disable(*, user: User) -> None:
    """Remove every authenticator and recovery code (the caller checked a verified session and the password)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit_record(action="asis.account.two_factor.disabled", actor=user, obj=user)
    _notify(user=user, event="disabled")


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; every earlier one stops working."""
    with transaction.atomic():
        codes = _store_recovery_codes(user)
        audit_record(action="asis.account.two_factor.recovery_codes_generated", actor=user, obj=user,
                     after={"recovery_codes": len(codes)})
    _notify(user=user, event="recovery_codes_generated")
    return codes


def recovery_code_use(*, user: User, code: str) -> int | None:
    """Use up a recovery code: how many are left, or None if the code is not a valid unused one."""
    wanted = normalise_recovery_code(code)
    if len(wanted) != _RECOVERY_LENGTH:
        return None
    with transaction.atomic():
        candidates = list(RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True))
        match = None
        for candidate in candidates:  # compare every one: the time taken says nothing about which matched
            if secrets.compare_digest(candidate.digest, RecoveryCode.hash(candidate.salt, wanted)):
                match = candidate
        if match is None:
            return None
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
        left = len(candidates) - 1
        audit_record(action="asis.account.two_factor.recovery_code_used", actor=user, obj=user,
                     after={"recovery_codes_left": left})
    _notify(user=user, event="recovery_code_used", left=left)
    return left


def _notify(*, user: User, event: str, left: int | None = None) -> None:
    """Tell the owner, in their language, that their second factor changed (as banks and GitHub do)."""
    notify_user(kind="accounts.two_factor", user=user, event=event, left=left)  # always e-mailed too
    if not user.email or user.anonymised_at:
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "event": event, "left": left, "site_url": site_url(),
                   "profile_url": reverse("accounts:profile")}
        subject = " ".join(render_to_string("accounts/email/two_factor_notice_subject.txt", context).split())
        body = render_to_string("accounts/email/two_factor_notice.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except OSError:  # the change is made and audited; a mail server outage must not undo or hide it
        logger.warning("two-factor notice %s to user #%s not sent", event, user.pk, exc_info=True)
