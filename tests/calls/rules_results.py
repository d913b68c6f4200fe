"""Permission rules of the results part (results, what-if, exports, decisions, letters, reports,
funded projects and the calls REST API), merged into the matrix."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.permission_rules import ALL, Rule

MANAGERS = frozenset({"manager", "platform_admin"})
APPLICANT = frozenset({"project_holder"})
# GET /applications/{id}: the applicant, the managers of the call and the assigned evaluator.
APPLICATION_READERS = frozenset({"project_holder", "manager", "platform_admin", "evaluator"})


def _world_call(w: Any) -> Any:
    """A call of world.org in evaluation, with one eligible, scored application (assigned to the
    world's evaluator) and a computed ResultSet; built once per world."""
    from asis.calls.models import Application, Call
    from asis.calls.results.services import call_results_compute
    from tests.calls.helpers import (
        assign,
        make_application,
        make_call,
        make_evaluator,
        score_review,
    )
    from tests.calls.results_fixtures import full_scores

    call = Call.objects.filter(organisation=w.org, title="Rules: results call").first()
    if call is not None:
        return call
    call = make_call(w.org, phase="evaluation", title="Rules: results call", smaa_draws=50)
    application = make_application(call, w.users["project_holder"], w.org, title="Rules: results application",
                                   eligibility=Application.Eligibility.ELIGIBLE, requested=Decimal("50000"))
    score_review(assign(make_evaluator(call, w.users["evaluator"]), application), full_scores(4))
    call_results_compute(actor=w.users["manager"], call=call)
    return call


def _call(w: Any) -> dict[str, Any]:
    return {"call_id": _world_call(w).pk}


def _application(w: Any) -> dict[str, Any]:
    return {"application_id": _world_call(w).applications.get().pk}


def _export(w: Any) -> dict[str, Any]:
    return {**_call(w), "fmt": "csv"}


RULES: dict[str, Rule] = {
    "calls:results": Rule(MANAGERS, kwargs=_call),
    "calls:results_compute": Rule(MANAGERS, "POST", kwargs=_call),
    "calls:results_whatif": Rule(MANAGERS, kwargs=_call),
    "calls:results_export": Rule(MANAGERS, kwargs=_export),
    "calls:decisions": Rule(MANAGERS, kwargs=_call),
    "calls:decisions_prefill": Rule(MANAGERS, "POST", kwargs=_call, data={"rest": "rejected"}),
    "calls:decisions_send": Rule(MANAGERS, kwargs=_call),
    "calls:decision_letters": Rule(MANAGERS, kwargs=_call),
    "calls:manager_letter": Rule(MANAGERS, kwargs=_application),
    "calls:letter_templates": Rule(MANAGERS, kwargs=_call),
    "calls:call_report_pdf": Rule(MANAGERS, kwargs=_call),
    "calls:application_report_pdf": Rule(MANAGERS, kwargs=_application),
    "calls:letter": Rule(APPLICANT, kwargs=_application),
    "calls:funded_list": Rule(ALL),
    "calls:funded_export": Rule(ALL, kwargs=lambda w: {"fmt": "csv"}),
    # REST API
    "api:call_list": Rule(ALL),
    "api:call_detail": Rule(ALL, kwargs=_call),
    "api:call_applications": Rule(MANAGERS, kwargs=_call),
    "api:application_detail": Rule(APPLICATION_READERS, kwargs=_application),
    "api:call_results": Rule(MANAGERS, kwargs=_call),
    "api:funded_list": Rule(ALL),
}
