"""A programme manager opens the programme dashboard and the region map (shaded regions, table
alternative), switches to German and downloads the XLSX of the dashboard's tables; on a desktop and
on a 360 px phone, every page checked by axe and none wider than the screen."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from asis.accounts.models import Membership, Role
from asis.impact.models import RegionStatistic
from tests.conftest import PASSWORD, make_org, make_user
from tests.impact.dashboard_data import value
from tests.impact.helpers import make_indicator, make_project, monitor

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize("width", [1280, 360])
def test_manager_reads_the_programme_dashboard_and_the_region_map(page, width):
    org = make_org("Land Tirol Wirkung", "AT33")
    manager = make_user("mara.manager@example.org", full_name="Mara Managerin")
    Membership.objects.create(user=manager, organisation=org, role=Role.PROGRAMME_MANAGER)
    holder = make_user("hugo.holder@example.org")
    indicator = make_indicator(name="Persons reached", unit="persons", disaggregations=["sex"])
    for k in range(3):
        project = make_project(org, holder, title=f"Dorfladen {k}", periods=2)
        pi = monitor(project, indicator)
        value(project, pi, 1, 1200 + k)
        value(project, pi, 1, 700, disaggregation="sex=female")
    region = project.application.region
    RegionStatistic.objects.create(region=region, year=2024, value=Decimal("760000"), source="Demo figure (test)",
                                   licence="CC0-1.0")

    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/en/accounts/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/en/")

    page.goto(f"/en/impact/programmes/{org.pk}/")
    main = page.locator("main").inner_text()
    assert "Persons reached" in main and "3,603" in main  # 1,200 + 1,201 + 1,202
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), "the dashboard is wider than the screen"

    page.goto(f"/en/impact/programmes/{org.pk}/regions/")
    page.wait_for_selector("#impact-region-map.map-ready")
    assert page.locator("#impact-region-map path.leaflet-interactive").count() > 10
    assert "per 1,000 inhabitants" in page.locator("main").inner_text()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), "the region map page is wider than the screen"

    page.goto(f"/en/impact/programmes/{org.pk}/")
    if width < 700:
        page.click("button.menu-toggle")
    page.select_option("#language-select", "de")
    page.click(".lang-switch button")
    page.wait_for_url(f"**/de/impact/programmes/{org.pk}/")
    page.check()
    assert page.locator("html").get_attribute("lang") == "de"
    assert "3.603" in page.locator("main").inner_text()  # German grouping
    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    results = list(book["Results"].iter_rows(values_only=True))
    assert results[0][:5] == ("indicator_code", "indicator", "breakdown", "group", "value")
    assert results[1][4] == 3603 and results[1][7] == 3
