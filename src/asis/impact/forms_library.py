"""Forms of the indicator library, the monitoring set-up and the theory of change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from asis.impact.disaggregations import DIMENSIONS
from asis.impact.models import Indicator, ProjectIndicator, TheoryOfChange
from asis.impact.setup import TargetRow, allowed_breakdowns
from asis.observatory.models import Challenge

VALUE_FIELD = {"max_digits": 20, "decimal_places": 4, "required": False}


class IndicatorForm(forms.ModelForm):
    """An indicator with its name and definition in each platform language (the original required)."""

    disaggregations = forms.MultipleChoiceField(label=_("allowed breakdowns"), choices=DIMENSIONS, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    sdg_targets = forms.CharField(label=_("SDG targets"), required=False, max_length=200,
                                  help_text=_("Separated by commas, e.g. 8.5, 10.2"))
    challenges = forms.ModelMultipleChoiceField(label=_("societal challenges"), required=False,
                                                queryset=Challenge.objects.filter(active=True),
                                                widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Indicator
        fields = ["code", "original_language", "kind", "unit", "is_ratio", "denominator_label", "direction",
                  "aggregation", "values_mode", "frequency", "disaggregations", "data_source", "plausible_min",
                  "plausible_max", "reference", "sdg_targets", "challenges"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicator = self.instance
        for code, language in settings.LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": language}, required=False, max_length=300)
            self.fields[f"definition_{code}"] = forms.CharField(
                label=_("Definition (%(language)s)") % {"language": language}, required=False, widget=forms.Textarea)
            if indicator.pk:
                for field in ("name", "definition"):
                    if indicator.translation_status(code, field) in ("original", "current", "outdated"):
                        self.initial[f"{field}_{code}"] = indicator.translated(field, code).text
        if indicator.pk:
            self.initial["sdg_targets"] = ", ".join(map(str, indicator.sdg_targets or []))
            self.initial["challenges"] = list(indicator.challenges.all())
            self.fields["code"].disabled = True

    def clean_sdg_targets(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("sdg_targets", "").split(",") if t.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        original = cleaned.get("original_language") or "en"
        if not cleaned.get(f"name_{original}"):
            self.add_error(f"name_{original}", _("Give the name in the original language."))
        return cleaned

    def apply_texts(self, indicator: Indicator) -> Indicator:
        """Copy the language fields onto the indicator: the original into its fields, the others as translations."""
        cleaned = self.cleaned_data
        original = cleaned.get("original_language") or "en"
        indicator.original_language = original
        indicator.name = cleaned.get(f"name_{original}", "")
        indicator.definition = cleaned.get(f"definition_{original}", "")
        translations: dict[str, Any] = {}
        indicator.translations = translations
        for code, _language in settings.LANGUAGES:
            if code == original:
                continue
            for field in ("name", "definition"):
                text = cleaned.get(f"{field}_{code}", "")
                if text:
                    indicator.set_translation(code, field, text)
        return indicator


class ProposeIndicatorForm(forms.ModelForm):
    """A project holder's custom indicator: the essentials, in their own language."""

    disaggregations = forms.MultipleChoiceField(label=_("allowed breakdowns"), choices=DIMENSIONS, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Indicator
        fields = ["name", "definition", "kind", "unit", "is_ratio", "denominator_label", "direction",
                  "values_mode", "disaggregations", "data_source"]

    def apply(self, indicator: Indicator, language: str) -> Indicator:
        indicator.original_language = language
        if indicator.is_ratio:
            indicator.aggregation = Indicator.Aggregation.WEIGHTED_MEAN
        elif indicator.values_mode == Indicator.ValuesMode.CUMULATIVE:
            indicator.aggregation = Indicator.Aggregation.LAST
        if indicator.unit == "percent":
            indicator.plausible_min, indicator.plausible_max = Decimal("0"), Decimal("100")
        return indicator


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea,
                             help_text=_("Required for a rejection: the project holder reads it."))


class TargetsForm(forms.Form):
    """The baseline and the target rows of one project indicator (existing rows plus empty ones)."""

    EXTRA_ROWS = 3

    baseline_value = forms.DecimalField(label=_("Baseline"), **VALUE_FIELD)
    baseline_denominator = forms.DecimalField(label=_("Baseline denominator"), **VALUE_FIELD)
    baseline_date = forms.DateField(label=_("Baseline date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    baseline_source = forms.CharField(label=_("Baseline source"), required=False, max_length=300)

    def __init__(self, *args: Any, project_indicator: ProjectIndicator, **kwargs: Any) -> None:
        self.pi = project_indicator
        indicator = project_indicator.indicator
        existing = list(project_indicator.targets.select_related("period"))
        data = args[0] if args else kwargs.get("data")
        self.rows = max(len(existing) + self.EXTRA_ROWS, int((data or {}).get("rows", 0) or 0))
        self.rows = min(self.rows, 200)
        super().__init__(*args, **kwargs)
        if not indicator.is_ratio:
            del self.fields["baseline_denominator"]
        periods = [("", _("End of the project"))] + [
            (str(p.pk), _("Period %(number)s") % {"number": p.number})
            for p in project_indicator.project.periods.order_by("number")]
        breakdowns = allowed_breakdowns(indicator)
        for i in range(self.rows):
            self.fields[f"t{i}-period"] = forms.ChoiceField(label=_("Period"), choices=periods, required=False)
            self.fields[f"t{i}-breakdown"] = forms.ChoiceField(label=_("Breakdown"), choices=breakdowns,
                                                               required=False)
            self.fields[f"t{i}-value"] = forms.DecimalField(label=_("Target"), **VALUE_FIELD)
            if indicator.is_ratio:
                self.fields[f"t{i}-denominator"] = forms.DecimalField(label=_("Denominator"), **VALUE_FIELD)
        self.initial.update({"baseline_value": project_indicator.baseline_value,
                             "baseline_denominator": project_indicator.baseline_denominator,
                             "baseline_date": project_indicator.baseline_date,
                             "baseline_source": project_indicator.baseline_source})
        for i, target in enumerate(existing):
            self.initial.update({f"t{i}-period": str(target.period_id or ""), f"t{i}-breakdown": target.disaggregation,
                                 f"t{i}-value": target.value, f"t{i}-denominator": target.denominator})

    def table(self) -> list[list[Any]]:
        columns = ["period", "breakdown", "value"] + (["denominator"] if self.pi.indicator.is_ratio else [])
        return [[self[f"t{i}-{c}"] for c in columns] for i in range(self.rows)]

    def target_rows(self) -> list[tuple[int, TargetRow]]:
        """(form row, target) for each row with a value; the row index maps errors back."""
        out = []
        for i in range(self.rows):
            value = self.cleaned_data.get(f"t{i}-value")
            if value is None:
                continue
            period = self.cleaned_data.get(f"t{i}-period") or None
            out.append((i, TargetRow(int(period) if period else None, self.cleaned_data.get(f"t{i}-breakdown") or "",
                                     value, self.cleaned_data.get(f"t{i}-denominator"))))
        return out


class AddIndicatorForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())

    def __init__(self, *args: Any, choices: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        field.queryset = Indicator.objects.filter(pk__in=[i.pk for i in choices])  # type: ignore[attr-defined]
        field.label_from_instance = lambda i: f"{i.code} – {i}"  # type: ignore[attr-defined]


class TheoryForm(forms.ModelForm):
    class Meta:
        model = TheoryOfChange
        fields = ["problem", "inputs", "activities", "outputs", "outcomes", "impact", "assumptions", "note"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in TheoryOfChange.FIELDS}
