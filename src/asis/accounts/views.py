from __future__ import annotations

import base64
import json
import math
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from asis.accounts import login_guard, onboarding, services, two_factor, verification
from asis.accounts.access import (
    access_administered_organisation,
    access_organisation,
    can_administer,
    grantable_roles,
    organisations_for,
)
from asis.accounts.forms import (
    AddMemberForm,
    ApiTokenForm,
    CurrentPasswordForm,
    DeleteAccountForm,
    EmailAuthenticationForm,
    LocalisedPasswordResetForm,
    LoginUnlockForm,
    ProfileForm,
    ReplaceDeviceForm,
    SignupForm,
    TokenForm,
    VerifyForm,
)
from asis.accounts.forms_onboarding import (
    AcceptJoinForm,
    DeclineJoinForm,
    InviteForm,
    RoleChangeForm,
)
from asis.accounts.models import JoinRequest, Membership, Role
from asis.core.language import redirect_in_language


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        login_guard.remember_browser(self.request, response, form.get_user().email)
        # From here on the interface speaks the person's language, whichever page they logged in on.
        return redirect_in_language(response, form.get_user().preferred_language)

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
    # A reset link proves the mailbox, not the second factor: never log in from here, so the
    # next login goes through the password and the two-factor check like any other.
    post_reset_login = False
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path of this site: "ab" would be taken for a URL name by redirect() and fail.
    return next_url if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}) else ""


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    next_url = safe_next(request)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
            email_verified=False,
            terms_version=settings.ASIS_TERMS_VERSION,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        verification.verification_mail_send(request=request, user=user)
        with translation.override(user.preferred_language):
            messages.success(request, _("Welcome! Your account has been created. We sent a link to %(email)s: "
                                        "open it to confirm your address.") % {"email": user.email})
        return redirect_in_language(redirect(next_url or "accounts:profile"), user.preferred_language)
    return render(request, "accounts/signup.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Open the e-mailed link. It works without being logged in (people open mail on another
    device) and again after it was used, so a mail scanner that fetched it first does no harm."""
    user = verification.verification_user(token)
    if user is None:
        return render(request, "accounts/email_verify.html", {"invalid": True}, status=400)
    verification.email_verify(user=user)
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.success(request, _("Thank you, your e-mail address is confirmed."))
        return redirect("accounts:onboarding")
    return render(request, "accounts/email_verify.html", {"confirmed": True})


@login_required
@require_POST
def email_verify_resend(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified:
        messages.info(request, _("Your e-mail address is already confirmed."))
    elif verification.verification_mail_send(request=request, user=request.user):
        messages.success(request, _("We sent a new link to %(email)s.") % {"email": request.user.email})
    else:
        messages.error(request, ngettext(
            "A link was sent less than a minute ago. Check your inbox (and spam folder), or try again in "
            "%(seconds)s second.",
            "A link was sent less than a minute ago. Check your inbox (and spam folder), or try again in "
            "%(seconds)s seconds.", verification.RESEND_SECONDS) % {"seconds": verification.RESEND_SECONDS})
    return redirect(safe_next(request) or "accounts:profile")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # A new preferred language switches the interface at once, this message included.
        with translation.override(user.preferred_language):
            messages.success(request, _("Your profile has been saved."))
        return redirect_in_language(redirect("accounts:profile"), user.preferred_language)
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    context = {
        "form": form,
        "memberships": memberships,
        "two_factor": user_has_device(request.user, confirmed=True),
        "recovery_codes_left": two_factor.recovery_codes_left(request.user),
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:home")


_FRESH_CODES = "asis_fresh_recovery_codes"  # shown once on the next recovery-codes page, then dropped


def _unverified_redirect(request: HttpRequest) -> HttpResponse | None:
    """Changes to the second factor need a session that has shown a code, when there is a device.

    MandatoryTwoFactorMiddleware already keeps such sessions on the verify page; this check keeps
    the views safe on their own.
    """
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    return None


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (``request.POST or None`` would leave it unbound)."""
    return request.POST if request.method == "POST" else None


