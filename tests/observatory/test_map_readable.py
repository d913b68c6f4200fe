"""A map people can read: colour classes that are told apart, with bounds in the reader's number
format; country borders and names from the shipped shapes; popups with stage, organisation and
summary; a small map instead of raw coordinates on an initiative's page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from asis.accounts.models import Organisation
from asis.observatory import mapdata, selectors
from asis.observatory.views_catalogue import map_legend
from asis.regions.models import Region
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"observatory:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("counts", "expected"), [
    ([], []),
    ([0, 0], []),
    ([1], [(1, 1)]),
    ([1, 2, 3], [(1, 1), (2, 2), (3, 3)]),
    ([0, 5, 5, 5], [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]),
    ([1] * 30 + [100], [(1, 1), (2, 100)]),  # one busy region does not wash out the others
    (list(range(1, 41)), [(1, 8), (9, 16), (17, 24), (25, 32), (33, 40)]),
    ([2, 3, 7, 7, 40, 1200], [(1, 3), (4, 7), (8, 40), (41, 1200)]),
])
def test_class_breaks(counts, expected):
    classes = mapdata.class_breaks(counts)
    assert [(c.low, c.high) for c in classes] == expected
    # every count falls in exactly one class, the darkest is the top one, colours all differ
    for count in counts:
        assert sum(c.low <= count <= c.high for c in classes) == (count > 0)
        assert (mapdata.colour_of(count, classes) == 0) == (count == 0)
    assert len({c.colour for c in classes}) == len(classes) <= mapdata.MAX_CLASSES
    if classes:
        assert classes[-1].colour == mapdata.PALETTE_STEPS[len(classes)][-1] and classes[-1].high == max(counts)
        assert [c.colour for c in classes] == sorted(c.colour for c in classes)


def test_palette_is_sequential_from_light_to_dark():
    def lightness(hex_colour):
        r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [lightness(c) for c in mapdata.PALETTE]
    assert values == sorted(values, reverse=True)
    assert all(a - b > 0.07 for a, b in zip(values, values[1:], strict=False))  # neighbours told apart


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["none", "1", "2–9", "10–1,250"]),
    ("de", ["1", "2–9", "10–1.250"]),
    ("fr", ["1", "2–9", "10–1\xa0250"]),
])
def test_legend_bounds_in_the_readers_number_format(lang, expected):
    classes = [mapdata.ColourClass(1, 1, 1), mapdata.ColourClass(2, 9, 3), mapdata.ColourClass(10, 1250, 5)]
    with translation.override(lang):
        labels = [row["label"] for row in map_legend(classes)]
    assert labels[-len(expected):] == expected
    assert [row["colour"] for row in map_legend(classes)] == [0, 1, 3, 5]


def _shapes():
    return [{"code": r.code, "country": r.country, "geometry": r.geometry} for r in Region.objects.order_by("code")]


def _has_segment(lines, a, b):
    for line in lines:
        for p, q in zip(line, line[1:], strict=False):
            if {tuple(p), tuple(q)} == {a, b}:
                return True
    return False


def _shared_segment(first, second):
    def segments(code):
        region = Region.objects.get(code=code)
        return set(mapdata._segments(region.geometry))

    shared = segments(first) & segments(second)
    assert shared, (first, second)
    return next(iter(sorted(shared)))


def test_country_borders_are_the_segments_shared_across_countries():
    layers = mapdata.borders(_shapes())
    lines = {f["properties"]["kind"]: f["geometry"]["coordinates"] for f in layers["features"]}
    assert set(lines) == {"country", "outline"}
    tyrol_south_tyrol = _shared_segment("AT33", "ITH1")  # Austria / Italy
    tyrol_salzburg = _shared_segment("AT33", "AT32")  # inside Austria
    assert _has_segment(lines["country"], *tyrol_south_tyrol)
    assert not _has_segment(lines["country"], *tyrol_salzburg)
    assert not _has_segment(lines["outline"], *tyrol_salzburg)


def test_label_points_lie_in_their_region_and_countries_are_named():
    for shape in _shapes():
        _area, (x, y) = mapdata.label_point(shape["geometry"])
        coords = [p for polygon in mapdata._polygons(shape["geometry"]) for p in polygon[0]]
        assert min(p[0] for p in coords) <= x <= max(p[0] for p in coords)
        assert min(p[1] for p in coords) <= y <= max(p[1] for p in coords)
    points = mapdata.country_points(_shapes())
    assert set(points) == {"AT", "CH", "DE", "FR", "IT", "SI"}  # Liechtenstein is too small to name
    lon, lat = points["AT"]
    assert 12 < lon < 16 and 46.5 < lat < 48.5


@pytest.fixture
def mapped():
    selectors.region_shapes_clear()
    lead = Organisation.objects.create(name="Verein Reparatur Tirol", type="ngo", country="AT", status="published",
                                       region=Region.objects.get(code="AT33"))
    repair = publish(title="Repair café", summary="Volunteers repair appliances. " * 10, regions=("AT33",),
                     lead=lead, stage="pilot", point=(47.27, 11.4),
                     translations={"de": {"summary": "Ehrenamtliche reparieren Geräte."}})
    publish(title="Care at home", summary="Nurses.", regions=("AT33", "ITC4"))
    return repair


def test_regions_geojson_carries_classes_borders_and_names(client, mapped):
    with translation.override("de"):
        data = json.loads(client.get(reverse("observatory:map_regions")).content)
    tyrol = next(f["properties"] for f in data["features"] if f["id"] == "AT33")
    lombardy = next(f["properties"] for f in data["features"] if f["id"] == "ITC4")
    salzburg = next(f["properties"] for f in data["features"] if f["id"] == "AT32")
    assert salzburg["colour"] == 0 and 0 < lombardy["colour"] < tyrol["colour"]
    assert [(c["low"], c["high"]) for c in data["classes"]] == [(1, 1), (2, 2)]
    assert data["palette"] == list(mapdata.PALETTE) and data["legend"][0]["colour"] == 0
    assert {f["properties"]["kind"] for f in data["borders"]["features"]} == {"country", "outline"}
    assert {c["code"]: c["name"] for c in data["countries"]}["AT"] == "Österreich"
    assert len(tyrol["label_point"]) == 2


def test_point_popups_have_stage_organisation_and_summary(client, mapped):
    with translation.override("de"):
        data = json.loads(client.get(reverse("observatory:map_points")).content)
    (point,) = data["features"]
    props = point["properties"]
    assert props["organisation"] == "Verein Reparatur Tirol"
    assert props["stage"] == "Pilotphase"
    assert props["summary"] == "Ehrenamtliche reparieren Geräte." and props["summary_lang"] == "de"
    with translation.override("en"):
        data = json.loads(client.get(reverse("observatory:map_points")).content)
    props = data["features"][0]["properties"]
    assert props["stage"] == "Pilot" and props["summary"].endswith("…") and len(props["summary"]) <= 180


def test_map_page_states_the_classes_in_a_legend(client, mapped):
    html = client.get(url("map")).content.decode()
    assert 'id="map-legend"' in html
    assert '<span class="swatch swatch-0" aria-hidden="true"></span>none' in html
    assert '<span class="swatch swatch-5" aria-hidden="true"></span>2' in html


def test_initiative_page_shows_a_small_map_not_coordinates(client, mapped):
    html = client.get(url("initiative_detail", initiative_id=mapped.pk)).content.decode()
    assert 'id="initiative-map"' in html and 'data-regions="AT33 "' in html
    assert 'data-lat="47.27" data-lon="11.4"' in html
    assert "47.2700" not in html and "js/initiative-map.js" in html


def test_tiles_are_off_by_default_and_a_setting_turns_them_on(client, mapped, settings):
    html = client.get(url("initiative_detail", initiative_id=mapped.pk)).content.decode()
    assert 'data-tiles-url=""' in html
    settings.ASIS_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.ASIS_MAP_TILES_ATTRIBUTION = "© Example tiles"
    response = client.get(url("initiative_detail", initiative_id=mapped.pk))
    html = response.content.decode()
    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html and "© Example tiles" in html
    assert "https://tiles.example.org" in response["Content-Security-Policy"]
