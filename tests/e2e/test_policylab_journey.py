"""The policy lab's whole flow in a browser, in German on a 360 px phone (axe on every page):

a policy officer builds two scenarios, moves a slider and sees the mean-field preview change,
runs each Monte Carlo with its progress bar (the chunks run as background jobs, one by one),
compares the two on the fan charts and the difference map, adds the comparison as evidence to a
recommendation of the white book; the editor opens the consultation; a citizen comments on a
paragraph; the editor publishes the comment, closes the consultation, adopts the edition and
downloads its PDF and DOCX. The other two policy-lab journeys (results, white book) run in English
on a desktop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from asis.accounts.models import Membership, Role
from asis.core.jobs import run_job
from asis.policylab.models import Comparison, Scenario, SimulationRun
from asis.policylab.models_whitebook import Comment, Edition, Evidence
from tests.conftest import make_org, make_user
from tests.e2e.helpers import login, no_overflow, submit
from tests.policylab.whitebook_helpers import make_edition, verified

pytestmark = pytest.mark.django_db(transaction=True)

OFFICER = "olga.referentin@example.org"
EDITOR = "eda.redaktion@example.org"
CITIZEN = "clara.buergerin@example.org"
LANGUAGE, WIDTH = "de", 360


def _build_scenario(page, name: str, budget: str) -> Scenario:
    page.goto(f"/{LANGUAGE}/policy-lab/")
    no_overflow(page, WIDTH)
    submit(page, "#new-scenario")
    no_overflow(page, WIDTH)
    page.fill("#id_name", name)
    page.fill("#id_budget_eur_per_year", budget)
    page.fill("#id_horizon_years", "3")
    page.fill("#id_n_runs", "30")
    page.fill("#id_agents", "2000")
    submit(page, "#update-preview")  # the button that works without JavaScript: the same form back
    assert page.locator("#id_horizon_years").input_value() == "3"
    # Dragging the social-weight slider asks for a new preview at once.
    before = page.locator("#preview-result").inner_text()
    slider = page.locator("#id_social_weight_slider")
    assert slider.is_visible()
    slider.fill("60")
    page.wait_for_function("(old) => document.querySelector('#preview-result').innerText !== old", arg=before)
    assert page.locator("#id_social_weight").input_value() == "60"
    # On the phone the preview is below the form: its first key numbers stay in view meanwhile.
    peek = page.locator("#preview-peek")
    first = page.locator("#preview-numbers dd").first.inner_text()
    assert peek.is_visible() and first in peek.inner_text()
    page.locator("#preview-heading").scroll_into_view_if_needed()
    page.wait_for_function("() => document.body.classList.contains('preview-in-view')")
    assert not peek.is_visible()  # the preview itself is on screen: no copy of it
    submit(page, "#save-scenario")
    no_overflow(page, WIDTH)
    return Scenario.objects.get(name=name)


def _run_monte_carlo(page, scenario: Scenario) -> SimulationRun:
    page.goto(f"/{LANGUAGE}/policy-lab/scenarios/{scenario.pk}/")
    submit(page, "#run-monte-carlo")
    no_overflow(page, WIDTH)
    run = SimulationRun.objects.get(scenario=scenario)
    chunks = list(run.chunks.order_by("index"))
    assert len(chunks) == 3 and page.locator("#run-progress-bar").get_attribute("value") == "0"
    for done, chunk in enumerate(chunks, start=1):
        run_job.call(str(chunk.job_id))  # a worker takes one chunk
        # the page polls: the bar follows without a reload
        page.wait_for_function("(n) => document.querySelector('#run-progress-bar')?.getAttribute('value') == n",
                               arg=str(10 * done), timeout=10000)
    page.wait_for_selector("#run-results")
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.SUCCEEDED and run.summary["n_runs"] == 30
    return run


def test_policy_officer_to_adopted_white_book(page, settings):
    settings.ASIS_SIM_CHUNK_RUNS = 10
    page.set_viewport_size({"width": WIDTH, "height": 900})
    authority = make_org("Land Tirol Abteilung Gesellschaft", "AT33")
    officer = make_user(OFFICER, full_name="Olga Referentin", preferred_language=LANGUAGE)
    Membership.objects.create(user=officer, organisation=authority, role=Role.POLICY_OFFICER)
    verified(make_user(EDITOR, full_name="Eda Redaktion", is_editor=True, preferred_language=LANGUAGE))
    verified(make_user(CITIZEN, full_name="Clara Bürgerin", preferred_language=LANGUAGE))
    make_edition(1, status=Edition.Status.DRAFT)

    # 1. Two scenarios, each with its Monte Carlo run.
    login(page, OFFICER, LANGUAGE)
    today = _build_scenario(page, "Heute", "6000000")
    more = _build_scenario(page, "Mehr Budget", "12000000")
    first = _run_monte_carlo(page, today)
    _run_monte_carlo(page, more)

    # 2. Compare them: fan charts and the difference map per region, year by year.
    page.goto(f"/{LANGUAGE}/policy-lab/comparisons/new/")
    no_overflow(page, WIDTH)
    page.fill("#id_name", "Budget im Vergleich")
    page.select_option("#id_visibility", "public")  # evidence for a public document
    page.select_option("#id_reference", str(today.pk))
    page.locator(f"input[name=scenarios][value='{more.pk}']").check()
    submit(page, "main form button[type=submit]")
    no_overflow(page, WIDTH)
    comparison = Comparison.objects.get(name="Budget im Vergleich")
    assert comparison.baseline_id == first.pk
    assert page.locator("[id^=fan-][id$=-figure] svg[role=img]").count() >= 5
    assert page.locator(".map-frame").count() == 3  # one frame per simulated year
    assert page.locator("#difference-table tbody tr").count() == 42

    # 3. The comparison becomes evidence for the recommendation.
    submit(page, "#use-as-evidence")
    no_overflow(page, WIDTH)
    submit(page, "main form button[type=submit]")
    assert Evidence.objects.filter(comparison=comparison).count() == 1

    # 4. The editor opens the consultation.
    login(page, EDITOR, LANGUAGE)
    page.goto(f"/{LANGUAGE}/policy-lab/white-book/1/")
    no_overflow(page, WIDTH)
    assert page.locator("text=Budget im Vergleich").count() >= 1  # the evidence, by name
    closes = timezone.localdate() + dt.timedelta(days=30)
    page.fill("#lifecycle input[name=closes_on]", closes.isoformat())
    submit(page, "#lifecycle form:has(input[value=open]) button")
    assert Edition.objects.get(number=1).status == Edition.Status.CONSULTATION

    # 5. A citizen comments on a paragraph.
    login(page, CITIZEN, LANGUAGE)
    page.goto(f"/{LANGUAGE}/policy-lab/white-book/1/")
    no_overflow(page, WIDTH)
    page.locator("#p-1-1 + .wb-comments > details > summary").click()
    page.fill("#p-1-1 + .wb-comments textarea[name=body]", "Bitte auch Netzwerke in Tälern fördern.")
    submit(page, "#p-1-1 + .wb-comments form button[type=submit]")
    assert Comment.objects.get().status == Comment.Status.PENDING

    # 6. The editor publishes it, closes the consultation, adopts and downloads the edition.
    login(page, EDITOR, LANGUAGE)
    page.goto(f"/{LANGUAGE}/policy-lab/white-book/moderation/")
    no_overflow(page, WIDTH)
    submit(page, "main form button[type=submit]")
    assert Comment.objects.get().status == Comment.Status.PUBLISHED
    page.goto(f"/{LANGUAGE}/policy-lab/white-book/1/")
    submit(page, "#lifecycle form:has(input[value=close]) button")
    submit(page, "#lifecycle form:has(input[value=adopt]) button")
    no_overflow(page, WIDTH)
    edition = Edition.objects.get(number=1)
    assert edition.status == Edition.Status.ADOPTED and edition.snapshot
    for link in ("export.pdf", "export.docx"):
        with page.expect_download() as download:
            page.click(f"main a[href$='/white-book/1/{link}']")
        assert download.value.suggested_filename.endswith(link.split(".")[1])
