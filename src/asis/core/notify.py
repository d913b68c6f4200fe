"""The in-app notification centre's entry point for every app that e-mails a person.

Each place that sends an e-mail to a user calls ``notify_user(kind=..., user=..., **objects)`` first:
the notification centre records an in-app notification (rendered later, in the reader's language,
from the kind and its parameters) and answers whether the person still wants the e-mail of that
kind. ``core`` imports no app, so the app that keeps the centre registers its recorder here when
Django starts; without one every e-mail goes out as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Recorder = Callable[..., bool]

_recorder: Recorder | None = None


def register_recorder(recorder: Recorder | None) -> None:
    """Install the function that records a notification and returns whether to e-mail it."""
    global _recorder
    _recorder = recorder


def notify_user(*, kind: str, user: Any, **objects: Any) -> bool:
    """Record an in-app notification of ``kind`` for ``user``; True when the e-mail should be sent.

    ``objects`` are what the notification is about (a call, an application, an event name...);
    the recorder keeps only the parameters its kind needs. Anonymous or unsaved recipients get no
    in-app notification and their e-mail is unaffected.
    """
    if _recorder is None or user is None or not getattr(user, "pk", None):
        return True
    return _recorder(kind=kind, user=user, objects=objects)
