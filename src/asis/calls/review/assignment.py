"""Assignment of evaluators to applications: adapter to ``asis.engines.assignment`` and services.

Automatic assignment covers the call's submitted, eligible applications and its accepted
evaluators. Existing assignments stay (fixed pairs of the engine); applications that already
have their evaluators are left out and their load carried as each evaluator's initial load.
The pair cost is ``1 - expertise match`` (the share of the application's challenges among the
evaluator's expertise), so expertise breaks ties once the loads are as even as possible.
Big calls run as a background job (kind ``calls.assign``); small ones inline.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.calls.models import Application, Assignment, Call, Evaluator, Review
from asis.calls.notifications import notify
from asis.calls.review.evaluators import conflicted_pairs
from asis.core.audit import audit_record
from asis.core.jobs import Reporter
from asis.core.models import Job
from asis.engines.assignment import EvaluatorSpec, assign
from asis.engines.errors import EngineError, InfeasibleError

logger = logging.getLogger(__name__)

JOB_KIND = "calls.assign"
#: Above this many application x evaluator pairs, automatic assignment runs as a background job.
INLINE_MAX_PAIRS = 20_000


class AssignmentError(Exception):
    """Automatic assignment is not possible; the message says why (shown to the manager)."""


@dataclass
class AssignmentInputs:
    applications: list[int]
    evaluators: list[EvaluatorSpec]
    k: int
    conflicts: set[tuple[int, int]]
    fixed: set[tuple[int, int]]
    costs: dict[tuple[int, int], float]
    complete: int = 0
    skipped_fixed: list[tuple[int, int]] = field(default_factory=list)


def eligible_applications(call: Call) -> Any:
    return Application.objects.filter(call=call, status=Application.Status.SUBMITTED,
                                      eligibility=Application.Eligibility.ELIGIBLE)


def assignment_inputs(call: Call) -> AssignmentInputs:
    """Read the call into engine inputs (a handful of queries whatever the size)."""
    k = call.evaluators_per_application
    app_ids = list(eligible_applications(call).order_by("pk").values_list("pk", flat=True))
    evaluators = list(Evaluator.objects.filter(call=call, status=Evaluator.Status.ACCEPTED).order_by("pk"))
    eval_ids = {e.pk for e in evaluators}
    conflicts = {(a, e) for a, e in conflicted_pairs(call) if e in eval_ids}
    existing: dict[int, set[int]] = defaultdict(set)
    for a, e in Assignment.objects.filter(application__call=call, evaluator_id__in=eval_ids).values_list(
            "application_id", "evaluator_id"):
        existing[a].add(e)
    app_set = set(app_ids)
    run_apps: list[int] = []
    fixed: set[tuple[int, int]] = set()
    initial: dict[int, int] = defaultdict(int)
    skipped: list[tuple[int, int]] = []
    complete = 0
    for a in app_ids:
        usable = {e for e in existing[a] if (a, e) not in conflicts}
        skipped.extend((a, e) for e in existing[a] - usable)
        if len(usable) >= k:
            complete += 1
            for e in usable:
                initial[e] += 1
        else:
            run_apps.append(a)
            fixed.update((a, e) for e in usable)
    # load on applications outside the run (not eligible any more, etc.) also counts
    for a, evs in existing.items():
        if a not in app_set:
            for e in evs:
                initial[e] += 1
    expertise: dict[int, set[int]] = defaultdict(set)
    for e, c in Evaluator.expertise.through.objects.filter(evaluator_id__in=eval_ids).values_list(
            "evaluator_id", "challenge_id"):
        expertise[e].add(c)
    topics: dict[int, set[int]] = defaultdict(set)
    for a, c in Application.challenges.through.objects.filter(application_id__in=run_apps).values_list(
            "application_id", "challenge_id"):
        topics[a].add(c)
    costs: dict[tuple[int, int], float] = {}
    for a in run_apps:
        if not topics[a]:
            continue
        for e in eval_ids:
            match = len(topics[a] & expertise[e]) / len(topics[a])
            if match < 1:
                costs[(a, e)] = 1.0 - match
    specs = []
    for ev in evaluators:
        cap = None if ev.capacity is None else max(0, ev.capacity - initial[ev.pk])
        specs.append(EvaluatorSpec(ev.pk, capacity=cap, initial_load=initial[ev.pk]))
    run_set = set(run_apps)
    return AssignmentInputs(
        applications=run_apps, evaluators=specs, k=k,
        conflicts={(a, e) for a, e in conflicts if a in run_set}, fixed=fixed, costs=costs,
        complete=complete, skipped_fixed=skipped)


def assignment_precheck(call: Call) -> str:
    """A message when automatic assignment cannot start, else ""."""
    submitted = Application.objects.filter(call=call, status=Application.Status.SUBMITTED)
    if not submitted.exists():
        return _("There are no submitted applications yet.")
    if not submitted.exclude(eligibility=Application.Eligibility.PENDING).exists():
        return _("No application has been screened for eligibility yet: screen them first; "
                 "only eligible applications are assigned.")
    if not submitted.filter(eligibility=Application.Eligibility.ELIGIBLE).exists():
        return _("No application is eligible.")
    if not Evaluator.objects.filter(call=call, status=Evaluator.Status.ACCEPTED).exists():
        return _("No evaluator has accepted the invitation yet.")
    return ""


def is_big(call: Call) -> bool:
    n = eligible_applications(call).count()
    m = Evaluator.objects.filter(call=call, status=Evaluator.Status.ACCEPTED).count()
    return n * m > INLINE_MAX_PAIRS


def assignments_auto(*, actor: Any, call: Call, report: Reporter | None = None) -> dict[str, Any]:
    """Run the engine and create the missing assignments (method automatic) in one transaction."""
    progress: Callable[[float, str], None] = report or (lambda fraction, message: None)
    problem = assignment_precheck(call)
    if problem:
        raise AssignmentError(problem)
    progress(0.1, _("Reading applications, evaluators and conflicts"))
    inputs = assignment_inputs(call)
    progress(0.3, _("Computing the assignment"))
    try:
        result = assign(inputs.applications, inputs.evaluators, inputs.k, conflicts=inputs.conflicts,
                        fixed=inputs.fixed, costs=inputs.costs)
    except InfeasibleError as exc:
        raise AssignmentError(_infeasible_message(exc, call)) from exc
    except EngineError as exc:
        logger.warning("assignment engine refused call %s: %s", call.pk, exc)
        raise AssignmentError(_("The assignment could not be computed from these inputs; check the evaluators' "
                                "capacities and conflicts of interest.")) from exc
    progress(0.8, _("Saving the assignments"))
    new_pairs = sorted((int(a), int(e)) for a, e in result.pairs if (a, e) not in inputs.fixed)
    with transaction.atomic():
        Assignment.objects.bulk_create([
            Assignment(application_id=a, evaluator_id=e, method=Assignment.Method.AUTOMATIC, created_by=actor)
            for a, e in new_pairs])
        summary = {"created": len(new_pairs), "kept": len(inputs.fixed), "complete_before": inputs.complete,
                   "applications": len(inputs.applications), "conflicts_avoided": len(inputs.conflicts),
                   "spread": result.spread, "sparse": result.sparse, "rounds": result.rounds}
        audit_record(action="asis.assignment.created", actor=actor, obj=call, organisation_id=call.organisation_id,
                     after={"method": Assignment.Method.AUTOMATIC, **summary, "pairs": new_pairs})
    progress(0.9, _("Notifying the evaluators"))
    _notify_assigned(call, new_pairs)
    progress(1.0, _("Done"))
    return summary


def _infeasible_message(exc: InfeasibleError, call: Call) -> str:
    """What stops the assignment, in the reader's language, naming applications by reference and
    evaluators by name (the engine reports ids and counts)."""
    params = exc.params
    application = Application.objects.filter(call=call, pk=params.get("application")).first()
    evaluator = Evaluator.objects.select_related("user").filter(call=call, pk=params.get("evaluator")).first()
    facts = {**params,
             "application": application.reference if application else "",
             "evaluator": (evaluator.user.full_name or evaluator.user.email) if evaluator else ""}
    if exc.reason == "too_few_evaluators":
        return ngettext(
            "Application %(application)s has only %(available)d evaluator without a conflict of interest "
            "and with capacity left; %(needed)d are needed: invite more evaluators or raise capacities.",
            "Application %(application)s has only %(available)d evaluators without a conflict of interest "
            "and with capacity left; %(needed)d are needed: invite more evaluators or raise capacities.",
            params["available"]) % facts
    if exc.reason == "fixed_conflict":
        return _("Application %(application)s is fixed to %(evaluator)s, who declared a conflict of interest "
                 "with it: remove that manual assignment.") % facts
    if exc.reason == "too_many_fixed":
        return _("Application %(application)s already has %(fixed)d manually assigned evaluators; only "
                 "%(needed)d are needed: remove one.") % facts
    if exc.reason == "fixed_over_capacity":
        return ngettext(
            "%(evaluator)s has %(fixed)d manually assigned applications, above the capacity of %(capacity)d "
            "application: raise the capacity or remove an assignment.",
            "%(evaluator)s has %(fixed)d manually assigned applications, above the capacity of %(capacity)d "
            "applications: raise the capacity or remove an assignment.",
            params["capacity"]) % facts
    if exc.reason == "total_capacity":
        return _("The evaluators can take %(capacity)d reviews in all, but the applications need %(needed)d: "
                 "raise capacities or invite more evaluators.") % facts
    return _("No assignment gives every application its evaluators within the capacities and the conflicts "
             "of interest: raise capacities or invite more evaluators.")


def _notify_assigned(call: Call, pairs: list[tuple[int, int]]) -> None:
    by_evaluator: dict[int, int] = defaultdict(int)
    for _a, e in pairs:
        by_evaluator[e] += 1
    for evaluator in Evaluator.objects.filter(pk__in=by_evaluator).select_related("user"):
        notify(kind="evaluator_assigned", user=evaluator.user, call=call,
               context={"count": by_evaluator[evaluator.pk], "review_list_url": reverse("calls:review_list")})


def assignment_add(*, actor: Any, evaluator: Evaluator, application: Application, reason: str) -> Assignment:
    """Manual assignment with a required reason; refused on a conflicted pair."""
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    if evaluator.call_id != application.call_id:
        raise ValidationError({"application": _("The application belongs to another call.")})
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError({"application": _("Only submitted applications can be assigned.")})
    if evaluator.status == Evaluator.Status.DECLINED:
        raise ValidationError({"evaluator": _("This evaluator declined the invitation.")})
    if application.conflicts.filter(evaluator=evaluator).exists():
        raise ValidationError({"evaluator": _("This evaluator has a conflict of interest with the application "
                                              "and cannot be assigned to it.")})
    if Assignment.objects.filter(evaluator=evaluator, application=application).exists():
        raise ValidationError({"evaluator": _("This evaluator is already assigned to the application.")})
    with transaction.atomic():
        assignment = Assignment.objects.create(evaluator=evaluator, application=application,
                                               method=Assignment.Method.MANUAL, reason=reason.strip(),
                                               created_by=actor)
        audit_record(action="asis.assignment.created", actor=actor, obj=assignment,
                     organisation_id=application.call.organisation_id,
                     after={"evaluator": evaluator.pk, "application": application.pk,
                            "method": Assignment.Method.MANUAL, "reason": reason.strip()})
    _notify_assigned(application.call, [(application.pk, evaluator.pk)])
    return assignment


def assignment_remove(*, actor: Any, assignment: Assignment, reason: str) -> None:
    """Manual removal with a required reason; refused once the review is submitted."""
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.status == Review.Status.SUBMITTED:
        raise ValidationError(_("The review is already submitted; reopen it or keep the assignment."))
    with transaction.atomic():
        audit_record(action="asis.assignment.removed", actor=actor, obj=assignment,
                     organisation_id=assignment.application.call.organisation_id,
                     before={"evaluator": assignment.evaluator_id, "application": assignment.application_id,
                             "method": assignment.method},
                     after={"method": Assignment.Method.MANUAL, "reason": reason.strip(),
                            "draft_review_deleted": review is not None})
        if review is not None:
            review.delete()
        assignment.delete()


# --- background job ------------------------------------------------------------------------------

def assign_job_start(*, actor: Any, call: Call) -> Job:
    from asis.core.jobs import job_start

    running = running_job(call)
    if running is not None:
        return running
    return job_start(kind=JOB_KIND, owner=actor, params={"call_id": call.pk})


def running_job(call: Call) -> Job | None:
    return (Job.objects.filter(kind=JOB_KIND, params__call_id=call.pk,
                               status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).order_by("-created_at").first())


def last_job(call: Call) -> Job | None:
    return Job.objects.filter(kind=JOB_KIND, params__call_id=call.pk).order_by("-created_at").first()




# --- selectors -----------------------------------------------------------------------------------

def assignment_rows(call: Call, application_ids: list[int]) -> dict[int, list[Assignment]]:
    rows: dict[int, list[Assignment]] = defaultdict(list)
    for x in (Assignment.objects.filter(application_id__in=application_ids).select_related("evaluator__user")
              .order_by("pk")):
        rows[x.application_id].append(x)
    return rows