def _wait_message(seconds: int) -> str:
    return ngettext("Too many wrong codes. Wait %(seconds)s second and try again.",
                    "Too many wrong codes. Wait %(seconds)s seconds and try again.", seconds) % {"seconds": seconds}


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    refused = _unverified_redirect(request)
    if refused is not None:
        return refused
    replacing = user_has_device(request.user, confirmed=True)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form: TokenForm = (ReplaceDeviceForm(_posted(request), user=request.user) if replacing
                       else TokenForm(_posted(request)))
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_check(device, form.cleaned_data["token"]):
            codes = two_factor.two_factor_confirm(user=request.user, device=device, replace=replacing)
            otp_login(request, device)
            request.session.cycle_key()
            request.session[_FRESH_CODES] = codes
            messages.success(request, _("Two-factor authentication is now on."))
            return redirect("accounts:two_factor_recovery_codes")
        wait = math.ceil(two_factor.required_wait_seconds(device))
        form.add_error("token", _wait_message(wait) if wait else
                       _("This code is not valid. Check your device's clock and try again."))
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
        {"form": form, "qr_svg": svg, "secret": secret, "replacing": replacing},
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = VerifyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        check = two_factor.second_factor_check(user=request.user, code=form.cleaned_data["token"])
        if check.ok:
            # A recovery code stands in for the authenticator: the session counts as verified by it.
            otp_login(request, check.device or TOTPDevice.objects.filter(user=request.user, confirmed=True).first())
            request.session.cycle_key()  # a more trusted session gets a new key
            if check.recovery_code_used:
                messages.warning(request, ngettext(
                    "You signed in with a recovery code. %(count)s recovery code is left. If you lost your "
                    "authenticator app, set up a new one and make new recovery codes now.",
                    "You signed in with a recovery code. %(count)s recovery codes are left. If you lost your "
                    "authenticator app, set up a new one and make new recovery codes now.",
                    check.recovery_codes_left) % {"count": check.recovery_codes_left})
            return redirect(next_url or "accounts:profile")
        form.add_error("token", _wait_message(check.wait_seconds) if check.wait_seconds else
                       _("This code is not valid."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows freshly made recovery codes once; makes new ones (the old ones stop working) after the password."""
    refused = _unverified_redirect(request)
    if refused is not None:
        return refused
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:two_factor_setup")
    form = CurrentPasswordForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        request.session[_FRESH_CODES] = two_factor.recovery_codes_regenerate(user=request.user)
        messages.success(request, _("New recovery codes are ready. The earlier codes no longer work."))
        return redirect("accounts:two_factor_recovery_codes")
    codes = request.session.pop(_FRESH_CODES, None) if request.method == "GET" else None
    response = render(request, "accounts/two_factor_recovery_codes.html",
                      {"form": form, "codes": codes, "left": two_factor.recovery_codes_left(request.user)},
                      status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the codes must not stay in a browser or proxy cache
    return response


@login_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    refused = _unverified_redirect(request)
    if refused is not None:
        return refused
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:profile")
    if two_factor.must_enrol(request.user):
        messages.error(request, _("Your role requires two-factor authentication. You can replace your "
                                  "authenticator app, but not turn it off."))
        return redirect("accounts:profile")
    form = CurrentPasswordForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        two_factor.two_factor_disable(user=request.user)
        messages.success(request, _("Two-factor authentication is now off."))
        return redirect("accounts:profile")
    return render(request, "accounts/two_factor_disable.html", {"form": form}, status=400 if form.errors else 200)


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
    refusal = two_factor.session_refusal(request.user) if request.method == "POST" else None
    if refusal is not None:
        # The middleware already stops such sessions; a token must never come from a session that
        # has not passed the two-factor check (or enrolled, where the role requires it).
        return redirect("accounts:two_factor_verify" if refusal == two_factor.VERIFY else "accounts:two_factor_setup")
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


def organisation_context(request: HttpRequest, organisation: Any, **forms: Any) -> dict[str, Any]:
    """The organisation page: facts for every member; members, requests and invitations for its
    administrators."""
    is_admin = can_administer(request.user, organisation)
    context: dict[str, Any] = {"organisation": organisation, "is_manager": is_admin, "is_admin": is_admin,
                               "show_audit": bool(request.user.is_platform_admin or Membership.objects.filter(
                                   user=request.user, organisation=organisation, role=Role.PROGRAMME_MANAGER).exists())}
    if not is_admin:
        return context
    roles = grantable_roles(request.user, organisation)
    memberships = list(organisation.memberships.select_related("user").order_by("user__email", "role"))
    for m in memberships:
        m.manageable = m.role in roles
        m.role_form = forms.get(f"role_{m.pk}") or RoleChangeForm(roles=roles, initial_role=m.role, prefix=f"m{m.pk}")
    context.update(
        memberships=memberships,
        form=forms.get("form") or AddMemberForm(organisation=organisation, roles=roles),
        invite_form=forms.get("invite_form") or InviteForm(roles=roles),
        join_requests=[(r, AcceptJoinForm(roles=roles, prefix=f"r{r.pk}"), DeclineJoinForm(prefix=f"d{r.pk}"))
                       for r in organisation.join_requests.filter(status=JoinRequest.Status.PENDING)
                       .select_related("user").order_by("created_at")],
        invitations=[i for i in organisation.invitations.select_related("invited_by").order_by("-created_at")
                     if i.is_open],
    )
    return context


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access_organisation(request.user, organisation_id)
    return render(request, "accounts/organisation_detail.html", organisation_context(request, organisation))


@login_required
@require_POST
def organisation_member_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    form = AddMemberForm(request.POST, organisation=organisation, roles=grantable_roles(request.user, organisation))
    if form.is_valid():
        services.membership_grant(actor=request.user, user=form.cleaned_data["email"], organisation=organisation,
                                  role=form.cleaned_data["role"])
        messages.success(request, _("The member has been added."))
        return redirect("accounts:organisation_detail", organisation_id=organisation.pk)
    return render(request, "accounts/organisation_detail.html",
                  organisation_context(request, organisation, form=form), status=400)


@login_required
@require_POST
def organisation_member_remove(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    try:
        onboarding.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The membership has been removed."))
    return redirect("accounts:organisation_detail", organisation_id=organisation.pk)
