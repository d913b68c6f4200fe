"""HTML templates to PDF with WeasyPrint (inline SVG charts, no network access)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    # Reports only embed inline SVG and CSS; refuse every other fetch (no SSRF through user content).
    raise ValueError(f"PDF rendering does not fetch {url!r}")


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()  # type: ignore[no-any-return]
