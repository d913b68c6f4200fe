"""Forms of the SROI pages: create an analysis, its figures, and the impact map formset."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from asis.impact.models import ProjectIndicator
from asis.impact.models_sroi import FinancialProxy, SroiAnalysis, SroiOutcome
from asis.impact.sroi.adapters import RANGED
from asis.impact.sroi.services import DEFAULT_DRAWS, MAX_DRAWS

SHARE_HELP = _("A share from 0 to 1: 0.25 means 25 percent.")


class SroiCreateForm(forms.Form):
    target = forms.ChoiceField(label=_("Analyse"))
    title = forms.CharField(label=_("Title"), max_length=200)
    report_year = forms.IntegerField(label=_("Report year"), min_value=1990, max_value=2100)
    investment = forms.DecimalField(label=_("Investment (EUR)"), min_value=Decimal("0.01"), max_digits=16,
                                    decimal_places=2)

    def __init__(self, *args: Any, projects: Any, calls: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"project:{p.pk}", _("Project %(reference)s %(title)s") % {
            "reference": p.application.reference, "title": p.application.title}) for p in projects]
        choices += [(f"call:{c.pk}", _("Whole call: %(title)s") % {"title": c.translated("title")}) for c in calls]
        self.fields["target"].choices = choices


class SroiAnalysisForm(forms.ModelForm):
    class Meta:
        model = SroiAnalysis
        fields = ("title", "report_year", "country", "investment", "discount_rate", "discount_rate_low",
                  "discount_rate_high", "status")
        help_texts = {
            "discount_rate": _("0.035 means 3.5 percent, the rate of the HM Treasury Green Book that the SROI guide "
                              "recommends."),
            "country": _("Two-letter code of the price index used to re-base proxies without a country."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("discount_rate_low"), data.get("discount_rate_high")
        if (low is None) != (high is None):
            raise forms.ValidationError(_("Give both ends of the discount rate's range, or neither."))
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The low end of the discount rate's range is above its high end."))
        return data


class SroiOutcomeForm(forms.ModelForm):
    """One impact map row, with an optional low/high range for each assumption."""

    class Meta:
        model = SroiOutcome
        fields = ("stakeholder", "outcome", "project_indicator", "quantity", "duration_years", "proxy",
                  "proxy_value", "deadweight", "displacement", "attribution", "drop_off")
        help_texts = dict.fromkeys(("deadweight", "displacement", "attribution", "drop_off"), SHARE_HELP)

    def __init__(self, *args: Any, indicators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project_indicator"].queryset = indicators if indicators is not None \
            else ProjectIndicator.objects.none()
        self.fields["project_indicator"].help_text = _(
            "When linked, the quantity comes from the validated reports of this indicator.")
        self.fields["proxy"].queryset = FinancialProxy.objects.all()
        self.fields["proxy_value"].required = False
        self.fields["proxy_value"].help_text = _(
            "Leave empty to take the chosen proxy, re-based to the report year with the price index.")
        for name in RANGED:
            label = self.fields[name].label
            self.fields[f"{name}_low"] = forms.DecimalField(
                label=_("%(assumption)s: low") % {"assumption": label}, required=False, max_digits=16,
                decimal_places=4)
            self.fields[f"{name}_high"] = forms.DecimalField(
                label=_("%(assumption)s: high") % {"assumption": label}, required=False, max_digits=16,
                decimal_places=4)
            pair = (self.instance.ranges or {}).get(name) if self.instance and self.instance.pk else None
            if pair:
                self.initial[f"{name}_low"], self.initial[f"{name}_high"] = pair

    def range_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"{name}_low"], self[f"{name}_high"]) for name in RANGED]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ranges = {}
        for name in RANGED:
            low, high = data.get(f"{name}_low"), data.get(f"{name}_high")
            if low is None and high is None:
                continue
            label = self.fields[name].label
            if low is None or high is None:
                self.add_error(f"{name}_low", _("Give both ends of the range of the %(assumption)s, or neither.")
                               % {"assumption": label})
                continue
            if low > high:
                self.add_error(f"{name}_low", _("The low end of the range of the %(assumption)s is above its "
                                                "high end.") % {"assumption": label})
                continue
            ranges[name] = [float(low), float(high)]
        data["ranges"] = ranges
        return data


OutcomeFormSet = inlineformset_factory(SroiAnalysis, SroiOutcome, form=SroiOutcomeForm, extra=1, can_delete=True,
                                       max_num=60, validate_max=True)


class RunForm(forms.Form):
    draws = forms.IntegerField(label=_("Draws"), min_value=1, max_value=MAX_DRAWS, initial=DEFAULT_DRAWS)
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=2**63 - 1, initial=0,
                              help_text=_("The same seed gives the same result."))


class PriceIndexImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False,
                           help_text=_("Lines of country,year,value[,source], e.g. AT,2024,131.2"))
    text = forms.CharField(label=_("or paste the lines"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 1_000_000:
                raise forms.ValidationError(_("The file is larger than 1 MB."))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the lines."))
        return data
