"""The map: its page (table alternative, attribution, tiles setting), the regions GeoJSON and the
initiative points, all following the catalogue filters."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from asis.observatory import selectors
from asis.observatory.models import Challenge
from asis.regions.models import Region
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"observatory:{name}", kwargs=kwargs)


@pytest.fixture
def spread():
    selectors.region_shapes_clear()
    green = Challenge.objects.create(code="m-green", name="Green", position=1)
    care = Challenge.objects.create(code="m-care", name="Care", position=2)
    publish(title="Tyrol one", regions=("AT33",), challenges=[green], point=(47.26, 11.39))
    publish(title="Tyrol two", regions=("AT33", "AT34"), challenges=[care], point=(47.3, 11.5))
    publish(title="Lombardy", regions=("ITC4",), challenges=[green])
    publish(title="Draft", regions=("AT33",), challenges=[green], point=(47.1, 11.1), status="submitted")
    return {"green": green, "care": care}


def _geojson(client, **params):
    response = client.get(url("map_regions"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(response.content)


def test_regions_geojson_has_42_features_with_counts(client, spread):
    data = _geojson(client)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 42 == Region.objects.count()
    counts = {f["properties"]["code"]: f["properties"]["count"] for f in data["features"]}
    assert counts["AT33"] == 2 and counts["AT34"] == 1 and counts["ITC4"] == 1
    assert sum(counts.values()) == 4 and data["max_count"] == 2
    tyrol = next(f["properties"] for f in data["features"] if f["id"] == "AT33")
    assert tyrol["label"] == "Tirol (AT33): 2 initiatives"
    assert tyrol["action_label"].startswith("Tirol (AT33): 2 initiatives.")
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert feature["geometry"]["coordinates"]
        assert feature["properties"]["url"] == url("region_detail", code=feature["properties"]["code"])


def test_regions_geojson_follows_the_filters(client, spread):
    counts = {f["id"]: f["properties"]["count"] for f in _geojson(client, challenge="m-green")["features"]}
    assert counts["AT33"] == 1 and counts["AT34"] == 0 and counts["ITC4"] == 1
    counts = {f["id"]: f["properties"]["count"] for f in _geojson(client, country="AT")["features"]}
    assert counts["ITC4"] == 0 and counts["AT33"] == 2
    counts = {f["id"]: f["properties"]["count"] for f in _geojson(client, region="AT34")["features"]}
    assert counts == {**dict.fromkeys(counts, 0), "AT34": 1}


def test_regions_geojson_is_one_grouped_query(client, spread):
    _geojson(client)  # warms the shape cache
    with CaptureQueriesContext(connection) as ctx:
        _geojson(client, challenge="m-care", stage="idea")
    assert len(ctx.captured_queries) == 1


def test_points_follow_filters_and_hide_unpublished(client, spread):
    data = json.loads(client.get(url("map_points")).content)
    assert data["type"] == "FeatureCollection" and not data["truncated"]
    titles = sorted(f["properties"]["title"] for f in data["features"])
    assert titles == ["Tyrol one", "Tyrol two"]  # Lombardy has no point, the draft is not public
    feature = next(f for f in data["features"] if f["properties"]["title"] == "Tyrol one")
    assert feature["geometry"] == {"type": "Point", "coordinates": [11.39, 47.26]}
    assert feature["properties"]["url"] == url("initiative_detail", initiative_id=feature["id"])
    data = json.loads(client.get(url("map_points"), {"challenge": "m-care"}).content)
    assert [f["properties"]["title"] for f in data["features"]] == ["Tyrol two"]


def test_points_are_capped(spread):
    from asis.observatory.filters import CatalogueQuery

    data = selectors.initiative_points(CatalogueQuery(), cap=1)
    assert len(data["features"]) == 1 and data["truncated"]


def test_map_page_has_a_table_alternative_and_the_attribution(client, spread):
    response = client.get(url("map"), {"challenge": "m-green"})
    html = response.content.decode()
    assert "© EuroGeographics for the administrative boundaries" in html
    assert html.count('class="region-link"') == 42
    rows = {r.code: r.count for r in response.context["rows"]}
    assert rows["AT33"] == 1 and rows["AT34"] == 0 and len(rows) == 42
    assert response.context["rows"][0].count == 1
    assert f'data-regions-url="{url("map_regions")}?challenge=m-green"' in html
    assert 'data-tiles-url=""' in html
    assert "leaflet.markercluster.js" in html and "<script>" not in html


def test_tiles_setting_adds_a_tile_layer_and_allows_its_origin(client, settings):
    settings.ASIS_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.ASIS_MAP_TILES_ATTRIBUTION = "© Example tiles"
    response = client.get(url("map"))
    html = response.content.decode()
    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "© Example tiles" in html
    assert "https://tiles.example.org" in response["Content-Security-Policy"]
    settings.ASIS_MAP_TILES_URL = ""
    assert "tiles.example.org" not in client.get(url("map"))["Content-Security-Policy"]


def test_vendor_files_are_served(client):
    from django.contrib.staticfiles import finders

    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
                 "vendor/leaflet.markercluster/leaflet.markercluster.js", "js/observatory-map.js",
                 "css/observatory.css"):
        assert finders.find(path), path


@pytest.mark.parametrize(("template", "source"), [
    ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("http://localhost:8080/{z}/{x}/{y}.png", "http://localhost:8080"),
    ("javascript:alert(1)", ""),
    ("https://{host}/{z}.png", ""),
    ("", ""),
])
def test_tiles_origin(template, source):
    from asis.observatory.views_catalogue import tiles_origin

    assert tiles_origin(template) == source
