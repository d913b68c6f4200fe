"""Background job handlers of the calls module (registered with ``@job_handler``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

import asis.calls.assignment  # noqa: F401  (registers the "calls.assign" handler)
from asis.calls.models import Call
from asis.core.jobs import JobError, Reporter, job_handler
from asis.core.models import Job


@job_handler("calls.results")
def results_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Compute a call's results (``asis.calls.results.call_results_compute``) for the job's owner,
    who must still manage the call when the job runs."""
    from asis.calls.access import calls_managed_by
    from asis.calls.results import ResultsError, call_results_compute

    owner = job.owner
    call = Call.objects.filter(pk=job.params.get("call_id")).first()
    if call is None or owner is None or not calls_managed_by(owner).filter(pk=call.pk).exists():
        raise JobError(_("The call does not exist or you no longer manage it."))
    try:
        result = call_results_compute(actor=owner, call=call, weights=job.params.get("weights") or None,
                                      job=job, report=report)
    except ResultsError as exc:
        raise JobError(str(exc)) from exc
    return {_("Result set"): result.pk, _("Applications ranked"): len(result.data["applications"])}


@job_handler("calls.decisions_send")
def decisions_send_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Write and send the decision letters of a call (``asis.calls.decisions.decisions_send``)."""
    from django.core.exceptions import ValidationError

    from asis.calls.access import calls_managed_by
    from asis.calls.decisions import decisions_send

    owner = job.owner
    call = Call.objects.filter(pk=job.params.get("call_id")).first()
    if call is None or owner is None or not calls_managed_by(owner).filter(pk=call.pk).exists():
        raise JobError(_("The call does not exist or you no longer manage it."))
    try:
        sent = decisions_send(actor=owner, call=call, report=report)
    except ValidationError as exc:
        raise JobError(" ".join(exc.messages)) from exc
    return {_("Letters sent"): sent}
