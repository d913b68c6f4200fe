"""Template tags of the white book's generated parts: ``{% profile_view figures as view %}`` (a
region profile in the reader's language) and ``{% evidence_items paragraph as items %}``."""

from __future__ import annotations

from typing import Any

from django import template

from asis.policylab.whitebook.evidence import can_manage_evidence as _can_manage
from asis.policylab.whitebook.evidence import evidence_items as _evidence_items
from asis.policylab.whitebook.profile_view import profile_view as _profile_view

register = template.Library()


@register.simple_tag
def profile_view(figures: Any) -> dict[str, Any]:
    return _profile_view(figures or {})


@register.simple_tag(takes_context=True)
def evidence_items(context: Any, paragraph: Any) -> list[Any]:
    request = context.get("request")
    return _evidence_items(paragraph, getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def can_manage_evidence(context: Any, paragraph: Any) -> bool:
    request = context.get("request")
    if request is None:
        return False
    # Once per edition and request, not once per recommendation (a page lists dozens).
    memo = request.__dict__.setdefault("_policylab_can_manage_evidence", {})
    edition_id = paragraph.chapter.edition_id
    if edition_id not in memo:
        memo[edition_id] = _can_manage(request.user, paragraph)
    return bool(memo[edition_id])
