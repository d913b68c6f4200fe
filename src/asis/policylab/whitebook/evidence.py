"""Evidence of the white book's recommendations: add (an initiative, a funded project, a call's
results, a scenario, a comparison, or a published source), remove, reorder; human labels and links.

Editors of the white book and policy officers manage evidence while the edition is a draft or in
consultation; an adopted edition refuses every change. Scenarios and comparisons must be visible to
the person adding them; readers who cannot see one later get its kind and note, not its name.
Every change is one transaction with one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from asis.calls.access import public_calls
from asis.calls.models import Call, FundedProject
from asis.core.audit import audit_record
from asis.observatory.models import Initiative
from asis.policylab import access
from asis.policylab.models import Comparison, Scenario, Visibility
from asis.policylab.models_whitebook import Edition, Evidence, Paragraph

OPEN_STATUSES = (Edition.Status.DRAFT, Edition.Status.CONSULTATION)
MAX_NOTE = 2000
MAX_PER_RECOMMENDATION = 40


class EvidenceRefused(Exception):
    """A change of evidence that is not allowed; ``str()`` is the message in the reader's language."""


def can_manage_evidence(user: Any, paragraph: Paragraph) -> bool:
    return access.can_manage_evidence(user, paragraph.chapter.edition)


def recommendations_open_to(user: Any) -> Any:
    """Recommendations of draft and consultation editions the person may add evidence to."""
    if not (access.is_whitebook_editor(user) or access.is_policy_officer(user)):
        return Paragraph.objects.none()
    return (Paragraph.objects.filter(kind=Paragraph.Kind.RECOMMENDATION, chapter__edition__status__in=OPEN_STATUSES)
            .select_related("chapter__edition", "axis").order_by("-chapter__edition__number", "chapter__position",
                                                                  "position", "pk"))


def _check_open(user: Any, paragraph: Paragraph) -> None:
    edition = paragraph.chapter.edition
    if edition.status == Edition.Status.ADOPTED:
        raise EvidenceRefused(_("This edition has been adopted: its evidence can no longer change. "
                                "Start the next edition to add evidence."))
    if paragraph.kind != Paragraph.Kind.RECOMMENDATION:
        raise EvidenceRefused(_("Evidence belongs to recommendations; this paragraph is not one."))
    if not (access.is_whitebook_editor(user) or access.is_policy_officer(user)):
        raise EvidenceRefused(_("Only the white book's editors and policy officers manage evidence."))


def _target(user: Any, kind: str, target: Any) -> dict[str, Any]:
    """The foreign key of an evidence item of ``kind``; refuses what the person may not cite."""
    if kind == Evidence.Kind.INITIATIVE:
        if not isinstance(target, Initiative) or target.status != Initiative.Status.PUBLISHED:
            raise EvidenceRefused(_("Choose a published initiative of the observatory."))
        return {"initiative": target}
    if kind == Evidence.Kind.PROJECT:
        if not isinstance(target, FundedProject):
            raise EvidenceRefused(_("Choose a funded project."))
        return {"project": target}
    if kind == Evidence.Kind.CALL:
        if not isinstance(target, Call) or not public_calls().filter(pk=target.pk).exists():
            raise EvidenceRefused(_("Choose a published call."))
        return {"call": target}
    if kind == Evidence.Kind.SCENARIO:
        if not isinstance(target, Scenario) or not access.scenarios_visible_to(user).filter(pk=target.pk).exists():
            raise EvidenceRefused(_("Choose a scenario you can see."))
        return {"scenario": target}
    if kind == Evidence.Kind.COMPARISON:
        if not isinstance(target, Comparison) or not access.comparisons_visible_to(user).filter(
                pk=target.pk).exists():
            raise EvidenceRefused(_("Choose a comparison of scenarios you can see."))
        return {"comparison": target}
    if kind == Evidence.Kind.SOURCE:
        return {}
    raise EvidenceRefused(_("Choose what kind of evidence this is."))


