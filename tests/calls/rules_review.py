"""Permission rules of the review part (evaluators, conflicts, assignment, scoring, panel)."""

from __future__ import annotations

from itertools import count
from typing import Any

from tests.permission_rules import AUTHENTICATED, Rule

CALL_MANAGERS = frozenset({"manager", "platform_admin"})
EVALUATOR = frozenset({"evaluator"})
_fresh = count(1)


def _setup(w: Any) -> dict[str, Any]:
    """A call in evaluation with one application assigned to the world's evaluator (built once)."""
    from asis.calls.models import Application, Call
    from tests.calls.helpers import assign, make_application, make_call, make_evaluator

    call = Call.objects.filter(organisation=w.org, title="Rules: review call").first()
    if call is None:
        call = make_call(w.org, phase="evaluation", title="Rules: review call")
    application = Application.objects.filter(call=call).first() or make_application(
        call, w.users["project_holder"], w.other_org, eligibility=Application.Eligibility.ELIGIBLE)
    evaluator = make_evaluator(call, w.users["evaluator"])
    assignment = assign(evaluator, application)
    return {"call": call, "application": application, "evaluator": evaluator, "assignment": assignment}


def _fresh_evaluator(w: Any) -> Any:
    from asis.accounts.models import User
    from tests.calls.helpers import make_evaluator

    user = User.objects.create_user(f"rules-evaluator-{next(_fresh)}@example.org", "x-Password-123")
    return make_evaluator(_setup(w)["call"], user)


def _call(w: Any) -> dict[str, Any]:
    return {"call_id": _setup(w)["call"].pk}


def _application(w: Any) -> dict[str, Any]:
    return {"application_id": _setup(w)["application"].pk}


def _evaluator(w: Any) -> dict[str, Any]:
    evaluator = _fresh_evaluator(w)
    return {"call_id": evaluator.call_id, "evaluator_id": evaluator.pk}


def _conflict(w: Any) -> dict[str, Any]:
    from asis.calls.models import ConflictOfInterest

    evaluator = _fresh_evaluator(w)
    conflict = ConflictOfInterest.objects.create(evaluator=evaluator, application=_setup(w)["application"],
                                                 type=ConflictOfInterest.Type.MANUAL, note="rules")
    return {"conflict_id": conflict.pk}


def _assignment(w: Any) -> dict[str, Any]:
    from tests.calls.helpers import assign

    return {"assignment_id": assign(_fresh_evaluator(w), _setup(w)["application"]).pk}


def _submitted_review(w: Any) -> dict[str, Any]:
    from tests.calls.helpers import assign, score_review

    assignment = assign(_fresh_evaluator(w), _setup(w)["application"])
    return {"review_id": score_review(assignment, {"social_need": 3}).pk}


def _attachment(w: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from asis.calls.models import Attachment

    setup = _setup(w)
    attachment = Attachment.objects.filter(application=setup["application"]).first()
    if attachment is None:
        attachment = Attachment(application=setup["application"], kind=Attachment.Kind.OTHER,
                                original_name="budget.txt", content_type="text/plain", size=1, sha256="0" * 64)
        attachment.file.save("budget.txt", ContentFile(b"x"), save=False)
        attachment.save()
    return {"application_id": setup["application"].pk, "attachment_id": attachment.pk}


RULES: dict[str, Rule] = {
    "calls:manage_evaluators": Rule(CALL_MANAGERS, kwargs=_call),
    "calls:evaluator_update": Rule(CALL_MANAGERS, "POST", kwargs=_evaluator, data={"capacity": "4"}),
    "calls:evaluator_remove": Rule(CALL_MANAGERS, "POST", kwargs=_evaluator),
    "calls:conflicts_detect": Rule(CALL_MANAGERS, "POST", kwargs=_call),
    "calls:conflict_record": Rule(CALL_MANAGERS, "POST", kwargs=_call),
    "calls:conflict_remove": Rule(CALL_MANAGERS, "POST", kwargs=_conflict),
    "calls:invitation": Rule(EVALUATOR, kwargs=_call),
    "calls:manage_assignments": Rule(CALL_MANAGERS, kwargs=_call),
    "calls:assignment_add": Rule(CALL_MANAGERS, "POST", kwargs=_call),
    "calls:assignment_remove": Rule(CALL_MANAGERS, "POST", kwargs=_assignment, data={"reason": "rules"}),
    "calls:review_list": Rule(AUTHENTICATED),
    "calls:review": Rule(EVALUATOR, kwargs=_application),
    "calls:review_autosave": Rule(EVALUATOR, "POST", kwargs=_application),
    "calls:review_attachment": Rule(EVALUATOR, kwargs=_attachment),
    "calls:declare_conflict": Rule(EVALUATOR, kwargs=_application),
    "calls:review_reopen": Rule(CALL_MANAGERS, "POST", kwargs=_submitted_review, data={"reason": "rules"}),
    "calls:panel": Rule(CALL_MANAGERS, kwargs=_call),
    "calls:consensus_set": Rule(CALL_MANAGERS, "POST", kwargs=_application,
                                data={"criterion": "social_need", "score": "3", "reason": "rules"}),
    "calls:consensus_remove": Rule(CALL_MANAGERS, "POST", kwargs=_application, data={"criterion": "social_need"}),
}
