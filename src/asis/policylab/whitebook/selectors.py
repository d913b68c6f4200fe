"""Reads of the white book: the editions a person sees, an edition's whole text (live or frozen),
translation status and the consultation's comments.

The text of an edition is first built as a *snapshot* (every language at once, the structure that
adoption freezes into ``Edition.snapshot``), then projected to one language for reading, diffs and
exports. An adopted edition is always read from its frozen snapshot, so what is shown and exported
is exactly what was adopted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation

from asis.core.i18n import TranslatedText
from asis.policylab import access
from asis.policylab.models import Visibility
from asis.policylab.models_whitebook import Chapter, Comment, Edition, Evidence, Paragraph

SNAPSHOT_VERSION = 1


# --- editions -----------------------------------------------------------------------------------

def editions_for_index(user: Any) -> list[Edition]:
    """The adopted current edition first, then consultations, then drafts (for editors and
    officers), then older adopted editions."""
    editions = list(access.editions_visible_to(user).select_related("previous"))
    adopted = sorted((e for e in editions if e.status == Edition.Status.ADOPTED), key=lambda e: -e.number)
    consultation = [e for e in editions if e.status == Edition.Status.CONSULTATION]
    drafts = [e for e in editions if e.status == Edition.Status.DRAFT]
    return adopted[:1] + consultation + drafts + adopted[1:]


def current_edition() -> Edition | None:
    return Edition.objects.filter(status=Edition.Status.ADOPTED).order_by("-number").first()


def edition_chapters(edition: Edition) -> QuerySet[Chapter]:
    evidence = Evidence.objects.select_related("initiative", "project__application__organisation", "call", "scenario", "comparison")
    return edition.chapters.prefetch_related(
        Prefetch("paragraphs", queryset=Paragraph.objects.select_related("axis", "region")
                 .prefetch_related(Prefetch("evidence", queryset=evidence))))


# --- evidence labels --------------------------------------------------------------------------

def evidence_label(evidence: Evidence) -> str:
    """A readable line for one piece of evidence in the active language, as the public sees it
    (:func:`asis.policylab.whitebook.evidence.evidence_label`), with its note."""
    from asis.policylab.whitebook.evidence import evidence_label as label_and_link

    visible = not (evidence.scenario_id and evidence.scenario.visibility != Visibility.PUBLIC) and not (
        evidence.comparison_id and evidence.comparison.visibility != Visibility.PUBLIC)
    label = f"{evidence.get_kind_display()}: {label_and_link(evidence, visible=visible)[0]}"
    return f"{label} ({evidence.note})" if evidence.note else label


# --- snapshot (all languages) -------------------------------------------------------------------

def _texts(obj: Any, field_name: str, languages: Any = None) -> dict[str, dict[str, Any]]:
    out = {}
    for code in languages or settings.LANGUAGE_CODES:
        t = obj.translated(field_name, code)
        out[code] = {"text": t.text, "language": t.language, "is_fallback": t.is_fallback,
                     "is_outdated": t.is_outdated}
    return out


def _per_language(fn: Any, languages: Any = None) -> dict[str, str]:
    out = {}
    for code in languages or settings.LANGUAGE_CODES:
        with translation.override(code):
            out[code] = str(fn())
    return out


def snapshot_build(edition: Edition, *, figures: dict[int, dict[str, Any]] | None = None,
                   languages: list[str] | None = None, chapters_qs: Any = None) -> dict[str, Any]:
    """The whole edition in every language (or only ``languages``): what adoption freezes.
    ``figures`` (paragraph id -> figures) overrides the region profiles' figures; otherwise they
    are computed now (or the stored ones are used)."""
    from asis.policylab.whitebook.profiles import profile_figures

    langs = languages or list(settings.LANGUAGE_CODES)
    chapters = []
    for chapter in (chapters_qs if chapters_qs is not None else edition_chapters(edition)):
        paragraphs = []
        for p in chapter.paragraphs.all():
            entry: dict[str, Any] = {
                "id": p.pk, "lineage": str(p.lineage), "kind": p.kind, "text": _texts(p, "text", langs),
                "axis": None, "region": None, "figures": None, "evidence": [],
            }
            if p.axis_id:
                entry["axis"] = {"code": p.axis.code,
                                 "name": _per_language(lambda p=p: p.axis.translated("name"), langs)}
            if p.region_id:
                entry["region"] = {"code": p.region.code, "name": str(p.region)}
            if p.kind == Paragraph.Kind.REGION_PROFILE:
                if figures is not None and p.pk in figures:
                    entry["figures"] = figures[p.pk]
                elif p.figures is not None:
                    entry["figures"] = p.figures
                else:
                    entry["figures"] = profile_figures(p)
            evidence = list(p.evidence.all())
            entry["evidence"] = [{"kind": e.kind, "label": _per_language(lambda e=e: evidence_label(e), langs)}
                                 for e in evidence]
            paragraphs.append(entry)
        chapters.append({"id": chapter.pk, "lineage": str(chapter.lineage), "kind": chapter.kind,
                         "title": _texts(chapter, "title", langs), "paragraphs": paragraphs})
    return {
        "version": SNAPSHOT_VERSION, "number": edition.number,
        "title": _texts(edition, "title", langs), "introduction": _texts(edition, "introduction", langs),
        "chapters": chapters,
    }


# --- one language ---------------------------------------------------------------------------------

@dataclass
class ParagraphView:
    number: str
    lineage: str
    kind: str
    text: TranslatedText
    axis_code: str = ""
    axis_name: str = ""
    region_name: str = ""
    figures: dict[str, Any] | None = None
    evidence: list[str] = field(default_factory=list)
    obj: Paragraph | None = None
    chapter_title: str = ""

    @property
    def anchor(self) -> str:
        return f"p-{self.number.replace('.', '-')}"


@dataclass
class ChapterView:
    number: int
    lineage: str
    kind: str
    title: TranslatedText
    paragraphs: list[ParagraphView]
    obj: Chapter | None = None

    @property
    def anchor(self) -> str:
        return f"chapter-{self.number}"


@dataclass
class DocumentView:
    edition: Edition
    language: str
    title: TranslatedText
    introduction: TranslatedText
    chapters: list[ChapterView]
    frozen: bool

    def paragraphs(self) -> list[ParagraphView]:
        return [p for c in self.chapters for p in c.paragraphs]


def _pick(texts: dict[str, dict[str, Any]], language: str) -> TranslatedText:
    entry = texts.get(language) or texts.get(settings.LANGUAGE_CODE) or {}
    return TranslatedText(entry.get("text", ""), entry.get("language", language), language,
                          bool(entry.get("is_fallback")), bool(entry.get("is_outdated")))


def _pick_plain(names: dict[str, str], language: str) -> str:
    return names.get(language) or names.get(settings.LANGUAGE_CODE) or next(iter(names.values()), "")


def edition_document(edition: Edition, language: str | None = None) -> DocumentView:
    """The edition's text in ``language`` (default: the active one), numbered 1, 1.1, 1.2 ..."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    frozen = edition.is_frozen and bool(edition.snapshot)
    chapters_qs = list(edition_chapters(edition))
    snapshot = edition.snapshot if frozen else snapshot_build(edition, languages=[language], chapters_qs=chapters_qs)
    chapters_by_id = {c.pk: c for c in chapters_qs}
    paragraphs_by_id = {p.pk: p for c in chapters_by_id.values() for p in c.paragraphs.all()}
    chapters = []
    for ci, ch in enumerate(snapshot["chapters"], start=1):
        title = _pick(ch["title"], language)
        paragraphs = []
        for pi, p in enumerate(ch["paragraphs"], start=1):
            axis = p.get("axis") or {}
            region = p.get("region") or {}
            paragraphs.append(ParagraphView(
                number=f"{ci}.{pi}", lineage=p["lineage"], kind=p["kind"], text=_pick(p["text"], language),
                axis_code=axis.get("code", ""), axis_name=_pick_plain(axis.get("name") or {}, language),
                region_name=region.get("name", ""), figures=p.get("figures"),
                evidence=[_pick_plain(e["label"], language) for e in p.get("evidence", [])],
                obj=paragraphs_by_id.get(p.get("id")), chapter_title=title.text))
        chapters.append(ChapterView(number=ci, lineage=ch["lineage"], kind=ch["kind"], title=title,
                                    paragraphs=paragraphs, obj=chapters_by_id.get(ch.get("id"))))
    return DocumentView(edition=edition, language=language, title=_pick(snapshot["title"], language),
                        introduction=_pick(snapshot["introduction"], language), chapters=chapters,
                        frozen=frozen)


