"""Changes to the white book: editing drafts, translations, the lifecycle (consultation,
adoption, next edition) and the consultation's comments and their moderation.

Each service runs in one transaction and writes one audit entry. Refusals raise
:class:`WhiteBookError` with a message in the reader's language; nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.core.audit import audit_record
from asis.core.ratelimit import limit_exceeded
from asis.policylab import access
from asis.policylab.models_whitebook import (
    Chapter,
    Comment,
    Edition,
    Evidence,
    FrozenEditionError,
    Paragraph,
)

AUDIT = "asis.policylab.whitebook"
MAX_TEXT = 20000


class WhiteBookError(Exception):
    """A refused change, with a message for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- guards -----------------------------------------------------------------------------------------

def _require_editor(actor: Any) -> None:
    if not access.is_whitebook_editor(actor):
        raise WhiteBookError(_("Only the white book's editors may do this."))


def _require_editable(edition: Edition) -> None:
    """Drafts and editions in consultation (amendments) change; adopted ones never."""
    edition.refresh_from_db(fields=["status"])
    if edition.status == Edition.Status.ADOPTED:
        raise WhiteBookError(str(FrozenEditionError()))


def _require_draft(edition: Edition) -> None:
    _require_editable(edition)
    if edition.status != Edition.Status.DRAFT:
        raise WhiteBookError(_("Only a draft can be edited. This edition is in public consultation: "
                               "its text changes only by accepting amendments."))


