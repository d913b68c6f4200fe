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
    return bool(request is not None and _can_manage(request.user, paragraph))
