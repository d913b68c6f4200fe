"""All-or-nothing import of region statistics (population...) from CSV, with a row-by-row report.

Columns: ``region`` (NUTS-2 code), ``key`` (default ``population``), ``year``, ``value``,
``source``, ``licence``. Every row is checked first; when any row is wrong nothing is saved and
the report says which rows and why. A figure already stored for the same region, key and year is
replaced (and the audit entry keeps the old value)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asis.core.audit import audit_record
from asis.impact.models_regions import POPULATION, RegionStatistic
from asis.regions.models import Region

COLUMNS = ("region", "key", "year", "value", "source", "licence")
REQUIRED = ("region", "year", "value", "source", "licence")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class RowReport:
    line: int
    region: str
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "created" / "updated" once saved


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and all(not r.errors for r in self.rows)

    @property
    def created(self) -> int:
        return sum(r.action == "created" for r in self.rows)

    @property
    def updated(self) -> int:
        return sum(r.action == "updated" for r in self.rows)


def _decode(data: bytes | str) -> str | None:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def region_stats_parse(data: bytes | str) -> tuple[ImportReport, list[dict[str, Any]]]:
    """Check every row; nothing is written."""
    report = ImportReport()
    if len(data) > MAX_BYTES:
        report.errors.append(_("The file is larger than 2 MB."))
        return report, []
    content = _decode(data)
    if content is None:
        report.errors.append(_("The file is not UTF-8 text."))
        return report, []
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        report.errors.append(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
        return report, []
    reader.fieldnames = header
    regions = dict(Region.objects.values_list("code", "pk"))
    seen: dict[tuple[str, str, int], int] = {}
    clean: list[dict[str, Any]] = []
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            report.errors.append(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
            return report, []
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        entry = RowReport(line, row.get("region", ""))
        code = row.get("region", "").upper()
        if code not in regions:
            entry.errors.append(_("Unknown region code %(code)s (use a NUTS-2 code such as AT33).") % {
                "code": row.get("region", "") or "–"})
        key = (row.get("key") or POPULATION).lower()
        if not key.replace("_", "").replace("-", "").isalnum() or len(key) > 60:
            entry.errors.append(_("The statistic name may use letters, digits, - and _ only."))
        year: int | None = None
        try:
            year = int(row.get("year", ""))
            if not 1900 <= year <= 2100:
                raise ValueError
        except ValueError:
            entry.errors.append(_("The year must be a whole number between 1900 and 2100."))
        value: Decimal | None = None
        try:
            value = Decimal(row.get("value", "").replace(" ", "").replace("\u00a0", ""))
            if not value.is_finite() or value < 0 or value >= Decimal("1e15"):
                raise InvalidOperation
        except InvalidOperation:
            entry.errors.append(_("The value must be a number of zero or more, with a dot as decimal mark."))
        for name, label in (("source", _("source")), ("licence", _("licence"))):
            if not row.get(name):
                entry.errors.append(_("The %(column)s is missing: say where the figure comes from and under "
                                      "which licence.") % {"column": label})
        if len(row.get("source", "")) > 300 or len(row.get("licence", "")) > 100:
            entry.errors.append(_("The source or the licence is too long."))
        if year is not None and code in regions:
            first = seen.setdefault((code, key, year), line)
            if first != line:
                entry.errors.append(_("The same region, statistic and year is already on line %(line)s.") % {
                    "line": first})
        report.rows.append(entry)
        if not entry.errors:
            clean.append({"region_id": regions[code], "code": code, "key": key, "year": year, "value": value,
                          "source": row["source"], "licence": row["licence"], "entry": entry})
    if not report.rows and not report.errors:
        report.errors.append(_("The file has no rows."))
    return report, clean


def region_stats_import(*, data: bytes | str, actor: Any = None) -> ImportReport:
    """Save every row or none (see the module's docstring); one audit entry for the import."""
    report, clean = region_stats_parse(data)
    if not report.ok:
        return report
    with transaction.atomic():
        changes = []
        for row in clean:
            existing = RegionStatistic.objects.select_for_update().filter(
                region_id=row["region_id"], key=row["key"], year=row["year"]).first()
            before = str(existing.value) if existing else None
            stat = existing or RegionStatistic(region_id=row["region_id"], key=row["key"], year=row["year"])
            stat.value, stat.source, stat.licence = row["value"], row["source"], row["licence"]
            stat.imported_by = actor if getattr(actor, "is_authenticated", False) else None
            stat.full_clean()
            stat.save()
            row["entry"].action = "updated" if existing else "created"
            changes.append({"region": row["code"], "key": row["key"], "year": row["year"], "before": before,
                            "after": str(row["value"]), "source": row["source"], "licence": row["licence"]})
        audit_record(action="asis.impact.region_statistics.imported", actor=actor,
                     after={"rows": len(changes), "changes": changes[:500]})
    report.saved = True
    return report