def _clean_text(text: str, *, required: bool, label: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if required and not text:
        raise WhiteBookError(_("%(field)s cannot be empty.") % {"field": label})
    if len(text) > limit:
        raise WhiteBookError(_("%(field)s is too long (at most %(limit)s characters).")
                             % {"field": label, "limit": limit})
    return text


def _language(language: str) -> str:
    if language not in settings.LANGUAGE_CODES:
        raise WhiteBookError(_("Unknown language."))
    return language


# --- editing a draft ---------------------------------------------------------------------------------

def edition_create(*, actor: Any, title: str, introduction: str = "", language: str = "en") -> Edition:
    """A new, empty draft edition (the first one; later ones come from :func:`edition_start_next`)."""
    _require_editor(actor)
    title = _clean_text(title, required=True, label=_("Title"), limit=300)
    introduction = _clean_text(introduction, required=False, label=_("Introduction"))
    with transaction.atomic():
        number = (Edition.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        edition = Edition.objects.create(number=number, title=title, introduction=introduction,
                                         original_language=_language(language))
        audit_record(action=f"{AUDIT}.edition_created", actor=actor, obj=edition, after={"number": number})
    return edition


def edition_update(*, actor: Any, edition: Edition, title: str, introduction: str) -> Edition:
    _require_editor(actor)
    _require_draft(edition)
    title = _clean_text(title, required=True, label=_("Title"), limit=300)
    introduction = _clean_text(introduction, required=False, label=_("Introduction"))
    with transaction.atomic():
        before = {"title": edition.title, "introduction": edition.introduction}
        edition.title, edition.introduction = title, introduction
        edition.save(update_fields=["title", "introduction", "updated_at"])
        audit_record(action=f"{AUDIT}.edition_updated", actor=actor, obj=edition, before=before,
                     after={"title": title, "introduction": introduction})
    return edition


def _next_position(queryset: Any) -> int:
    return int(queryset.aggregate(p=Max("position"))["p"] or 0) + 1


def chapter_create(*, actor: Any, edition: Edition, title: str, kind: str = Chapter.Kind.TEXT) -> Chapter:
    _require_editor(actor)
    _require_draft(edition)
    title = _clean_text(title, required=True, label=_("Title"), limit=300)
    if kind not in Chapter.Kind.values:
        raise WhiteBookError(_("Unknown kind of chapter."))
    with transaction.atomic():
        chapter = Chapter.objects.create(edition=edition, title=title, kind=kind,
                                         original_language=edition.original_language,
                                         position=_next_position(edition.chapters))
        audit_record(action=f"{AUDIT}.chapter_created", actor=actor, obj=chapter,
                     after={"edition": edition.number, "title": title, "kind": kind})
    return chapter


def chapter_update(*, actor: Any, chapter: Chapter, title: str, kind: str | None = None) -> Chapter:
    _require_editor(actor)
    _require_draft(chapter.edition)
    title = _clean_text(title, required=True, label=_("Title"), limit=300)
    if kind is not None and kind not in Chapter.Kind.values:
        raise WhiteBookError(_("Unknown kind of chapter."))
    with transaction.atomic():
        before = {"title": chapter.title, "kind": chapter.kind}
        chapter.title = title
        if kind is not None:
            chapter.kind = kind
        chapter.save()
        audit_record(action=f"{AUDIT}.chapter_updated", actor=actor, obj=chapter, before=before,
                     after={"title": chapter.title, "kind": chapter.kind})
    return chapter


def _move(items: list[Any], item: Any, direction: str) -> list[Any]:
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise WhiteBookError(_("Unknown direction."))
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


def _save_positions(items: list[Any]) -> None:
    """Number ``items`` 1, 2, 3 ... in their list order, saving only those that moved."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def chapter_move(*, actor: Any, chapter: Chapter, direction: str) -> Chapter:
    _require_editor(actor)
    _require_draft(chapter.edition)
    with transaction.atomic():
        _save_positions(_move(list(chapter.edition.chapters.all()), chapter, direction))
        audit_record(action=f"{AUDIT}.chapter_moved", actor=actor, obj=chapter, after={"direction": direction})
    return chapter


def chapter_delete(*, actor: Any, chapter: Chapter) -> None:
    _require_editor(actor)
    _require_draft(chapter.edition)
    if Comment.objects.filter(paragraph__chapter=chapter).exists():
        raise WhiteBookError(_("This chapter has consultation comments and cannot be deleted."))
    with transaction.atomic():
        audit_record(action=f"{AUDIT}.chapter_deleted", actor=actor, obj=chapter,
                     before={"title": chapter.title, "paragraphs": chapter.paragraphs.count()})
        chapter.delete()


def _paragraph_fields(kind: str, axis: Any, region: Any) -> None:
    if kind not in Paragraph.Kind.values:
        raise WhiteBookError(_("Unknown kind of paragraph."))
    if kind == Paragraph.Kind.RECOMMENDATION and axis is None:
        raise WhiteBookError(_("A recommendation needs its intervention axis."))
    if kind == Paragraph.Kind.REGION_PROFILE and region is None:
        raise WhiteBookError(_("A region profile needs its region."))


def paragraph_create(*, actor: Any, chapter: Chapter, text: str, kind: str = Paragraph.Kind.TEXT,
                     axis: Any = None, region: Any = None) -> Paragraph:
    _require_editor(actor)
    _require_draft(chapter.edition)
    _paragraph_fields(kind, axis, region)
    text = _clean_text(text, required=kind != Paragraph.Kind.REGION_PROFILE, label=_("Text"))
    with transaction.atomic():
        paragraph = Paragraph.objects.create(
            chapter=chapter, text=text, kind=kind, axis=axis if kind == Paragraph.Kind.RECOMMENDATION else None,
            region=region if kind == Paragraph.Kind.REGION_PROFILE else None,
            original_language=chapter.edition.original_language, position=_next_position(chapter.paragraphs))
        audit_record(action=f"{AUDIT}.paragraph_created", actor=actor, obj=paragraph,
                     after={"chapter": chapter.pk, "kind": kind, "text": text})
    return paragraph


def paragraph_update(*, actor: Any, paragraph: Paragraph, text: str, kind: str, axis: Any = None,
                     region: Any = None) -> Paragraph:
    _require_editor(actor)
    _require_draft(paragraph.chapter.edition)
    _paragraph_fields(kind, axis, region)
    text = _clean_text(text, required=kind != Paragraph.Kind.REGION_PROFILE, label=_("Text"))
    with transaction.atomic():
        before = {"text": paragraph.text, "kind": paragraph.kind, "axis": paragraph.axis_id,
                  "region": paragraph.region_id}
        paragraph.text, paragraph.kind = text, kind
        paragraph.axis = axis if kind == Paragraph.Kind.RECOMMENDATION else None
        paragraph.region = region if kind == Paragraph.Kind.REGION_PROFILE else None
        paragraph.save()
        audit_record(action=f"{AUDIT}.paragraph_updated", actor=actor, obj=paragraph, before=before,
                     after={"text": text, "kind": kind, "axis": paragraph.axis_id, "region": paragraph.region_id})
    return paragraph


def paragraph_move(*, actor: Any, paragraph: Paragraph, direction: str) -> Paragraph:
    _require_editor(actor)
    _require_draft(paragraph.chapter.edition)
    with transaction.atomic():
        _save_positions(_move(list(paragraph.chapter.paragraphs.all()), paragraph, direction))
        audit_record(action=f"{AUDIT}.paragraph_moved", actor=actor, obj=paragraph, after={"direction": direction})
    return paragraph


def paragraph_delete(*, actor: Any, paragraph: Paragraph) -> None:
    _require_editor(actor)
    _require_draft(paragraph.chapter.edition)
    if paragraph.comments.exists():
        raise WhiteBookError(_("This paragraph has consultation comments and cannot be deleted."))
    with transaction.atomic():
        audit_record(action=f"{AUDIT}.paragraph_deleted", actor=actor, obj=paragraph,
                     before={"text": paragraph.text, "kind": paragraph.kind})
        paragraph.delete()


def translation_save(*, actor: Any, obj: Edition | Chapter | Paragraph, language: str,
                     texts: dict[str, str]) -> Any:
    """Translations of one part (edition title and introduction, a chapter title, a paragraph text)."""
    _require_editor(actor)
    edition = obj if isinstance(obj, Edition) else obj.edition if isinstance(obj, Chapter) else obj.chapter.edition
    _require_draft(edition)
    _language(language)
    if language == obj.original_language:
        raise WhiteBookError(_("This is the original language; edit the text itself instead."))
    cleaned = {}
    for field_name, text in texts.items():
        if field_name not in obj.TRANSLATABLE_FIELDS:
            raise WhiteBookError(_("This text cannot be translated."))
        cleaned[field_name] = _clean_text(text, required=False, label=_("Translation"))
    with transaction.atomic():
        before = {f: obj.translations.get(language, {}).get(f, {}).get("text", "") for f in cleaned}
        for field_name, text in cleaned.items():
            obj.set_translation(language, field_name, text)
        obj.save(update_fields=["translations"])
        audit_record(action=f"{AUDIT}.translation_saved", actor=actor, obj=obj, before=before,
                     after={"language": language, **cleaned})
    return obj


# --- lifecycle ----------------------------------------------------------------------------------

def consultation_open(*, actor: Any, edition: Edition, closes_on: dt.date) -> Edition:
    _require_editor(actor)
    _require_draft(edition)
    if closes_on <= timezone.localdate():
        raise WhiteBookError(_("The consultation must close on a date after today."))
    if not Paragraph.objects.filter(chapter__edition=edition).exists():
        raise WhiteBookError(_("An edition without paragraphs cannot go to consultation."))
    with transaction.atomic():
        edition.status = Edition.Status.CONSULTATION
        edition.consultation_opened_at = timezone.now()
        edition.consultation_closes_on = closes_on
        edition.consultation_closed_at = None
        edition.save()
        audit_record(action=f"{AUDIT}.consultation_opened", actor=actor, obj=edition,
                     after={"closes_on": closes_on.isoformat()})
    return edition


def consultation_is_open(edition: Edition) -> bool:
    return bool(edition.status == Edition.Status.CONSULTATION and edition.consultation_closed_at is None
                and (edition.consultation_closes_on is None or timezone.localdate() <= edition.consultation_closes_on))


def consultation_close(*, actor: Any, edition: Edition) -> Edition:
    _require_editor(actor)
    _require_editable(edition)
    if edition.status != Edition.Status.CONSULTATION or edition.consultation_closed_at is not None:
        raise WhiteBookError(_("This edition's consultation is not open."))
    with transaction.atomic():
        edition.consultation_closed_at = timezone.now()
        edition.save(update_fields=["consultation_closed_at", "updated_at"])
        audit_record(action=f"{AUDIT}.consultation_closed", actor=actor, obj=edition,
                     after={"closed_at": edition.consultation_closed_at.isoformat()})
    return edition


def edition_adopt(*, actor: Any, edition: Edition, confirm_open_consultation: bool = False) -> Edition:
    """Freeze the edition: its text in every language, the region profiles' figures and the evidence
    go into ``Edition.snapshot``; from then on nothing of it changes."""
    from asis.policylab.whitebook.profiles import profile_freeze
    from asis.policylab.whitebook.selectors import snapshot_build

    _require_editor(actor)
    _require_editable(edition)
    if edition.status != Edition.Status.CONSULTATION:
        raise WhiteBookError(_("An edition is adopted after its public consultation."))
    if consultation_is_open(edition) and not confirm_open_consultation:
        raise WhiteBookError(_("The consultation is still open. Close it first, or confirm that the "
                               "edition is adopted before the consultation ends."))
    with transaction.atomic():
        profiles = list(Paragraph.objects.filter(chapter__edition=edition, kind=Paragraph.Kind.REGION_PROFILE))
        profile_freeze(profiles)  # all regions in one pass, not a dozen queries per region
        figures = {paragraph.pk: paragraph.figures for paragraph in profiles}
        now = timezone.now()
        if edition.consultation_closed_at is None:
            edition.consultation_closed_at = now
        edition.snapshot = snapshot_build(edition, figures=figures)
        edition.status = Edition.Status.ADOPTED
        edition.adopted_at = now
        edition.adopted_by = actor
        edition.save()
        audit_record(action=f"{AUDIT}.edition_adopted", actor=actor, obj=edition,
                     after={"number": edition.number, "paragraphs": sum(len(c["paragraphs"])
                                                                        for c in edition.snapshot["chapters"]),
                            "before_consultation_closed": bool(confirm_open_consultation)})
    return edition


def edition_start_next(*, actor: Any, edition: Edition) -> Edition:
    """A new draft copying an adopted edition, with the same chapter and paragraph lineages."""
    _require_editor(actor)
    edition.refresh_from_db(fields=["status"])
    if edition.status != Edition.Status.ADOPTED:
        raise WhiteBookError(_("The next edition starts from an adopted edition."))
    if Edition.objects.filter(previous=edition).exists():
        raise WhiteBookError(_("The next edition of this one has already been started."))
    with transaction.atomic():
        number = (Edition.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        new = Edition.objects.create(number=number, title=edition.title, introduction=edition.introduction,
                                     original_language=edition.original_language,
                                     translations=edition.translations, previous=edition)
        for chapter in edition.chapters.all():
            new_chapter = Chapter.objects.create(
                edition=new, lineage=chapter.lineage, position=chapter.position, kind=chapter.kind,
                title=chapter.title, original_language=chapter.original_language,
                translations=chapter.translations)
            for p in chapter.paragraphs.all():
                new_p = Paragraph.objects.create(
                    chapter=new_chapter, lineage=p.lineage, position=p.position, kind=p.kind, text=p.text,
                    axis_id=p.axis_id, region_id=p.region_id, original_language=p.original_language,
                    translations=p.translations)
                for e in p.evidence.all():
                    Evidence.objects.create(
                        paragraph=new_p, kind=e.kind, initiative_id=e.initiative_id, project_id=e.project_id,
                        call_id=e.call_id, scenario_id=e.scenario_id, comparison_id=e.comparison_id,
                        citation=e.citation, url=e.url, note=e.note, position=e.position, added_by=e.added_by)
        audit_record(action=f"{AUDIT}.edition_started", actor=actor, obj=new,
                     after={"number": number, "previous": edition.number})
    return new


# --- consultation -------------------------------------------------------------------------------

def _rate_limited(user: Any) -> bool:
    """Count one comment for ``user``; True once they wrote more than the hourly limit."""
    limit = int(getattr(settings, "ASIS_WHITEBOOK_COMMENTS_PER_HOUR", 20))
    return limit_exceeded(f"asis:policylab:whitebook:comments:{user.pk}", limit=limit, window=3600)


def comment_create(*, actor: Any, paragraph: Paragraph, body: str, kind: str = Comment.Kind.COMMENT,
                   proposed_text: str = "", parent: Comment | None = None, language: str = "en") -> Comment:
    """A comment, an amendment or a reply, awaiting moderation; an editor's reply is published at once."""
    edition = paragraph.chapter.edition
    edition.refresh_from_db(fields=["status", "consultation_closes_on", "consultation_closed_at"])
    if edition.status == Edition.Status.ADOPTED:
        raise WhiteBookError(_("This edition has been adopted; its consultation is over and it no longer "
                               "takes comments."))
    if edition.status != Edition.Status.CONSULTATION:
        raise WhiteBookError(_("This edition is a draft and is not open for comments."))
    if not consultation_is_open(edition):
        raise WhiteBookError(_("The consultation on this edition has closed; it no longer takes comments."))
    if not getattr(actor, "is_authenticated", False):
        raise WhiteBookError(_("Sign in to take part in the consultation."))
    if not access.can_comment(actor, edition):
        raise WhiteBookError(_("Confirm your e-mail address to take part in the consultation."))
    if kind not in Comment.Kind.values:
        raise WhiteBookError(_("Unknown kind of comment."))
    body = _clean_text(body, required=True, label=_("Comment"), limit=5000)
    is_editor = access.is_whitebook_editor(actor)
    if parent is not None:
        if parent.paragraph_id != paragraph.pk or parent.parent_id is not None:
            raise WhiteBookError(_("Replies go to a published comment on the same paragraph."))
        if parent.status not in (Comment.Status.PUBLISHED, Comment.Status.ACCEPTED):
            raise WhiteBookError(_("Replies go to a published comment on the same paragraph."))
        kind = Comment.Kind.COMMENT
    if kind == Comment.Kind.AMENDMENT:
        proposed_text = _clean_text(proposed_text, required=True, label=_("Proposed text"))
    else:
        proposed_text = ""
    if _rate_limited(actor):
        raise WhiteBookError(_("You have written many comments in the last hour. Please wait a while "
                               "before writing more."))
    with transaction.atomic():
        published = is_editor and parent is not None
        comment = Comment.objects.create(
            paragraph=paragraph, parent=parent, author=actor, kind=kind, body=body, proposed_text=proposed_text,
            language=language if language in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE,
            status=Comment.Status.PUBLISHED if published else Comment.Status.PENDING,
            moderated_by=actor if published else None, moderated_at=timezone.now() if published else None)
        audit_record(action=f"{AUDIT}.comment_written", actor=actor, obj=comment,
                     after={"paragraph": paragraph.pk, "kind": kind, "reply": parent is not None,
                            "status": comment.status})
    return comment


def comment_moderate(*, actor: Any, comment: Comment, decision: str, reason: str = "") -> Comment:
    """``publish`` or ``reject`` (with a reason) a comment awaiting moderation."""
    _require_editor(actor)
    if comment.status != Comment.Status.PENDING:
        raise WhiteBookError(_("This comment has already been moderated."))
    if decision not in ("publish", "reject"):
        raise WhiteBookError(_("Unknown decision."))
    reason = _clean_text(reason, required=decision == "reject", label=_("Reason"), limit=2000)
    with transaction.atomic():
        comment.status = Comment.Status.PUBLISHED if decision == "publish" else Comment.Status.REJECTED
        comment.moderated_by, comment.moderated_at, comment.moderation_reason = actor, timezone.now(), reason
        comment.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
        audit_record(action=f"{AUDIT}.comment_{'published' if decision == 'publish' else 'rejected'}",
                     actor=actor, obj=comment, before={"status": Comment.Status.PENDING},
                     after={"status": comment.status, "reason": reason})
    return comment


def amendment_accept(*, actor: Any, comment: Comment) -> Paragraph:
    """Take an amendment's proposed text into the paragraph (in the amendment's language: the
    original text when it is the paragraph's original language, otherwise that translation)."""
    _require_editor(actor)
    if comment.kind != Comment.Kind.AMENDMENT:
        raise WhiteBookError(_("Only an amendment proposes a text to take in."))
    if comment.status not in (Comment.Status.PENDING, Comment.Status.PUBLISHED):
        raise WhiteBookError(_("This amendment has already been decided."))
    paragraph = comment.paragraph
    _require_editable(paragraph.chapter.edition)
    with transaction.atomic():
        before = {"text": paragraph.text, "language": comment.language}
        if comment.language == paragraph.original_language:
            paragraph.text = comment.proposed_text
        else:
            paragraph.set_translation(comment.language, "text", comment.proposed_text)
        paragraph.save(update_fields=["text", "translations"])
        comment.status = Comment.Status.ACCEPTED
        comment.moderated_by, comment.moderated_at = actor, timezone.now()
        comment.save(update_fields=["status", "moderated_by", "moderated_at"])
        audit_record(action=f"{AUDIT}.amendment_accepted", actor=actor, obj=paragraph, before=before,
                     after={"text": comment.proposed_text, "comment": str(comment.pk)})
    return paragraph
