"""Bulk imports of initiatives and organisations from CSV or XLSX, all or nothing.

``read_table`` turns an upload into rows of text (CSV must be UTF-8; ``,``, ``;`` or tab as
separator); ``validate`` checks every row without writing and returns the row errors (row
number as the spreadsheet shows it, column, message); ``import_commit`` validates again and
writes every row in one transaction through the same services as the web forms and the API
(``initiative_save``, ``organisation_create``), so an imported initiative is audited, has a
revision and is searchable at once. One bad row and nothing is saved.

Files of more than ``SYNC_ROWS`` rows are committed by a background job (``observatory.import``,
see ``asis.core.jobs``): through the services a row takes some milliseconds, too long for 20,000
rows in one web request. The job runs the same all-or-nothing ``import_commit``.

Between the preview and the commit the upload waits in a private folder
(``<ASIS_VAR_DIR>/imports``) under a random name; the browser only holds a signed token naming
it, bound to the user and valid for an hour (``stash`` / ``unstash``).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from asis.accounts.models import Organisation
from asis.accounts.services import organisation_create
from asis.core.archives import ArchiveDamaged, ArchiveLimits, ArchiveRefused, open_checked
from asis.core.audit import audit_record
from asis.core.control_chars import CONTROL as _CONTROL
from asis.core.jobs import JobError, Reporter, job_handler
from asis.core.links import link_error
from asis.core.models import Job
from asis.observatory.models import Axis, Challenge, Initiative, InitiativeOrganisation
from asis.regions.models import COUNTRIES, Region

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL = 20_000
MAX_ERRORS = 1_000
MAX_COLUMNS = 256
MAX_BLANK_ROWS = 10_000
# A workbook is a zip: its members are proven to inflate within these bounds before openpyxl
# opens it (openpyxl keeps the whole shared-strings table in memory).
XLSX_LIMITS = ArchiveLimits(max_members=500, max_member_bytes=32 * 1024 * 1024, max_total_bytes=96 * 1024 * 1024)
STASH_MAX_AGE = 3600
SYNC_ROWS = 1_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SPLIT = re.compile(r"[;,]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

INITIATIVE_COLUMNS = ("title", "summary", "description", "language", "regions", "stage", "start_date",
                      "end_date", "challenges", "axes", "lead_organisation", "latitude", "longitude",
                      "budget_eur", "people_reached", "links")
INITIATIVE_REQUIRED = ("title", "summary", "regions")
ORGANISATION_COLUMNS = ("name", "type", "country", "region", "website", "description", "language")
ORGANISATION_REQUIRED = ("name", "type", "country", "region")
# Columns of the catalogue export that an import accepts and ignores (so an export re-imports).
EXPORT_ONLY = frozenset({"id", "url", "original_language", "countries", "lead_organisations",
                         "partner_organisations", "funders", "licence", "published_at", "status"})
KINDS = {"initiatives": (INITIATIVE_COLUMNS, INITIATIVE_REQUIRED),
         "organisations": (ORGANISATION_COLUMNS, ORGANISATION_REQUIRED)}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, size, columns)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]  # (row number in the file, values by column)


@dataclass
class Validated:
    row: int
    label: str
    fields: dict[str, Any]
    relations: dict[str, Any] = field(default_factory=dict)


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


# --- reading -----------------------------------------------------------------------------------

def _header(name: Any) -> str:
    return re.sub(r"\s+", "_", str(name or "").strip().lower().lstrip("\ufeff"))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _check_line_widths(data: bytes) -> None:
    """The csv module builds a whole record before it is seen: a line of millions of separators
    would be a list of millions of cells. Count the separators of every line first, in place."""
    first = data[:data.find(b"\n")] if b"\n" in data else data
    delimiter = max((b",", b";", b"\t"), key=first.count)
    limit = MAX_COLUMNS * 4
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        if data.count(delimiter, start, end) >= limit:
            raise ImportFileError(_("Line %(line)s has more than %(limit)s columns; is it the right file?")
                                  % {"line": line, "limit": limit})
        start, line = end, line + 1


def _rows_from_csv(data: bytes) -> Iterable[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise ImportFileError(_("The file is not text (it contains binary data). Upload a CSV or XLSX file."))
    _check_line_widths(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file is not UTF-8 text (the byte at position %(position)s is not valid "
                                "UTF-8). In your spreadsheet, save it as “CSV UTF-8”.")
                              % {"position": exc.start}) from exc
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)  # records, as a spreadsheet numbers its rows
    except csv.Error as exc:
        raise ImportFileError(_("The file cannot be read near line %(line)s: a cell is too large or a quote is "
                                "not closed.") % {"line": reader.line_num}) from exc


def _check_workbook(data: bytes) -> None:
    """Refuse a workbook that would inflate past the bounds, before openpyxl inflates anything."""
    try:
        open_checked(data, XLSX_LIMITS).close()
    except ArchiveDamaged as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    except ArchiveRefused as exc:
        raise ImportFileError(_("The workbook is refused: %(reason)s") % {"reason": exc.message}) from exc


def _rows_from_xlsx(data: bytes) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_workbook(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        # Read-only sheets pad every row to the declared width (up to 16,384 columns) and yield an
        # empty row for every row number skipped (up to 1,048,576): both are capped.
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=width), start=1):
            yield number, [_cell_text(v) for v in row]
        workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc


def read_table(data: bytes, filename: str, kind: str) -> Table:
    """The upload as a table of text cells; file-level problems raise ``ImportFileError``."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)})
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    is_xlsx = data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    source = _rows_from_xlsx(data) if is_xlsx else _rows_from_csv(data)
    known, required = KINDS[kind]
    columns: tuple[str, ...] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in source:
        if number > MAX_ROWS + MAX_BLANK_ROWS:
            raise ImportFileError(_("The file has more than %(limit)s rows; split it into smaller files.")
                                  % {"limit": MAX_ROWS})
        if columns is None:
            if not any(str(c).strip() for c in cells):
                continue  # blank lines before the header
            columns = tuple(_header(c) for c in cells)
            _check_columns(columns, known, required)
            continue
        if not any(str(c).strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_("The file has more than %(limit)s rows; split it into smaller files.")
                                  % {"limit": MAX_ROWS})
        values = {col: str(cells[i]) if i < len(cells) else "" for i, col in enumerate(columns) if col}
        if len(cells) > len(columns) and any(str(c).strip() for c in cells[len(columns):]):
            values["__extra__"] = "1"
        rows.append((number, values))
    if columns is None:
        raise ImportFileError(_("The file has no header row."))
    if not rows:
        raise ImportFileError(_("The file has a header row but no data."))
    return Table(columns=columns, rows=tuple(rows))


