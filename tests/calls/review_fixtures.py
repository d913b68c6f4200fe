"""Builders shared by the review part's tests (the shared helpers are read-only)."""

from __future__ import annotations

from typing import Any

from asis.accounts.models import Membership, Organisation, Role
from asis.calls.models import Application
from asis.calls.review.services import criteria_of
from tests.calls.helpers import assign, make_application, make_call, make_evaluator
from tests.conftest import make_org, make_user


def full_scores(call: Any, value: int = 3) -> dict[str, Any]:
    """POST data scoring every criterion at ``value`` (clamped to each scale), with justifications."""
    data: dict[str, Any] = {"comment": "Overall fine."}
    for c in criteria_of(call):
        data[f"score_{c.id}"] = str(min(max(value, c.minimum), c.maximum))
        data[f"justification_{c.id}"] = "Because."
    return data


def evaluator_user(email: str, organisation: Organisation | None = None) -> Any:
    user = make_user(email)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=Role.EVALUATOR)
    return user


def scenario(world: Any, *, blind: bool = False, hide: bool = True, **call_fields: Any) -> dict[str, Any]:
    """A call in evaluation, an eligible application of another organisation assigned to the world's
    evaluator and to a second evaluator."""
    call = make_call(world.org, phase="evaluation", blind=blind, hide_scores_until_submitted=hide,
                     title="Review scenario", **call_fields)
    lead = make_org("Applicant Verein Sichtbar", "AT33")
    application = make_application(call, world.users["project_holder"], lead,
                                   eligibility=Application.Eligibility.ELIGIBLE, title="Alpine care hub")
    first = make_evaluator(call, world.users["evaluator"])
    second_user = evaluator_user("second.evaluator@example.org")
    second = make_evaluator(call, second_user)
    return {"call": call, "application": application, "lead": lead, "evaluator": first,
            "assignment": assign(first, application), "second": second,
            "second_assignment": assign(second, application), "second_user": second_user}
