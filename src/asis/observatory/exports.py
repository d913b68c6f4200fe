"""Open-data exports of the catalogue: CSV, XLSX, JSON and GeoJSON, streamed.

Every export is the catalogue under its current filters (``CatalogueQuery``), so a shared
catalogue URL and its export hold the same initiatives. Rows are read with
``QuerySet.iterator(chunk_size=...)``, which prefetches the relations one chunk at a time, and
each row is written out as soon as it is read: memory stays flat however many rows there are.

The licence travels with the data: CSV has a ``licence`` column and the HTTP headers
``Link: <…>; rel="license"``, ``X-License`` and ``X-Attribution``; XLSX has a "Licence" sheet;
JSON and GeoJSON have top-level ``licence`` and ``attribution`` members (RFC 7946 allows such
foreign members).

Spreadsheet formula injection: in CSV and XLSX, a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it as
text instead of running it. Numbers and dates are written as numbers and dates, untouched.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from asis.core.links import is_safe_link
from asis.core.opendata import (
    ATTRIBUTION,
    BOUNDARIES_ATTRIBUTION,
    LICENCE,
    LICENCE_NAME,
    LICENCE_URL,
    spreadsheet_safe,
)
from asis.core.site import site_url
from asis.observatory.filters import CatalogueQuery, apply
from asis.observatory.models import Initiative, InitiativeOrganisation
from asis.regions.models import Region

CHUNK_SIZE = 500
_UNUSED_IN_LISTS = ("description", "results", "pillar_need", "pillar_collaboration", "pillar_impact",
                    "moderation_reason", "target_groups", "funding_sources")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "geojson": "application/geo+json",
}
COLUMNS = (
    "id", "url", "title", "summary", "language", "original_language", "stage", "start_date", "end_date",
    "regions", "countries", "challenges", "axes", "lead_organisations", "partner_organisations", "funders",
    "latitude", "longitude", "budget_eur", "people_reached", "links", "licence", "published_at",
)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_CELL = 32_767
_DIGITS = re.compile(r"^[0-9]{1,18}$")


# --- parameters --------------------------------------------------------------------------------

def clean_params(params: Mapping[str, Any]) -> QueryDict:
    """Request parameters safe for ``CatalogueQuery``: no NUL characters (PostgreSQL refuses
    them), and organisation ids and years only in ASCII digits of a sane length."""
    cleaned = QueryDict(mutable=True)
    getlist = getattr(params, "getlist", None)
    for key in params:
        values = getlist(key) if getlist else params[key]
        if not isinstance(values, list | tuple):
            values = [values]
        values = [str(v).replace("\x00", "") for v in values if v is not None]
        if key in ("organisation", "year"):
            values = [p for v in values for p in v.split(",") if _DIGITS.match(p.strip())]
        cleaned.setlist(key, values)
    return cleaned


def catalogue_query(params: Mapping[str, Any]) -> CatalogueQuery:
    return CatalogueQuery.from_params(clean_params(params))


def language_for(requested: str | None) -> str:
    code = (requested or "").split("-")[0]
    return code if code in settings.LANGUAGE_CODES else (translation.get_language() or "en").split("-")[0]


# --- records -----------------------------------------------------------------------------------

def with_relations(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The relations every record needs, without the regions' (large) geometries."""
    return queryset.prefetch_related(
        Prefetch("regions", queryset=Region.objects.only("id", "code", "country").order_by("code")),
        "challenges",
        "axes",
        Prefetch("organisation_links", queryset=InitiativeOrganisation.objects.select_related("organisation")
                 .only("id", "role", "initiative_id", "organisation__id", "organisation__name")
                 .order_by("role", "organisation__name", "pk")),
    )


class UrlMaker:
    """Absolute URL of an initiative's page, reversed once rather than once per row."""

    def __init__(self, language: str) -> None:
        marker = 987654321
        try:
            with translation.override(language):
                path = reverse("observatory:initiative_detail", kwargs={"initiative_id": marker})
        except NoReverseMatch:  # the catalogue pages are not installed
            self.template = None
        else:
            self.template = site_url() + path.replace(str(marker), "{}")

    def __call__(self, pk: int) -> str | None:
        return self.template.format(pk) if self.template else None


