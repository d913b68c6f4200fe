"""Forms for organisation onboarding: register, join, invite, answer requests, change roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.accounts.models import Organisation, Role
from asis.core.links import validate_link
from asis.regions.models import Region


class OrganisationRegisterForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", validators=[validate_link])

    class Meta:
        model = Organisation
        fields = ["name", "type", "country", "region", "address", "website", "original_language", "description"]
        help_texts = {
            "name": _("The organisation's official name, as on its statutes or in the business register."),
            "original_language": _("The language you write the description in."),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
                   "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.defer("geometry").order_by("code")
        self.fields["address"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, country = (data.get("name") or "").strip(), data.get("country")
        if name and country and Organisation.objects.filter(name__iexact=name, country=country).exists():
            self.add_error("name", _("An organisation with this name is already registered in this country. "
                                     "Ask to join it instead."))
        return data


class JoinSearchForm(forms.Form):
    q = forms.CharField(label=_("Name of the organisation"), min_length=2, max_length=200)


class JoinRequestForm(forms.Form):
    message = forms.CharField(label=_("Message to the administrators"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Say who you are and why you want to join, so they recognise you."))


def _role_field(roles: list[str], initial: str | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Role"), choices=[(r, Role(r).label) for r in roles],
                             initial=initial or Role.PROJECT_HOLDER)


class AcceptJoinForm(forms.Form):
    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)


class DeclineJoinForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional, sent to the person)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)


class RoleChangeForm(forms.Form):
    def __init__(self, *args: Any, roles: list[str], initial_role: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles, initial_role)
