"""Exports of the catalogue: the catalogue's filters, licence, formula neutralisation, streaming."""

from __future__ import annotations

import csv
import io
import json
import os
import time
import tracemalloc
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from asis.observatory import exports
from asis.observatory.models import Challenge, Initiative
from asis.regions.models import Region
from tests.observatory.test_api import make_initiative, term

EVIL = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def data(world: Any) -> dict[str, Any]:
    health = term(Challenge, "test-health")
    care = make_initiative(title="Village care cooperative", challenges=[health], latitude=47.26,
                           longitude=11.39, start_date=date(2022, 3, 1), organisations=[(world.org, "lead")],
                           budget_eur="1200.50", links=["https://care.example.org"])
    bus = make_initiative(title="Mountain bus on demand", regions=("FRK2",), stage="scaling",
                          organisations=[(world.other_org, "lead")])
    evil = make_initiative(title=EVIL[0], summary=EVIL[1], regions=("ITC1",), description=EVIL[2])
    make_initiative(title="Hidden proposal", status="submitted")
    return {"care": care, "bus": bus, "evil": evil}


def read_csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


def test_csv_holds_the_published_catalogue_with_licence_headers(client, data):
    response = client.get("/en/observatory/export.csv", {"sort": "title"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-License"] == "CC-BY-4.0"
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert "ASIS Observatory contributors" in response["X-Attribution"]
    assert 'attachment; filename="asis-initiatives-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert [r["title"] for r in rows][-2:] == ["Mountain bus on demand", "Village care cooperative"]
    care = rows[-1]
    assert care["regions"] == "AT33" and care["countries"] == "AT" and care["challenges"] == "test-health"
    assert care["latitude"] == "47.26" and care["budget_eur"] == "1200.50" and care["start_date"] == "2022-03-01"
    assert care["lead_organisations"] == "Land Tirol Test" and care["licence"] == "CC-BY-4.0"
    assert care["links"] == "https://care.example.org"
    assert "Hidden proposal" not in {r["title"] for r in rows}


def test_exports_apply_the_catalogue_filters(client, data):
    rows = read_csv(client.get("/en/observatory/export.csv", {"country": "FR"}))
    assert [r["title"] for r in rows] == ["Mountain bus on demand"]
    rows = read_csv(client.get("/en/observatory/export.csv", {"q": "village"}))
    assert [r["title"] for r in rows] == ["Village care cooperative"]
    items = json.loads(body(client.get("/en/observatory/export.json", {"challenge": "test-health"})))["items"]
    assert [i["title"] for i in items] == ["Village care cooperative"]


def test_csv_neutralises_formulas(client, data):
    rows = read_csv(client.get("/en/observatory/export.csv", {"region": "ITC1"}))
    assert rows[0]["title"] == "'" + EVIL[0]
    assert rows[0]["summary"] == "'" + EVIL[1]


@pytest.mark.parametrize("value", EVIL)
def test_spreadsheet_safe(value):
    assert exports.spreadsheet_safe(value) == "'" + value
    assert exports.spreadsheet_safe("Plain " + value) == "Plain " + value
    assert exports.spreadsheet_safe(-3.5) == -3.5


def test_xlsx_has_the_rows_a_licence_sheet_and_no_formula(client, data):
    from openpyxl import load_workbook

    response = client.get("/en/observatory/export.xlsx", {"sort": "title"})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.FORMATS["xlsx"] and response["X-License"] == "CC-BY-4.0"
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["Initiatives", "Licence"]
    sheet = workbook["Initiatives"]
    header = [c.value for c in sheet[1]]
    assert header == list(exports.COLUMNS)
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"], "a cell is a formula"
    titles = [row[header.index("title")].value for row in sheet.iter_rows(min_row=2)]
    assert "'" + EVIL[0] in titles and "Village care cooperative" in titles
    care = next(row for row in sheet.iter_rows(min_row=2) if row[header.index("title")].value == titles[-1])
    assert care[header.index("latitude")].value == 47.26  # numbers stay numbers
    licence = {row[0].value: row[1].value for row in workbook["Licence"].iter_rows()}
    assert licence["licence"] == "CC-BY-4.0" and licence["licence_url"] == exports.LICENCE_URL
    assert licence["attribution"] == exports.ATTRIBUTION and licence["rows"] == 3
    assert licence["filter:sort"] == "title"


def test_json_export(client, data):
    response = client.get("/en/observatory/export.json", {"lang": "fr"})
    assert response.streaming and response["Content-Type"] == "application/json"
    document = json.loads(body(response))
    assert document["licence"]["id"] == "CC-BY-4.0" and document["attribution"] == exports.ATTRIBUTION
    assert len(document["items"]) == 3
    care = next(i for i in document["items"] if i["id"] == data["care"].pk)
    assert care["point"] == {"latitude": 47.26, "longitude": 11.39} and care["language"] == "en"
    assert "/fr/observatory/" in care["url"]


def test_geojson_export(client, data):
    response = client.get("/en/observatory/export.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert "EuroGeographics" in response["X-Attribution"]
    document = json.loads(body(response))
    assert document["type"] == "FeatureCollection"
    assert "EuroGeographics" in document["attribution"] and document["licence"]["id"] == "CC-BY-4.0"
    features = {f["id"]: f for f in document["features"]}
    assert features[data["care"].pk]["geometry"] == {"type": "Point", "coordinates": [11.39, 47.26]}
    assert features[data["bus"].pk]["geometry"] is None
    assert features[data["bus"].pk]["properties"]["regions"] == ["FRK2"]


def test_unknown_format_is_404(client, db):
    assert client.get("/en/observatory/export.pdf").status_code == 404


def test_export_page_links_every_format_with_the_filters(client, db):
    content = client.get("/en/observatory/export/", {"country": "AT"}).content.decode()
    for fmt in exports.FORMATS:
        assert f"/en/observatory/export.{fmt}?country=AT" in content
    assert "creativecommons.org/licenses/by/4.0" in content


def test_export_survives_hostile_parameters(client, data):
    for params in ({"q": "a\x00b"}, {"organisation": ["²", "9" * 40]}, {"year": ["²²²²", "2022"]},
                   {"page_size": "-1", "sort": "nonsense"}):
        assert client.get("/en/observatory/export.csv", params).status_code == 200


def _bulk(n: int) -> None:
    """``n`` published initiatives with a region, inserted in bulk (no per-row services: speed)."""
    now = timezone.now()
    region = Region.objects.get(code="AT33")
    through = Initiative.regions.through
    for start in range(0, n, 5000):
        batch = Initiative.objects.bulk_create(
            [Initiative(title=f"Bulk initiative {i}", summary="=1+1 " * 20, status="published",
                        published_at=now, latitude=47.0, longitude=11.0)
             for i in range(start, min(n, start + 5000))], batch_size=1000)
        through.objects.bulk_create([through(initiative_id=i.pk, region_id=region.pk) for i in batch],
                                    batch_size=1000)


def test_export_query_count_does_not_grow_with_rows(client, db):
    _bulk(30)
    with CaptureQueriesContext(connection) as queries:
        assert len(read_csv(client.get("/en/observatory/export.csv"))) == 30
    few = len(queries)
    _bulk(300)
    with CaptureQueriesContext(connection) as queries:
        assert len(read_csv(client.get("/en/observatory/export.csv"))) == 330
    assert len(queries) <= few + 4  # one more chunk (of 500) at most, never one query per row


def _peak_while_streaming(client: Any, fmt: str) -> tuple[int, int]:
    tracemalloc.start()
    try:
        response = client.get(f"/en/observatory/export.{fmt}")
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_memory_stays_flat_as_rows_grow(client, db, fmt):
    """Peak memory while streaming 10x more rows grows by far less than 10x: rows are never all held.
    ASIS_EXPORT_ROWS=100000 runs it with a hundred thousand rows."""
    big = int(os.environ.get("ASIS_EXPORT_ROWS", "6000"))
    _bulk(big // 10)
    small_peak, small_size = _peak_while_streaming(client, fmt)
    _bulk(big - big // 10)
    started = time.monotonic()
    big_peak, big_size = _peak_while_streaming(client, fmt)
    assert big_size > 9 * small_size
    assert big_peak < 2 * small_peak + 2_000_000, (small_peak, big_peak, time.monotonic() - started)