def _check_columns(columns: tuple[str, ...], known: tuple[str, ...], required: tuple[str, ...]) -> None:
    named = [c for c in columns if c]
    duplicates = sorted({c for c in named if named.count(c) > 1})
    if duplicates:
        raise ImportFileError(_("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)})
    missing = [c for c in required if c not in named]
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [c for c in named if c not in known and c not in EXPORT_ONLY]
    if unknown:
        raise ImportFileError(_("Unknown columns: %(columns)s. The columns are: %(known)s.")
                              % {"columns": ", ".join(c[:60] for c in unknown[:10]), "known": ", ".join(known)})


# --- validating --------------------------------------------------------------------------------

class _Row:
    """One row's cells with helpers that record errors instead of raising."""

    def __init__(self, number: int, values: dict[str, str], errors: list[RowError]) -> None:
        self.line = number
        self.values = values
        self.errors = errors
        self.ok = True
        if values.get("__extra__"):
            self.error("", _("This row has more cells than the header has columns."))

    def error(self, column: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.line, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = MAX_CELL) -> str:
        value = self.values.get(column, "").strip()
        if not value:
            if required:
                self.error(column, _("This column is required."))
            return ""
        if len(value) > max_length:
            self.error(column, _("The text is %(length)s characters long; at most %(limit)s are allowed.")
                       % {"length": len(value), "limit": max_length})
            return ""
        if value.startswith(FORMULA_PREFIXES):
            self.error(column, _("The text starts with “%(char)s”, which spreadsheets run as a formula. "
                                 "Remove it or start the text differently.") % {"char": value[0]})
            return ""
        if _CONTROL.search(value):
            self.error(column, _("The text contains control characters."))
            return ""
        return value

    def choice(self, column: str, choices: Iterable[str], *, default: str = "", required: bool = False) -> str:
        value = self.text(column, required=required, max_length=60).lower()
        options = list(choices)
        if not value:
            return default
        if value not in [o.lower() for o in options]:
            self.error(column, _("“%(value)s” is not one of: %(choices)s.")
                       % {"value": value[:60], "choices": ", ".join(options)})
            return default
        return next(o for o in options if o.lower() == value)

    def codes(self, column: str, known: dict[str, Any], *, upper: bool = False,
              required: bool = False) -> list[Any]:
        raw = self.text(column, required=required, max_length=2000)
        codes = [c.strip().upper() if upper else c.strip() for c in _SPLIT.split(raw) if c.strip()]
        codes = list(dict.fromkeys(codes))
        unknown = [c for c in codes if c not in known]
        if unknown:
            self.error(column, _("Unknown codes: %(codes)s.") % {"codes": ", ".join(c[:60] for c in unknown[:10])})
        return [known[c] for c in codes if c in known]

    def date(self, column: str) -> date | None:
        value = self.values.get(column, "").strip()[:40]
        if not value:
            return None
        try:
            if not _ISO_DATE.match(value[:10]) or len(value) not in (10, 19):
                raise ValueError(value)
            return date.fromisoformat(value[:10])
        except ValueError:
            self.error(column, _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value})
            return None

    def number(self, column: str, *, low: float, high: float, integer: bool = False) -> Any:
        value = self.values.get(column, "").strip().replace(" ", "").replace("\u00a0", "")[:60]
        if not value:
            return None
        if value.startswith(("=", "@")):
            self.error(column, _("The cell starts with “%(char)s”, which spreadsheets run as a formula; "
                                 "write a plain number.") % {"char": value[0]})
            return None
        if "," in value and "." not in value:
            value = value.replace(",", ".")
        try:
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation(value)
        except InvalidOperation:
            self.error(column, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if integer and number != number.to_integral_value():
            self.error(column, _("“%(value)s” is not a whole number.") % {"value": value})
            return None
        if not low <= number <= high:
            self.error(column, _("%(value)s is outside the range %(low)s to %(high)s.")
                       % {"value": value, "low": low, "high": high})
            return None
        return int(number) if integer else number

    def link(self, column: str) -> str:
        value = self.text(column, max_length=200)
        if value and link_error(value) is not None:
            self.error(column, _("“%(link)s” is not a web address (http:// or https://).")
                       % {"link": value[:200]})
            return ""
        return value

    def links(self, column: str) -> list[str]:
        raw = self.text(column, max_length=10_000)
        links = [link for link in re.split(r"[\s;]+", raw) if link]
        for link in links:
            if link_error(link) is not None:
                self.error(column, _("“%(link)s” is not a web address (http:// or https://).")
                           % {"link": link[:200]})
        if len(links) > 20:
            self.error(column, _("At most %(limit)s links are allowed.") % {"limit": 20})
        return links


def _model_errors(row: _Row, instance: Any, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for column, messages in exc.message_dict.items():
            for message in messages:
                row.error("" if column == "__all__" else column, message)


class _Lookups:
    """Everything rows refer to, loaded once (no query per row)."""

    def __init__(self) -> None:
        self.regions = {r.code: r for r in Region.objects.only("id", "code", "country")}
        self.challenges = {t.code: t for t in Challenge.objects.filter(active=True)}
        self.axes = {t.code: t for t in Axis.objects.filter(active=True)}
        self.organisations: dict[str, Organisation] = {}
        self.names: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.only("id", "name", "country"):
            self.organisations[str(organisation.pk)] = organisation
            self.names.setdefault(organisation.name.casefold(), []).append(organisation)


def _organisation(row: _Row, lookups: _Lookups, column: str) -> Organisation | None:
    value = row.text(column, max_length=200)
    if not value:
        return None
    if value.isdigit() and value in lookups.organisations:
        return lookups.organisations[value]
    matches = lookups.names.get(value.casefold(), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        row.error(column, _("Several organisations are called “%(name)s”; give the id instead "
                            "(one of %(ids)s).") % {"name": value, "ids": ", ".join(str(o.pk) for o in matches)})
    else:
        row.error(column, _("No organisation “%(name)s”; import it first or give its id.") % {"name": value})
    return None


def _validate_initiative(row: _Row, lookups: _Lookups) -> Validated | None:
    fields: dict[str, Any] = {
        "title": row.text("title", required=True, max_length=200),
        "summary": row.text("summary", required=True, max_length=500),
        "description": row.text("description"),
        "original_language": row.choice("language", settings.LANGUAGE_CODES, default=settings.LANGUAGE_CODE),
        "stage": row.choice("stage", Initiative.Stage.values, default=Initiative.Stage.IDEA),
        "start_date": row.date("start_date"),
        "end_date": row.date("end_date"),
        "latitude": row.number("latitude", low=-90, high=90),
        "longitude": row.number("longitude", low=-180, high=180),
        "budget_eur": row.number("budget_eur", low=0, high=999_999_999_999),
        "people_reached": row.number("people_reached", low=0, high=2_147_483_647, integer=True),
        "links": row.links("links"),
    }
    regions = row.codes("regions", lookups.regions, upper=True, required=True)
    challenges = row.codes("challenges", lookups.challenges)
    axes = row.codes("axes", lookups.axes)
    lead = _organisation(row, lookups, "lead_organisation")
    if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
        row.error("end_date", _("The end date is before the start date."))
    if (fields["latitude"] is None) != (fields["longitude"] is None) and row.ok:
        row.error("latitude", _("Give both latitude and longitude, or neither."))
    for key in ("latitude", "longitude"):
        if fields[key] is not None:
            fields[key] = float(fields[key])
    if fields["budget_eur"] is not None:
        fields["budget_eur"] = fields["budget_eur"].quantize(Decimal("0.01"))
    if not row.ok:
        return None
    _model_errors(row, Initiative(**fields), exclude=("regions", "challenges", "axes", "organisations"))
    if not row.ok:
        return None
    return Validated(row.line, fields["title"], fields, {
        "regions": regions, "challenges": challenges, "axes": axes,
        "organisations": [(lead, InitiativeOrganisation.Role.LEAD)] if lead else [],
    })


def _validate_organisation(row: _Row, lookups: _Lookups, seen: set[tuple[str, str]]) -> Validated | None:
    fields: dict[str, Any] = {
        "name": row.text("name", required=True, max_length=200),
        "type": row.choice("type", Organisation.Type.values, required=True),
        "country": row.choice("country", [c for c, _n in COUNTRIES], required=True).upper(),
        "website": row.link("website"),
        "description": row.text("description"),
        "original_language": row.choice("language", settings.LANGUAGE_CODES, default=settings.LANGUAGE_CODE),
    }
    code = row.text("region", required=True, max_length=8).upper()
    region = lookups.regions.get(code)
    if code and region is None:
        row.error("region", _("Unknown NUTS-2 region: %(code)s.") % {"code": code})
    elif region and fields["country"] and region.country != fields["country"]:
        row.error("region", _("The region %(region)s is not in the selected country.") % {"region": code})
    key = (fields["name"].casefold(), fields["country"])
    if fields["name"] and (key in seen or any(
            o.country == fields["country"] for o in lookups.names.get(key[0], []))):
        row.error("name", _("An organisation with this name already exists in this country."))
    seen.add(key)
    if not row.ok:
        return None
    fields["region"] = region
    _model_errors(row, Organisation(**fields))
    if not row.ok:
        return None
    return Validated(row.line, fields["name"], fields)


def validate(kind: str, table: Table) -> tuple[list[Validated], list[RowError]]:
    """Every row checked, nothing written. Errors come in file order."""
    lookups = _Lookups()
    errors: list[RowError] = []
    valid: list[Validated] = []
    seen: set[tuple[str, str]] = set()
    for number, values in table.rows:
        row = _Row(number, values, errors)
        result = (_validate_initiative(row, lookups) if kind == "initiatives"
                  else _validate_organisation(row, lookups, seen))
        if result is not None:
            valid.append(result)
    return valid, errors


# --- writing -----------------------------------------------------------------------------------

def import_commit(*, actor: Any, kind: str, table: Table, progress: Callable[[int], None] | None = None) -> int:
    """Validate again (the data may have changed since the preview) and save every row in one
    transaction; raise ``ImportRejected`` with the row errors, leaving the database untouched."""
    from asis.observatory.services import initiatives_bulk_create

    items, errors = validate(kind, table)
    if errors:
        raise ImportRejected(errors)
    now = timezone.now()
    if kind == "initiatives":
        try:
            initiatives_bulk_create(actor=actor, note="import", action="asis.observatory.initiatives_imported", items=[
                (Initiative(status=Initiative.Status.PUBLISHED, published_at=now, submitted_by=actor, **item.fields),
                 item.relations) for item in items])
        except DatabaseError as exc:
            raise ImportRejected([RowError(0, "", _("The database refused the import; nothing was saved."))]) from exc
        if progress:
            progress(len(items))
        return len(items)
    with transaction.atomic():
        for n, item in enumerate(items, start=1):
            try:
                organisation_create(actor=actor, status=Organisation.Status.PUBLISHED,
                                    submitted_by=actor, **item.fields)
            except ValidationError as exc:
                errors.extend(RowError(item.row, "" if c == "__all__" else c, m)
                              for c, ms in getattr(exc, "message_dict", {"": exc.messages}).items() for m in ms)
            except DatabaseError as exc:
                errors.append(RowError(item.row, "", _("The database refused this row.")))
                raise ImportRejected(errors) from exc
            if progress:
                progress(n)
        if errors:
            raise ImportRejected(errors)
        audit_record(action="asis.observatory.organisations_imported", actor=actor, after={"rows": len(items)})
    return len(items)


# --- keeping the upload between preview and commit ----------------------------------------------

def _stash_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(*, user_id: int, kind: str, filename: str, data: bytes) -> str:
    """Keep the upload server-side; return a signed token that names it."""
    folder = _stash_dir()
    cutoff = time.time() - 2 * STASH_MAX_AGE
    for old in folder.glob("*.upload"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:  # pragma: no cover - another worker removed it
            pass
    name = secrets.token_urlsafe(18)
    (folder / f"{name}.upload").write_bytes(data)
    return signing.dumps({"n": name, "k": kind, "f": filename[:200], "u": user_id}, salt="asis.observatory.import")


@dataclass(frozen=True)
class Stashed:
    name: str
    kind: str
    filename: str
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


def unstash(token: str, *, user_id: int) -> Stashed:
    """The stashed upload a token names; ``ImportFileError`` when the token is forged, expired,
    someone else's, or already used."""
    try:
        info = signing.loads(token, salt="asis.observatory.import", max_age=STASH_MAX_AGE)
    except signing.BadSignature as exc:
        raise ImportFileError(_("This preview has expired; upload the file again.")) from exc
    name = str(info.get("n", ""))
    path = _stash_dir() / f"{name}.upload"
    if (info.get("u") != user_id or info.get("k") not in KINDS or not re.fullmatch(r"[\w-]+", name)
            or not path.is_file()):
        raise ImportFileError(_("This preview has expired; upload the file again."))
    return Stashed(name=name, kind=info["k"], filename=info["f"], path=path)


@job_handler("observatory.import", result_labels={"kind": _lazy("Imported"), "rows": _lazy("Rows")})
def import_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Background commit of a large stashed upload (all or nothing, like the web commit).
    Progress is reported before and after the transaction only: a progress write inside it
    would lock the job's row against the heartbeat until the end."""
    params = job.params or {}
    name = str(params.get("stash", ""))
    path = _stash_dir() / f"{name}.upload"
    if params.get("kind") not in KINDS or not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        raise JobError(_("The uploaded file is no longer on the server; upload it again."))
    report(0.05, _("Checking the rows"))
    try:
        table = read_table(path.read_bytes(), str(params.get("filename", "")), params["kind"])
        count = import_commit(actor=job.owner, kind=params["kind"], table=table)
    except ImportFileError as exc:
        raise JobError(str(exc)) from exc
    except ImportRejected as exc:
        first = "; ".join(_("row %(row)s, %(column)s: %(message)s")
                          % {"row": e.row, "column": e.column or "–", "message": e.message} for e in exc.errors[:5])
        raise JobError(_("Nothing was imported: %(count)s errors (%(first)s).")
                       % {"count": len(exc.errors), "first": first}) from exc
    path.unlink(missing_ok=True)
    report(1.0, _("%(count)s rows imported") % {"count": count})
    kind_names = {"initiatives": _("Initiatives"), "organisations": _("Organisations")}
    return {"kind": kind_names.get(params["kind"], params["kind"]), "rows": count}


def template_csv(kind: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(KINDS[kind][0])
    return buffer.getvalue()
