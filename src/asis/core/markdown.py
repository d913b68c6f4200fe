"""Markdown to HTML for texts the platform shows as pages (footer pages, the guides).

CommonMark with tables, raw HTML switched off (typed tags are shown as text) and markdown-it's
link check (no ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` links), so the output is
safe to mark as such. ``link`` may rewrite each link target, e.g. a guide's ``evaluator.md`` to
the page that serves it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

LinkRewriter = Callable[[str], str]


def _parser(link: LinkRewriter | None) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    if link is None:
        return md

    def link_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        href = token.attrGet("href")
        if isinstance(href, str):
            token.attrSet("href", link(href))
        return str(renderer.renderToken(tokens, idx, options, env))

    md.add_render_rule("link_open", link_open)
    return md


def render_markdown(text: str, *, link: LinkRewriter | None = None) -> SafeString:
    html = _parser(link).render(text or "")
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # raw HTML is off: markdown-it escapes every tag