def _links(value: Any) -> list[str]:
    links = []
    for entry in value or []:
        if isinstance(entry, dict):
            entry = entry.get("url", "")
        if isinstance(entry, str) and is_safe_link(entry):  # never publish a javascript: or data: link
            links.append(entry)
    return links


def initiative_record(initiative: Initiative, language: str, url: UrlMaker, *,
                      detail: bool = False) -> dict[str, Any]:
    """One initiative as plain data, its texts in ``language`` (or the fallback actually used,
    named in ``language``). Needs the relations of ``with_relations``."""
    title = initiative.translated("title", language)
    regions = list(initiative.regions.all())
    record: dict[str, Any] = {
        "id": initiative.pk,
        "url": url(initiative.pk),
        "title": title.text,
        "summary": initiative.translated("summary", language).text,
        "language": title.language,
        "original_language": initiative.original_language,
        "stage": initiative.stage,
        "status": initiative.status,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "regions": [r.code for r in regions],
        "countries": sorted({r.country for r in regions}),
        "challenges": [c.code for c in initiative.challenges.all()],
        "axes": [a.code for a in initiative.axes.all()],
        "organisations": [{"id": link.organisation.pk, "name": link.organisation.name, "role": link.role}
                          for link in initiative.organisation_links.all()],
        "point": None if initiative.latitude is None or initiative.longitude is None
        else {"latitude": initiative.latitude, "longitude": initiative.longitude},
        "budget_eur": initiative.budget_eur,
        "people_reached": initiative.people_reached,
        "links": _links(initiative.links),
        "licence": initiative.licence,
        "published_at": initiative.published_at,
    }
    if detail:
        for field in ("description", "results", "pillar_need", "pillar_collaboration", "pillar_impact"):
            record[field] = initiative.translated(field, language).text
        record["target_groups"] = initiative.target_groups
        record["funding_sources"] = initiative.funding_sources
    return record


def records(queryset: QuerySet[Initiative], language: str) -> Iterator[dict[str, Any]]:
    # The address is taken now, while the request is handled: a streamed body is written later.
    return _records(queryset, language, UrlMaker(language))


def _records(queryset: QuerySet[Initiative], language: str, url: UrlMaker) -> Iterator[dict[str, Any]]:
    for initiative in with_relations(queryset.defer(*_UNUSED_IN_LISTS)).iterator(chunk_size=CHUNK_SIZE):
        record = initiative_record(initiative, language, url)
        # A prefetched organisation link points back at its initiative: a reference cycle that only
        # the cyclic garbage collector would free, late. Breaking it frees each row at once.
        initiative._prefetched_objects_cache = {}
        yield record


def flat_row(record: Mapping[str, Any]) -> list[Any]:
    """A record as one spreadsheet row (in ``COLUMNS`` order); lists become ``;``-separated text."""
    point = record["point"] or {}

    def orgs(role: str) -> str:
        return ";".join(o["name"] for o in record["organisations"] if o["role"] == role)

    values = {
        **record,
        "regions": ";".join(record["regions"]),
        "countries": ";".join(record["countries"]),
        "challenges": ";".join(record["challenges"]),
        "axes": ";".join(record["axes"]),
        "lead_organisations": orgs(InitiativeOrganisation.Role.LEAD),
        "partner_organisations": orgs(InitiativeOrganisation.Role.PARTNER),
        "funders": orgs(InitiativeOrganisation.Role.FUNDER),
        "latitude": point.get("latitude"),
        "longitude": point.get("longitude"),
        "links": " ".join(record["links"]),
    }
    return [values[column] for column in COLUMNS]


# --- cell safety -------------------------------------------------------------------------------

def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | Decimal | int | float):
        return value  # numbers and dates are not formulas; keep them machine-readable
    return spreadsheet_safe(str(value))


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if isinstance(value, str):
        return spreadsheet_safe(_XML_ILLEGAL.sub("", value)[:XLSX_MAX_CELL])
    return value


