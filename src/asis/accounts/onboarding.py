"""Organisation onboarding: register an organisation, ask to join one, invite people, manage members.

Each write checks who may do it (so a view, the CLI or a later API behave the same), runs in one
transaction and leaves an audit entry. Membership needs a verified e-mail address: an
administrator who adds "alice@example.org" must get the person who reads that mailbox, not
whoever typed the address at sign-up.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asis.accounts.access import can_administer, grantable_roles
from asis.accounts.models import (
    MEMBER_ADMIN_ROLES,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    Role,
    User,
)
from asis.accounts.services import membership_grant, membership_revoke
from asis.core.audit import audit_record

logger = logging.getLogger(__name__)
Absolute = Callable[[str], str]  # request.build_absolute_uri: links in e-mails point at this site
_INVITATION_SALT = "asis.accounts.invitation"


def invitation_days() -> int:
    return int(getattr(settings, "ASIS_INVITATION_DAYS", 14))


def _require_verified(user: User) -> None:
    if not user.email_verified:
        raise ValidationError(_("Confirm your e-mail address first: open the link we sent you."))


def _mail(*, to: str, language: str, template: str, context: dict[str, Any], absolute: Absolute,
          link: tuple[str, list[Any]] | None = None) -> None:
    """One e-mail in the recipient's language; the link (a route and its arguments) gets that
    language's prefix."""
    with translation.override(language or "en"):
        if link is not None:
            context = {**context, "link": absolute(reverse(link[0], args=link[1]))}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except (OSError, smtplib.SMTPException):
        # The change is committed and shown on the organisation's page; a mail server that is down
        # must not turn it into an error page. The log tells the operator.
        logger.exception("onboarding mail %s to %s could not be sent", template, to)


def administrators(organisation: Organisation) -> list[User]:
    return list(User.objects.filter(memberships__organisation=organisation, memberships__role__in=MEMBER_ADMIN_ROLES,
                                    is_active=True).distinct().order_by("email"))


# --- register ---------------------------------------------------------------------------------------

def organisation_register(*, actor: User, organisation: Organisation) -> Organisation:
    """A user's new organisation: they become its first administrator at once; the public listing
    waits for an editor (status "submitted"), nothing else does."""
    _require_verified(actor)
    organisation.status = Organisation.Status.SUBMITTED
    organisation.submitted_by = actor
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        audit_record(action="asis.organisation.registered", actor=actor, obj=organisation,
                     organisation_id=organisation.pk,
                     after={"name": organisation.name, "type": organisation.type, "country": organisation.country,
                            "region": organisation.region.code, "status": organisation.status})
        membership_grant(actor=actor, user=actor, organisation=organisation, role=Role.ORGANISATION_ADMIN)
    return organisation


# --- requests to join -------------------------------------------------------------------------------

def joinable_organisations(query: str) -> Any:
    """Organisations one may ask to join: published ones and those still awaiting an editor (a
    colleague may just have registered it), never rejected ones."""
    return (Organisation.objects.exclude(status=Organisation.Status.REJECTED)
            .filter(name__icontains=query.strip()).select_related("region").order_by("name"))


def join_request_create(*, actor: User, organisation: Organisation, message: str, absolute: Absolute) -> JoinRequest:
    _require_verified(actor)
    if organisation.status == Organisation.Status.REJECTED:
        raise ValidationError(_("This organisation cannot be joined."))
    with transaction.atomic():
        if Membership.objects.filter(user=actor, organisation=organisation).exists():
            raise ValidationError(_("You are already a member of this organisation."))
        if JoinRequest.objects.filter(user=actor, organisation=organisation,
                                      status=JoinRequest.Status.PENDING).exists():
            raise ValidationError(_("You have already asked to join this organisation; its administrators "
                                    "will answer."))
        join_request = JoinRequest(user=actor, organisation=organisation, message=message.strip())
        join_request.full_clean()
        join_request.save()
        audit_record(action="asis.membership.join_requested", actor=actor, obj=join_request,
                     organisation_id=organisation.pk, after={"user": actor.pk})
        recipients = administrators(organisation)

        def notify() -> None:
            for admin in recipients:
                _mail(to=admin.email, language=admin.preferred_language, template="join_request",
                      context={"requester": actor.display_name, "requester_email": actor.email,
                               "organisation": organisation.name, "message": join_request.message},
                      absolute=absolute, link=("accounts:organisation_detail", [organisation.pk]))

        transaction.on_commit(notify)
    return join_request


