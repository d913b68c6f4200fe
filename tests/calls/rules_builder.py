"""Permission rules of the call builder and the public call pages (merged into the matrix)."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ALL, Rule

MANAGERS = frozenset({"manager", "other_manager", "platform_admin"})  # anyone managing some organisation
CALL_MANAGERS = frozenset({"manager", "platform_admin"})  # the call's organisation (and admins)


def _call(w: Any, *, phase: str = "open", title: str = "Rules: builder call") -> dict[str, Any]:
    from asis.calls.models import Call
    from tests.calls.helpers import make_call

    existing = Call.objects.filter(organisation=w.org, title=title).first()
    return {"call_id": (existing or make_call(w.org, phase=phase, title=title)).pk}


def _draft(w: Any) -> dict[str, Any]:
    return _call(w, phase="draft", title="Rules: builder draft")


def _announced(w: Any) -> dict[str, Any]:
    return _call(w, phase="announced", title="Rules: builder announced")


RULES: dict[str, Rule] = {
    "calls:public_list": Rule(ALL),
    "calls:public_detail": Rule(ALL, kwargs=_call),
    "calls:manage_list": Rule(MANAGERS),
    "calls:create": Rule(MANAGERS),
    "calls:manage_detail": Rule(CALL_MANAGERS, kwargs=_draft),
    "calls:edit": Rule(CALL_MANAGERS, kwargs=_announced),
    "calls:publish": Rule(CALL_MANAGERS, "POST", kwargs=_draft),
    "calls:versions": Rule(CALL_MANAGERS, kwargs=_announced),
    "calls:notifications": Rule(CALL_MANAGERS, kwargs=_announced),
}
