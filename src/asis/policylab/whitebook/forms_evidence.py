"""Forms of the evidence pages: what to add to a recommendation, and which recommendation receives
a comparison. Choices are limited to what the person may cite (``clean`` resolves the object)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asis.calls.access import public_calls
from asis.calls.models import Call, FundedProject
from asis.observatory import search
from asis.observatory.models import Initiative
from asis.policylab import access
from asis.policylab.models import SimulationRun
from asis.policylab.models_whitebook import Evidence
from asis.policylab.whitebook.evidence import MAX_NOTE, recommendations_open_to

SEARCH_RESULTS = 20
PROJECT_CHOICES = 300


def initiative_matches(q: str) -> list[Initiative]:
    """Published initiatives found by the catalogue's search (every language, word forms) or whose
    title contains ``q``."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    published = Initiative.objects.filter(status=Initiative.Status.PUBLISHED)
    found = search.filter_by_text(published, q) if search.plan(q) is not None else published.none()
    return list(published.filter(Q(pk__in=found.values("pk")) | Q(title__icontains=q))
                .order_by("title", "pk")[:SEARCH_RESULTS])


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=Evidence.Kind.choices)
    initiative = forms.ModelChoiceField(label=_("Initiative"), required=False, queryset=Initiative.objects.none(),
                                        widget=forms.RadioSelect)
    project = forms.ModelChoiceField(label=_("Funded project"), required=False, queryset=FundedProject.objects.none())
    call = forms.ModelChoiceField(label=_("Call"), required=False, queryset=Call.objects.none())
    scenario = forms.ModelChoiceField(label=_("Scenario"), required=False, queryset=None)
    comparison = forms.ModelChoiceField(label=_("Comparison of scenarios"), required=False, queryset=None)
    citation = forms.CharField(label=_("Source (author, title, year)"), required=False, max_length=500)
    url = forms.URLField(label=_("Link to the source"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("What it shows"), required=False, max_length=MAX_NOTE,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, initiatives: list[Initiative] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.filter(status=Initiative.Status.PUBLISHED)
        self.fields["initiative"].widget.choices = [(i.pk, i.translated("title")) for i in initiatives or []]
        self.fields["project"].queryset = FundedProject.objects.select_related(
            "application__organisation").order_by("-created_at", "pk")
        self.fields["project"].label_from_instance = lambda p: "{} ({})".format(
            p.application.translated("title"), p.application.organisation.name)
        self.fields["call"].queryset = public_calls().order_by("-pk")
        self.fields["call"].label_from_instance = lambda c: c.display_title
        self.fields["scenario"].queryset = access.scenarios_visible_to(user).filter(
            runs__status=SimulationRun.Status.SUCCEEDED).distinct().order_by("name")
        self.fields["comparison"].queryset = access.comparisons_visible_to(user).order_by("name")

    def target(self) -> Any:
        return self.cleaned_data.get(self.cleaned_data["kind"]) if self.cleaned_data["kind"] != "source" else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != Evidence.Kind.SOURCE and not data.get(kind):
            self.add_error(kind, _("Choose one."))
        if kind == Evidence.Kind.SOURCE and not data.get("citation"):
            self.add_error("citation", _("Name the published source (author, title, year)."))
        return data


class RecommendationChoiceForm(forms.Form):
    paragraph = forms.ModelChoiceField(label=_("Recommendation"), queryset=None, empty_label=None)
    note = forms.CharField(label=_("What it shows"), required=False, max_length=MAX_NOTE,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = recommendations_open_to(user)
        self.fields["paragraph"].label_from_instance = recommendation_label


def recommendation_label(paragraph: Any) -> str:
    from django.utils.translation import gettext as _t

    text = str(paragraph.translated("text"))
    short = text if len(text) <= 90 else text[:89].rstrip() + "…"
    return _t("Edition %(edition)s, %(chapter)s.%(paragraph)s: %(text)s") % {
        "edition": paragraph.chapter.edition.number, "chapter": paragraph.chapter.position,
        "paragraph": paragraph.position, "text": short}
