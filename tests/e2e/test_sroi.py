"""Journey: a programme manager opens the demo SROI analysis of a funded project, looks at the
impact map editor, runs the Monte Carlo as a background job (progress shown), sees the tornado and
the distribution with their tables, and downloads the PDF report. In German on a 360 px phone and
in English on a desktop; every page is checked by axe (see conftest.py)."""

from __future__ import annotations

import pytest

from asis.accounts.models import Membership, Role
from asis.core.jobs import run_job
from asis.core.models import Job
from asis.impact.models_sroi import SroiRun
from asis.impact.sroi.demo import sroi_demo_create
from asis.impact.sroi.services import JOB_KIND
from tests.conftest import make_org, make_user
from tests.e2e.helpers import login, no_overflow
from tests.impact.helpers import make_project

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER = "sina.wirkung@example.org"


@pytest.mark.parametrize(("language", "width"), [("de", 360), ("en", 1280)])
def test_manager_runs_the_sroi_monte_carlo_and_downloads_the_pdf(page, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    authority = make_org("Land Tirol Abteilung Soziales", "AT33")
    manager = make_user(MANAGER, full_name="Sina Wirkung", preferred_language=language)
    Membership.objects.create(user=manager, organisation=authority, role=Role.PROGRAMME_MANAGER)
    holder = make_user("hans.halter@example.org", full_name="Hans Halter")
    holder_org = make_org("Verein Dorfpflege Ötztal", "AT33")
    Membership.objects.create(user=holder, organisation=holder_org, role=Role.PROJECT_HOLDER)
    project = make_project(holder_org, holder, funder=authority, title="Dorfpflege Ötztal", periods=1)
    analysis = sroi_demo_create(project=project, manager=manager, draws=2_000)
    first_run = SroiRun.objects.get(analysis=analysis)

    login(page, MANAGER, language)
    page.goto(f"/{language}/impact/sroi/")
    page.click(f"main a[href$='/impact/sroi/{analysis.pk}/']")
    page.wait_for_load_state("load")
    page.check()
    assert page.locator("#sroi-tornado-title").count() == 1
    assert page.locator("#sroi-histogram-title").count() == 1
    no_overflow(page, width)

    page.goto(f"/{language}/impact/sroi/{analysis.pk}/edit/")
    assert page.locator("main fieldset.sroi-row").count() == 5  # the analysis, three outcomes, one empty row
    no_overflow(page, width)
    page.goto(f"/{language}/impact/sroi/{analysis.pk}/")

    page.fill("#id_draws", "5000")
    page.fill("#id_seed", "11")
    with page.expect_navigation():
        page.click("#run button[type=submit]")
    page.check()
    assert page.locator("#job-progress progress").count() == 1  # queued: the progress bar polls the job
    job = Job.objects.get(kind=JOB_KIND, owner=manager)
    assert run_job.call(str(job.pk)) == "succeeded", Job.objects.get(pk=job.pk).error
    page.locator("#job-progress .status-succeeded").wait_for()  # htmx polling shows the end
    with page.expect_navigation():
        page.click("#run a[href]")
    page.check()
    latest = SroiRun.objects.filter(analysis=analysis).exclude(pk=first_run.pk).get()
    assert (latest.draws, latest.seed) == (5000, 11)
    figures = page.locator("main").inner_text()
    draws = "5.000" if language == "de" else "5,000"
    assert f"{draws} " in figures  # the run line, in the reader's number format
    page.locator("details.chart-data summary").first.click()
    assert page.locator("figure.chart table").first.is_visible()
    no_overflow(page, width)

    with page.expect_download() as download:
        page.click(f"main a[href$='/impact/sroi/{analysis.pk}/report.pdf']")
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
