"""The edition as a standalone, printable HTML page and as a PDF (WeasyPrint, like the platform's
other PDFs), in the reader's language; an adopted edition exports its frozen text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from asis.policylab.models_whitebook import Edition
from asis.policylab.whitebook.selectors import edition_document

TEMPLATE = "policylab/whitebook/export.html"


CSS = "css/policylab-whitebook-print.css"


def _css() -> str:
    from django.contrib.staticfiles import finders

    found = finders.find(CSS)
    return Path(str(found)).read_text(encoding="utf-8") if found else ""


def _context(edition: Edition, language: str, *, inline: bool) -> dict[str, Any]:
    return {"document": edition_document(edition, language), "edition": edition, "inline": inline,
            "inline_css": _css() if inline else ""}


def edition_html(edition: Edition, language: str, *, standalone: bool = False) -> str:
    """The printable page; ``standalone`` (a downloaded file) carries its styles inside, while the
    page served by the site links them (its content-security policy allows no inline styles)."""
    with translation.override(language):
        return render_to_string(TEMPLATE, _context(edition, language, inline=standalone))


def edition_pdf(edition: Edition, language: str) -> bytes:
    from asis.calls.pdf import render_pdf

    with translation.override(language):
        return render_pdf(TEMPLATE, _context(edition, language, inline=True), language=language)