# --- writers -----------------------------------------------------------------------------------

class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    batch: list[str] = []
    for record in rows:  # sent in blocks of 200 rows: one write per row would dominate the time
        batch.append(writer.writerow([_csv_cell(v) for v in flat_row(record)]))
        if len(batch) == 200:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _metadata(query: CatalogueQuery, geo: bool) -> dict[str, Any]:
    return {
        "licence": {"id": LICENCE, "name": LICENCE_NAME, "url": LICENCE_URL},
        "attribution": ATTRIBUTION + ("; " + BOUNDARIES_ATTRIBUTION if geo else ""),
        "generated_at": timezone.now().isoformat(),
        "filters": _grouped(query),
    }


def _grouped(query: CatalogueQuery) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in query.to_params():
        grouped.setdefault(key, []).append(value)
    return grouped


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def json_chunks(rows: Iterable[dict[str, Any]], query: CatalogueQuery) -> Iterator[str]:
    head = _dumps(_metadata(query, geo=False))
    yield head[:-1] + ', "items": ['
    for n, record in enumerate(rows):
        yield ("," if n else "") + "\n" + _dumps(record)
    yield "\n]}\n"


def geojson_chunks(rows: Iterable[dict[str, Any]], query: CatalogueQuery) -> Iterator[str]:
    head = _dumps({"type": "FeatureCollection", **_metadata(query, geo=True)})
    yield head[:-1] + ', "features": ['
    for n, record in enumerate(rows):
        properties = dict(record)
        point = properties.pop("point")
        geometry = None if point is None else {
            "type": "Point", "coordinates": [point["longitude"], point["latitude"]]}
        feature = {"type": "Feature", "id": record["id"], "geometry": geometry, "properties": properties}
        yield ("," if n else "") + "\n" + _dumps(feature)
    yield "\n]}\n"


def xlsx_file(rows: Iterable[dict[str, Any]], query: CatalogueQuery) -> Any:
    """Write the workbook (write-only mode: rows go to disk as they come) to a temporary file,
    rewound and ready to stream; it disappears when closed."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Initiatives")
    sheet.append(list(COLUMNS))
    count = 0
    for record in rows:
        sheet.append([_xlsx_cell(v) for v in flat_row(record)])
        count += 1
    meta = workbook.create_sheet("Licence")
    info = _metadata(query, geo=False)
    meta.append(["licence", LICENCE])
    meta.append(["licence_name", LICENCE_NAME])
    meta.append(["licence_url", LICENCE_URL])
    meta.append(["attribution", info["attribution"]])
    meta.append(["generated_at", info["generated_at"]])
    meta.append(["rows", count])
    for key, values in info["filters"].items():
        meta.append([f"filter:{key}", _xlsx_cell(";".join(values))])
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115  (closed by FileResponse)
    workbook.save(handle)
    handle.seek(0)
    return handle


def export_response(*, fmt: str, params: Mapping[str, Any], language: str | None = None) -> HttpResponseBase:
    """The catalogue under ``params``'s filters in ``fmt``, as a streamed download."""
    query = catalogue_query(params)
    lang = language_for(language)
    rows = records(apply(query), lang)
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"asis-initiatives-{stamp}.{fmt}"
    response: HttpResponseBase
    if fmt == "xlsx":
        response = FileResponse(xlsx_file(rows, query), as_attachment=True, filename=filename,
                                content_type=FORMATS[fmt])
    else:
        chunks = {"csv": lambda: csv_chunks(rows), "json": lambda: json_chunks(rows, query),
                  "geojson": lambda: geojson_chunks(rows, query)}[fmt]()
        response = StreamingHttpResponse((c.encode("utf-8") for c in chunks), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    response["X-License"] = LICENCE
    attribution = ATTRIBUTION + ("; " + BOUNDARIES_ATTRIBUTION if fmt == "geojson" else "")
    response["X-Attribution"] = attribution.replace("©", "(c)")  # header values stay ASCII
    response["Content-Language"] = lang
    return response
