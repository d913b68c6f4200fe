"""The edition as a Word document (python-docx): title, a heading per chapter, numbered
paragraphs, recommendations with their axis and evidence, region-profile figures as tables."""

from __future__ import annotations

import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from asis.core.formatting import long_date, number
from asis.policylab.models_whitebook import Edition
from asis.policylab.whitebook.selectors import edition_document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def figure_rows(paragraph: Any, figures: Any) -> list[tuple[str, str]]:
    """(label, value) pairs of a region profile's figures, labels in the active language."""
    from asis.policylab.whitebook.profile_view import profile_view

    view = profile_view(figures) if isinstance(figures, dict) and figures else None
    return [(str(label), _value(value)) for label, value in (view or {}).get("key_figures", [])]


def _value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        return number(value) if float(value).is_integer() else number(value, 2)
    return str(value)


def edition_docx(edition: Edition, language: str) -> bytes:
    from docx import Document

    with translation.override(language):
        view = edition_document(edition, language)
        doc = Document()
        doc.core_properties.title = view.title.text
        doc.core_properties.language = language
        doc.add_heading(view.title.text, level=0)
        status = edition.get_status_display()
        line = _("Edition %(number)s · %(status)s") % {"number": edition.number, "status": status}
        if edition.adopted_at:
            line += " · " + _("adopted on %(date)s") % {"date": long_date(edition.adopted_at)}
        doc.add_paragraph(line)
        if view.introduction.text:
            doc.add_paragraph(view.introduction.text)
        for chapter in view.chapters:
            doc.add_heading(f"{chapter.number}. {chapter.title.text}", level=1)
            for p in chapter.paragraphs:
                para = doc.add_paragraph()
                para.add_run(f"{p.number} ").bold = True
                if p.kind == "recommendation":
                    para.add_run(_("Recommendation") + (f" ({p.axis_name})" if p.axis_name else "") + ": ").bold = True
                if p.kind == "region_profile" and p.region_name:
                    para.add_run(p.region_name + ". ").bold = True
                para.add_run(p.text.text)
                if p.kind == "recommendation" and p.evidence:
                    doc.add_paragraph(_("Evidence"), style="Heading 3")
                    for label in p.evidence:
                        doc.add_paragraph(label, style="List Bullet")
                rows = figure_rows(p.obj, p.figures) if p.kind == "region_profile" else []
                if rows:
                    table = doc.add_table(rows=1, cols=2)
                    table.style = "Table Grid"
                    table.rows[0].cells[0].text = _("Figure")
                    table.rows[0].cells[1].text = _("Value")
                    for label, value in rows:
                        cells = table.add_row().cells
                        cells[0].text, cells[1].text = label, value
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
