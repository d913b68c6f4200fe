"""White-book API (``/api/v1/policylab/white-book/...``): editions with their chapters and numbered
paragraphs (public except drafts), published consultation comments, and writing a comment or an
amendment with a personal token during consultation. Adoption stays in the web pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from asis.accounts.api_auth import BearerToken
from asis.core.api_base import ProblemOut, api
from asis.policylab import access
from asis.policylab.models_whitebook import Comment, Edition, Paragraph
from asis.policylab.whitebook import selectors, services

TAGS = ["white book"]
Language = Literal["en", "fr", "de", "it", "sl"]


class EditionOut(Schema):
    number: int
    title: str
    status: str
    previous: int | None
    consultation_closes_on: str | None
    adopted_at: str | None


class ParagraphOut(Schema):
    id: int | None
    number: str
    lineage: str
    kind: str
    text: str
    language: str
    is_fallback: bool
    is_outdated: bool
    axis: str
    region: str
    figures: dict[str, Any] | None
    evidence: list[str]


class ChapterOut(Schema):
    number: int
    lineage: str
    kind: str
    title: str
    paragraphs: list[ParagraphOut]


class EditionDetailOut(EditionOut):
    language: str
    introduction: str
    frozen: bool
    chapters: list[ChapterOut]


class CommentOut(Schema):
    id: str
    paragraph_id: int
    parent_id: str | None
    kind: str
    body: str
    proposed_text: str
    language: str
    status: str
    author: str
    created_at: str


class CommentIn(Schema):
    paragraph_id: int
    body: Annotated[str, Field(min_length=1, max_length=5000)]
    kind: Literal["comment", "amendment"] = "comment"
    proposed_text: Annotated[str, Field(max_length=20000)] = ""
    parent_id: str | None = None
    language: Language = "en"


class LanguageQuery(Schema):
    language: Language = "en"


def _edition_out(e: Edition) -> dict[str, Any]:
    with translation.override(translation.get_language()):
        title = str(e.translated("title"))
    return {"number": e.number, "title": title, "status": e.status,
            "previous": e.previous.number if e.previous_id and e.previous else None,
            "consultation_closes_on": e.consultation_closes_on.isoformat() if e.consultation_closes_on else None,
            "adopted_at": e.adopted_at.isoformat() if e.adopted_at else None}


def _reader(request: HttpRequest) -> Any:
    """Who reads: the reads need no authentication, but a personal token (or the session) shows
    drafts to editors and policy officers."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        from asis.accounts.api_auth import TwoFactorRequired

        try:
            user = BearerToken()(request)
        except TwoFactorRequired:
            user = None
        if user is not None:
            return user
    return request.user


def _edition(request: HttpRequest, number: int) -> Edition:
    try:
        return access.access_edition(_reader(request), number)
    except Http404 as exc:
        raise HttpError(404, _("No such edition")) from exc


def _comment_out(c: Comment) -> dict[str, Any]:
    return {"id": str(c.pk), "paragraph_id": c.paragraph_id, "parent_id": str(c.parent_id) if c.parent_id else None,
            "kind": c.kind, "body": c.body, "proposed_text": c.proposed_text, "language": c.language,
            "status": c.status, "author": (c.author.full_name if c.author else "") or "",
            "created_at": c.created_at.isoformat()}


@api.get("/policylab/white-book/editions", auth=None, url_name="whitebook_edition_list",
         response={200: list[EditionOut], 422: ProblemOut}, tags=TAGS,
         summary="White-book editions (adopted and in consultation; drafts for editors and policy officers)")
def whitebook_editions(request: HttpRequest, query: Query[LanguageQuery]) -> list[dict[str, Any]]:
    with translation.override(query.language):
        return [_edition_out(e) for e in selectors.editions_for_index(_reader(request))]


@api.get("/policylab/white-book/editions/{number}", auth=None, url_name="whitebook_edition_detail",
         response={200: EditionDetailOut, 404: ProblemOut, 422: ProblemOut}, tags=TAGS,
         summary="One edition: chapters and numbered paragraphs in a language (adopted: the frozen text)")
def whitebook_edition(request: HttpRequest, number: Annotated[int, Field(ge=1, le=10**9)],
                      query: Query[LanguageQuery]) -> dict[str, Any]:
    e = _edition(request, number)
    with translation.override(query.language):
        doc = selectors.edition_document(e, query.language)
        out = _edition_out(e)
    out.update({
        "language": query.language, "introduction": doc.introduction.text, "frozen": doc.frozen,
        "chapters": [{
            "number": c.number, "lineage": c.lineage, "kind": c.kind, "title": c.title.text,
            "paragraphs": [{
                "id": p.obj.pk if p.obj else None, "number": p.number, "lineage": p.lineage, "kind": p.kind,
                "text": p.text.text, "language": p.text.language, "is_fallback": p.text.is_fallback,
                "is_outdated": p.text.is_outdated, "axis": p.axis_code, "region": p.region_name,
                "figures": p.figures, "evidence": p.evidence} for p in c.paragraphs],
        } for c in doc.chapters],
    })
    return out


@api.get("/policylab/white-book/editions/{number}/comments", auth=None, url_name="whitebook_comment_list",
         response={200: list[CommentOut], 404: ProblemOut, 422: ProblemOut}, tags=TAGS,
         summary="Published consultation comments, amendments and replies of an edition")
def whitebook_comments(request: HttpRequest, number: Annotated[int, Field(ge=1, le=10**9)]) -> list[dict[str, Any]]:
    e = _edition(request, number)
    comments = (Comment.objects.filter(paragraph__chapter__edition=e,
                                       status__in=[Comment.Status.PUBLISHED, Comment.Status.ACCEPTED])
                .select_related("author").order_by("created_at"))
    return [_comment_out(c) for c in comments]


@api.post("/policylab/white-book/editions/{number}/comments", url_name="whitebook_comment_create",
          auth=[BearerToken()],
          response={201: CommentOut, 400: ProblemOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut,
                    422: ProblemOut},
          tags=TAGS, summary="Comment on a paragraph or propose an amendment (verified users, during consultation)")
def whitebook_comment_create(request: HttpRequest, number: Annotated[int, Field(ge=1, le=10**9)],
                             payload: CommentIn) -> Any:
    e = _edition(request, number)
    paragraph = Paragraph.objects.filter(pk=payload.paragraph_id, chapter__edition=e).first()
    if paragraph is None:
        raise HttpError(404, _("No such paragraph in this edition"))
    if not request.user.email_verified:
        raise HttpError(403, _("Confirm your e-mail address to take part in the consultation."))
    parent = None
    if payload.parent_id:
        try:
            parent = Comment.objects.filter(pk=payload.parent_id, paragraph=paragraph).first()
        except (ValueError, ValidationError) as exc:  # a malformed id
            raise HttpError(404, _("No such comment")) from exc
        if parent is None:
            raise HttpError(404, _("No such comment"))
    with translation.override(payload.language):
        try:
            comment = services.comment_create(actor=request.user, paragraph=paragraph, body=payload.body,
                                              kind=payload.kind, proposed_text=payload.proposed_text,
                                              parent=parent, language=payload.language)
        except services.WhiteBookError as exc:
            raise HttpError(400, exc.message) from exc
    return Status(201, _comment_out(comment))
