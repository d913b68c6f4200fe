"""Read a long panel from CSV text: columns ``unit``, ``period``, ``outcome`` and optional numeric
covariates. All or nothing: every row is checked and every problem is reported with its row
number (the header is row 1), so that the whole file can be corrected in one go.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from asis.engines.counterfactual.panel import PanelRow

REQUIRED = ("unit", "period", "outcome")
MAX_ROWS = 200_000
MAX_COVARIATES = 20
MAX_UNIT_LENGTH = 200
#: Errors reported before the reader stops listing them (the count goes on).
MAX_REPORTED = 50


@dataclass(frozen=True)
class RowError:
    """``code``: ``missing_columns``, ``too_many_rows``, ``too_many_covariates``, ``empty_unit``,
    ``unit_too_long``, ``bad_period``, ``bad_number``, ``wrong_column_count``, ``duplicate``,
    ``no_rows``, ``not_csv``."""

    row: int
    code: str
    column: str = ""
    value: str = ""
    other_row: int = 0


@dataclass(frozen=True)
class CsvPanel:
    rows: tuple[PanelRow, ...]
    covariate_names: tuple[str, ...]
    errors: tuple[RowError, ...]
    error_count: int

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _number(text: str) -> float | None:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    # Decimal commas (1,5) are common in the five languages; thousands separators are not accepted.
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _period(text: str) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if -100_000 < value < 100_000 else None


def csv_panel_read(text: str, *, max_rows: int = MAX_ROWS) -> CsvPanel:
    """Parse ``text`` (already decoded). Delimiter ``,`` or ``;`` (sniffed from the header)."""
    errors: list[RowError] = []
    count = 0

    def fail(error: RowError) -> None:
        nonlocal count
        count += 1
        if len(errors) < MAX_REPORTED:
            errors.append(error)

    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    except (StopIteration, csv.Error):
        return CsvPanel(rows=(), covariate_names=(), errors=(RowError(1, "no_rows"),),
                        error_count=1)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return CsvPanel(rows=(), covariate_names=(),
                        errors=(RowError(1, "missing_columns", column=", ".join(missing)),),
                        error_count=1)
    covariates = tuple(h for h in header if h not in REQUIRED)
    if len(covariates) > MAX_COVARIATES:
        return CsvPanel(rows=(), covariate_names=(),
                        errors=(RowError(1, "too_many_covariates", value=str(len(covariates))),),
                        error_count=1)
    position = {h: i for i, h in enumerate(header)}
    rows: list[PanelRow] = []
    seen: dict[tuple[str, int], int] = {}
    try:
        for number, record in enumerate(reader, start=2):
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(rows) >= max_rows:
                fail(RowError(number, "too_many_rows", value=str(max_rows)))
                break
            if len(record) != len(header):
                fail(RowError(number, "wrong_column_count", value=str(len(record))))
                continue
            unit = record[position["unit"]].strip()
            period = _period(record[position["period"]])
            outcome = _number(record[position["outcome"]])
            values = [_number(record[position[c]]) for c in covariates]
            ok = True
            if not unit:
                fail(RowError(number, "empty_unit", column="unit"))
                ok = False
            elif len(unit) > MAX_UNIT_LENGTH:
                fail(RowError(number, "unit_too_long", column="unit", value=unit[:40]))
                ok = False
            if period is None:
                fail(RowError(number, "bad_period", column="period",
                              value=record[position["period"]][:40]))
                ok = False
            if outcome is None:
                fail(RowError(number, "bad_number", column="outcome",
                              value=record[position["outcome"]][:40]))
                ok = False
            for name, value in zip(covariates, values, strict=True):
                if value is None:
                    fail(RowError(number, "bad_number", column=name,
                                  value=record[position[name]][:40]))
                    ok = False
            if not ok or period is None or outcome is None:
                continue
            key = (unit, period)
            if key in seen:
                fail(RowError(number, "duplicate", column="unit", value=f"{unit} / {period}",
                              other_row=seen[key]))
                continue
            seen[key] = number
            rows.append(PanelRow(unit=unit, period=period, outcome=outcome,
                                 covariates=tuple(v for v in values if v is not None)))
    except csv.Error:
        fail(RowError(reader.line_num, "not_csv"))
    if not rows and not count:
        fail(RowError(2, "no_rows"))
    return CsvPanel(rows=tuple(rows) if not count else (), covariate_names=covariates,
                    errors=tuple(errors), error_count=count)
