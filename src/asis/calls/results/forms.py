"""Forms of the results part: decisions (one row per application), prefill, letter templates."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.calls.models import Application
from asis.calls.results import letters
from asis.calls.results.decisions import DecisionInput, decision_reason

OUTCOME_CHOICES = [("", gettext_lazy("No decision yet")),
                   (Application.Decision.APPROVED, gettext_lazy("Approve")),
                   (Application.Decision.REJECTED, gettext_lazy("Reject")),
                   (Application.Decision.WAITLISTED, gettext_lazy("Waiting list"))]


class DecisionsForm:
    """One outcome, amount and reason per application, named ``outcome-<id>``, ``amount-<id>``,
    ``reason-<id>``; parse with :meth:`is_valid`, then read :attr:`items`."""

    def __init__(self, applications: Sequence[Application], data: Any = None) -> None:
        self.applications = list(applications)
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.items: list[DecisionInput] = []

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for app in self.applications:
            key = f"app-{app.pk}"
            if self.data is not None:
                outcome = self.data.get(f"outcome-{app.pk}", app.decision)
                amount = self.data.get(f"amount-{app.pk}", "")
                reason = self.data.get(f"reason-{app.pk}", "")
            else:
                outcome = app.decision
                amount = app.granted_amount if app.granted_amount is not None else ""
                reason = decision_reason(app)
            out.append({"application": app, "outcome": outcome, "amount": amount, "reason": reason,
                        "errors": self.errors.get(key, [])})
        return out

    def is_valid(self) -> bool:
        self.items = []
        for app in self.applications:
            outcome = str(self.data.get(f"outcome-{app.pk}", app.decision) or "")
            raw = str(self.data.get(f"amount-{app.pk}", "") or "").strip().replace(" ", "").replace(",", ".")
            reason = str(self.data.get(f"reason-{app.pk}", "") or "")[:2000]
            amount = None
            if raw:
                try:
                    amount = Decimal(raw)
                except InvalidOperation:
                    self.errors.setdefault(f"app-{app.pk}", []).append(_("Enter a number."))
                    continue
                if not amount.is_finite():
                    self.errors.setdefault(f"app-{app.pk}", []).append(_("Enter a number."))
                    continue
            if outcome not in dict(OUTCOME_CHOICES):
                self.errors.setdefault(f"app-{app.pk}", []).append(_("Choose approve, reject or waiting list."))
                continue
            self.items.append(DecisionInput(app.pk, outcome, amount if outcome == "approved" else None, reason))
        return not self.errors


class PrefillForm(forms.Form):
    rest = forms.ChoiceField(label=gettext_lazy("Applications outside the optimal portfolio"), choices=[
        (Application.Decision.REJECTED, gettext_lazy("Reject")),
        (Application.Decision.WAITLISTED, gettext_lazy("Put on the waiting list"))])


class LetterTemplatesForm(forms.Form):
    """Subject and body of each outcome's letter in one language."""

    def __init__(self, *args: Any, initial_texts: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Application.Decision.choices)
        for outcome in letters.OUTCOMES:
            subject, body = initial_texts[outcome]
            self.fields[f"{outcome}_subject"] = forms.CharField(
                label=_("Subject of the letter: %(outcome)s") % {"outcome": labels[outcome]}, max_length=200,
                initial=subject)
            self.fields[f"{outcome}_body"] = forms.CharField(
                label=_("Text of the letter: %(outcome)s") % {"outcome": labels[outcome]}, initial=body,
                widget=forms.Textarea(attrs={"rows": 12}), max_length=20000,
                help_text=_("Placeholders: %(names)s.") % {"names": ", ".join(
                    "{{ %s }}" % name for name in letters.PLACEHOLDERS)})  # noqa: UP031

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, value in list(data.items()):
            try:
                letters.validate_text(value, name)
            except forms.ValidationError as exc:
                for message in exc.message_dict.get(name, []):
                    self.add_error(name, message)
        return data

    def texts(self) -> dict[str, tuple[str, str]]:
        return {o: (self.cleaned_data[f"{o}_subject"], self.cleaned_data[f"{o}_body"]) for o in letters.OUTCOMES}


def language_choice(value: str | None) -> str:
    return value if value in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE


class LetterSettingsForm(forms.Form):
    """What every letter of the call carries besides its text: signatory, legal remedy (in the
    page's language), and whether applicants see their scores and the anonymised comments."""

    signatory_name = forms.CharField(label=gettext_lazy("Name of the signatory"), max_length=120, required=False)
    signatory_function = forms.CharField(label=gettext_lazy("Function of the signatory"), max_length=120,
                                         required=False)
    legal_remedy = forms.CharField(
        label=gettext_lazy("Legal remedy (printed at the end of every letter)"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}))
    share_scores = forms.BooleanField(
        label=gettext_lazy("Applicants see their aggregated scores and the evaluators' comments (without names) "
                           "once the decision is sent"), required=False)
