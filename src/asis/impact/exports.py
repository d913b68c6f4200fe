"""CSV and XLSX downloads of every dashboard table.

Column names are stable machine names (as in the other exports of the platform); cells carry the
names people read (indicator names in the reader's language, region names, project references).
Text that starts like a spreadsheet formula is neutralised (:func:`asis.core.opendata.spreadsheet_safe`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse

from asis.core.opendata import spreadsheet_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def csv_text(sheets: Sequence[Sheet]) -> str:
    """The sheets one after another (a blank line and the sheet's title between them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, sheet in enumerate(sheets):
        if i:
            writer.writerow([])
            writer.writerow([f"# {sheet.title}"])
        writer.writerow(sheet.header)
        for row in sheet.rows:
            writer.writerow([spreadsheet_cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append(list(sheet.header))
        for row in sheet.rows:
            ws.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    value = spreadsheet_cell(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return value[:32_767]
    return value


def download(sheets: Sequence[Sheet], name: str, fmt: str, headers: dict[str, str] | None = None) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(csv_text(sheets), content_type="text/csv; charset=utf-8", headers=headers)
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX, headers=headers)
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def rows(items: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(item) for item in items)

