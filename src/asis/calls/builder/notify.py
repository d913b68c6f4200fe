"""“Notify me when it opens”: subscriptions to an announced call and the notices sent when it opens.

A visitor gives an address and confirms it from an e-mail (double opt-in: nobody can sign someone
else up); a signed-in user subscribes with one click to their account's address. When a call has
opened, a background job sends each confirmed subscriber one notice in the language they used
when subscribing, with a link that ends the subscription. The worker's periodic sweep
(``asis worker``, every half job lease) starts that job through ``opening_notices_due``, so a
notice goes out within minutes of the opening.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.calls.models import Call, CallSubscription

logger = logging.getLogger(__name__)

JOB_KIND = "calls.opening_notices"
CONFIRM_DAYS = 7


def _token() -> str:
    return secrets.token_urlsafe(32)


def subscription_start(*, call: Call, email: str, user: Any, language: str) -> tuple[CallSubscription, bool]:
    """Subscribe ``email`` (or the signed-in ``user``'s address) to ``call``'s opening.

    Returns the subscription and whether a confirmation e-mail went out. A signed-in user's own
    address counts as confirmed; any other address gets a confirmation link first. Asking again
    for an unconfirmed address sends the link again; a confirmed one is left as it is."""
    from asis.calls.notifications import notify

    if call.status != Call.Status.PUBLISHED or call.opens_at <= timezone.now():
        raise ValidationError(_("This call is not waiting to open."))
    signed_in = bool(getattr(user, "is_authenticated", False))
    own = signed_in and (not email or email.strip().lower() == (user.email or "").lower())
    address = (user.email if own else email).strip()
    if not address:
        raise ValidationError({"email": _("Enter your e-mail address.")})
    if language not in settings.LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        subscription = CallSubscription.objects.select_for_update().filter(call=call, email__iexact=address).first()
        if subscription is None:
            subscription = CallSubscription(call=call, email=address, token=_token(), language=language,
                                            user=user if own else None)
        subscription.language = language
        if own:
            subscription.user = user
            subscription.confirmed_at = subscription.confirmed_at or timezone.now()
        try:
            subscription.save()
        except IntegrityError as exc:  # a parallel request subscribed the same address
            raise ValidationError(_("This address is already subscribed.")) from exc
    if subscription.confirmed_at:
        return subscription, False
    notify(kind="call_subscription_confirm", email=address, language=language, call=call,
           context={"token": subscription.token, "days": CONFIRM_DAYS})
    return subscription, True


def subscription_confirm(*, token: str, now: datetime | None = None) -> CallSubscription:
    now = now or timezone.now()
    subscription = CallSubscription.objects.select_related("call").filter(token=token).first()
    if subscription is None:
        raise ValidationError(_("This link is not valid (any more)."))
    if subscription.confirmed_at is None:
        if subscription.created_at < now - timedelta(days=CONFIRM_DAYS):
            subscription.delete()
            raise ValidationError(_("This link has expired. Ask again for a notice on the call's page."))
        subscription.confirmed_at = now
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_end(*, token: str) -> Call | None:
    """Delete the subscription of ``token``; the call it was for, or None for an unknown token."""
    subscription = CallSubscription.objects.select_related("call").filter(token=token).first()
    if subscription is None:
        return None
    call = subscription.call
    subscription.delete()
    return call


def _due(now: datetime) -> Any:
    return CallSubscription.objects.filter(
        confirmed_at__isnull=False, notified_at__isnull=True, call__status=Call.Status.PUBLISHED,
        call__opens_at__lte=now, call__closes_at__gt=now)


def opening_notices_send(*, now: datetime | None = None) -> int:
    """Send the notice to every confirmed subscriber of a call that has opened; the number sent.
    Each subscription is marked before its e-mail goes, so a second run never sends it twice."""
    from asis.calls.notifications import notify

    now = now or timezone.now()
    sent = 0
    for pk in list(_due(now).values_list("pk", flat=True)):
        with transaction.atomic():
            subscription = _due(now).select_for_update(skip_locked=True).filter(pk=pk).select_related("call").first()
            if subscription is None:
                continue
            subscription.notified_at = now
            subscription.save(update_fields=["notified_at"])
        notify(kind="call_opened", email=subscription.email, language=subscription.language,
               user=None, call=subscription.call, context={"token": subscription.token})
        sent += 1
    return sent


def opening_notices_due(*, now: datetime | None = None) -> Any:
    """Periodic hook (the worker's sweep): start the notices job when some are due and none is
    queued. Never raises: a failure is logged and retried at the next sweep."""
    from asis.core.jobs import job_start
    from asis.core.models import Job

    try:
        if not _due(now or timezone.now()).exists():
            return None
        if Job.objects.filter(kind=JOB_KIND, status__in=("queued", "running")).exists():
            return None
        return job_start(kind=JOB_KIND)
    except Exception:
        logger.exception("could not start the opening notices")
        return None