def _pending_for(actor: User, join_request: JoinRequest) -> JoinRequest:
    if not can_administer(actor, join_request.organisation):
        raise PermissionDenied
    locked = JoinRequest.objects.select_for_update().select_related("user", "organisation").get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    return locked


def join_request_accept(*, actor: User, join_request: JoinRequest, role: str, absolute: Absolute) -> Membership:
    if not can_administer(actor, join_request.organisation):
        raise PermissionDenied
    if role not in grantable_roles(actor, join_request.organisation):
        raise ValidationError({"role": _("You cannot give this role.")})
    with transaction.atomic():
        locked = _pending_for(actor, join_request)
        membership = membership_grant(actor=actor, user=locked.user, organisation=locked.organisation, role=role)
        locked.status, locked.role = JoinRequest.Status.ACCEPTED, role
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "role", "decided_by", "decided_at"])
        audit_record(action="asis.membership.join_accepted", actor=actor, obj=locked,
                     organisation_id=locked.organisation_id, before={"status": JoinRequest.Status.PENDING},
                     after={"status": locked.status, "user": locked.user_id, "role": role})
        user, organisation = locked.user, locked.organisation
        transaction.on_commit(lambda: _mail(
            to=user.email, language=user.preferred_language, template="join_accepted",
            context={"organisation": organisation.name, "role": Role(role).label},
            absolute=absolute, link=("accounts:organisation_detail", [organisation.pk])))
    return membership


def join_request_decline(*, actor: User, join_request: JoinRequest, reason: str, absolute: Absolute) -> JoinRequest:
    with transaction.atomic():
        locked = _pending_for(actor, join_request)
        locked.status, locked.reason = JoinRequest.Status.DECLINED, reason.strip()
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(action="asis.membership.join_declined", actor=actor, obj=locked,
                     organisation_id=locked.organisation_id, before={"status": JoinRequest.Status.PENDING},
                     after={"status": locked.status, "user": locked.user_id, "reason": locked.reason})
        user, organisation = locked.user, locked.organisation
        transaction.on_commit(lambda: _mail(
            to=user.email, language=user.preferred_language, template="join_declined",
            context={"organisation": organisation.name, "reason": locked.reason}, absolute=absolute,
            link=("accounts:organisation_join", [])))
    return locked


# --- invitations ------------------------------------------------------------------------------------

