"""Forms for proposing and moderating initiatives and organisations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asis.accounts.models import Organisation
from asis.core.links import link_error, validate_link
from asis.observatory.models import Axis, Challenge, Initiative, InitiativeOrganisation
from asis.regions.models import Region

MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_LINKS = 10


class _DateInput(forms.DateInput):
    input_type = "date"


def published_organisations():  # type: ignore[no-untyped-def]
    return Organisation.objects.filter(status=Organisation.Status.PUBLISHED).order_by("name")


class InitiativeForm(forms.ModelForm):
    """Everything a contributor describes; organisations, links and the image are extra fields."""

    lead = forms.ModelChoiceField(label=_("Lead organisation"), queryset=Organisation.objects.none(),
                                  help_text=_("Missing from the list? Propose the organisation first."))
    partners = forms.ModelMultipleChoiceField(label=_("Partner organisations"), required=False,
                                              queryset=Organisation.objects.none())
    links_text = forms.CharField(label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("One web address per line."))
    image = forms.ImageField(label=_("Image"), required=False,
                             help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."))
    image_alt_text = forms.CharField(label=_("Text alternative of the image"), required=False, max_length=300,
                                     help_text=_("Describe what the image shows, for people who cannot see it."))
    image_credit = forms.CharField(label=_("Image credit"), required=False, max_length=200)

    class Meta:
        model = Initiative
        fields = [
            "title", "summary", "description", "original_language", "regions", "challenges", "axes", "stage",
            "start_date", "end_date", "budget_eur", "funding_sources", "target_groups", "people_reached",
            "pillar_need", "pillar_collaboration", "pillar_impact", "results", "latitude", "longitude",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "start_date": _DateInput(format="%Y-%m-%d"),
            "end_date": _DateInput(format="%Y-%m-%d"),
            "regions": forms.SelectMultiple(attrs={"size": 8}),
            "challenges": forms.SelectMultiple(attrs={"size": 6}),
            "axes": forms.SelectMultiple(attrs={"size": 3}),
        }
        help_texts = {
            "original_language": _("The language you write this description in."),
            "latitude": _("Optional: a point on the map, in decimal degrees (WGS84)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = published_organisations()
        self.fields["partners"].queryset = published_organisations()
        self.fields["regions"].queryset = Region.objects.order_by("code")
        self.fields["challenges"].queryset = Challenge.objects.filter(active=True)
        self.fields["axes"].queryset = Axis.objects.filter(active=True)
        if self.instance.pk:
            links: dict[str, list[int]] = {}
            for link in self.instance.organisation_links.all():
                links.setdefault(link.role, []).append(link.organisation_id)
            lead = links.get(InitiativeOrganisation.Role.LEAD, [])
            self.initial.setdefault("lead", lead[0] if lead else None)
            self.initial.setdefault("partners", links.get(InitiativeOrganisation.Role.PARTNER, []))
            self.initial.setdefault("links_text", "\n".join(self.instance.links or []))

    def clean_links_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("links_text", "").splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(_("At most %(count)s links."), params={"count": MAX_LINKS})
        for line in lines:
            if link_error(line) is not None:
                raise ValidationError(_("%(link)s is not a web address."), params={"link": line[:200]})
        return lines

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if not upload:
            return upload
        if upload.size > MAX_IMAGE_BYTES:
            raise ValidationError(_("The image is larger than %(size)s MB."), params={"size": 5})
        # forms.ImageField has opened and verified the file with Pillow; check the real format.
        pil = getattr(upload, "image", None)
        if pil is None or pil.format not in IMAGE_FORMATS:
            raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("image") and not (data.get("image_alt_text") or "").strip():
            self.add_error("image_alt_text", _("Describe the image for people who cannot see it."))
        lead, partners = data.get("lead"), data.get("partners") or []
        if lead is not None and lead in partners:
            self.add_error("partners", _("The lead organisation is already listed."))
        return data

    def organisations(self) -> list[tuple[Organisation, str]]:
        pairs = [(self.cleaned_data["lead"], InitiativeOrganisation.Role.LEAD)]
        pairs += [(org, InitiativeOrganisation.Role.PARTNER) for org in self.cleaned_data.get("partners") or []]
        # Funders are kept when a contributor edits (they are set by editors in the admin).
        if self.instance.pk:
            pairs += [(link.organisation, link.role) for link in self.instance.organisation_links.filter(
                role=InitiativeOrganisation.Role.FUNDER).select_related("organisation")]
        return pairs

    def images(self) -> list[tuple[Any, str, str]]:
        upload = self.cleaned_data.get("image")
        if not upload:
            return []
        return [(upload, self.cleaned_data["image_alt_text"].strip(), self.cleaned_data.get("image_credit", ""))]

    def build(self) -> Initiative:
        """The unsaved initiative with the form's values (relations go through the service)."""
        initiative: Initiative = self.save(commit=False)
        initiative.links = self.cleaned_data.get("links_text") or []
        return initiative


class OrganisationProposalForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", validators=[validate_link])

    class Meta:
        model = Organisation
        fields = ["name", "type", "country", "region", "website", "original_language", "description"]
        help_texts = {"original_language": _("The language you write the description in.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("code")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        (Initiative.Status.PUBLISHED, _("Approve and publish")),
        (Initiative.Status.REJECTED, _("Reject")),
    ])
    reason = forms.CharField(label=_("Reason for the submitter"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you reject; sent to the submitter by email."))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == Initiative.Status.REJECTED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the submitter a reason for the rejection."))
        return data
