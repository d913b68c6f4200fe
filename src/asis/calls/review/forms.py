"""Forms of the review part: invitations, conflicts, manual assignment, scoring, consensus."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.calls.models import Application, Evaluator
from asis.calls.review.services import CriterionView
from asis.observatory.models import Challenge


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name (for a new account)"), max_length=200, required=False)
    external = forms.BooleanField(label=_("External expert"), required=False)
    capacity = forms.IntegerField(label=_("Maximum number of applications"), min_value=0, max_value=10000,
                                  required=False, help_text=_("Leave empty for no limit."))
    expertise = forms.ModelMultipleChoiceField(label=_("Expertise (challenges)"), queryset=Challenge.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expertise"].queryset = Challenge.objects.order_by("code")  # type: ignore[attr-defined]


class EvaluatorUpdateForm(forms.Form):
    external = forms.BooleanField(label=_("External expert"), required=False)
    capacity = forms.IntegerField(label=_("Maximum number of applications"), min_value=0, max_value=10000,
                                  required=False, help_text=_("Leave empty for no limit."))


SELECT_LIMIT = 200


class ConflictRecordForm(forms.Form):
    evaluator = forms.ModelChoiceField(label=_("Evaluator"), queryset=Evaluator.objects.none())
    application = forms.ModelChoiceField(label=_("Application"), queryset=Application.objects.none())
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, call: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = Evaluator.objects.filter(call=call).select_related("user")  # type: ignore[attr-defined]
        self.fields["evaluator"].label_from_instance = lambda e: e.user.display_name  # type: ignore[attr-defined]
        submitted = Application.objects.filter(call=call, status=Application.Status.SUBMITTED).order_by("reference")
        if submitted.count() > SELECT_LIMIT:
            # thousands of options would make the page megabytes long: type the reference instead
            self.fields["application"] = forms.ModelChoiceField(
                label=_("Application reference"), queryset=submitted, to_field_name="reference",
                widget=forms.TextInput(attrs={"size": 16}),
                error_messages={"invalid_choice": _("No submitted application of this call has this reference.")})
        else:
            self.fields["application"].queryset = submitted  # type: ignore[attr-defined]


class AssignmentAddForm(ConflictRecordForm):
    note = None  # type: ignore[assignment]
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DeclareForm(forms.Form):
    note = forms.CharField(label=_("Why do you have a conflict of interest?"),
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReviewForm(forms.Form):
    """A score (radio buttons over the scale's levels) and a justification per criterion."""

    comment = forms.CharField(label=_("Overall comment"), widget=forms.Textarea(attrs={"rows": 5}),
                              required=False, max_length=10000)

    def __init__(self, *args: Any, criteria: list[CriterionView], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.id}"] = forms.CharField(
                label=c.label, required=False, widget=forms.RadioSelect(choices=[(str(level), str(level))
                                                                                 for level in c.levels]))
            self.fields[f"justification_{c.id}"] = forms.CharField(
                label=_("Justification"), required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}))

    def raw(self) -> tuple[dict[str, Any], dict[str, str], str]:
        data = self.cleaned_data
        scores = {c.id: data.get(f"score_{c.id}") for c in self.criteria}
        notes = {c.id: data.get(f"justification_{c.id}") or "" for c in self.criteria}
        return scores, notes, data.get("comment") or ""

    def posted(self) -> tuple[dict[str, Any], dict[str, str], str]:
        """What was typed, unvalidated (kept as a draft when the submission fails)."""
        data = self.data
        scores = {c.id: data.get(f"score_{c.id}") for c in self.criteria}
        notes = {c.id: str(data.get(f"justification_{c.id}") or "") for c in self.criteria}
        return scores, notes, str(data.get("comment") or "")

    def error_summary(self) -> list[dict[str, str]]:
        """The GOV.UK error summary: each error with the field it belongs to, in page order."""
        labels = {c.id: c.label for c in self.criteria}
        out: list[dict[str, str]] = [{"message": str(m), "href": ""} for m in self.non_field_errors()]
        for c in self.criteria:
            for m in self.errors.get(f"score_{c.id}", []):
                out.append({"message": _("%(criterion)s: %(error)s") % {"criterion": labels[c.id], "error": m},
                            "href": f"#id_score_{c.id}_0"})
            for m in self.errors.get(f"justification_{c.id}", []):
                out.append({"message": _("%(criterion)s, justification: %(error)s") % {
                    "criterion": labels[c.id], "error": m}, "href": f"#id_justification_{c.id}"})
        for m in self.errors.get("comment", []):
            out.append({"message": _("Overall comment: %(error)s") % {"error": m}, "href": "#id_comment"})
        return out

    def rows(self) -> list[dict[str, Any]]:
        return [{"criterion": c, "score": self[f"score_{c.id}"], "justification": self[f"justification_{c.id}"]}
                for c in self.criteria]


class ConsensusForm(forms.Form):
    criterion = forms.ChoiceField(label=_("Criterion"))
    score = forms.CharField(label=_("Consensus score"), max_length=10)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, criteria: list[CriterionView], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.id, c.label) for c in criteria]  # type: ignore[attr-defined]
