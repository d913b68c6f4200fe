"""End to end: search the catalogue, filter by a facet, go to the map, open a region's profile
by clicking its shape and by its keyboard link; axe checks every page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from asis.observatory.models import Challenge
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue():
    from asis.observatory import selectors

    selectors.region_shapes_clear()
    green = Challenge.objects.create(code="e2e-green", name="Green transition", sdgs=[7, 13], position=0)
    care = Challenge.objects.create(code="e2e-care", name="Care and ageing", sdgs=[3], position=1)
    publish(title="Repair café network", summary="Volunteers repair appliances with their neighbours.",
            regions=("AT33",), challenges=[green], start=date(2020, 1, 1), point=(47.27, 11.4),
            pillar_need="Waste.", pillar_collaboration="Neighbours.", pillar_impact="Less waste.",
            translations={"de": {"summary": "Ehrenamtliche reparieren Geräte gemeinsam mit Nachbarn."}})
    publish(title="Community nursing", summary="Nurses visit older people at home.",
            regions=("AT33", "ITH1"), challenges=[care], start=date(2022, 6, 1), point=(46.5, 11.35))
    publish(title="Solar cooperative", summary="Citizens own the solar panels of their village.",
            regions=("FRK2",), challenges=[green], start=date(2019, 3, 1))


def test_search_filter_map_and_region(page, catalogue):
    page.goto("/en/")
    page.click("nav.main-nav >> text=Observatory")
    page.wait_for_url("**/en/observatory/")
    page.check()
    assert page.locator(".result-list > li").count() == 3

    page.fill("#catalogue-q", "Nachbarn")  # a German word, only in a translation
    page.click(".catalogue-search button[type=submit]")
    page.wait_for_url("**/observatory/?q=Nachbarn*")
    page.check()
    assert page.locator(".result-title").all_inner_texts() == ["Repair café network"]

    page.goto("/en/observatory/")
    page.locator("#facet-challenge label", has_text="Green transition").click()  # applies on click
    page.wait_for_url("**challenge=e2e-green*")
    page.check()
    assert sorted(page.locator(".result-title").all_inner_texts()) == ["Repair café network", "Solar cooperative"]
    assert page.locator(".active-filters").inner_text().count("Green transition") == 1

    page.click("text=Show these initiatives on the map")
    page.wait_for_url("**/observatory/map/?challenge=e2e-green")
    page.wait_for_selector("path[data-region='AT33']")
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster")
    page.check()
    assert "© EuroGeographics for the administrative boundaries" in page.inner_text("main")
    assert page.locator(".region-table tbody tr").count() == 42

    # markers and cluster bubbles are focusable buttons with a text for screen readers
    page.wait_for_selector(".leaflet-marker-icon")
    icons = page.locator(".leaflet-marker-icon")
    assert all(icons.nth(i).get_attribute("tabindex") == "0" for i in range(icons.count()))
    clusters = page.locator(".marker-cluster")
    if clusters.count():
        assert "press Enter to zoom in" in clusters.first.inner_text()

    # keyboard: a region shape is focusable and opens the profile with Enter
    shape = page.locator("path[data-region='AT33']")
    assert shape.get_attribute("tabindex") == "0"
    shape.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/observatory/regions/AT33/")
    page.check()
    assert "Tirol" in page.locator("h1").inner_text()
    assert page.locator("svg[role=img]").count() == 2

    # mouse: click a shape on the map
    page.goto("/en/observatory/map/")
    page.wait_for_selector("path[data-region='FRK2']")
    page.locator("path[data-region='FRK2']").click(force=True)
    page.wait_for_url("**/observatory/regions/FRK2/")
    page.check()

    # the list of links below the map works without the map
    page.goto("/en/observatory/map/")
    page.click(".region-link[data-region='ITH1']")
    page.wait_for_url("**/observatory/regions/ITH1/")
    page.check()
    page.click("text=Community nursing")
    page.wait_for_url("**/observatory/initiatives/*/")
    page.check()
    assert "CC BY 4.0" in page.inner_text("main")

    # download the current filter as an export (open data)
    page.goto("/en/observatory/?region=ITH1")
    page.click("text=Download these results")
    page.wait_for_url("**/observatory/export/**")
    page.check()
    with page.expect_download() as download_info:
        page.click("a[href*='export.csv']")
    rows = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("id,") and len(rows) >= 2
    assert all("ITH1" in row for row in rows[1:])
