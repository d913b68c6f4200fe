"""Tables as downloads: several named sheets as one CSV (sheets one after another) or one XLSX
workbook. Cells go through :func:`asis.core.opendata.spreadsheet_cell` (formula-like text
neutralised, dates and decimals as spreadsheets expect). Used by the impact dashboards and the
policy lab's exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from asis.core.opendata import spreadsheet_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    if isinstance(value, datetime) and timezone.is_aware(value):  # Excel has no time zones
        return timezone.make_naive(value)
    if isinstance(value, str):
        return value[:32_767]
    return value