def evidence_add(*, actor: Any, paragraph: Paragraph, kind: str, target: Any = None, citation: str = "",
                 url: str = "", note: str = "") -> Evidence:
    """Append evidence to a recommendation (the last position)."""
    citation, url, note = (citation or "").strip(), (url or "").strip(), (note or "").strip()
    if len(note) > MAX_NOTE:
        raise EvidenceRefused(_("The note is too long (at most %(n)s characters).") % {"n": MAX_NOTE})
    if kind == Evidence.Kind.SOURCE:
        if not citation:
            raise EvidenceRefused(_("Name the published source (author, title, year)."))
        if len(citation) > 500:
            raise EvidenceRefused(_("The name of the source is too long (at most 500 characters)."))
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError as exc:
                raise EvidenceRefused(_("The link must be a web address starting with https:// or http://.")) from exc
    else:
        citation, url = "", ""
    with transaction.atomic():
        paragraph = (Paragraph.objects.select_for_update().select_related("chapter__edition")
                     .get(pk=paragraph.pk))
        _check_open(actor, paragraph)
        fk = _target(actor, kind, target)
        if paragraph.evidence.count() >= MAX_PER_RECOMMENDATION:
            raise EvidenceRefused(_("A recommendation holds at most %(n)s pieces of evidence.") % {
                "n": MAX_PER_RECOMMENDATION})
        if fk and paragraph.evidence.filter(kind=kind, **fk).exists():
            raise EvidenceRefused(_("This evidence is already listed for the recommendation."))
        position = (paragraph.evidence.aggregate(m=Max("position"))["m"] or 0) + 1
        evidence = Evidence.objects.create(paragraph=paragraph, kind=kind, citation=citation, url=url, note=note,
                                           position=position, added_by=actor if getattr(
                                               actor, "is_authenticated", False) else None, **fk)
        audit_record(action="asis.policylab.whitebook.evidence_added", actor=actor, obj=evidence, after={
            "paragraph": paragraph.pk, "edition": paragraph.chapter.edition.number, "kind": kind,
            "target": str(next(iter(fk.values())).pk) if fk else None, "citation": citation, "url": url,
            "note": note, "position": position})
    return evidence


def _renumber(paragraph: Paragraph) -> None:
    items = list(paragraph.evidence.order_by("position", "pk"))
    for index, item in enumerate(items, start=1):
        item.position = index
    Evidence.objects.bulk_update(items, ["position"])


def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    with transaction.atomic():
        paragraph = (Paragraph.objects.select_for_update().select_related("chapter__edition")
                     .get(pk=evidence.paragraph_id))
        _check_open(actor, paragraph)
        evidence = Evidence.objects.get(pk=evidence.pk, paragraph=paragraph)
        before = {"paragraph": paragraph.pk, "kind": evidence.kind, "position": evidence.position,
                  "citation": evidence.citation, "note": evidence.note}
        audit_record(action="asis.policylab.whitebook.evidence_removed", actor=actor, obj=evidence, before=before)
        evidence.delete()
        _renumber(paragraph)


