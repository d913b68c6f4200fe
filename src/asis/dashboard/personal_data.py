"""The notification centre's part of a person's data: its GDPR export, erasure and retention.

Called through the hooks in ``asis.accounts.services``, so accounts does not import this app.
"""

from __future__ import annotations

from typing import Any

from asis.dashboard.models import Notification, NotificationPreference


def export(user: Any) -> dict[str, Any]:
    return {
        "in_app_notifications": [
            {"kind": n.kind, "parameters": n.params, "time": n.created_at.isoformat(),
             "read_at": n.read_at.isoformat() if n.read_at else None}
            for n in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "notification_email_preferences": {
            p.kind: p.email for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        },
    }


def erase(user: Any) -> None:
    """Notifications only ever concern their recipient: nothing else points to them."""
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()


def purge(cutoff: Any) -> dict[str, int]:
    """Notifications already read before the retention cutoff."""
    return {"notifications": Notification.objects.filter(read_at__lt=cutoff).delete()[0]}