def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a link names, or None (forged, expired, spent or withdrawn)."""
    try:
        data = signing.loads(token, salt=_INVITATION_SALT, max_age=invitation_days() * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    invitation = Invitation.objects.select_related("organisation").filter(pk=data.get("i")).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("n"))) \
            or not invitation.is_open:
        return None
    return invitation


def invitation_create(*, actor: User, organisation: Organisation, email: str, role: str,
                      absolute: Absolute) -> Invitation:
    if not can_administer(actor, organisation):
        raise PermissionDenied
    if role not in grantable_roles(actor, organisation):
        raise ValidationError({"role": _("You cannot give this role.")})
    email = email.strip().lower()
    with transaction.atomic():
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise ValidationError({"email": _("This person is already a member of the organisation.")})
        if any(i.is_open for i in Invitation.objects.filter(organisation=organisation, email__iexact=email)):
            raise ValidationError({"email": _("An invitation to this address is still open.")})
        invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=actor,
                                nonce=secrets.token_urlsafe(16),
                                expires_at=timezone.now() + timedelta(days=invitation_days()))
        invitation.full_clean()
        invitation.save()
        audit_record(action="asis.membership.invited", actor=actor, obj=invitation,
                     organisation_id=organisation.pk, after={"email": email, "role": role})
        account = User.objects.filter(email__iexact=email, is_active=True).first()
        language = account.preferred_language if account else translation.get_language() or "en"
        token = invitation_token(invitation)
        transaction.on_commit(lambda: _mail(
            to=email, language=language, template="invitation",
            context={"inviter": actor.display_name, "organisation": organisation.name, "role": Role(role).label,
                     "days": invitation_days(), "has_account": account is not None},
            absolute=absolute, link=("accounts:invitation", [token])))
    return invitation


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not can_administer(actor, invitation.organisation):
        raise PermissionDenied
    with transaction.atomic():
        updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True,
                                            revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            audit_record(action="asis.membership.invitation_withdrawn", actor=actor, obj=invitation,
                         organisation_id=invitation.organisation_id, after={"email": invitation.email})


def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    """The invited person takes the place. The link went to the invited address, so opening it
    from the account with that address proves the mailbox: the address counts as verified."""
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to %(email)s. Log in with that account to accept it.")
                              % {"email": invitation.email})
    with transaction.atomic():
        spent = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True,
                                          expires_at__gt=timezone.now()).update(
            accepted_at=timezone.now(), accepted_by=user)
        if not spent:  # accepted in another tab, withdrawn or expired meanwhile
            raise ValidationError(_("This invitation is no longer valid."))
        if user.email_verified_at is None:
            User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
            user.email_verified_at = timezone.now()
        membership = membership_grant(actor=user, user=user, organisation=invitation.organisation,
                                      role=invitation.role)
        audit_record(action="asis.membership.invitation_accepted", actor=user, obj=invitation,
                     organisation_id=invitation.organisation_id, after={"user": user.pk, "role": invitation.role})
    return membership


# --- members ----------------------------------------------------------------------------------------

def _check_may_manage(actor: User, membership: Membership, *roles: str) -> None:
    """Only administrators of the organisation, and only for roles they could give themselves (an
    organisation administrator does not touch a programme manager's role)."""
    allowed = grantable_roles(actor, membership.organisation)
    if not allowed:
        raise PermissionDenied
    if any(role not in allowed for role in (membership.role, *roles)):
        raise ValidationError({"role": _("You cannot give this role.")})


def _keeps_an_administrator(membership: Membership) -> None:
    """Refuse to take away the organisation's last administrator (rows locked: two administrators
    removing each other at the same moment cannot both succeed)."""
    if membership.role not in MEMBER_ADMIN_ROLES:
        return
    admins = list(Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id,
                                                                role__in=MEMBER_ADMIN_ROLES))
    if not [m for m in admins if m.pk != membership.pk]:
        raise ValidationError(_("The organisation needs at least one administrator. Make someone else an "
                                "administrator first."))


def membership_role_change(*, actor: User, membership: Membership, role: str) -> Membership:
    _check_may_manage(actor, membership, role)
    if role == membership.role:
        return membership
    with transaction.atomic():
        if Membership.objects.filter(user_id=membership.user_id, organisation_id=membership.organisation_id,
                                     role=role).exists():
            raise ValidationError({"role": _("This person already has this role in the organisation.")})
        _keeps_an_administrator(membership)
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(action="asis.membership.role_changed", actor=actor, obj=membership,
                     organisation_id=membership.organisation_id,
                     before={"user": membership.user_id, "role": before}, after={"user": membership.user_id, "role": role})
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    _check_may_manage(actor, membership)
    with transaction.atomic():
        _keeps_an_administrator(membership)
        membership_revoke(actor=actor, membership=membership)