def evidence_move(*, actor: Any, evidence: Evidence, direction: str) -> Evidence:
    """Move one place ``up`` or ``down`` (nothing happens at either end)."""
    if direction not in ("up", "down"):
        raise EvidenceRefused(_("Choose whether to move the evidence up or down."))
    with transaction.atomic():
        paragraph = (Paragraph.objects.select_for_update().select_related("chapter__edition")
                     .get(pk=evidence.paragraph_id))
        _check_open(actor, paragraph)
        _renumber(paragraph)
        items = list(paragraph.evidence.order_by("position", "pk"))
        index = next(i for i, item in enumerate(items) if item.pk == evidence.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            for position, item in enumerate(items, start=1):
                item.position = position
            Evidence.objects.bulk_update(items, ["position"])
            audit_record(action="asis.policylab.whitebook.evidence_moved", actor=actor, obj=items[other],
                         before={"position": index + 1}, after={"position": other + 1, "direction": direction})
        return Evidence.objects.get(pk=evidence.pk)


# --- labels -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    evidence: Evidence
    kind_label: str
    label: str
    url: str
    note: str


def page_url(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # the page is built by another part of the policy lab
        return ""


def _visible_ids(user: Any, items: list[Evidence]) -> tuple[set[Any], set[Any]]:
    scenario_ids = {e.scenario_id for e in items if e.scenario_id}
    comparison_ids = {e.comparison_id for e in items if e.comparison_id}
    scenarios = set(access.scenarios_visible_to(user).filter(pk__in=scenario_ids).values_list("pk", flat=True)) \
        if scenario_ids else set()
    comparisons = set(access.comparisons_visible_to(user).filter(pk__in=comparison_ids)
                      .values_list("pk", flat=True)) if comparison_ids else set()
    return scenarios, comparisons


def evidence_label(evidence: Evidence, *, visible: bool = True) -> tuple[str, str]:
    """(label, link) of one item in the reader's language; a scenario or comparison the reader may not
    see is named by its kind only, without a link."""
    kind = evidence.kind
    if kind == Evidence.Kind.INITIATIVE and evidence.initiative_id:
        initiative = evidence.initiative
        link = initiative.get_absolute_url() if initiative.status == Initiative.Status.PUBLISHED else ""
        return str(initiative.translated("title")), link
    if kind == Evidence.Kind.PROJECT and evidence.project_id:
        application = evidence.project.application
        return (_("%(title)s (%(organisation)s)") % {"title": application.translated("title"),
                                                       "organisation": application.organisation.name},
                page_url("calls:funded_list"))
    if kind == Evidence.Kind.CALL and evidence.call_id:
        return evidence.call.display_title, page_url("calls:public_detail", call_id=evidence.call_id)
    if kind == Evidence.Kind.SCENARIO and evidence.scenario_id:
        if not visible:
            return _("A scenario that is not published"), ""
        return evidence.scenario.name, page_url("policylab:scenario_detail", scenario_id=evidence.scenario_id)
    if kind == Evidence.Kind.COMPARISON and evidence.comparison_id:
        if not visible:
            return _("A comparison of scenarios that is not published"), ""
        return evidence.comparison.name, page_url("policylab:comparison", comparison_id=evidence.comparison_id)
    if kind == Evidence.Kind.SOURCE:
        return evidence.citation, evidence.url
    return str(evidence.get_kind_display()), ""


def evidence_items(paragraph: Paragraph, user: Any = None) -> list[EvidenceItem]:
    """The recommendation's evidence in order, labelled for ``user`` (a reader; ``None``: the public)."""
    if "evidence" in getattr(paragraph, "_prefetched_objects_cache", {}):
        items = list(paragraph.evidence.all())  # a page prefetched them (ordered by position, pk)
    else:
        items = list(paragraph.evidence.select_related(
            "initiative", "project__application__organisation", "call", "scenario", "comparison")
            .order_by("position", "pk"))
    scenarios, comparisons = _visible_ids(user, items)
    out = []
    for e in items:
        visible = True
        if e.scenario_id:
            visible = e.scenario.visibility == Visibility.PUBLIC or e.scenario_id in scenarios
        elif e.comparison_id:
            visible = e.comparison.visibility == Visibility.PUBLIC or e.comparison_id in comparisons
        label, link = evidence_label(e, visible=visible)
        out.append(EvidenceItem(evidence=e, kind_label=str(e.get_kind_display()), label=label, url=link,
                                note=e.note))
    return out


def evidence_snapshot(paragraph: Paragraph) -> list[dict[str, Any]]:
    """Labels of the evidence as the public sees them, for an adopted edition's snapshot (JSON)."""
    return [{"kind": item.evidence.kind, "label": item.label, "url": item.url, "note": item.note}
            for item in evidence_items(paragraph)]
