"""The notification centre: record (from ``asis.core.notify``), read, mark read, e-mail choices.

``access_*`` fetch with the ownership check (404 for anyone else's notification); writes are
``notification_*`` / ``notification_preferences_set``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from asis.calls.models import Call
from asis.dashboard.kinds import KINDS, link_of, mutable_kinds
from asis.dashboard.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


def notification_record(*, kind: str, user: Any, objects: dict[str, Any]) -> bool:
    """Write the in-app notification; True when the person still wants this kind by e-mail."""
    spec = KINDS.get(kind)
    if spec is None:  # an e-mail kind nobody described yet: the e-mail still goes out
        logger.warning("notification kind %s is not registered; no in-app notification", kind)
        return True
    if getattr(user, "anonymised_at", None):
        return True  # the e-mail sender already drops the address of an erased account
    Notification.objects.create(recipient=user, kind=kind, params=spec.collect(objects))
    if spec.always_email:
        return True
    return not NotificationPreference.objects.filter(user=user, kind=kind, email=False).exists()


def notifications_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def access_notification(user: Any, notification_id: int) -> Notification:
    notification = notifications_of(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification")
    return notification


def notification_mark_read(*, user: Any, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise Http404("No such notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notification_mark_all_read(*, user: Any) -> int:
    return notifications_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())


@dataclass(frozen=True)
class Item:
    pk: int
    text: str
    link: str
    created_at: datetime
    read: bool


def rendered(notifications: Iterable[Notification]) -> list[Item]:
    """Notifications as sentences in the active language, with one query for the calls they name."""
    rows = list(notifications)
    call_ids = {n.params.get("call") for n in rows if isinstance(n.params.get("call"), int)}
    calls = Call.objects.only("pk", "title", "original_language", "translations").in_bulk(call_ids)
    titles = {pk: call.display_title for pk, call in calls.items()}
    items = []
    for n in rows:
        spec = KINDS.get(n.kind)
        text = spec.text(n.params, titles) if spec is not None else n.kind
        items.append(Item(pk=n.pk, text=text, link=link_of(spec, n.params), created_at=n.created_at,
                          read=n.read_at is not None))
    return items


def email_preferences(user: Any) -> dict[str, bool]:
    """E-mail on/off for every kind a person may switch off (on unless they chose otherwise)."""
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    return {k.key: k.key not in off for k in mutable_kinds()}


@transaction.atomic
def notification_preferences_set(*, user: Any, email_on: Iterable[str]) -> None:
    """Store the person's choices; kinds that cannot be switched off are ignored."""
    wanted = set(email_on)
    for kind in mutable_kinds():
        NotificationPreference.objects.update_or_create(user=user, kind=kind.key,
                                                        defaults={"email": kind.key in wanted})
