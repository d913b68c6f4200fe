"""Views for contributors (propose, edit, my proposals), editors (moderation) and the edit history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from asis.accounts.models import Organisation
from asis.observatory import moderation
from asis.observatory.diffs import last_published_snapshot, revision_pairs, snapshot_diff
from asis.observatory.forms import DecisionForm, InitiativeForm, OrganisationProposalForm
from asis.observatory.models import Initiative
from asis.observatory.services import initiative_snapshot


def public_url(initiative: Initiative) -> str:
    """The public page when the catalogue provides one, else the edit history."""
    try:
        return initiative.get_absolute_url()
    except NoReverseMatch:
        return reverse("observatory:initiative_history", kwargs={"initiative_id": initiative.pk})


def _form_errors(form: InitiativeForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _warn_duplicate(request: HttpRequest, initiative: Initiative) -> None:
    duplicate = initiative.possible_duplicate_of
    if duplicate is not None:
        messages.warning(request, _("This initiative looks like “%(title)s” (no. %(number)s), already in the "
                                    "observatory. An editor will check whether it is the same one.")
                         % {"title": duplicate.title, "number": duplicate.pk})


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    form = InitiativeForm(request.POST or None, request.FILES or None,
                          initial={"original_language": request.user.preferred_language})
    if request.method == "POST" and form.is_valid():
        try:
            initiative = moderation.initiative_propose(
                actor=request.user, initiative=form.build(), organisations=form.organisations(),
                regions=form.cleaned_data["regions"], challenges=form.cleaned_data["challenges"],
                axes=form.cleaned_data["axes"], images=form.images())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your initiative has been sent to the editors for checking."))
            _warn_duplicate(request, initiative)
            return redirect("observatory:my_proposals")
    return render(request, "observatory/propose.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def propose_organisation(request: HttpRequest) -> HttpResponse:
    form = OrganisationProposalForm(request.POST or None,
                                    initial={"original_language": request.user.preferred_language})
    if request.method == "POST" and form.is_valid():
        try:
            moderation.organisation_propose(actor=request.user, organisation=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thank you. The organisation has been sent to the editors for checking."))
            return redirect("observatory:my_proposals")
    return render(request, "observatory/propose_organisation.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def my_proposals(request: HttpRequest) -> HttpResponse:
    initiatives = (Initiative.objects.filter(submitted_by=request.user)
                   .select_related("possible_duplicate_of").order_by("-updated_at", "-pk"))
    organisations = Organisation.objects.filter(submitted_by=request.user).order_by("-created_at", "-pk")
    rows = [(i, public_url(i) if i.status == Initiative.Status.PUBLISHED else None) for i in initiatives]
    return render(request, "observatory/my_proposals.html", {"rows": rows, "organisations": organisations})


@login_required
def initiative_edit(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = moderation.access_initiative_for_edit(request.user, initiative_id)
    form = InitiativeForm(request.POST or None, request.FILES or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.initiative_edit(
                actor=request.user, initiative=form.build(), organisations=form.organisations(),
                regions=form.cleaned_data["regions"], challenges=form.cleaned_data["challenges"],
                axes=form.cleaned_data["axes"], images=form.images())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if initiative.status == Initiative.Status.SUBMITTED and not request.user.can_moderate:
                messages.success(request, _("Your changes have been saved and sent to the editors for checking."))
            else:
                messages.success(request, _("Your changes have been saved."))
            _warn_duplicate(request, initiative)
            if request.user.can_moderate:
                return redirect("observatory:initiative_history", initiative_id=initiative.pk)
            return redirect("observatory:my_proposals")
    return render(request, "observatory/propose.html", {"form": form, "initiative": initiative},
                  status=400 if form.errors else 200)


def initiative_history(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = moderation.access_initiative_history(request.user, initiative_id)
    revisions = list(initiative.revisions.select_related("author").order_by("created_at", "pk"))
    return render(request, "observatory/history.html", {
        "initiative": initiative, "pairs": revision_pairs(revisions), "public_url": public_url(initiative),
    })


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    moderation.check_moderator(request.user)
    return render(request, "observatory/moderation_queue.html", {
        "initiatives": moderation.moderation_queue()[:200],
        "organisations": moderation.organisations_to_moderate()[:200],
    })


@login_required
def moderation_review(request: HttpRequest, initiative_id: int) -> HttpResponse:
    moderation.check_moderator(request.user)
    initiative = get_object_or_404(
        Initiative.objects.select_related("submitted_by", "possible_duplicate_of"), pk=initiative_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.initiative_moderate(actor=request.user, initiative=initiative,
                                           decision=form.cleaned_data["decision"],
                                           reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if initiative.status == Initiative.Status.PUBLISHED:
                messages.success(request, _("“%(title)s” is published.") % {"title": initiative.title})
            else:
                messages.success(request, _("“%(title)s” is rejected; the submitter has been told why.")
                                 % {"title": initiative.title})
            return redirect("observatory:moderation_queue")
    published = last_published_snapshot(initiative)
    context = {
        "initiative": initiative, "form": form, "diff": snapshot_diff(published, initiative_snapshot(initiative)),
        "has_published": published is not None, "images": initiative.images.all(),
        "duplicate_url": public_url(initiative.possible_duplicate_of) if initiative.possible_duplicate_of else None,
        "organisations": initiative.organisation_links.select_related("organisation"),
    }
    return render(request, "observatory/moderation_review.html", context, status=400 if form.errors else 200)


@login_required
def moderation_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    moderation.check_moderator(request.user)
    organisation = get_object_or_404(Organisation.objects.select_related("region", "submitted_by"),
                                     pk=organisation_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.organisation_moderate(actor=request.user, organisation=organisation,
                                             decision=form.cleaned_data["decision"],
                                             reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The organisation “%(name)s” has been moderated.")
                             % {"name": organisation.name})
            return redirect("observatory:moderation_queue")
    return render(request, "observatory/moderation_organisation.html",
                  {"organisation": organisation, "form": form}, status=400 if form.errors else 200)
