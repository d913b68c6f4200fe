"""Organisation onboarding pages: the two ways in (register, join), answering requests,
invitations and role changes. Views parse and render; ``asis.accounts.onboarding`` decides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.accounts import onboarding, services
from asis.accounts.access import access_administered_organisation, grantable_roles
from asis.accounts.forms import SignupForm
from asis.accounts.forms_onboarding import (
    AcceptJoinForm,
    DeclineJoinForm,
    InviteForm,
    JoinRequestForm,
    JoinSearchForm,
    OrganisationRegisterForm,
    RoleChangeForm,
)
from asis.accounts.models import Invitation, JoinRequest, Membership, Organisation, User
from asis.accounts.views import organisation_context, safe_next


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _detail(organisation_id: int) -> HttpResponse:
    return redirect("accounts:organisation_detail", organisation_id=organisation_id)


@login_required
def onboarding_start(request: HttpRequest) -> HttpResponse:
    """The two ways into an organisation, where the apply flow sends people without one."""
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    pending = request.user.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("organisation")
    return render(request, "accounts/onboarding/start.html",
                  {"memberships": memberships, "pending": pending, "next": safe_next(request)})


@login_required
def organisation_register(request: HttpRequest) -> HttpResponse:
    form = OrganisationRegisterForm(request.POST or None,
                                    initial={"original_language": request.user.preferred_language})
    next_url = safe_next(request)
    if request.method == "POST" and request.user.email_verified and form.is_valid():
        try:
            organisation = onboarding.organisation_register(actor=request.user, organisation=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("%(name)s is registered and you are its administrator. You can apply "
                                        "on its behalf now; the editors will check it before it is listed in "
                                        "the observatory.") % {"name": organisation.name})
            return redirect(next_url or organisation.get_absolute_url())
    return render(request, "accounts/onboarding/register.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


@login_required
def organisation_join(request: HttpRequest) -> HttpResponse:
    """Search organisations by name; each result has a request form."""
    form = JoinSearchForm(request.GET or None)
    results: list[Organisation] | None = None
    if form.is_valid():
        found = onboarding.joinable_organisations(form.cleaned_data["q"])
        results = list(found.defer("region__geometry")[:20])
        mine = set(request.user.memberships.values_list("organisation_id", flat=True))
        asked = set(request.user.join_requests.filter(status=JoinRequest.Status.PENDING)
                    .values_list("organisation_id", flat=True))
        for organisation in results:
            organisation.is_mine = organisation.pk in mine
            organisation.asked = organisation.pk in asked
    return render(request, "accounts/onboarding/join.html",
                  {"form": form, "results": results, "request_form": JoinRequestForm()},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def organisation_join_request(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(onboarding.joinable_organisations(""), pk=organisation_id)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            onboarding.join_request_create(actor=request.user, organisation=organisation,
                                           message=form.cleaned_data["message"], absolute=request.build_absolute_uri)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("Your request was sent to the administrators of %(name)s. We will e-mail "
                                        "you their answer.") % {"name": organisation.name})
            return redirect("accounts:onboarding")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('accounts:organisation_join')}?{urlencode({'q': organisation.name})}")


def _administered_request(request: HttpRequest, organisation_id: int, request_id: int) -> JoinRequest:
    organisation = access_administered_organisation(request.user, organisation_id)
    return get_object_or_404(JoinRequest.objects.select_related("organisation", "user"),
                             pk=request_id, organisation=organisation)


@login_required
@require_POST
def join_request_accept(request: HttpRequest, organisation_id: int, request_id: int) -> HttpResponse:
    join_request = _administered_request(request, organisation_id, request_id)
    form = AcceptJoinForm(request.POST, roles=grantable_roles(request.user, join_request.organisation),
                          prefix=f"r{join_request.pk}")
    if form.is_valid():
        try:
            onboarding.join_request_accept(actor=request.user, join_request=join_request,
                                           role=form.cleaned_data["role"], absolute=request.build_absolute_uri)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": join_request.user.display_name})
    else:
        messages.error(request, _("Choose a role."))
    return _detail(organisation_id)


@login_required
@require_POST
def join_request_decline(request: HttpRequest, organisation_id: int, request_id: int) -> HttpResponse:
    join_request = _administered_request(request, organisation_id, request_id)
    form = DeclineJoinForm(request.POST, prefix=f"d{join_request.pk}")
    if form.is_valid():
        try:
            onboarding.join_request_decline(actor=request.user, join_request=join_request,
                                            reason=form.cleaned_data["reason"], absolute=request.build_absolute_uri)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("The request was declined."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _detail(organisation_id)


@login_required
@require_POST
def membership_role_change(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation"),
                                   pk=membership_id, organisation=organisation)
    roles = grantable_roles(request.user, organisation)
    form = RoleChangeForm(request.POST, roles=roles, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            onboarding.membership_role_change(actor=request.user, membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("The role of %(name)s is now “%(role)s”.") % {
                "name": membership.user.display_name, "role": membership.get_role_display()})
        return _detail(organisation.pk)
    return render(request, "accounts/organisation_detail.html",
                  organisation_context(request, organisation, **{f"role_{membership.pk}": form}), status=400)


@login_required
@require_POST
def invitation_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    form = InviteForm(request.POST, roles=grantable_roles(request.user, organisation))
    if form.is_valid():
        try:
            onboarding.invitation_create(actor=request.user, organisation=organisation,
                                         email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                                         absolute=request.build_absolute_uri)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return _detail(organisation.pk)
    return render(request, "accounts/organisation_detail.html",
                  organisation_context(request, organisation, invite_form=form), status=400)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, organisation_id: int, invitation_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=organisation)
    onboarding.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("The invitation was withdrawn."))
    return _detail(organisation.pk)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. Anonymous: sign up for the invited address or log in. Logged in: a
    button (POST) takes the place, so a mail scanner fetching the link does not spend it."""
    found = onboarding.invitation_from_token(token)
    if found is None:
        return render(request, "accounts/onboarding/invitation.html", {"invalid": True}, status=400)
    here = reverse("accounts:invitation", args=[token])
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = onboarding.invitation_accept(user=request.user, invitation=found)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
            return redirect(here)
        messages.success(request, _("Welcome to %(name)s.") % {"name": membership.organisation.name})
        return _detail(membership.organisation_id)
    context: dict[str, Any] = {"invitation": found, "token": token,
                               "login_url": f"{reverse('accounts:login')}?{urlencode({'next': here})}"}
    if not request.user.is_authenticated:
        context["has_account"] = User.objects.filter(email__iexact=found.email).exists()
        context["signup_url"] = reverse("accounts:invitation_signup", args=[token])
    else:
        context["wrong_account"] = request.user.email.lower() != found.email.lower()
    return render(request, "accounts/onboarding/invitation.html", context)


def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    """Create the account for the invited address and take the place in one step: the link
    proves the mailbox, so the address is verified at once."""
    found = onboarding.invitation_from_token(token)
    if found is None:
        return render(request, "accounts/onboarding/invitation.html", {"invalid": True}, status=400)
    if request.user.is_authenticated:
        return redirect("accounts:invitation", token=token)
    form = SignupForm(request.POST or None, invited_email=found.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = services.user_create(email=found.email, password=form.cleaned_data["password1"],
                                        full_name=form.cleaned_data["full_name"],
                                        preferred_language=form.cleaned_data["preferred_language"],
                                        terms_version=settings.ASIS_TERMS_VERSION)
            try:
                membership = onboarding.invitation_accept(user=user, invitation=found)
            except ValidationError as error:
                transaction.set_rollback(True)
                form.add_error(None, _errors(error))
                membership = None
        if membership is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(name)s.") % {"name": membership.organisation.name})
            return _detail(membership.organisation_id)
    return render(request, "accounts/signup.html", {"form": form, "invitation": found},
                  status=400 if form.errors else 200)

