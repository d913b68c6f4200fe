"""Journey: a programme manager runs a difference-in-differences on the demo's regional panel,
sees the event-study plot, the pre-trend test and the interpretation, and downloads the PDF.
Once in German on a 360 px phone, once in English on a desktop; axe checks every page."""

from __future__ import annotations

import pytest

from asis.accounts.models import Membership, Role
from asis.core.jobs import run_job
from asis.core.models import AuditEntry, Job
from asis.impact.counterfactual import demo
from asis.impact.models_counterfactual import CounterfactualStudy
from asis.regions.models import Region
from tests.conftest import make_org, make_user
from tests.e2e.helpers import login, no_overflow

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER = "anna.analyse@example.org"


@pytest.mark.parametrize(("language", "width"), [("de", 360), ("en", 1280)])
def test_manager_runs_a_did_on_the_demo_panel(page, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    authority = make_org("Land Tirol Abteilung Gesellschaft", "AT33")
    manager = make_user(MANAGER, full_name="Anna Analyse", preferred_language=language)
    Membership.objects.create(user=manager, organisation=authority, role=Role.PROGRAMME_MANAGER)
    panel = demo.demo_panel(authority, manager)
    login(page, MANAGER, language)

    page.goto(f"/{language}/impact/counterfactual/")
    no_overflow(page, width)
    with page.expect_navigation():
        page.click(f"a[href$='/panels/{panel.pk}/']")
    page.check()
    no_overflow(page, width)
    with page.expect_navigation():
        page.click(f"a[href$='/panels/{panel.pk}/studies/new/']")
    page.check()
    no_overflow(page, width)

    treated = demo.treated_regions(list(Region.objects.order_by("code").values_list("name", flat=True)))
    page.fill("#id_name", "Care allowance 2020")
    for unit in panel.rows.values_list("unit", flat=True).distinct():
        name = "treated" if unit in treated else "comparison"
        page.locator(f"input[name={name}][value=\"{unit}\"]").check()
    page.select_option("#id_treatment_start", "2020")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.check()
    study = CounterfactualStudy.objects.get()
    assert page.locator("[role=status]").count() == 1  # queued: no worker runs here
    assert run_job.call(str(study.job_id)) == "succeeded", Job.objects.get(pk=study.job_id).error

    page.reload()
    page.check()
    no_overflow(page, width)
    assert page.locator("svg[role=img][aria-labelledby='es-title es-desc']").is_visible()
    assert page.locator("#pre-trend").inner_text().strip()
    assert page.locator("#headline").inner_text().strip()
    assert page.locator("#direction").is_visible()  # the demo's effect is clear: interpreted, not refused
    assert page.locator("#refusal").count() == 0
    page.locator(".chart-data summary").first.click()
    assert page.locator(".chart-data table").first.is_visible()

    with page.expect_download() as download:
        page.click("#pdf-link")
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert AuditEntry.objects.filter(action="asis.impact.counterfactual.run").count() == 1
