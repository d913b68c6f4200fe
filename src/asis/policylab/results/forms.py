"""Forms of the results part: a new comparison, renaming/sharing it, starting a sensitivity analysis."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.policylab import charts
from asis.policylab.models import Visibility


class ComparisonForm(forms.Form):
    name = forms.CharField(label=_("Name of the comparison"), max_length=200)
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PRIVATE)
    reference = forms.ModelChoiceField(label=_("Reference scenario"), queryset=None,
                                       help_text=_("The other scenarios are compared with this one."),
                                       error_messages={"invalid_choice": _("Choose a scenario from the list.")})
    scenarios = forms.ModelMultipleChoiceField(
        label=_("Scenarios compared with the reference (one to three)"), queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose scenarios from the list."),
                        "invalid_pk_value": _("Choose scenarios from the list.")})

    def __init__(self, *args: Any, scenarios: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].queryset = scenarios
        self.fields["scenarios"].queryset = scenarios

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reference, others = data.get("reference"), list(data.get("scenarios") or [])
        if reference is not None:
            others = [s for s in others if s.pk != reference.pk]
            if not 1 <= len(others) <= 3:
                raise forms.ValidationError(_("Choose one to three scenarios besides the reference."))
            data["ordered"] = [reference, *others]
        return data


class ComparisonEditForm(forms.Form):
    name = forms.CharField(label=_("Name of the comparison"), max_length=200)
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices)


class SensitivityForm(forms.Form):
    scenario = forms.ChoiceField(label=_("Around the scenario"))
    outcome = forms.ChoiceField(label=_("Outcome"))

    def __init__(self, *args: Any, scenarios: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = scenarios
        self.fields["outcome"].choices = [(n, charts.indicator_name(n)) for n in charts.KEY_OUTCOMES]
