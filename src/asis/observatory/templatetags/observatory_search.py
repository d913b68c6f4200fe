"""``highlight``: mark the searched words in a result's text, escaping everything else."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from asis.observatory.search import fold

register = template.Library()
_WORD = re.compile(r"\w+", re.UNICODE)


@register.filter
def highlight(text: object, terms: Sequence[str] | None) -> SafeString:
    """``text`` escaped, with each word whose folded form contains one of ``terms`` (folded words,
    as from ``search.highlight_terms``) in ``<mark>``. Built only from escaped pieces."""
    value = str(text if text is not None else "")
    if not terms:
        return conditional_escape(value)  # type: ignore[return-value]
    pieces: list[str] = []
    last = 0
    for match in _WORD.finditer(value):
        word = match.group(0)
        folded = fold(word).replace(" ", "")
        if any(term in folded for term in terms):
            pieces.append(conditional_escape(value[last:match.start()]))
            pieces.append(format_html("<mark>{}</mark>", word))
            last = match.end()
    pieces.append(conditional_escape(value[last:]))
    return mark_safe("".join(pieces))  # noqa: S308  # nosec B308 B703  # every piece is escaped above
