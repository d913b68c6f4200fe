"""End to end, in two languages, on a desktop and on a 360 px phone: the map is readable (shaded
regions that fill the frame, country names, a legend with the classes, small markers whose popup
tells stage, organisation and summary), an initiative page shows a small map instead of raw
coordinates, and the footer leads to the accessibility statement and to the help for the page.
axe checks every page; no page is wider than the screen."""

from __future__ import annotations

from datetime import date

import pytest

from asis.accounts.models import Organisation
from asis.core.models import SitePage
from asis.core.page_defaults import site_pages_seed
from asis.regions.models import Region
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": (1280, 900), "phone": (360, 740)}

NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
# The shapes' box against the frame: fitted, they span (nearly) its width or its height.
FILLS = """() => {
  const frame = document.getElementById('observatory-map').getBoundingClientRect();
  const boxes = [...document.querySelectorAll('#observatory-map path[data-region]')].map(p => p.getBoundingClientRect());
  const left = Math.max(frame.left, Math.min(...boxes.map(b => b.left)));
  const right = Math.min(frame.right, Math.max(...boxes.map(b => b.right)));
  const top = Math.max(frame.top, Math.min(...boxes.map(b => b.top)));
  const bottom = Math.min(frame.bottom, Math.max(...boxes.map(b => b.bottom)));
  return Math.max((right - left) / frame.width, (bottom - top) / frame.height);
}"""


@pytest.fixture
def observatory():
    from asis.observatory import selectors

    selectors.region_shapes_clear()
    site_pages_seed(SitePage)
    lead = Organisation.objects.create(name="Verein Reparatur Tirol", type="ngo", country="AT", status="published",
                                       region=Region.objects.get(code="AT33"))
    publish(title="Repair café network", summary="Volunteers repair appliances with their neighbours.",
            regions=("AT33",), lead=lead, stage="pilot", start=date(2020, 1, 1), point=(47.27, 11.4))
    publish(title="Solar cooperative", summary="Citizens own the solar panels of their village.",
            regions=("FRK2",), lead=lead, stage="scaling", start=date(2019, 3, 1))
    publish(title="Care at home", summary="Nurses visit older people.", regions=("AT33", "ITC4"), lead=lead)


@pytest.mark.parametrize(("lang", "width"), [("en", "desktop"), ("de", "phone")])
def test_readable_map_initiative_map_and_footer_pages(page, observatory, lang, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(f"/{lang}/observatory/map/")
    page.wait_for_selector("#observatory-map.map-ready path[data-region='AT33']")
    page.wait_for_selector(".map-label-country")
    assert page.evaluate(NO_OVERFLOW)
    assert page.evaluate(FILLS) > 0.9
    assert "ÖSTERREICH" in page.inner_text(".leaflet-labels-pane").upper() or \
        "AUSTRIA" in page.inner_text(".leaflet-labels-pane").upper()
    fills = page.evaluate("() => [...document.querySelectorAll('path[data-region]')].map(p => p.getAttribute('fill'))")
    assert len(set(fills)) >= 3  # none, and two classes (AT33 has two initiatives, FRK2 and ITC4 one)
    assert page.locator("#observatory-map path[stroke='#1b1f24']").count() >= 1  # borders
    # zoomed in, the regions' names replace the countries'
    clicks = 0
    while page.locator(".map-label-region").count() == 0 and clicks < 4:
        page.click(".leaflet-control-zoom-in")
        page.wait_for_timeout(400)  # the zoom animation; only the labels' presence is asserted
        clicks += 1
    page.wait_for_selector(".map-label-region >> text=Tirol")
    page.wait_for_selector(".map-label-country", state="detached")
    for _ in range(clicks):
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(400)
    page.wait_for_selector(".map-label-country")
    legend = page.locator("#map-legend li").all_inner_texts()
    assert len(legend) == 3 and legend[-1].strip() == "2"

    # a small marker; its popup says stage, organisation and summary
    marker = page.locator(".map-point").first
    marker.wait_for()
    box = marker.bounding_box()
    assert box["width"] <= 16 and box["height"] <= 16
    marker.click()
    popup = page.locator(".map-popup")
    popup.wait_for()
    # the map pans the popup clear of the zoom buttons; axe reads its colours once it has faded in
    page.wait_for_function("""() => {
        const popup = document.querySelector('.leaflet-popup');
        return popup.getBoundingClientRect().left >=
            document.querySelector('.leaflet-control-zoom').getBoundingClientRect().right
            && getComputedStyle(popup).opacity === '1';
    }""")
    text = popup.inner_text()
    assert "Verein Reparatur Tirol" in text and "Volunteers repair appliances" in text
    assert ("Pilot" in text) and ("Stage:" in text or "Phase" in text or ":" in text)
    page.check()

    # the initiative page: a small map, no raw coordinates
    popup.locator("a").click()
    page.wait_for_url("**/observatory/initiatives/*/")
    page.wait_for_selector("#initiative-map.map-ready")
    page.check()
    assert "47.27" not in page.inner_text("main") and "47,27" not in page.inner_text("main")
    highlighted = page.evaluate("() => [...document.querySelectorAll('#initiative-map path')]"
                                ".filter(p => p.getAttribute('fill') === '#41b6c4').length")
    assert highlighted == 1
    assert page.evaluate(NO_OVERFLOW)

    # the footer: the help for this page, then the accessibility statement
    page.click("footer >> a[href$='/help/observatory/']")
    page.wait_for_url(f"**/{lang}/help/observatory/")
    page.check()
    assert page.evaluate(NO_OVERFLOW)
    page.click(f"footer >> a[href='/{lang}/pages/accessibility/']")
    page.wait_for_url(f"**/{lang}/pages/accessibility/")
    page.check()
    assert page.evaluate(NO_OVERFLOW)
    assert page.locator("h1").inner_text() in ("Accessibility statement", "Erklärung zur Barrierefreiheit")
    page.goto(f"/{lang}/help/")
    assert page.evaluate(NO_OVERFLOW)

    # the API documentation in the site's frame, with a getting-started text
    page.click("footer >> a[href='/api/v1/docs']")
    page.wait_for_selector("#swagger-ui .opblock")
    page.check()
    assert page.locator("header.site-header").count() == 1
    assert "Authorization: Bearer" in page.inner_text(".api-start")
