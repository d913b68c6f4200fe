"""End to end: search the catalogue with a word inside a compound, see the match marked, apply a
facet by ticking it (no submit button), on a phone through the "Filters (n)" drawer with the
results first and no horizontal overflow; then the header's site-wide search. axe checks every page."""

from __future__ import annotations

import pytest

from asis.observatory.models import Challenge
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db(transaction=True)

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def catalogue():
    green = Challenge.objects.create(code="e2e-green", name="Green transition", sdgs=[7], position=0)
    care = Challenge.objects.create(code="e2e-care", name="Care and ageing", sdgs=[3], position=1)
    publish(title="Bürgerenergiegemeinschaft – Tirol", summary="Haushalte teilen Solarstrom.", language="de",
            challenges=[green])
    publish(title="Energy advice for care homes", summary="Lower bills for care homes.", challenges=[care])
    publish(title="Community nursing", summary="Nurses visit older people at home.", challenges=[care])


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("de", 360)])
def test_search_mark_facet_on_click_and_site_search(page, catalogue, language, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/{language}/observatory/")
    page.fill("#catalogue-q", "Energie")
    page.click(".catalogue-search button[type=submit]")
    page.wait_for_url("**/observatory/?q=Energie*")
    page.check()
    titles = page.locator(".result-title").all_inner_texts()
    assert titles[0] == "Bürgerenergiegemeinschaft – Tirol" and len(titles) == 2
    assert page.locator(".result-title mark").first.inner_text() == "Bürgerenergiegemeinschaft"
    assert page.evaluate(OVERFLOW) <= 0

    toggle = page.locator(".filters-toggle")
    if width < 700:  # phone: results first, filters behind the drawer button
        assert toggle.is_visible() and toggle.inner_text() == "Filter (0)"  # German: the phone case runs in de
        assert not page.locator("#catalogue-filters").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
    else:
        assert not toggle.is_visible()
    assert not page.locator("#catalogue-filters button[type=submit]").first.is_visible()  # applies on click
    page.locator("#facet-challenge label", has_text="Care and ageing").click()
    page.wait_for_url("**challenge=e2e-care*")
    page.check()
    assert page.locator(".result-title").all_inner_texts() == ["Energy advice for care homes"]
    if width < 700:
        assert toggle.inner_text() == "Filter (1)" and page.locator("#catalogue-filters").is_visible()
    assert page.evaluate(OVERFLOW) <= 0

    if width < 700:  # on a phone the site-wide search box is in the menu
        page.click("button.menu-toggle")
    page.fill("#site-search-q", "energie")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=energie")
    page.check()
    assert page.locator("#group-initiatives").is_visible() and page.locator("#group-calls").is_visible()
    assert "Bürgerenergiegemeinschaft – Tirol" in page.locator(".search-group").first.inner_text()
    assert page.evaluate(OVERFLOW) <= 0
