"""Journey: a policy officer opens a run's results, compares two scenarios, plays the animated
difference map, picks a year without JavaScript's help, shares the comparison and downloads the
PDF brief and the data. Once in German on a 360 px phone, once in English on a desktop; axe
checks every page."""

from __future__ import annotations

import pytest

from asis.accounts.models import Membership, Role
from asis.policylab.models import Comparison
from tests.conftest import make_org, make_user
from tests.e2e.helpers import login, no_overflow, submit
from tests.policylab.results_helpers import make_run

pytestmark = pytest.mark.django_db(transaction=True)

OFFICER = "olga.officer@example.org"


@pytest.mark.parametrize(("language", "width"), [("en", 1280)])  # German at 360 px: test_policylab_journey.py
def test_officer_compares_two_scenarios(page, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    authority = make_org("Land Tirol Abteilung Gesellschaft", "AT33")
    officer = make_user(OFFICER, full_name="Olga Officer", preferred_language=language)
    Membership.objects.create(user=officer, organisation=authority, role=Role.POLICY_OFFICER)
    low = make_run(owner=officer, organisation=authority, name="Heute", budget=500_000.0)
    high = make_run(owner=officer, organisation=authority, name="Mehr Budget", budget=6_000_000.0)
    login(page, OFFICER, language)

    page.goto(f"/{language}/policy-lab/results/runs/{low.pk}/")
    no_overflow(page, width)
    assert page.locator("svg[role=img]").count() == 11  # 5 fan charts, the map, 5 distributions
    submit(page, "#compare-link")
    no_overflow(page, width)
    page.fill("#id_name", "Budget")
    page.locator(f"input[name=scenarios][value='{high.scenario_id}']").check()
    submit(page, "main button[type=submit]")
    no_overflow(page, width)
    comparison = Comparison.objects.get(name="Budget")
    assert comparison.baseline_id == low.pk

    # The player replaces the year select's round trip: the slider shows one frame at a time.
    assert page.locator("[data-player]").is_visible()
    assert page.locator(".map-frame:visible").count() == 1
    page.locator("#year-slider").fill("0")
    assert page.locator('.map-frame[data-year="1"]').is_visible()
    assert page.locator("[data-year-output]").inner_text() == "1"
    page.click("[data-play]")
    page.wait_for_function("() => document.querySelector('[data-year-output]').textContent === '3'", timeout=10000)
    assert page.locator('.map-frame[data-year="3"]').is_visible()

    # Without the player: the form picks the outcome and the year.
    page.select_option("#diff-outcome", "jobs")
    page.select_option("#diff-year", "2")
    submit(page, "#difference-map form button[type=submit]")
    assert page.locator('.map-frame[data-year="2"]').is_visible()
    assert page.locator("#difference-table tbody tr").count() == 42

    share = page.locator("#share-url").input_value()
    assert comparison.share_token in share
    with page.expect_download() as download:
        page.click("#brief-link")
    assert download.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as download:
        page.click("a[href$='export.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")

    # Anyone with the share link reads the comparison.
    page.context.clear_cookies()
    from urllib.parse import urlsplit

    parts = urlsplit(share)
    page.goto(f"{parts.path}?{parts.query}")
    assert page.locator("h1").inner_text() == "Budget"
