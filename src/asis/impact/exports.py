"""CSV and XLSX downloads of every dashboard table.

Column names are stable machine names (as in the other exports of the platform); cells carry the
names people read (indicator names in the reader's language, region names, project references).
Text that starts like a spreadsheet formula is neutralised (:func:`asis.core.opendata.spreadsheet_safe`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse

from asis.core.sheets import XLSX, Sheet, csv_text, xlsx_bytes

__all__ = ["FORMATS", "XLSX", "Sheet", "csv_text", "download", "rows", "xlsx_bytes"]

FORMATS = ("csv", "xlsx")


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

