"""Journey (issue 11): a project holder fills a report with a value and an evidence file and submits
it; the programme manager returns it with a comment; the holder corrects it and submits again; the
manager validates it and it is locked. Once in German on a 360 px phone, once in English on a
desktop; every page is checked by axe (see conftest.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from asis.accounts.models import Membership, Role
from asis.impact.models import Report
from tests.conftest import make_org, make_user
from tests.e2e.helpers import login, no_overflow
from tests.impact.helpers import make_indicator, make_project, monitor

pytestmark = pytest.mark.django_db(transaction=True)

HOLDER = "hanna.bericht@example.org"
MANAGER = "paul.pruefer@example.org"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _click(page, selector):
    with page.expect_navigation():
        page.click(selector)
    page.check()


def _world(language):
    authority = make_org("Land Tirol Abteilung Soziales", "AT33")
    manager = make_user(MANAGER, full_name="Paul Prüfer", preferred_language=language)
    Membership.objects.create(user=manager, organisation=authority, role=Role.PROGRAMME_MANAGER)
    holder = make_user(HOLDER, full_name="Hanna Bericht", preferred_language=language)
    applicant = make_org("Verein Dorfladen Ötztal", "AT33")
    Membership.objects.create(user=holder, organisation=applicant, role=Role.PROJECT_HOLDER)
    today = timezone.localdate()
    project = make_project(applicant, holder, funder=authority, title="Dorfladen Ötztal", periods=2,
                           start=(today - timedelta(days=400)).replace(day=1))
    project.application.budget_lines = [{"category": "personnel", "description": "Koordination", "amount": "30000"}]
    project.application.save(update_fields=["budget_lines"])
    reached = monitor(project, make_indicator(name="Persons reached", unit="persons", disaggregations=["sex"],
                                              plausible_min=Decimal(0), plausible_max=Decimal(10000)))
    return project, project.periods.order_by("number").first(), reached


@pytest.mark.parametrize(("language", "width"), [("de", 360), ("en", 1280)])
def test_report_submitted_returned_corrected_validated(page, language, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    project, period, reached = _world(language)
    evidence = tmp_path / "teilnahmeliste.pdf"
    evidence.write_bytes(PDF)

    # the holder writes the report from the project page, with a value and a file, and submits it
    login(page, HOLDER, language)
    page.goto(f"/{language}/impact/projects/{project.pk}/")
    no_overflow(page, width)
    _click(page, f"main a[href$='/periods/{period.pk}/report/']")
    no_overflow(page, width)
    page.fill(f"#id_v-{reached.pk}-total", "120")
    page.fill(f"#id_v-{reached.pk}-sex-female", "70")
    page.fill("#id_narrative", "Der Laden ist offen.")
    page.fill("#id_b-0", "12000")
    page.set_input_files("#id_evidence", str(evidence))
    _click(page, "main button[name=submit]")
    report = Report.objects.get(period=period)
    assert report.status == Report.Status.SUBMITTED and report.evidence.count() == 1
    assert page.url.endswith(f"/impact/reports/{report.pk}/")

    # the manager returns it with a comment
    login(page, MANAGER, language)
    page.goto(f"/{language}/impact/reports/{report.pk}/")
    no_overflow(page, width)
    page.fill("#id_comment", "Bitte die Zahl der Männer ergänzen.")
    _click(page, "main button[name=decision][value=return]")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED

    # the holder sees the comment, corrects the report and submits it again
    login(page, HOLDER, language)
    page.goto(f"/{language}/impact/projects/{project.pk}/periods/{period.pk}/report/")
    assert "Bitte die Zahl der Männer ergänzen." in page.locator("main").inner_text()
    page.fill(f"#id_v-{reached.pk}-sex-male", "50")
    _click(page, "main button[name=submit]")
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.version == 2

    # the manager compares the versions and validates; the report is locked
    login(page, MANAGER, language)
    page.goto(f"/{language}/impact/reports/{report.pk}/versions/")
    no_overflow(page, width)
    assert "Persons reached" in page.locator("main table").inner_text()
    page.goto(f"/{language}/impact/reports/{report.pk}/")
    _click(page, "main button[name=decision][value=validate]")
    report.refresh_from_db()
    assert report.status == Report.Status.VALIDATED and report.locked
    assert page.locator("main form[action$='/unlock/']").count() == 1

    # the holder can no longer edit it: the form sends them to the locked report
    login(page, HOLDER, language)
    page.goto(f"/{language}/impact/projects/{project.pk}/periods/{period.pk}/report/")
    assert page.url.endswith(f"/impact/reports/{report.pk}/")
    assert page.locator("main a[href$='/report/']").count() == 0
    no_overflow(page, width)
    assert list(report.events.values_list("action", flat=True)) == ["submitted", "returned", "submitted", "validated"]
