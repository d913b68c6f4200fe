"""Forms of the counterfactual pages. Choices are built from what the person may use, so a
tampered organisation, indicator, unit or period is refused as an invalid choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.impact.counterfactual.services import MAX_UPLOAD_BYTES
from asis.impact.models_counterfactual import CounterfactualStudy

CONFIDENCE_CHOICES = [("0.9", "90 %"), ("0.95", "95 %"), ("0.99", "99 %")]


class _OrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class PanelImportForm(_OrganisationForm):
    name = forms.CharField(label=_("Name of the panel"), max_length=200)
    outcome_label = forms.CharField(label=_("Outcome (what the numbers measure)"), max_length=200)
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("Columns unit, period (a year) and outcome, then any numeric "
                                       "covariates; comma or semicolon separated, UTF-8, at most "
                                       "20 MB and 200,000 rows."))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        raw = upload.read()
        try:
            return str(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from exc


class IndicatorPanelForm(_OrganisationForm):
    indicator = forms.ChoiceField(label=_("Monitored indicator"))

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]


class StudyForm(forms.Form):
    name = forms.CharField(label=_("Name of the study"), max_length=200)
    method = forms.ChoiceField(label=_("Method"), choices=CounterfactualStudy.Method.choices,
                               widget=forms.RadioSelect, initial=CounterfactualStudy.Method.DID)
    treated = forms.MultipleChoiceField(label=_("Treated units (with the policy)"),
                                        widget=forms.CheckboxSelectMultiple)
    comparison = forms.MultipleChoiceField(label=_("Comparison units (without the policy)"),
                                           widget=forms.CheckboxSelectMultiple)
    treatment_start = forms.TypedChoiceField(label=_("First period with the policy"), coerce=int)
    period_from = forms.TypedChoiceField(label=_("From period"), coerce=int, required=False,
                                         empty_value=None)
    period_to = forms.TypedChoiceField(label=_("To period"), coerce=int, required=False,
                                       empty_value=None)
    confidence = forms.TypedChoiceField(label=_("Confidence level"), choices=CONFIDENCE_CHOICES,
                                        coerce=float, initial="0.95")

    def __init__(self, *args: Any, units: list[str], periods: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_choices = [(u, u) for u in units]
        period_choices = [(str(p), str(p)) for p in periods]
        self.fields["treated"].choices = unit_choices  # type: ignore[attr-defined]
        self.fields["comparison"].choices = unit_choices  # type: ignore[attr-defined]
        self.fields["treatment_start"].choices = period_choices  # type: ignore[attr-defined]
        everything = [("", _("all"))]
        self.fields["period_from"].choices = everything + period_choices  # type: ignore[attr-defined]
        self.fields["period_to"].choices = everything + period_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        treated, comparison = set(data.get("treated") or ()), set(data.get("comparison") or ())
        if treated & comparison:
            raise forms.ValidationError(_("A unit cannot be both treated and a comparison unit."))
        return data
