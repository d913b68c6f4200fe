from __future__ import annotations

import base64
import json
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from asis.accounts import login_guard, services
from asis.accounts.access import access_managed_organisation, access_organisation, organisations_for
from asis.accounts.forms import (
    AddMemberForm,
    ApiTokenForm,
    DeleteAccountForm,
    EmailAuthenticationForm,
    LocalisedPasswordResetForm,
    LoginUnlockForm,
    ProfileForm,
    SignupForm,
    TokenForm,
)
from asis.accounts.models import Membership


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        login_guard.remember_browser(self.request, response, form.get_user().email)
        return response

    def form_invalid(self, form: EmailAuthenticationForm) -> HttpResponse:
        context = self.get_context_data(form=form)
        if form.guarded:
            context["unlock_form"] = LoginUnlockForm(initial={"email": form.cleaned_data.get("username", "")})
        return self.render_to_response(context)


@require_POST
def login_unlock(request: HttpRequest) -> HttpResponse:
    """Send the one-time link that confirms this browser for a guarded account."""
    form = LoginUnlockForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/login_unlock_sent.html", {"form": form}, status=400)
    login_guard.unlock_mail_send(request=request, email=form.cleaned_data["email"])
    return render(request, "accounts/login_unlock_sent.html",
                  {"minutes": login_guard.unlock_max_age() // 60})


def login_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Open the e-mailed link: a button (POST) confirms the browser, so mail scanners that
    fetch links do not spend it."""
    found = login_guard.unlock_user(token)
    if found is None:
        return render(request, "accounts/login_confirm.html", {"invalid": True}, status=400)
    user, nonce = found
    if request.method == "POST":
        if not login_guard.unlock_consume(nonce):
            return render(request, "accounts/login_confirm.html", {"invalid": True}, status=400)
        response = redirect("accounts:login")
        login_guard.browser_confirm(request=request, response=response, user=user)
        messages.success(request, _("This browser is confirmed. Log in with your password."))
        return response
    return render(request, "accounts/login_confirm.html", {"email": user.email})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalisedPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect("accounts:profile")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    context = {
        "form": form,
        "memberships": memberships,
        "two_factor": user_has_device(request.user, confirmed=True),
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:home")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.two_factor_confirm(user=request.user, device=device)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is now on."))
            return redirect("accounts:profile")
        form.add_error("token", _("This code is not valid. Check your device's clock and try again."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.find("<svg"):].replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)
    svg = svg.replace(">", '><title id="qr-title">' + _("QR code for your authenticator app") + "</title>", 1)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": svg, "secret": secret},
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(next_url or "accounts:profile")
        form.add_error("token", _("This code is not valid."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    services.two_factor_disable(user=request.user)
    messages.success(request, _("Two-factor authentication is now off."))
    return redirect("accounts:profile")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    data = services.user_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="asis-my-data.json"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_anonymise(user=request.user, actor=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted and your personal data erased."))
        return redirect("core:home")
    return render(request, "accounts/delete_account.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_token": new_token},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:api_tokens")


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for(request.user).select_related("region")
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access_organisation(request.user, organisation_id)
    is_manager = request.user.is_platform_admin or Membership.objects.filter(
        user=request.user, organisation=organisation, role="programme_manager"
    ).exists()
    memberships = organisation.memberships.select_related("user").order_by("user__email") if is_manager else None
    form = AddMemberForm(organisation=organisation) if is_manager else None
    return render(request, "accounts/organisation_detail.html",
                  {"organisation": organisation, "memberships": memberships, "form": form, "is_manager": is_manager})


@login_required
@require_POST
def organisation_member_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access_managed_organisation(request.user, organisation_id)
    form = AddMemberForm(request.POST, organisation=organisation)
    if form.is_valid():
        services.membership_grant(actor=request.user, user=form.cleaned_data["email"], organisation=organisation,
                                  role=form.cleaned_data["role"])
        messages.success(request, _("The member has been added."))
        return redirect("accounts:organisation_detail", organisation_id=organisation.pk)
    memberships = organisation.memberships.select_related("user").order_by("user__email")
    return render(request, "accounts/organisation_detail.html",
                  {"organisation": organisation, "memberships": memberships, "form": form, "is_manager": True},
                  status=400)


@login_required
@require_POST
def organisation_member_remove(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    organisation = access_managed_organisation(request.user, organisation_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, _("The membership has been removed."))
    return redirect("accounts:organisation_detail", organisation_id=organisation.pk)
