"""Writes for accounts and organisations. Each runs in one transaction with one audit entry."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice

from asis.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from asis.core.audit import audit_record
from asis.core.models import Job


def user_create(*, email: str, password: str | None, full_name: str = "", actor: Any = None,
                is_superuser: bool = False, preferred_language: str = "en", email_verified: bool = True,
                terms_version: str = "") -> User:
    """A new account. Self sign-up passes ``email_verified=False`` (the address is proven by the
    e-mailed link later) and the ``terms_version`` the person ticked, recorded with the time."""
    consent: dict[str, Any] = {"terms_version": terms_version, "terms_accepted_at": timezone.now()} \
        if terms_version else {}
    with transaction.atomic():
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": "A user with this email address already exists."})
        manager = get_user_model().objects
        create = manager.create_superuser if is_superuser else manager.create_user
        user = create(email, password, full_name=full_name, preferred_language=preferred_language,
                      **({} if email_verified else {"email_verified_at": None}), **consent)
        audit_record(action="asis.user.created", actor=actor, obj=user,
                     after={"is_superuser": is_superuser, "language": preferred_language,
                            "email_verified": email_verified, "terms_version": terms_version})
    return user


def organisation_create(*, actor: Any, **fields: Any) -> Organisation:
    with transaction.atomic():
        organisation = Organisation(**fields)
        organisation.full_clean()
        organisation.save()
        audit_record(action="asis.organisation.created", actor=actor, obj=organisation,
                     organisation_id=organisation.pk,
                     after={"name": organisation.name, "type": organisation.type,
                            "country": organisation.country, "region": organisation.region.code})
    return organisation


def membership_grant(*, actor: Any, user: User, organisation: Organisation, role: str) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        if created:
            audit_record(action="asis.membership.granted", actor=actor, obj=membership,
                         organisation_id=organisation.pk, after={"user": user.pk, "role": role})
    return membership


def membership_revoke(*, actor: Any, membership: Membership) -> None:
    with transaction.atomic():
        before = {"user": membership.user_id, "role": membership.role}
        organisation_id = membership.organisation_id
        audit_record(action="asis.membership.revoked", actor=actor, obj=membership,
                     organisation_id=organisation_id, before=before)
        membership.delete()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    raw = "asis_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[5:13], digest=ApiToken.hash(raw))
        audit_record(action="asis.api_token.created", actor=user, obj=token, after={"name": name})
    return token, raw


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    with transaction.atomic():
        audit_record(action="asis.api_token.revoked", actor=user, obj=token, before={"name": token.name})
        token.delete()


# Other modules contribute their part of a person's data without accounts importing them:
# ``export(user) -> dict`` (merged into the export) and ``erase(user)`` (run before anonymising).
PERSONAL_DATA_EXPORTS = ("asis.calls.personal_data.export", "asis.dashboard.personal_data.export")
PERSONAL_DATA_ERASERS = ("asis.calls.personal_data.erase", "asis.dashboard.personal_data.erase")
# ``purge(cutoff) -> dict[str, int]``: delete a module's operational data older than the cutoff.
RETENTION_PURGERS = ("asis.calls.personal_data.purge", "asis.dashboard.personal_data.purge")


def user_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about a person (GDPR art. 15 and 20), as JSON-ready data."""
    from asis.core.models import AuditEntry

    data = {
        "format": "asis-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "terms_version": user.terms_version,
            "terms_accepted_at": user.terms_accepted_at.isoformat() if user.terms_accepted_at else None,
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "two_factor_enabled": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "recovery_codes_left": user.recovery_codes.filter(used_at__isnull=True).count(),
        },
        "memberships": [
            {"organisation": m.organisation.name, "organisation_id": m.organisation_id, "role": m.role,
             "since": m.created_at.isoformat()}
            for m in user.memberships.select_related("organisation").order_by("pk")
        ],
        "requests_to_join": [
            {"organisation": r.organisation.name, "message": r.message, "status": r.status,
             "created_at": r.created_at.isoformat()}
            for r in user.join_requests.select_related("organisation").order_by("pk")
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat()}
            for t in user.api_tokens.order_by("pk")
        ],
        "jobs": [
            {"id": str(j.pk), "kind": j.kind, "status": j.status, "created_at": j.created_at.isoformat()}
            for j in Job.objects.filter(owner=user).order_by("created_at")
        ],
        "audit_entries_as_actor": [
            {"seq": e.seq, "time": e.created_at.isoformat(), "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id}
            for e in AuditEntry.objects.filter(actor=user).order_by("seq")
        ],
    }
    for path in PERSONAL_DATA_EXPORTS:
        data.update(import_string(path)(user))
    return data


def user_anonymise(*, user: User, actor: Any) -> None:
    """Erase personal data, keep the pseudonymous row that scores and audit entries point to."""
    with transaction.atomic():
        audit_record(action="asis.user.anonymised", actor=actor, obj=user)
        for path in PERSONAL_DATA_ERASERS:
            import_string(path)(user)
        TOTPDevice.objects.filter(user=user).delete()
        user.recovery_codes.all().delete()
        user.api_tokens.all().delete()
        user.memberships.all().delete()
        user.join_requests.all().delete()
        Invitation.objects.filter(email__iexact=user.email).delete()
        Job.objects.filter(owner=user).delete()
        user.email = f"deleted-{user.pk}@invalid.example"
        user.full_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.last_login = None
        user.anonymised_at = timezone.now()
        user.save()


def retention_purge(*, now: Any = None) -> dict[str, int]:
    """Delete operational personal data older than ASIS_RETENTION_DAYS."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=settings.ASIS_RETENTION_DAYS)
    with transaction.atomic():
        jobs = Job.objects.filter(created_at__lt=cutoff, status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED]).delete()[0]
        attempts = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
        logs = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
        failures = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
        counts = {"jobs": jobs, "login_records": attempts + logs + failures}
        for path in RETENTION_PURGERS:
            counts.update(import_string(path)(cutoff))
        audit_record(action="asis.retention.purged", after=counts)
    return counts
