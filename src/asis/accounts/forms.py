from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from asis.accounts import login_guard
from asis.accounts.models import Membership, Organisation, Role, User
from asis.core.notify import notify_user


class EmailAuthenticationForm(AuthenticationForm):
    guarded = False
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    error_messages = {
        "invalid_login": _("The email address or the password is not correct."),
        "inactive": _("This account is inactive."),
        "guarded": _("There were too many failed logins for this account from other browsers, so this "
                     "browser must first be confirmed. We can e-mail you a one-time link to do that, or you "
                     "can try again in %(minutes)s minutes."),
    }

    def clean(self) -> dict[str, Any]:
        username = login_guard.normalise(self.cleaned_data.get("username"))
        minutes = login_guard.guard_minutes(self.request, username) if self.request is not None else None
        if minutes is not None:
            # The password is not even tried: the attacker learns nothing and the owner is not locked.
            self.guarded = True
            raise forms.ValidationError(self.error_messages["guarded"], code="guarded",
                                        params={"minutes": minutes})
        try:
            return super().clean()
        except forms.ValidationError:
            login_guard.failure_record(username)
            raise


class LoginUnlockForm(forms.Form):
    email = forms.EmailField(label=_("Email address"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the six digits shown by your app."))
        return token


class VerifyForm(forms.Form):
    """The verify step: a code from the app, or one of the recovery codes."""

    token = forms.CharField(
        label=_("Six-digit code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if token.isdigit() and len(token) != 6:
            raise forms.ValidationError(_("Enter the six digits shown by your app."))
        return token


class CurrentPasswordForm(forms.Form):
    """Asks again for the password before a change to the second factor."""

    password = forms.CharField(label=_("Your current password"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class ReplaceDeviceForm(CurrentPasswordForm, TokenForm):
    """Set-up while an authenticator is already on: the new app's code and the current password."""


class DeleteAccountForm(CurrentPasswordForm):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email address of an existing user"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, organisation: Organisation, roles: list[str] | None = None,
                 **kwargs: Any) -> None:
        self.organisation = organisation
        super().__init__(*args, **kwargs)
        if roles is not None:  # an organisation administrator gives only the non-staff roles
            self.fields["role"].choices = [(r, Role(r).label) for r in roles]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has this email address."))
        if not user.email_verified:
            raise forms.ValidationError(_("This person has not confirmed their e-mail address yet. Invite "
                                          "them instead: the invitation link confirms it."))
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user, role = data.get("email"), data.get("role")
        if user and role and Membership.objects.filter(user=user, organisation=self.organisation, role=role).exists():
            raise forms.ValidationError(_("This person already has this role in the organisation."))
        return data


class SignupForm(forms.ModelForm):
    accept_terms = forms.BooleanField(label=_("I accept the terms of use."))
    accept_privacy = forms.BooleanField(label=_("I have read the privacy policy and agree that my data are "
                                                "processed as it describes."))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    class Meta:
        model = User
        fields = ["email", "full_name", "preferred_language"]

    field_order = ["email", "full_name", "preferred_language", "password1", "password2", "accept_terms",
                   "accept_privacy"]

    def __init__(self, *args: Any, invited_email: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = invited_email
        if invited_email:  # an invitation names the address: the account is made for it
            self.fields["email"].initial = invited_email
            self.fields["email"].disabled = True

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=data.get("email", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class LocalisedPasswordResetForm(PasswordResetForm):
    """Writes the reset e-mail (and its link) in the recipient's preferred language."""

    def send_mail(self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
                  from_email: str | None, to_email: str, html_email_template_name: str | None = None) -> None:
        notify_user(kind="accounts.password_reset", user=context.get("user"))  # a security e-mail: always sent
        with translation.override(getattr(context.get("user"), "preferred_language", None) or "en"):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
