"""Forms of the call builder: one form per section of the edit page, all plain HTML (no JS needed).

Times are entered as local wall-clock times in the call's time zone and stored as aware datetimes.
Cross-field rules repeat the model's so that the message sits next to the field at fault.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from asis.accounts.models import Organisation
from asis.calls.builder import grid_edit
from asis.calls.builder import services as builder
from asis.calls.models import Call, _timezone_choices
from asis.observatory.models import Challenge
from asis.regions.models import COUNTRIES, Region

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def localise(naive: dt.datetime, tz_name: str) -> dt.datetime | None:
    """``naive`` read as a wall-clock time in ``tz_name``; None when that time does not exist there
    (the hour skipped when clocks go forward)."""
    tz = zoneinfo.ZoneInfo(tz_name)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return aware


class LocalDateTimeField(forms.Field):
    """A wall-clock date and time without zone; the form attaches the call's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": _("Enter a date and time, e.g. 2027-03-31 17:00.")}

    def __init__(self, *, tz_name: str = "UTC", **kwargs: Any) -> None:
        self.tz_name = tz_name
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(zoneinfo.ZoneInfo(self.tz_name)).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        for fmt in LOCAL_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class TimelineMixin:
    """Validates timezone + local opening/closing times and turns them into aware datetimes."""

    def clean_timeline(self, cleaned: dict[str, Any]) -> None:
        tz_name = cleaned.get("timezone")
        if not tz_name:
            return
        for name in ("opens_at", "closes_at"):
            naive = cleaned.get(name)
            if isinstance(naive, dt.datetime) and naive.tzinfo is None:
                aware = localise(naive, tz_name)
                if aware is None:
                    self.add_error(name, _("This time does not exist in %(zone)s (the clocks go forward then).")
                                   % {"zone": tz_name})
                    cleaned.pop(name, None)
                else:
                    cleaned[name] = aware
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))


class MoneyMixin:
    def clean_money(self, cleaned: dict[str, Any]) -> None:
        budget, low, high = cleaned.get("budget"), cleaned.get("min_grant"), cleaned.get("max_grant")
        if low is not None and high is not None and high < low:
            self.add_error("max_grant", _("The maximum grant must be at least the minimum grant."))
        elif high is not None and budget is not None and high > budget:
            self.add_error("max_grant", _("The maximum grant cannot exceed the budget."))


def _money(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=Decimal("0"), **kwargs)


