"""Permission rules of the white book's pages and API, merged into the matrix. Editors are users
with ``is_editor`` and platform admins; the matrix has no editor role, so editor pages allow
platform_admin only here, and tests/policylab/test_whitebook*.py prove the ``is_editor`` access."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ADMIN_ONLY, ALL, AUTHENTICATED, NOBODY, Rule

PUBLIC_NUMBER = 901  # an edition in public consultation
DRAFT_NUMBER = 902


def _editions(w: Any) -> tuple[Any, Any]:
    from asis.policylab.models_whitebook import Edition
    from tests.policylab.whitebook_helpers import make_edition

    public = Edition.objects.filter(number=PUBLIC_NUMBER).first() or make_edition(
        PUBLIC_NUMBER, status=Edition.Status.CONSULTATION, title="Rules: consultation")
    draft = Edition.objects.filter(number=DRAFT_NUMBER).first() or make_edition(DRAFT_NUMBER, title="Rules: draft")
    return public, draft


def _public(w: Any) -> dict[str, Any]:
    return {"number": _editions(w)[0].number}


def _draft(w: Any) -> dict[str, Any]:
    return {"number": _editions(w)[1].number}


def _draft_chapter(w: Any) -> dict[str, Any]:
    return {"chapter_id": _editions(w)[1].chapters.order_by("position").first().pk}


def _draft_paragraph(w: Any) -> dict[str, Any]:
    from asis.policylab.models_whitebook import Paragraph

    return {"paragraph_id": Paragraph.objects.filter(chapter__edition=_editions(w)[1]).order_by("pk").first().pk}


def _public_paragraph(w: Any) -> dict[str, Any]:
    from asis.policylab.models_whitebook import Paragraph

    public = _editions(w)[0]
    return {"number": public.number,
            "paragraph_id": Paragraph.objects.filter(chapter__edition=public).order_by("pk").first().pk}


def _pending_comment(w: Any) -> dict[str, Any]:
    from asis.policylab.models_whitebook import Comment, Paragraph

    paragraph = Paragraph.objects.filter(chapter__edition=_editions(w)[0]).order_by("pk").first()
    comment = Comment.objects.create(paragraph=paragraph, author=w.users["member"], body="Rules: pending")
    return {"comment_id": comment.pk}


RULES = {
    "policylab:whitebook_index": Rule(ALL),
    "policylab:whitebook_edition": Rule(ALL, kwargs=_public),
    "policylab:whitebook_diff": Rule(ALL, kwargs=_public),
    "policylab:whitebook_export_html": Rule(ALL, kwargs=_public),
    "policylab:whitebook_export_pdf": Rule(ALL, kwargs=_public),
    "policylab:whitebook_export_docx": Rule(ALL, kwargs=_public),
    "policylab:whitebook_comment": Rule(AUTHENTICATED, "POST", kwargs=_public_paragraph,
                                        data={"kind": "comment", "body": "Rules: a comment"}),
    "policylab:whitebook_edition_create": Rule(ADMIN_ONLY, "POST", data={"title": "Rules: new", "language": "en"}),
    "policylab:whitebook_moderation": Rule(ADMIN_ONLY),
    "policylab:whitebook_moderate": Rule(ADMIN_ONLY, "POST", kwargs=_pending_comment, data={"decision": "publish"}),
    "policylab:whitebook_edit": Rule(ADMIN_ONLY, kwargs=_draft),
    "policylab:whitebook_chapter_add": Rule(ADMIN_ONLY, "POST", kwargs=_draft, data={"title": "", "kind": "text"}),
    "policylab:whitebook_lifecycle": Rule(ADMIN_ONLY, "POST", kwargs=_draft),
    "policylab:whitebook_translations": Rule(ADMIN_ONLY, kwargs=_draft),
    "policylab:whitebook_translate": Rule(ADMIN_ONLY, kwargs=lambda w: {**_draft(w), "language": "de"}),
    "policylab:whitebook_chapter_edit": Rule(ADMIN_ONLY, kwargs=_draft_chapter),
    "policylab:whitebook_chapter_action": Rule(ADMIN_ONLY, "POST", kwargs=_draft_chapter),
    "policylab:whitebook_paragraph_add": Rule(ADMIN_ONLY, "POST", kwargs=_draft_chapter),
    "policylab:whitebook_paragraph_edit": Rule(ADMIN_ONLY, kwargs=_draft_paragraph),
    "policylab:whitebook_paragraph_action": Rule(ADMIN_ONLY, "POST", kwargs=_draft_paragraph),
    "api:whitebook_edition_list": Rule(ALL),
    "api:whitebook_edition_detail": Rule(ALL, kwargs=_public),
    "api:whitebook_comment_list": Rule(ALL, kwargs=_public),
    # Written with a personal token only: every session of the matrix is refused (401);
    # tests/policylab/test_whitebook_exports.py checks tokens (verified users, consultation only).
    "api:whitebook_comment_create": Rule(NOBODY, "POST", kwargs=_public),
}