# --- translation status --------------------------------------------------------------------------

def translation_table(edition: Edition) -> dict[str, Any]:
    """Per paragraph x language: ``original`` / ``current`` / ``outdated`` / ``missing``, and the
    counts per language (chapter titles and the edition's own texts count too)."""
    languages = list(settings.LANGUAGE_CODES)
    rows = []
    counts = {code: {"original": 0, "current": 0, "outdated": 0, "missing": 0} for code in languages}

    def row(label: str, obj: Any, field_name: str, kind: str, target: Any) -> None:
        if field_name == "introduction" and not getattr(obj, field_name):
            return
        statuses = []
        for code in languages:
            status = obj.translation_status(code, field_name)
            counts[code][status] += 1
            statuses.append((code, status))
        rows.append({"label": label, "kind": kind, "target": target, "field": field_name, "statuses": statuses})

    row("", edition, "title", "edition", edition)
    row("", edition, "introduction", "edition", edition)
    for ci, chapter in enumerate(edition_chapters(edition), start=1):
        row(str(ci), chapter, "title", "chapter", chapter)
        for pi, p in enumerate(chapter.paragraphs.all(), start=1):
            row(f"{ci}.{pi}", p, "text", "paragraph", p)
    return {"languages": languages, "rows": rows, "counts": counts}


# --- consultation -------------------------------------------------------------------------------

def published_comments(edition: Edition, user: Any = None) -> dict[int, list[Comment]]:
    """Top-level published comments per paragraph id, with their published replies; the author also
    sees their own comments awaiting moderation (or not published, with the reason)."""
    mine = Q(author=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    visible = Q(status__in=[Comment.Status.PUBLISHED, Comment.Status.ACCEPTED]) | mine
    replies = Comment.objects.filter(visible).select_related("author").order_by("created_at")
    comments = (Comment.objects.filter(visible, paragraph__chapter__edition=edition, parent__isnull=True)
                .select_related("author").prefetch_related(Prefetch("replies", queryset=replies)))
    out: dict[int, list[Comment]] = {}
    for c in comments:
        out.setdefault(c.paragraph_id, []).append(c)
    return out


def moderation_queue() -> QuerySet[Comment]:
    return (Comment.objects.filter(status=Comment.Status.PENDING)
            .select_related("author", "paragraph__chapter__edition", "parent")
            .order_by("created_at"))


def comment_counts(edition: Edition) -> dict[str, int]:
    agg = Comment.objects.filter(paragraph__chapter__edition=edition).aggregate(
        pending=Count("pk", filter=Q(status=Comment.Status.PENDING)),
        published=Count("pk", filter=Q(status__in=[Comment.Status.PUBLISHED, Comment.Status.ACCEPTED])))
    return {k: int(v or 0) for k, v in agg.items()}
