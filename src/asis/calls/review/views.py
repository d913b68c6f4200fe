"""Views of the review part: evaluators and conflicts, assignment, scoring, panel.

Thin: parse, call a service from evaluators.py / assignment.py / reviews.py / panel.py, render.
Every object is fetched through a permission-checked ``access_*`` function (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.calls.access import (
    access_assignment,
    access_evaluator_invitation,
    access_managed_application,
    access_managed_call,
    assignments_of,
)
from asis.calls.apply.budget import budget_rows
from asis.calls.apply.downloads import attachment_delivery
from asis.calls.models import (
    Application,
    Assignment,
    ConflictOfInterest,
    Evaluator,
    Review,
)
from asis.calls.review import assignment as asg
from asis.calls.review import evaluators as ev
from asis.calls.review import panel as pnl
from asis.calls.review import services as rv
from asis.calls.review.forms import (
    AssignmentAddForm,
    ConflictRecordForm,
    ConsensusForm,
    DeclareForm,
    EvaluatorUpdateForm,
    InviteForm,
    ReasonForm,
    ReviewForm,
)
from asis.calls.web import current_language, flash_errors, form_add_errors

# --- evaluators and conflicts (managers) -----------------------------------------------------------

def _evaluators_page(request: HttpRequest, call: Any, invite: InviteForm | None = None,
                     conflict_form: ConflictRecordForm | None = None, status: int = 200) -> HttpResponse:
    context = {
        "call": call,
        "evaluators": list(ev.evaluators_of(call)),
        "conflicts": list(ev.conflicts_of(call)),
        "flagged": ev.flagged_conflicts(call),
        "invite_form": invite or InviteForm(),
        "conflict_form": conflict_form or ConflictRecordForm(call=call),
        "update_form": EvaluatorUpdateForm(),
    }
    return render(request, "calls/review/manage_evaluators.html", context, status=status)


@login_required
def manage_evaluators(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                evaluator = ev.evaluator_invite(actor=request.user, call=call, email=data["email"],
                                                full_name=data["full_name"], external=data["external"],
                                                capacity=data["capacity"], expertise=data["expertise"],
                                                language=current_language())
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, _("%(email)s was invited.") % {"email": evaluator.user.email})
                return redirect("calls:manage_evaluators", call_id=call.pk)
        return _evaluators_page(request, call, invite=form, status=400)
    return _evaluators_page(request, call)


def _managed_evaluator(request: HttpRequest, call_id: int, evaluator_id: int) -> tuple[Any, Evaluator]:
    call = access_managed_call(request.user, call_id)
    evaluator = ev.evaluator_in_call(call, evaluator_id)
    if evaluator is None:
        raise Http404("No such evaluator")
    return call, evaluator


@login_required
@require_POST
def evaluator_update(request: HttpRequest, call_id: int, evaluator_id: int) -> HttpResponse:
    call, evaluator = _managed_evaluator(request, call_id, evaluator_id)
    form = EvaluatorUpdateForm(request.POST)
    if form.is_valid():
        try:
            ev.evaluator_update(actor=request.user, evaluator=evaluator, capacity=form.cleaned_data["capacity"],
                                external=form.cleaned_data["external"], expertise=evaluator.expertise.all())
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The evaluator was updated."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("calls:manage_evaluators", call_id=call.pk)


@login_required
@require_POST
def evaluator_remove(request: HttpRequest, call_id: int, evaluator_id: int) -> HttpResponse:
    call, evaluator = _managed_evaluator(request, call_id, evaluator_id)
    try:
        ev.evaluator_remove(actor=request.user, evaluator=evaluator)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The evaluator was removed."))
    return redirect("calls:manage_evaluators", call_id=call.pk)


@login_required
@require_POST
def conflicts_detect(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    counts = ev.conflicts_detect(call=call, actor=request.user)
    messages.success(request, _("Conflicts checked: %(added)s added, %(removed)s no longer apply, "
                                "%(dropped)s assignments removed, %(flagged)s flagged.") % {
        "added": counts["added"], "removed": counts["removed"], "dropped": counts["assignments_removed"],
        "flagged": counts["flagged"]})
    return redirect("calls:manage_evaluators", call_id=call.pk)


@login_required
@require_POST
def conflict_record(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    form = ConflictRecordForm(request.POST, call=call)
    if form.is_valid():
        try:
            _conflict, outcome = ev.conflict_record(actor=request.user, evaluator=form.cleaned_data["evaluator"],
                                                    application=form.cleaned_data["application"],
                                                    note=form.cleaned_data["note"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _conflict_message(outcome))
            return redirect("calls:manage_evaluators", call_id=call.pk)
    return _evaluators_page(request, call, conflict_form=form, status=400)


def _conflict_message(outcome: str) -> str:
    if outcome == "removed":
        return _("The conflict was recorded and the assignment removed.")
    if outcome == "flagged":
        return _("The conflict was recorded. The review was already submitted: the programme manager decides "
                 "whether it counts.")
    return _("The conflict was recorded.")


@login_required
@require_POST
def conflict_remove(request: HttpRequest, conflict_id: int) -> HttpResponse:
    conflict = (ConflictOfInterest.objects.select_related("evaluator__call")
                .filter(pk=conflict_id).first())
    if conflict is None:
        raise Http404("No such conflict")
    call = access_managed_call(request.user, conflict.evaluator.call_id)
    ev.conflict_remove(actor=request.user, conflict=conflict)
    messages.success(request, _("The conflict was removed."))
    return redirect("calls:manage_evaluators", call_id=call.pk)


# --- invitation (the invited person) --------------------------------------------------------------

@login_required
def invitation(request: HttpRequest, call_id: int) -> HttpResponse:
    evaluator = access_evaluator_invitation(request.user, call_id)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, _("Choose to accept or to decline."))
        else:
            try:
                ev.evaluator_respond(user=request.user, evaluator=evaluator, accept=answer == "accept")
            except ValidationError as error:
                flash_errors(request, error)
            else:
                messages.success(request, _("Thank you: you accepted the invitation.") if answer == "accept"
                                 else _("You declined the invitation."))
                return redirect("calls:review_list")
    return render(request, "calls/review/invitation.html", {"evaluator": evaluator, "call": evaluator.call})


# --- assignment (managers) -------------------------------------------------------------------------

@login_required
def manage_assignments(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    job = None
    if request.method == "POST":
        if asg.is_big(call):
            job = asg.assign_job_start(actor=request.user, call=call)
            messages.info(request, _("The assignment runs in the background; this page shows its progress."))
        else:
            try:
                summary = asg.assignments_auto(actor=request.user, call=call)
            except asg.AssignmentError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("%(created)s assignments created, %(kept)s kept; load spread "
                                            "%(spread)s.") % summary)
                return redirect("calls:manage_assignments", call_id=call.pk)
    return _assignments_page(request, call, job=job or asg.running_job(call) or asg.last_job(call))


def _assignments_page(request: HttpRequest, call: Any, *, job: Any = None, add_form: Any = None,
                      status: int = 200) -> HttpResponse:
    applications = (asg.eligible_applications(call) | Application.objects.filter(call=call, assignments__isnull=False)
                    ).distinct().select_related("organisation").order_by("reference")
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    rows = asg.assignment_rows(call, [a.pk for a in page])
    conflicts = ev.conflicted_pairs(call)
    context = {
        "call": call, "page": page,
        "rows": [{"application": a, "assignments": rows.get(a.pk, [])} for a in page],
        "evaluators": list(ev.evaluators_of(call)),
        "precheck": asg.assignment_precheck(call),
        "conflict_count": len(conflicts),
        "k": call.evaluators_per_application,
        "job": job,
        "add_form": add_form or AssignmentAddForm(call=call),
        "reason_form": ReasonForm(),
        "big": asg.is_big(call),
    }
    return render(request, "calls/review/manage_assignments.html", context, status=status)


@login_required
@require_POST
def assignment_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    form = AssignmentAddForm(request.POST, call=call)
    if form.is_valid():
        try:
            asg.assignment_add(actor=request.user, evaluator=form.cleaned_data["evaluator"],
                               application=form.cleaned_data["application"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The assignment was added."))
            return redirect("calls:manage_assignments", call_id=call.pk)
    return _assignments_page(request, call, add_form=form, status=400)


@login_required
@require_POST
def assignment_remove(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = (Assignment.objects.select_related("application__call", "evaluator")
                  .filter(pk=assignment_id).first())
    if assignment is None:
        raise Http404("No such assignment")
    call = access_managed_call(request.user, assignment.application.call_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to remove an assignment."))
        return redirect("calls:manage_assignments", call_id=call.pk)
    try:
        asg.assignment_remove(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The assignment was removed."))
    return redirect("calls:manage_assignments", call_id=call.pk)


# --- scoring (evaluators) --------------------------------------------------------------------------

@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    assignments = (assignments_of(request.user).select_related("application__call", "review")
                   .order_by("application__call__closes_at", "application__reference"))
    invitations = (Evaluator.objects.filter(user=request.user).select_related("call")
                   .order_by("-invited_at"))
    declarable = [(e, list(ev.declarable_applications(e)[:200])) for e in invitations
                  if e.status == Evaluator.Status.ACCEPTED]
    return render(request, "calls/review/review_list.html", {
        "assignments": assignments, "invitations": invitations, "declarable": declarable})


def _review_context(request: HttpRequest, assignment: Assignment, form: ReviewForm | None = None) -> dict[str, Any]:
    application = assignment.application
    call = application.call
    review = rv.review_of(assignment)
    criteria = rv.criteria_of(call, current_language())
    if form is None:
        scores, notes, comment = rv.review_values(review)
        initial: dict[str, Any] = {"comment": comment}
        for c in criteria:
            initial[f"score_{c.id}"] = "" if scores.get(c.id) is None else str(scores[c.id])
            initial[f"justification_{c.id}"] = notes.get(c.id, "")
        form = ReviewForm(initial=initial, criteria=criteria)
    language = current_language()
    posted = form.posted() if form.is_bound else rv.review_values(review)
    return {
        "assignment": assignment, "application": application, "call": call, "review": review,
        "form": form, "criteria": criteria, "error_summary": form.error_summary() if form.is_bound else [],
        "total": rv.weighted_total(criteria, posted[0]),
        "submitted": bool(review and review.status == Review.Status.SUBMITTED),
        "peers": rv.peer_reviews(assignment, review),
        "title": application.translated("title", language),
        "summary": application.translated("summary", language),
        "blind": call.blind,
        "challenges": list(application.challenges.all()),
        "partners": [] if call.blind else list(application.partners.select_related("organisation")),
        "co_applicants": [] if call.blind else list(application.co_applicants.select_related("user")),
        "attachments": list(application.attachments.all()),
        "budget_rows": budget_rows(application.budget_lines),
    }


@login_required
def review(request: HttpRequest, application_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, application_id)
    if request.method != "POST":
        return render(request, "calls/review/review.html", _review_context(request, assignment))
    criteria = rv.criteria_of(assignment.application.call, current_language())
    form = ReviewForm(request.POST, criteria=criteria)
    if form.is_valid():
        scores, notes, comment = form.raw()
        try:
            if "submit" in request.POST:
                _review, new = rv.review_submit(user=request.user, assignment=assignment, scores=scores,
                                                justifications=notes, comment=comment)
                if new:
                    messages.success(request, _("Your review was submitted."))
                else:
                    messages.info(request, _("This review was already submitted; nothing was changed."))
            else:
                rv.review_save(user=request.user, assignment=assignment, scores=scores, justifications=notes,
                               comment=comment)
                messages.success(request, _("The draft was saved."))
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return redirect("calls:review", application_id=application_id)
    # Whatever failed, what was typed is kept as a draft, so a reload or a closed tab loses nothing.
    scores, notes, comment = form.posted()
    rv.review_keep_draft(user=request.user, assignment=assignment, scores=scores, justifications=notes,
                         comment=comment)
    return render(request, "calls/review/review.html", _review_context(request, assignment, form), status=400)


@login_required
@require_POST
def review_autosave(request: HttpRequest, application_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, application_id)
    form = ReviewForm(request.POST, criteria=rv.criteria_of(assignment.application.call))
    error_list: list[str] = []
    if form.is_valid():
        scores, notes, comment = form.raw()
        try:
            rv.review_save(user=request.user, assignment=assignment, scores=scores, justifications=notes,
                           comment=comment)
        except ValidationError as error:
            error_list = error.messages
        else:
            return render(request, "calls/review/_autosave_status.html", {"saved_at": timezone.localtime()})
    else:
        error_list = [m for errors in form.errors.values() for m in errors]
    return render(request, "calls/review/_autosave_status.html", {"error_list": error_list})


@login_required
def review_attachment(request: HttpRequest, application_id: int, attachment_id: int) -> HttpResponse:
    access_assignment(request.user, application_id)  # this route is the evaluators' own
    delivery = attachment_delivery(request.user, application_id, attachment_id)
    response = HttpResponse(delivery.content, content_type=delivery.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=delivery.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _declarable(request: HttpRequest, application_id: int) -> tuple[Evaluator, Application]:
    application = (Application.objects.select_related("call")
                   .filter(pk=application_id, status=Application.Status.SUBMITTED).first())
    evaluator = None
    if application is not None:
        evaluator = (Evaluator.objects.filter(call=application.call, user=request.user)
                     .exclude(status=Evaluator.Status.DECLINED).first())
    if application is None or evaluator is None:
        raise Http404("No such application")
    return evaluator, application


@login_required
def declare_conflict(request: HttpRequest, application_id: int) -> HttpResponse:
    evaluator, application = _declarable(request, application_id)
    form = DeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _conflict, outcome = ev.conflict_declare(user=request.user, evaluator=evaluator, application=application,
                                                     note=form.cleaned_data["note"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _conflict_message(outcome))
            return redirect("calls:review_list")
    return render(request, "calls/review/declare_conflict.html",
                  {"form": form, "application": application, "call": application.call,
                   "title": application.translated("title", current_language())},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def review_reopen(request: HttpRequest, review_id: int) -> HttpResponse:
    review_obj = rv.access_managed_review(request.user, review_id)
    form = ReasonForm(request.POST)
    call_id = review_obj.assignment.application.call_id
    if not form.is_valid():
        messages.error(request, _("A reason is required to reopen a review."))
    else:
        try:
            rv.review_reopen(actor=request.user, review=review_obj, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The review was reopened; the evaluator was told by e-mail."))
    return redirect("calls:panel", call_id=call_id)


# --- panel (managers) --------------------------------------------------------------------------------

@login_required
def panel(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    reveal = request.GET.get("reveal") == "1"
    criteria = rv.criteria_of(call, current_language())
    applications = pnl.panel_applications(call)
    query = (request.GET.get("q") or "").strip()
    if query:
        applications = applications.filter(Q(reference__icontains=query) | Q(title__icontains=query))
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    rows = pnl.panel_rows(call, list(page), criteria, reveal=reveal)
    if request.GET.get("flagged") == "1":
        rows = [r for r in rows if r["flagged"]]
    return render(request, "calls/review/panel.html", {
        "call": call, "criteria": criteria, "rows": rows, "page": page, "reveal": reveal, "query": query,
        "flagged_only": request.GET.get("flagged") == "1",
        "consensus_form": ConsensusForm(criteria=criteria), "reason_form": ReasonForm()})


@login_required
@require_POST
def consensus_set(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_managed_application(request.user, application_id)
    criteria = rv.criteria_of(application.call, current_language())
    form = ConsensusForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            pnl.consensus_set(actor=request.user, application=application, criterion=form.cleaned_data["criterion"],
                              score=form.cleaned_data["score"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            return _panel_error(request, application, form, error)
        messages.success(request, _("The consensus score was saved."))
        return redirect(f"{_panel_url(application)}#app-{application.pk}")
    return _panel_error(request, application, form, None)


def _panel_url(application: Application) -> str:
    return reverse("calls:panel", kwargs={"call_id": application.call_id})


def _panel_error(request: HttpRequest, application: Application, form: ConsensusForm,
                 error: ValidationError | None) -> HttpResponse:
    if error is not None:
        form_add_errors(form, error)
    return render(request, "calls/review/consensus_error.html",
                  {"form": form, "application": application, "call": application.call}, status=400)


@login_required
@require_POST
def consensus_remove(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_managed_application(request.user, application_id)
    try:
        pnl.consensus_remove(actor=request.user, application=application,
                             criterion=str(request.POST.get("criterion", "")))
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The consensus score was removed."))
    return redirect(f"{_panel_url(application)}#app-{application.pk}")
