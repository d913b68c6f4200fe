"""The report form: a field per value (total and each allowed breakdown category), a denominator
beside each value of a rate, a unit per indicator, the narrative, the budget spent per line of the
application, and risk rows. Fields only collect text: the checks live in ``report_values`` (shared
with the API) and their errors come back onto these fields."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.calls.apply.budget import budget_rows
from asis.calls.apply.uploads import max_bytes
from asis.impact import disaggregations
from asis.impact.models import ProjectIndicator, Report
from asis.impact.report_values import (
    LIKELIHOODS,
    MAX_RISKS,
    MAX_TEXT,
    breakdown_keys,
    field_suffix,
    unit_choices,
)
from asis.impact.units import unit_label

LIKELIHOOD_CHOICES = [("", gettext_lazy("Choose…")), ("low", gettext_lazy("Low")),
                      ("medium", gettext_lazy("Medium")), ("high", gettext_lazy("High"))]
assert [code for code, _label in LIKELIHOOD_CHOICES[1:]] == list(LIKELIHOODS)
_ID_FIELD = re.compile(r"^[vdu]-(\d+)-")


def _shown(value: Decimal | None) -> str:
    """A stored number as the reader types it: their decimal mark, no grouping (it reads back exactly)."""
    if value is None:
        return ""
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return formats.number_format(value, use_l10n=True, force_grouping=False)


class ReportForm(forms.Form):
    narrative = forms.CharField(label=gettext_lazy("What happened in this period"), required=False,
                                widget=forms.Textarea(attrs={"rows": 6}),
                                help_text=gettext_lazy("Activities, results, changes to the plan and what you "
                                                       "learned."))
    evidence = forms.FileField(label=gettext_lazy("Add a file as evidence"), required=False,
                               help_text=gettext_lazy("PDF, DOCX, XLSX, ODT, ODS, PNG or JPEG."))
    evidence_description = forms.CharField(label=gettext_lazy("What the file shows"), required=False,
                                           max_length=300)

    def __init__(self, *args: Any, indicators: list[ProjectIndicator], report: Report | None,
                 budget_lines: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.budget_lines = budget_rows(budget_lines)
        stored = {(v.project_indicator_id, v.disaggregation): v for v in report.values.all()} if report else {}
        units = {pi_id: v.unit for (pi_id, _key), v in stored.items()}
        self.groups: list[dict[str, Any]] = []
        for pi in indicators:
            indicator = pi.indicator
            unit_name = f"u-{pi.pk}"
            # Any posted unit reaches the checker, which says why an incompatible one is refused.
            self.fields[unit_name] = forms.CharField(
                label=_("Unit of %(indicator)s") % {"indicator": str(indicator)}, max_length=20,
                widget=forms.Select(choices=[(code, unit_label(code)) for code in unit_choices(indicator)]),
                initial=units.get(pi.pk, indicator.unit), required=False)
            rows = []
            for key in breakdown_keys(indicator):
                suffix = field_suffix(pi.pk, key)
                where = disaggregations.label(key)
                value = stored.get((pi.pk, key))
                label = (_("%(indicator)s, %(breakdown)s: numerator") if indicator.is_ratio
                         else _("%(indicator)s, %(breakdown)s")) % {"indicator": str(indicator), "breakdown": where}
                self.fields[f"v-{suffix}"] = forms.CharField(
                    label=label, required=False, max_length=40,
                    initial=_shown(value.value) if value else "",
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
                row = {"key": key, "label": where, "value": f"v-{suffix}", "denominator": None}
                if indicator.is_ratio:
                    self.fields[f"d-{suffix}"] = forms.CharField(
                        label=_("%(indicator)s, %(breakdown)s: denominator (%(what)s)") % {
                            "indicator": str(indicator), "breakdown": where,
                            "what": indicator.denominator_label or _("total")},
                        required=False, max_length=40,
                        initial=_shown(value.denominator) if value and value.denominator is not None else "",
                        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
                    row["denominator"] = f"d-{suffix}"
                rows.append(row)
            self.groups.append({"pi": pi, "unit": unit_name, "rows": rows})
        spent = {int(row["line"]): row["amount"] for row in (report.budget_spent if report else [])
                 if str(row.get("line", "")).isdigit()}
        for index, line in enumerate(self.budget_lines):
            self.fields[f"b-{index}"] = forms.CharField(
                label=_("Spent on %(line)s") % {"line": line["description"] or line["category"]}, required=False,
                max_length=40, initial=_shown(Decimal(spent[index])) if index in spent else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        risks = list(report.risks) if report else []
        self.risk_count = min(len(risks) + 2, MAX_RISKS)
        for index in range(self.risk_count):
            row = risks[index] if index < len(risks) else {}
            number_ = index + 1
            self.fields[f"r-{index}-risk"] = forms.CharField(
                label=_("Risk %(number)s") % {"number": number_}, required=False, max_length=MAX_TEXT,
                initial=row.get("risk", ""))
            self.fields[f"r-{index}-likelihood"] = forms.ChoiceField(
                label=_("Likelihood of risk %(number)s") % {"number": number_}, required=False,
                choices=LIKELIHOOD_CHOICES, initial=row.get("likelihood", ""))
            self.fields[f"r-{index}-mitigation"] = forms.CharField(
                label=_("Mitigation of risk %(number)s") % {"number": number_}, required=False,
                max_length=MAX_TEXT, initial=row.get("mitigation", ""))
        if report is not None:
            self.fields["narrative"].initial = report.narrative

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload and upload.size > max_bytes():
            from django.template.defaultfilters import filesizeformat

            raise forms.ValidationError(_("The file is %(size)s; the largest accepted size is %(max)s.") % {
                "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes())})
        return upload

    def refuse_foreign_ids(self) -> None:
        """A posted value field naming an indicator that is not this project's: a tampered form."""
        own = {pi.pk for pi in self.indicators}
        for name in self.data:
            match = _ID_FIELD.match(name)
            if match and int(match.group(1)) not in own:
                raise Http404("No such indicator")

    def values(self) -> list[dict[str, Any]]:
        rows = []
        for group in self.groups:
            unit = self.cleaned_data.get(group["unit"]) or group["pi"].indicator.unit
            for row in group["rows"]:
                rows.append({"indicator": group["pi"].pk, "disaggregation": row["key"], "unit": unit,
                             "value": self.cleaned_data.get(row["value"]),
                             "denominator": self.cleaned_data.get(row["denominator"]) if row["denominator"] else None})
        return rows

    def budget(self) -> list[dict[str, Any]]:
        return [{"line": index, "amount": self.cleaned_data.get(f"b-{index}")} for index in range(len(self.budget_lines))]

    def risks(self) -> list[dict[str, Any]]:
        return [{"risk": self.cleaned_data.get(f"r-{i}-risk"), "likelihood": self.cleaned_data.get(f"r-{i}-likelihood"),
                 "mitigation": self.cleaned_data.get(f"r-{i}-mitigation")} for i in range(self.risk_count)]

    def bound(self, name: str | None) -> Any:
        return self[name] if name else None


class ReviewForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Comment to the project holder"), required=False,
                              max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("Required when you return the report."))


class UnlockForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for unlocking"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))