class CallCreateForm(TimelineMixin, MoneyMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                          error_messages={"invalid_choice": _("Choose one of your organisations.")})
    title = forms.CharField(label=_("Title"), max_length=200)
    original_language = forms.ChoiceField(label=_("Language of the texts"), choices=settings.LANGUAGES)
    grid_template = forms.ChoiceField(label=_("Criteria grid template"), choices=())
    budget = _money(_("Budget (EUR)"))
    min_grant = _money(_("Minimum grant (EUR)"), initial=Decimal("0"))
    max_grant = _money(_("Maximum grant (EUR)"))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezone_choices(), initial="Europe/Vienna")
    opens_at = LocalDateTimeField(label=_("Opening (local time)"))
    closes_at = LocalDateTimeField(label=_("Closing (local time)"),
                                   help_text=_("Both times are read in the call's time zone."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = builder.managed_organisations(user)
        self.fields["organisation"].queryset = organisations
        only = list(organisations[:2])
        if len(only) == 1:  # the usual case: preselect the one organisation one manages
            self.fields["organisation"].initial = only[0].pk
            self.fields["organisation"].empty_label = None
        self.fields["grid_template"].choices = [
            (name, grid.name.get("en", name)) for name, grid in builder.grid_templates()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_money(cleaned)
        self.clean_timeline(cleaned)
        return cleaned


class TextsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    original_language = forms.ChoiceField(label=_("Language of these texts"), choices=settings.LANGUAGES)


class TranslationForm(forms.Form):
    """Title and description in one other language (editable in every phase)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class MoneyForm(MoneyMixin, forms.Form):
    budget = _money(_("Budget (EUR)"))
    min_grant = _money(_("Minimum grant (EUR)"))
    max_grant = _money(_("Maximum grant (EUR)"))
    cofunding_rate = forms.DecimalField(label=_("Maximum co-funding rate (%)"), max_digits=5, decimal_places=2,
                                        min_value=Decimal("0"), max_value=Decimal("100"),
                                        help_text=_("The largest share of a project's total cost the grant may "
                                                    "cover."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_money(cleaned)
        return cleaned


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    regions = list(Region.objects.order_by("country", "code").only("code", "name", "country"))
    return [(str(label), [(r.code, f"{r.code} {r.name}") for r in regions if r.country == code])
            for code, label in COUNTRIES if any(r.country == code for r in regions)]


class ScopeForm(forms.Form):
    eligible_regions = forms.MultipleChoiceField(
        label=_("Eligible regions"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: projects in every region of the Alpine Space are eligible."))
    applicant_types = forms.MultipleChoiceField(
        label=_("Eligible applicant types"), required=False, choices=Organisation.Type.choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every type of organisation may apply."))
    challenges = forms.ModelMultipleChoiceField(
        label=_("Societal challenges addressed"), required=False, queryset=Challenge.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eligible_regions"].choices = region_choices()
        self.fields["challenges"].queryset = Challenge.objects.filter(active=True).order_by("position", "code")


class TimelineForm(TimelineMixin, forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezone_choices())
    opens_at = LocalDateTimeField(label=_("Opening (local time)"))
    closes_at = LocalDateTimeField(label=_("Closing (local time)"))
    evaluation_ends_on = forms.DateField(label=_("End of evaluation"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    decision_on = forms.DateField(label=_("Decision"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, tz_name: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].tz_name = tz_name
        self.fields["closes_at"].tz_name = tz_name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_timeline(cleaned)
        closes, ends, decision = cleaned.get("closes_at"), cleaned.get("evaluation_ends_on"), cleaned.get("decision_on")
        tz_name = cleaned.get("timezone") or "UTC"
        if closes and ends and ends < closes.astimezone(zoneinfo.ZoneInfo(tz_name)).date():
            self.add_error("evaluation_ends_on", _("The evaluation cannot end before the call closes."))
        if ends and decision and decision < ends:
            self.add_error("decision_on", _("The decision cannot come before the end of the evaluation."))
        return cleaned


class GridTemplateForm(forms.Form):
    grid_template = forms.ChoiceField(label=_("Replace the grid with the template"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid_template"].choices = [
            (name, grid.name.get("en", name)) for name, grid in builder.grid_templates()]


class GridForm(forms.Form):
    """A weight and an optional knock-out threshold per criterion of the call's grid."""

    def __init__(self, *args: Any, grid: dict[str, Any], language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grid = grid
        scales = {s["id"]: s for s in grid.get("scales", [])}
        self.rows: list[dict[str, Any]] = []
        for criterion in grid.get("criteria", []):
            cid = criterion["id"]
            scale = scales.get(criterion["scale"], {"min": 0, "max": 5})
            label = criterion["label"].get(language) or criterion["label"].get("en", cid)
            self.fields[f"weight__{cid}"] = forms.FloatField(
                label=_("Weight of “%(criterion)s”") % {"criterion": label}, min_value=0,
                initial=criterion.get("weight"))
            self.fields[f"threshold__{cid}"] = forms.FloatField(
                label=_("Knock-out threshold of “%(criterion)s”") % {"criterion": label}, required=False,
                min_value=scale["min"], max_value=scale["max"], initial=criterion.get("threshold"),
                help_text=_("Empty: no threshold. Scale %(min)s to %(max)s.") % {"min": scale["min"],
                                                                               "max": scale["max"]})
            self.rows.append({"id": cid, "label": label, "weight": self[f"weight__{cid}"],
                              "threshold": self[f"threshold__{cid}"]})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        weights = [v for k, v in cleaned.items() if k.startswith("weight__") and v is not None]
        if len(weights) == len(self.rows) and sum(weights) <= 0:
            raise forms.ValidationError(_("The weights must not all be zero."))
        if len(weights) == len(self.rows):
            error = grid_edit.weights_total_error(weights)
            if error:
                raise forms.ValidationError(error)
        return cleaned

    def weights(self) -> dict[str, float]:
        return {k.removeprefix("weight__"): v for k, v in self.cleaned_data.items() if k.startswith("weight__")}

    def thresholds(self) -> dict[str, float | None]:
        return {k.removeprefix("threshold__"): v for k, v in self.cleaned_data.items() if k.startswith("threshold__")}


class _RowForm(forms.Form):
    """A row of an editable list; ``id`` is kept when present, generated otherwise."""

    id = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_id(self) -> str:
        value = self.cleaned_data.get("id", "").strip()
        if value and not ITEM_ID.match(value):
            raise forms.ValidationError(_("This row's identifier is not valid; reload the page."))
        return value


class ChecklistItemForm(_RowForm):
    text = forms.CharField(label=_("Checklist item"), max_length=500)


class QuestionForm(_RowForm):
    label = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=[
        ("", "—"), ("text", _("Short text")), ("long_text", _("Long text")), ("number", _("Number")),
        ("yes_no", _("Yes or no")), ("choice", _("One of several choices"))])
    required = forms.BooleanField(label=_("Answer required"), required=False)
    choices = forms.CharField(label=_("Choices (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        lines = [line.strip() for line in (cleaned.get("choices") or "").splitlines() if line.strip()]
        if cleaned.get("kind") == "choice" and len(lines) < 2:
            self.add_error("choices", _("Give at least two choices, one per line."))
        cleaned["choice_list"] = lines if cleaned.get("kind") == "choice" else []
        return cleaned


class _RowFormSet(forms.BaseFormSet):
    prefix_for_ids = "item"

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            value = form.cleaned_data.get("id")
            if value and value in seen:
                raise forms.ValidationError(_("Two rows have the same identifier; reload the page."))
            seen.add(value)

    def kept(self) -> list[dict[str, Any]]:
        """The rows not deleted and not blank, with an id each (new rows get a fresh one)."""
        rows = [dict(f.cleaned_data) for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        used = {r["id"] for r in rows if r.get("id")}
        counter = 1
        for row in rows:
            if not row.get("id"):
                while f"{self.prefix_for_ids}-{counter}" in used:
                    counter += 1
                row["id"] = f"{self.prefix_for_ids}-{counter}"
                used.add(row["id"])
        return rows


class _ChecklistFormSet(_RowFormSet):
    prefix_for_ids = "check"


class _QuestionFormSet(_RowFormSet):
    prefix_for_ids = "q"


ChecklistFormSet = forms.formset_factory(ChecklistItemForm, formset=_ChecklistFormSet, extra=2, can_delete=True,
                                         max_num=50, validate_max=True)
QuestionFormSet = forms.formset_factory(QuestionForm, formset=_QuestionFormSet, extra=2, can_delete=True,
                                        max_num=30, validate_max=True)


class EvaluationForm(forms.Form):
    evaluators_per_application = forms.IntegerField(label=_("Evaluators per application"), min_value=1, max_value=10)
    aggregation = forms.ChoiceField(label=_("Aggregation of the evaluators' scores"), choices=Call.Aggregation.choices)
    calibration = forms.ChoiceField(label=_("Calibration of evaluators"), choices=Call.Calibration.choices)
    ranking_methods = forms.MultipleChoiceField(label=_("Ranking methods"), choices=Call.RankingMethod.choices,
                                                widget=forms.CheckboxSelectMultiple)
    primary_method = forms.ChoiceField(label=_("Primary ranking method"), choices=Call.RankingMethod.choices,
                                       help_text=_("The ranking the decision follows; the others are shown for "
                                                   "comparison."))
    smaa_draws = forms.IntegerField(label=_("Draws of the ranking sensitivity analysis (SMAA)"), min_value=0,
                                    max_value=100000)
    blind = forms.BooleanField(label=_("Blind evaluation (evaluators do not see who applies)"), required=False)
    hide_scores_until_submitted = forms.BooleanField(
        label=_("Hide other evaluators' scores until one's own review is submitted"), required=False)
    regional_conflict_rule = forms.ChoiceField(label=_("Regional conflict-of-interest rule"),
                                               choices=Call.RegionalConflictRule.choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        methods, primary = cleaned.get("ranking_methods") or [], cleaned.get("primary_method")
        if methods and primary and primary not in methods:
            self.add_error("primary_method", _("The primary method must be one of the ticked ranking methods."))
        return cleaned


class PortfolioForm(forms.Form):
    funding_rule = forms.ChoiceField(label=_("Funding rule"), choices=Call.FundingRule.choices,
                                     initial=Call.FundingRule.OPTIMAL, required=False,
                                     help_text=_("How the ranking becomes decisions; see the guide for an example."))
    min_score = forms.FloatField(label=_("Minimum score to be funded (0–100)"), required=False, min_value=0,
                                 max_value=100)
    allow_partial = forms.BooleanField(label=_("Allow partial funding of the last project"), required=False)
    min_fraction = forms.FloatField(label=_("Smallest fraction of a request that may be funded"), min_value=0.01,
                                    max_value=1, initial=1.0,
                                    help_text=_("Used only with partial funding; 1 means the full request."))


def group_choices(language: str = "en") -> list[tuple[str, list[tuple[str, str]]]]:
    """What a portfolio rule may apply to, by human name: regions by country, countries, challenges.
    Values are ``dimension:code`` (the stored rule keeps dimension and code apart)."""
    countries = dict(COUNTRIES)
    regions = list(Region.objects.order_by("country", "name").only("code", "name", "country"))
    choices: list[tuple[str, list[tuple[str, str]]]] = [
        (str(_("Regions in %(country)s") % {"country": countries[code]}),
         [(f"region:{r.code}", f"{r.name} ({r.code})") for r in regions if r.country == code])
        for code in countries if any(r.country == code for r in regions)]
    choices.append((str(_("Countries")), [(f"country:{code}", str(label)) for code, label in COUNTRIES]))
    challenges = Challenge.objects.order_by("position", "code")
    choices.append((str(_("Societal challenges")),
                    [(f"challenge:{c.code}", str(c.translated("name", language))) for c in challenges]))
    return choices


def _percent(label: Any) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, min_value=0, max_value=100,
                            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))


class GroupLimitForm(forms.Form):
    """A portfolio rule: which groups (picked by name) and the limits on each, shares in percent."""

    groups = forms.MultipleChoiceField(
        label=_("Applies to"), choices=(), widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Choose one or more regions, countries or challenges; the limits apply to each one chosen."))
    min_count = forms.IntegerField(label=_("At least (projects)"), required=False, min_value=0)
    max_count = forms.IntegerField(label=_("At most (projects)"), required=False, min_value=0)
    min_share = _percent(_("At least (% of the funds awarded)"))
    max_share = _percent(_("At most (% of the funds awarded)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = dict(kwargs.get("initial") or {})
        if initial.get("dimension") and initial.get("group"):  # a stored rule: one group, shares as fractions
            initial["groups"] = [f"{initial['dimension']}:{initial['group']}"]
            for name in ("min_share", "max_share"):
                if initial.get(name) is not None:
                    initial[name] = round(100 * float(initial[name]), 4)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = group_choices((get_language() or "en").split("-")[0])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for low, high in (("min_count", "max_count"), ("min_share", "max_share")):
            if cleaned.get(low) is not None and cleaned.get(high) is not None and cleaned[low] > cleaned[high]:
                self.add_error(high, _("The maximum must be at least the minimum."))
        limits = ("min_count", "max_count", "min_share", "max_share")
        if cleaned.get("groups") and all(cleaned.get(k) is None for k in limits):
            self.add_error(None, _("Give at least one limit for the groups chosen."))
        return cleaned

    def rules(self) -> list[dict[str, Any]]:
        """One stored rule per group chosen, shares as fractions (the engine's format)."""
        data = self.cleaned_data
        out = []
        for value in data.get("groups") or []:
            dimension, _sep, code = value.partition(":")
            out.append({"dimension": dimension, "group": code, "min_count": data.get("min_count"),
                        "max_count": data.get("max_count"),
                        **{k: None if data.get(k) is None else round(data[k] / 100, 6)
                           for k in ("min_share", "max_share")}})
        return out


class _GroupFormSet(forms.BaseFormSet):
    def kept(self) -> list[dict[str, Any]]:
        return [rule for f in self.forms if f.cleaned_data and not self._should_delete_form(f)
                for rule in f.rules()]


GroupFormSet = forms.formset_factory(GroupLimitForm, formset=_GroupFormSet, extra=2, can_delete=True, max_num=60,
                                     validate_max=True)


# --- criteria, level anchors and AHP weighting ----------------------------------------------------

class CriterionForm(_RowForm):
    label = forms.CharField(label=_("Name of the criterion"), max_length=200)
    description = forms.CharField(label=_("What evaluators judge"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    scale = forms.ChoiceField(label=_("Scale"), choices=())

    def __init__(self, *args: Any, scales: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scale"].choices = scales or []

    def has_changed(self) -> bool:
        # the scale select always posts a value: an extra row counts as filled only once it has text
        if self.initial:
            return super().has_changed()
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in ("label", "description"))


class _CriterionFormSet(_RowFormSet):
    prefix_for_ids = "crit"

    def clean(self) -> None:
        super().clean()
        if not any(self.errors) and not self.kept_rows_present():
            raise forms.ValidationError(_("A call needs at least one criterion."))

    def kept_rows_present(self) -> bool:
        return any(f.cleaned_data and not self._should_delete_form(f) for f in self.forms)


CriterionFormSet = forms.formset_factory(CriterionForm, formset=_CriterionFormSet, extra=1, can_delete=True,
                                         max_num=15, validate_max=True)


class AnchorsForm(forms.Form):
    """What each level of one scale means, in the call's original language."""

    def __init__(self, *args: Any, scale: dict[str, Any], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale_id = scale["id"]
        for level in range(int(scale["min"]), int(scale["max"]) + 1):
            texts = scale.get("anchors", {}).get(str(level), {})
            self.fields[f"level__{level}"] = forms.CharField(
                label=_("Level %(level)s") % {"level": level}, max_length=500,
                initial=texts.get(language) or texts.get("en", ""), widget=forms.Textarea(attrs={"rows": 2}))

    def anchors(self) -> dict[int, str]:
        return {int(k.removeprefix("level__")): v for k, v in self.cleaned_data.items()}


def _saaty_choices(first: str, second: str) -> list[tuple[str, str]]:
    strengths = {2: _("slightly more important"), 3: _("moderately more important"),
                 4: _("moderately to strongly more important"), 5: _("strongly more important"),
                 6: _("strongly to very strongly more important"), 7: _("very strongly more important"),
                 8: _("very to extremely more important"), 9: _("extremely more important")}
    choices = [(str(v), _("%(criterion)s: %(strength)s (%(value)s)") % {
        "criterion": first, "strength": strengths[v], "value": v}) for v in range(9, 1, -1)]
    choices.append(("1", _("Both equally important (1)")))
    choices += [(f"1/{v}", _("%(criterion)s: %(strength)s (%(value)s)") % {
        "criterion": second, "strength": strengths[v], "value": v}) for v in range(2, 10)]
    return choices


class AHPForm(forms.Form):
    """One judgment per pair of criteria on Saaty's 1-9 scale; ``pairs`` lists (i, j, field name)."""

    def __init__(self, *args: Any, labels: list[str], initial_judgments: dict[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels
        self.pairs: list[tuple[int, int, str]] = []
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                name = f"pair__{i}__{j}"
                self.fields[name] = forms.ChoiceField(
                    label=_("“%(first)s” compared with “%(second)s”") % {"first": labels[i], "second": labels[j]},
                    choices=_saaty_choices(labels[i], labels[j]),
                    initial=(initial_judgments or {}).get(f"{i}-{j}", "1"))
                self.pairs.append((i, j, name))

    def judgments(self) -> dict[tuple[int, int], float]:
        out = {}
        for i, j, name in self.pairs:
            text = self.cleaned_data[name]
            out[(i, j)] = 1 / float(text[2:]) if text.startswith("1/") else float(text)
        return out

    def raw(self) -> dict[str, str]:
        return {f"{i}-{j}": self.cleaned_data[name] for i, j, name in self.pairs}


# --- what the public page carries: contact, documents, FAQ ----------------------------------------

class ContactForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.RegexField(label=_("Contact phone"), max_length=40, required=False,
                                     regex=r"^\+?[0-9 ()/.-]{4,40}$",
                                     error_messages={"invalid": _("Enter a phone number, e.g. +43 512 508 1234.")})


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title of the document"), max_length=200)
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, ODT, ODS)"))


class FAQForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    question = forms.CharField(label=_("Question"), max_length=300)
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class _FAQFormSet(forms.BaseFormSet):
    def kept(self) -> list[dict[str, Any]]:
        return [dict(f.cleaned_data) for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]


FAQFormSet = forms.formset_factory(FAQForm, formset=_FAQFormSet, extra=2, can_delete=True, max_num=50,
                                   validate_max=True)


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the preview: publish the call."),
        error_messages={"required": _("Tick the box to confirm that the call may be published.")})


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)


class ContentTranslationForm(forms.Form):
    """The call's other texts in one language: checklist, questions, criteria, FAQ, document titles.

    ``entries`` are (field name, label, original text, current translation, multiline); an empty
    field means "not translated" (the original is shown)."""

    def __init__(self, *args: Any, entries: list[tuple[str, str, str, str, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, original, current, multiline in entries:
            widget = forms.Textarea(attrs={"rows": 2}) if multiline else forms.TextInput()
            self.fields[name] = forms.CharField(label=label, required=False, max_length=5000, initial=current,
                                                help_text=original, widget=widget)
