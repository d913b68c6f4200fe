"""Permission rules of the learning-loop page: programme managers of the call's organisation."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import Rule

STAFF = frozenset({"manager", "platform_admin"})


def _call(w: Any) -> dict[str, Any]:
    from asis.calls.models import Call
    from tests.calls.helpers import make_call

    call = Call.objects.filter(organisation=w.org, title="Rules: learning call").first()
    return {"call_id": (call or make_call(w.org, phase="decided", title="Rules: learning call")).pk}


RULES = {
    "impact:call_learning": Rule(STAFF, kwargs=_call),
}
