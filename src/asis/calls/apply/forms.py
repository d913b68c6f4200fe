"""Forms of the apply part: self-assessment, application sections, screening."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asis.accounts.models import Organisation
from asis.calls.apply.budget import CATEGORIES
from asis.calls.apply.services import LOGIC_MODEL_KEYS
from asis.calls.apply.uploads import max_bytes
from asis.calls.models import Application, Attachment, Call
from asis.core.i18n import item_text
from asis.engines.grids import Grid
from asis.observatory.models import Challenge
from asis.regions.models import Region

MAX_ROWS = 100
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def open_calls() -> Any:
    now = timezone.now()
    return Call.objects.filter(status=Call.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def _text(texts: Any, language: str) -> str:
    return str(texts.get(language) or texts.get("en") or "")


class SelfAssessmentForm(forms.Form):
    project_title = forms.CharField(label=_("Project title"), max_length=200, required=False)
    region = forms.ModelChoiceField(label=_("Region of the project (optional)"), required=False,
                                    queryset=Region.objects.none(), to_field_name="code",
                                    help_text=_("With the region and the challenges, the result lists the open "
                                                "calls that fit your project."))
    challenges = forms.ModelMultipleChoiceField(label=_("Challenges addressed (optional)"), required=False,
                                                queryset=Challenge.objects.none(), to_field_name="code",
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, grid: Grid, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.defer("geometry").order_by("country", "code")  # type: ignore[attr-defined]
        self.fields["challenges"].queryset = Challenge.objects.filter(active=True)  # type: ignore[attr-defined]
        self.grid = grid
        self.language = language
        for criterion in grid.criteria:
            scale = grid.scale_of(criterion)
            choices = [(str(level), _text(scale.anchors.get(level, {}), language)) for level in scale.levels]
            self.fields[f"c_{criterion.id}"] = forms.TypedChoiceField(
                label=_text(criterion.label, language), choices=choices, coerce=int, widget=forms.RadioSelect,
                help_text=_text(criterion.description, language),
                error_messages={"required": _("Choose the level that describes your project best.")})
            self.fields[f"n_{criterion.id}"] = forms.CharField(
                label=_("Note (optional)"), required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}))

    def criteria(self) -> list[dict[str, Any]]:
        out = []
        for criterion in self.grid.criteria:
            scale = self.grid.scale_of(criterion)
            out.append({"criterion": criterion, "field": self[f"c_{criterion.id}"], "note": self[f"n_{criterion.id}"],
                        "pass_fail": scale.kind == "pass_fail", "threshold": criterion.threshold})
        return out

    def answers(self) -> dict[str, int]:
        return {c.id: self.cleaned_data[f"c_{c.id}"] for c in self.grid.criteria}

    def notes(self) -> dict[str, str]:
        return {c.id: self.cleaned_data.get(f"n_{c.id}", "") for c in self.grid.criteria
                if self.cleaned_data.get(f"n_{c.id}")}

    def profile(self) -> dict[str, Any]:
        region = self.cleaned_data.get("region")
        challenges = self.cleaned_data.get("challenges") or []
        out: dict[str, Any] = {}
        if region is not None:
            out["region"] = region.code
        if challenges:
            out["challenges"] = sorted(c.code for c in challenges)
        return out


class LeadOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Lead organisation"), queryset=Organisation.objects.none(),
                                          empty_label=None)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SelfAssessmentApplyForm(LeadOrganisationForm):
    call = forms.ModelChoiceField(label=_("Call"), queryset=Call.objects.none(), empty_label=None)

    def __init__(self, *args: Any, calls: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls
        self.order_fields(["call", "organisation"])


def budget_choices(lines: list[dict[str, Any]] | None) -> list[tuple[str, Any]]:
    """The standard categories, plus any free-text category of the application's existing lines
    (written before the list existed: they stay valid)."""
    known = {key for key, _label in CATEGORIES}
    legacy = sorted({str(line.get("category")) for line in lines or []
                     if line.get("category") and str(line.get("category")) not in known})
    return [("", "—"), *CATEGORIES, *[(value, value) for value in legacy]]


def _row_count(data: Any, prefix: str, existing: int) -> int:
    if data is None:
        # a few empty lines without JavaScript; with it, "Add a line" adds more
        return min(existing + 3, MAX_ROWS)
    indexes = [int(m.group(1)) for key in data for m in [re.match(rf"^{prefix}-(\d+)-", key)] if m]
    return min(max(indexes, default=-1) + 1, MAX_ROWS)


class ApplicationForm(forms.Form):
    """All draft sections of an application; ``content()`` returns the model fields to save."""

    title = forms.CharField(label=_("Project title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=5000)
    original_language = forms.ChoiceField(label=_("Language of the application"), choices=settings.LANGUAGES)
    region = forms.ModelChoiceField(label=_("Region of the project"), queryset=Region.objects.none(), required=False)
    challenges = forms.ModelMultipleChoiceField(label=_("Challenges addressed"), queryset=Challenge.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    requested_amount = forms.DecimalField(label=_("Requested grant (EUR)"), required=False, min_value=Decimal("0"),
                                          max_digits=14, decimal_places=2)
    total_cost = forms.DecimalField(label=_("Total project cost (EUR)"), required=False, min_value=Decimal("0"),
                                    max_digits=14, decimal_places=2)
    problem = forms.CharField(label=_("Problem"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000)
    activities = forms.CharField(label=_("Activities"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=5000)
    outputs = forms.CharField(label=_("Outputs"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000)
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=5000)
    impact = forms.CharField(label=_("Impact"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=5000)

    BUDGET_COLUMNS = (("category", _("Category")), ("description", _("Description")), ("amount", _("Amount (EUR)")))
    INDICATOR_COLUMNS = (("name", _("Indicator")), ("unit", _("Unit")), ("baseline", _("Baseline")),
                         ("target", _("Target")))

    def __init__(self, *args: Any, application: Application, **kwargs: Any):
        data = args[0] if args else kwargs.get("data")
        application_initial = self._initial(application)
        kwargs.setdefault("initial", application_initial)
        super().__init__(*args, **kwargs)
        self.application = application
        call = application.call
        regions = call.eligible_regions.defer("geometry")
        self.fields["region"].queryset = (regions if regions.exists()
                                          else Region.objects.defer("geometry").order_by("country", "code"))
        challenges = call.challenges.all()
        self.fields["challenges"].queryset = (challenges if challenges.exists()
                                              else Challenge.objects.filter(active=True))
        self.budget_rows = _row_count(data, "budget", len(application.budget_lines))
        categories = budget_choices(application.budget_lines)
        for i in range(self.budget_rows):
            self.fields[f"budget-{i}-category"] = forms.ChoiceField(label=_("Category"), required=False,
                                                                    choices=categories)
            self.fields[f"budget-{i}-description"] = forms.CharField(label=_("Description"), required=False,
                                                                     max_length=300)
            self.fields[f"budget-{i}-amount"] = forms.DecimalField(label=_("Amount (EUR)"), required=False,
                                                                   min_value=Decimal("0"), max_digits=14,
                                                                   decimal_places=2)
        indicators = (application.logic_model or {}).get("indicators") or []
        self.indicator_rows = _row_count(data, "indicator", len(indicators))
        for i in range(self.indicator_rows):
            for key, label in self.INDICATOR_COLUMNS:
                self.fields[f"indicator-{i}-{key}"] = forms.CharField(label=label, required=False, max_length=200)
        self.questions = [q for q in call.custom_questions or [] if q.get("id")]
        for q in self.questions:
            self.fields[f"q_{q['id']}"] = self._question_field(q)

    @staticmethod
    def _question_field(q: dict[str, Any]) -> forms.Field:
        # Required questions are enforced at submission; drafts may be incomplete.
        label = item_text(q, "label")
        kind = q.get("kind", "text")
        if kind == "long_text":
            return forms.CharField(label=label, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
        if kind == "number":
            return forms.DecimalField(label=label, required=False, max_digits=20, decimal_places=4)
        if kind == "yes_no":
            return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *YES_NO])
        if kind == "choice":
            return forms.ChoiceField(label=label, required=False,
                                     choices=[("", "—")] + [(str(c), str(c)) for c in q.get("choices") or []])
        return forms.CharField(label=label, required=False, max_length=500)

    @staticmethod
    def _initial(application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": application.title, "summary": application.summary,
            "original_language": application.original_language, "region": application.region_id,
            "requested_amount": application.requested_amount, "total_cost": application.total_cost,
        }
        if application.pk:
            initial["challenges"] = list(application.challenges.values_list("pk", flat=True))
        logic = application.logic_model or {}
        for key in LOGIC_MODEL_KEYS:
            initial[key] = logic.get(key, "")
        for i, line in enumerate(application.budget_lines or []):
            for key in ("category", "description", "amount"):
                initial[f"budget-{i}-{key}"] = line.get(key, "")
        for i, indicator in enumerate(logic.get("indicators") or []):
            for key in ("name", "unit", "baseline", "target"):
                initial[f"indicator-{i}-{key}"] = indicator.get(key, "")
        for qid, value in (application.answers or {}).items():
            initial[f"q_{qid}"] = value
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for i in range(self.budget_rows):
            filled = [cleaned.get(f"budget-{i}-{k}") not in (None, "") for k in ("category", "description", "amount")]
            if any(filled) and cleaned.get(f"budget-{i}-amount") is None and f"budget-{i}-amount" not in self.errors:
                self.add_error(f"budget-{i}-amount", _("Give the amount of this budget line."))
            if any(filled) and not cleaned.get(f"budget-{i}-category") and f"budget-{i}-category" not in self.errors:
                self.add_error(f"budget-{i}-category", _("Give the category of this budget line."))
        for i in range(self.indicator_rows):
            filled = [cleaned.get(f"indicator-{i}-{k}") for k, _label in self.INDICATOR_COLUMNS]
            if any(filled) and not filled[0]:
                self.add_error(f"indicator-{i}-name", _("Name the indicator."))
        return cleaned

    def budget_table(self) -> list[list[Any]]:
        return [[self[f"budget-{i}-{k}"] for k, _label in self.BUDGET_COLUMNS] for i in range(self.budget_rows)]

    def indicator_table(self) -> list[list[Any]]:
        return [[self[f"indicator-{i}-{k}"] for k, _label in self.INDICATOR_COLUMNS]
                for i in range(self.indicator_rows)]

    def question_fields(self) -> list[Any]:
        return [self[f"q_{q['id']}"] for q in self.questions]

    def content(self) -> dict[str, Any]:
        c = self.cleaned_data
        budget = []
        for i in range(self.budget_rows):
            amount = c.get(f"budget-{i}-amount")
            if c.get(f"budget-{i}-category") or c.get(f"budget-{i}-description") or amount is not None:
                budget.append({"category": c.get(f"budget-{i}-category", ""),
                               "description": c.get(f"budget-{i}-description", ""),
                               "amount": None if amount is None else str(amount)})
        indicators = []
        for i in range(self.indicator_rows):
            row = {k: c.get(f"indicator-{i}-{k}", "") for k, _label in self.INDICATOR_COLUMNS}
            if any(row.values()):
                indicators.append(row)
        logic_model = {key: c.get(key, "") for key in LOGIC_MODEL_KEYS}
        logic_model["indicators"] = indicators
        answers = {}
        for q in self.questions:
            value = c.get(f"q_{q['id']}")
            if value not in (None, ""):
                answers[q["id"]] = str(value)
        return {"title": c["title"], "summary": c.get("summary", ""), "original_language": c["original_language"],
                "region": c.get("region"), "requested_amount": c.get("requested_amount"),
                "total_cost": c.get("total_cost"), "budget_lines": budget, "logic_model": logic_model,
                "answers": answers}


class CoApplicantForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the co-applicant"))


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.filter(status=Organisation.Status.PUBLISHED).order_by("name"))
    role = forms.CharField(label=_("Role in the project"), max_length=200, required=False)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT, ODS, PNG or JPEG."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            from django.template.defaultfilters import filesizeformat

            raise forms.ValidationError(_("The file is %(size)s; the largest accepted size is %(max)s.") % {
                "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes())})
        return upload


class EligibilityForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect,
                                choices=[(Application.Eligibility.ELIGIBLE, _("Eligible")),
                                         (Application.Eligibility.INELIGIBLE, _("Not eligible"))])
    reason = forms.CharField(label=_("Reason (sent to the applicant)"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Required when an item is not met or the application is not eligible."))

    def __init__(self, *args: Any, checklist: list[dict[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.checklist = [item for item in checklist if item.get("id")]
        for item in self.checklist:
            self.fields[f"item_{item['id']}"] = forms.ChoiceField(label=item_text(item, "text"), choices=YES_NO,
                                                                  widget=forms.RadioSelect)
        self.order_fields([f"item_{item['id']}" for item in self.checklist] + ["outcome", "reason"])

    @staticmethod
    def initial_from(check: Any) -> dict[str, Any]:
        """The recorded answers of the latest screening, so a second look starts from them."""
        if check is None:
            return {}
        initial: dict[str, Any] = {f"item_{key}": "yes" if value else "no" for key, value in (check.results or {}).items()}
        initial.update(outcome=check.outcome, reason=check.reason)
        return initial

    def results(self) -> dict[str, bool]:
        return {str(item["id"]): self.cleaned_data[f"item_{item['id']}"] == "yes" for item in self.checklist}
