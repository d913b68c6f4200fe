"""Background job handlers of the calls module (registered with ``@job_handler``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from asis.calls.access import managed_call_of_job
from asis.calls.review import assignment
from asis.core.jobs import JobError, Reporter, job_handler
from asis.core.models import Job


def _owner_and_call(job: Job) -> tuple[Any, Any]:
    found = managed_call_of_job(job)
    if found is None:
        raise JobError(_("The call does not exist or you no longer manage it."))
    return found


@job_handler(assignment.JOB_KIND)
def assign_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Automatic assignment for the job's owner, who must still manage the call when it runs."""
    owner, call = _owner_and_call(job)
    try:
        summary = assignment.assignments_auto(actor=owner, call=call, report=report)
    except assignment.AssignmentError as exc:
        raise JobError(str(exc)) from exc
    return {_("Assignments created"): summary["created"], _("Assignments kept"): summary["kept"],
            _("Conflicts avoided"): summary["conflicts_avoided"],
            _("Load spread (max - min)"): summary["spread"]}


@job_handler("calls.results")
def results_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Compute a call's results (``asis.calls.results.services.call_results_compute``) for the job's owner,
    who must still manage the call when the job runs."""
    from asis.calls.results.services import ResultsError, call_results_compute

    owner, call = _owner_and_call(job)
    try:
        result = call_results_compute(actor=owner, call=call, weights=job.params.get("weights") or None,
                                      job=job, report=report)
    except ResultsError as exc:
        raise JobError(str(exc)) from exc
    return {_("Result set"): result.pk, _("Applications ranked"): len(result.data["applications"])}


@job_handler("calls.decisions_send")
def decisions_send_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Write and send the decision letters of a call (``asis.calls.results.decisions.decisions_send``)."""
    from django.core.exceptions import ValidationError

    from asis.calls.results.decisions import decisions_send

    owner, call = _owner_and_call(job)
    try:
        sent = decisions_send(actor=owner, call=call, report=report)
    except ValidationError as exc:
        raise JobError(" ".join(exc.messages)) from exc
    return {_("Letters sent"): sent}


@job_handler("calls.opening_notices")
def opening_notices_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Tell the subscribers of calls that have opened (``asis.calls.builder.notify``)."""
    from asis.calls.builder.notify import opening_notices_send

    return {_("Notices sent"): opening_notices_send()}
