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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _document(w: Any) -> dict[str, Any]:
    """A guidelines PDF of a published call: public."""
    from asis.calls.builder.content import document_add
    from asis.calls.models import Call, CallDocument

    call = Call.objects.get(pk=_call(w)["call_id"])
    document = CallDocument.objects.filter(call=call).first() or document_add(
        actor=w.users["manager"], call=call, title="Guidelines", name="guidelines.pdf", data=PDF)
    return {"call_id": call.pk, "document_id": document.pk}


def _subscription(w: Any) -> dict[str, Any]:
    """A pending subscription: its token is the only key to confirm or end it."""
    from asis.calls.models import CallSubscription

    call_id = _announced(w)["call_id"]
    subscription, _created = CallSubscription.objects.get_or_create(
        call_id=call_id, email="someone@example.org", defaults={"token": "rules-token", "language": "en"})
    return {"token": subscription.token}


RULES: dict[str, Rule] = {
    "calls:public_list": Rule(ALL),
    "calls:public_detail": Rule(ALL, kwargs=_call),
    "calls:manage_list": Rule(MANAGERS),
    "calls:create": Rule(MANAGERS),
    "calls:manage_detail": Rule(CALL_MANAGERS, kwargs=_draft),
    "calls:edit": Rule(CALL_MANAGERS, kwargs=_announced),
    "calls:publish": Rule(CALL_MANAGERS, "POST", kwargs=_draft),
    # complete calls: documents, notify me when it opens
    "calls:document_download": Rule(ALL, kwargs=_document),
    "calls:subscribe": Rule(ALL, "POST", kwargs=_announced, data={"email": "visitor@example.org"}),
    "calls:subscription_confirm": Rule(ALL, kwargs=_subscription),
    "calls:subscription_end": Rule(ALL, kwargs=_subscription),
    "calls:versions": Rule(CALL_MANAGERS, kwargs=_announced),
    "calls:notifications": Rule(CALL_MANAGERS, kwargs=_announced),
}
