"""SROI in the app: quantities from validated monitoring, the editor refusing bad input whole,
re-basing proxies, the background run (audited), the PDF, the price index import, who may do what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asis.core.jobs import run_job
from asis.core.models import AuditEntry, Job
from asis.impact.models import Indicator, Report, ReportValue
from asis.impact.models_sroi import FinancialProxy, PriceIndex, SroiAnalysis, SroiOutcome, SroiRun
from asis.impact.sroi import adapters, services
from tests.impact.helpers import make_indicator, make_project, monitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(world):
    project = make_project(world.org, world.users["project_holder"], title="Dorfladen", periods=2)
    analysis = services.sroi_create(actor=world.users["manager"], project=project, title="Dorfladen SROI",
                                    report_year=2025, investment=Decimal("100000"))
    return analysis


def _row(**changes):
    row = {"stakeholder": "Long-term unemployed people", "outcome": "Sustained employment",
           "project_indicator": None, "quantity": Decimal("20"), "duration_years": 3, "proxy": None,
           "proxy_value": Decimal("10000"), "deadweight": Decimal("0.25"), "displacement": Decimal("0.10"),
           "attribution": Decimal("0.20"), "drop_off": Decimal("0.5"), "ranges": {}}
    row.update(changes)
    return row


def _save(analysis, actor, rows, **fields):
    return services.sroi_save(actor=actor, analysis=analysis, fields={"discount_rate": Decimal("0.035"), **fields},
                              rows=rows)


def test_saved_map_gives_the_worked_example_and_is_audited(world, analysis):
    carers = _row(stakeholder="Family carers", outcome="Less stress", quantity=Decimal("40"), duration_years=4,
                  proxy_value=Decimal("500"), deadweight=Decimal("0.1"), displacement=Decimal("0"),
                  attribution=Decimal("0.5"), drop_off=Decimal("0.2"))
    _save(analysis, world.users["manager"], [_row(), carers])
    computed = services.sroi_compute(analysis)
    assert computed.result.present_value == pytest.approx(203_737.58, abs=0.01)  # docs/methods/sroi.md
    entry = AuditEntry.objects.filter(action="asis.impact.sroi.saved").order_by("-seq").first()
    assert entry.organisation_id == analysis.organisation_id
    assert len(entry.after["outcomes"]) == 2 and entry.before["outcomes"] == []


@pytest.mark.parametrize(("fields", "row", "message"), [
    ({"discount_rate": Decimal("-1")}, {}, "above -100"),
    ({}, {"duration_years": 0}, "duration"),
    ({}, {"deadweight": Decimal("1.5")}, "between 0 and 1"),
    ({"investment": Decimal("0")}, {}, "investment"),
])
def test_bad_input_is_refused_and_nothing_is_saved(world, analysis, fields, row, message):
    _save(analysis, world.users["manager"], [_row()])
    with pytest.raises(ValidationError) as err:
        _save(analysis, world.users["manager"], [_row(**row), _row(stakeholder="Second")], **fields)
    assert message in " ".join(err.value.messages)
    analysis.refresh_from_db()
    assert analysis.discount_rate == Decimal("0.035") and analysis.investment == Decimal("100000")
    assert list(analysis.outcomes.values_list("stakeholder", flat=True)) == ["Long-term unemployed people"]


def test_empty_map_cannot_be_computed(analysis):
    with pytest.raises(ValidationError, match="no outcome"):
        services.sroi_compute(analysis)


def test_quantity_comes_from_validated_monitoring_only(world, analysis):
    indicator = make_indicator(name="Persons in employment", values_mode=Indicator.ValuesMode.PER_PERIOD)
    pi = monitor(analysis.project, indicator)
    periods = list(analysis.project.periods.order_by("number"))
    for period, status, value in ((periods[0], Report.Status.VALIDATED, "12"), (periods[1], Report.Status.SUBMITTED, "30")):
        report = Report.objects.create(project=analysis.project, period=period, status=status)
        ReportValue.objects.create(report=report, project_indicator=pi, value=Decimal(value), unit="persons")
    _save(analysis, world.users["manager"], [_row(project_indicator=pi, quantity=Decimal("99"))])
    monitored = adapters.monitored_quantity(pi)
    assert (monitored.value, monitored.reports) == (Decimal("12"), 1)  # the submitted report does not count
    assert services.sroi_compute(analysis).impact.outcomes[0].quantity == 12.0
    indicator.values_mode = Indicator.ValuesMode.CUMULATIVE
    indicator.save()
    Report.objects.filter(period=periods[1]).update(status=Report.Status.VALIDATED)
    assert adapters.monitored_quantity(pi).value == Decimal("30")  # cumulative: the latest value


def test_library_proxy_is_rebased_with_the_price_index(world, analysis):
    proxy = FinancialProxy.objects.create(name="Test proxy", value=Decimal("1000"), unit="person per year",
                                          country="AT", price_year=2020, source="Test source")
    with pytest.raises(ValidationError, match="has no value for 2020"):
        _save(analysis, world.users["manager"], [_row(proxy=proxy, proxy_value=None)])
    PriceIndex.objects.create(country="AT", year=2020, value=Decimal("100"))
    PriceIndex.objects.create(country="AT", year=2025, value=Decimal("125"))
    _save(analysis, world.users["manager"], [_row(proxy=proxy, proxy_value=None)])
    assert analysis.outcomes.get().proxy_value == Decimal("1250.00")


def test_run_as_background_job_with_progress_and_audit(world, analysis, client):
    _save(analysis, world.users["manager"], [_row(ranges={"deadweight": [0.1, 0.4], "quantity": [10, 30]})])
    client.force_login(world.users["manager"])
    response = client.post(reverse("impact:sroi_run", kwargs={"analysis_id": analysis.pk}),
                           {"draws": "20000", "seed": "7"})
    job = Job.objects.get(kind=services.JOB_KIND)
    assert response.status_code == 302 and f"job={job.pk}" in response["Location"]
    assert run_job.call(str(job.pk)) == "succeeded", Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    assert job.progress == 1.0
    run = SroiRun.objects.get(analysis=analysis)
    mc = run.result["monte_carlo"]
    assert (run.draws, run.seed, mc["draws"]) == (20000, 7, 20000)
    assert mc["interval"][0] < mc["mean"] < mc["interval"][1]
    assert {b["assumption"] for b in run.result["tornado"]} == {"deadweight", "quantity"}
    assert AuditEntry.objects.filter(action="asis.impact.sroi.run", after__run=run.pk).exists()
    page = client.get(reverse("impact:sroi_detail", kwargs={"analysis_id": analysis.pk}) + f"?job={job.pk}")
    text = page.content.decode()
    assert page.status_code == 200 and "sroi-histogram" in text and "sroi-tornado-title" in text
    assert "job-progress" in text


def test_pdf_report(world, analysis, client):
    _save(analysis, world.users["manager"], [_row()])
    client.force_login(world.users["project_holder"])
    response = client.get(reverse("impact:sroi_pdf", kwargs={"analysis_id": analysis.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_holder_reads_but_cannot_edit_or_run(world, analysis, client):
    _save(analysis, world.users["manager"], [_row()])
    client.force_login(world.users["project_holder"])
    detail = client.get(reverse("impact:sroi_detail", kwargs={"analysis_id": analysis.pk}))
    assert detail.status_code == 200 and "Run the Monte Carlo" not in detail.content.decode()
    assert client.get(reverse("impact:sroi_edit", kwargs={"analysis_id": analysis.pk})).status_code == 404
    assert client.post(reverse("impact:sroi_run", kwargs={"analysis_id": analysis.pk}),
                       {"draws": "10", "seed": "1"}).status_code == 404
    client.force_login(world.users["other_manager"])  # another organisation's staff
    assert client.get(reverse("impact:sroi_detail", kwargs={"analysis_id": analysis.pk})).status_code == 404


def test_editor_formset_saves_and_shows_errors(world, analysis, client):
    client.force_login(world.users["manager"])
    url = reverse("impact:sroi_edit", kwargs={"analysis_id": analysis.pk})
    assert client.get(url).status_code == 200
    data = {"title": "Dorfladen SROI", "report_year": "2025", "country": "AT", "investment": "100000",
            "discount_rate": "-1", "discount_rate_low": "", "discount_rate_high": "", "status": "draft",
            "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "60",
            "rows-0-stakeholder": "Carers", "rows-0-outcome": "Less stress", "rows-0-quantity": "40",
            "rows-0-duration_years": "2", "rows-0-proxy_value": "500", "rows-0-deadweight": "0.1",
            "rows-0-displacement": "0", "rows-0-attribution": "0.5", "rows-0-drop_off": "0.2",
            "rows-0-deadweight_low": "0.05", "rows-0-deadweight_high": "0.3"}
    response = client.post(url, data)
    assert response.status_code == 400 and "above -100" in response.content.decode()
    assert not SroiOutcome.objects.filter(analysis=analysis).exists()
    response = client.post(url, {**data, "discount_rate": "0.035"})
    assert response.status_code == 302
    row = SroiOutcome.objects.get(analysis=analysis)
    assert row.ranges == {"deadweight": [0.05, 0.3]}


def test_price_index_import_is_all_or_nothing(world, client):
    text = "country,year,value\nAT,2020,100\nAT,20x0,101\nDE,2021,-3\n"
    report = services.price_index_import(actor=world.users["platform_admin"], text=text)
    assert not report.ok and [line for line, _m in report.rows] == [3, 4]
    assert not PriceIndex.objects.exists()
    report = services.price_index_import(actor=world.users["platform_admin"], text="AT,2020,100\nAT,2021,102.8\n")
    assert report.ok and report.saved == 2 and PriceIndex.objects.count() == 2
    assert AuditEntry.objects.filter(action="asis.impact.price_index.imported").exists()
    client.force_login(world.users["platform_admin"])
    response = client.post(reverse("impact:sroi_price_index"), {"text": "AT,2020,abc"})
    assert response.status_code == 400 and "Line 1" in response.content.decode()


def test_create_from_the_list(world, client):
    project = make_project(world.org, world.users["project_holder"], title="Neu")
    client.force_login(world.users["manager"])
    response = client.post(reverse("impact:sroi_create"), {"target": f"project:{project.pk}", "title": "Neu SROI",
                                                           "report_year": "2025", "investment": "5000"})
    analysis = SroiAnalysis.objects.get(title="Neu SROI")
    assert response.status_code == 302 and analysis.project == project
    assert analysis.organisation == project.application.call.organisation


def test_demo_analysis_has_a_monte_carlo_result(world):
    from asis.impact.sroi import demo

    assert demo.generate(rng=None, size=None, progress=None) == {"sroi_analyses": 0}  # no demo project yet
    project = make_project(world.org, world.users["project_holder"], title="Demo")
    analysis = demo.sroi_demo_create(project=project, manager=world.users["manager"], draws=1_000)
    run = analysis.runs.get()
    assert analysis.outcomes.count() == 3 and "illustrative" in analysis.title
    assert 0.0 <= run.result["monte_carlo"]["probability_above_one"] <= 1.0
    assert len(run.result["tornado"]) == 7  # six ranged assumptions and the discount rate


def test_api_reads_and_runs_by_token(world, client):
    from asis.accounts.services import api_token_create

    project = make_project(world.org, world.users["project_holder"], title="API")
    analysis = services.sroi_create(actor=world.users["manager"], project=project, title="API SROI",
                                    report_year=2025, investment=Decimal("1000"))
    _save(analysis, world.users["manager"], [_row()])
    created = api_token_create(user=world.users["manager"], name="script")
    token = created[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(f"/api/v1/impact/sroi/{analysis.pk}/run?draws=500&seed=2", **auth)
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job_id"])
    assert run_job.call(str(job.pk)) == "succeeded"
    data = client.get(f"/api/v1/impact/sroi/{analysis.pk}", **auth).json()
    assert data["latest_run"]["draws"] == 500 and data["outcomes"][0]["quantity"] == 20.0
    assert client.post(f"/api/v1/impact/sroi/{analysis.pk}/run?draws=0", **auth).status_code == 422
