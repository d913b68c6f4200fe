"""Dashboard pages, downloads, open data, the IATI export, region statistics and the navigation."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from asis.cli import main as cli
from asis.core.audit import AuditEntry
from asis.impact.models import RegionStatistic, Report, Target
from asis.impact.open_results import MIN_PROJECTS
from tests.impact.dashboard_data import value
from tests.impact.helpers import make_indicator, make_project, monitor


@pytest.fixture
def programme(world):
    """Three projects of world.org with validated values of one indicator, one not validated."""
    indicator = make_indicator(name="Persons reached", unit="persons", kind="output")
    projects = []
    for k in range(MIN_PROJECTS):
        project = make_project(world.org, world.users["project_holder"], title=f"Programme {k}", periods=2)
        pi = monitor(project, indicator, baseline_value=Decimal("0"), baseline_date=date(2024, 12, 31))
        Target.objects.create(project_indicator=pi, period=project.periods.get(number=1), value=Decimal("20"))
        Target.objects.create(project_indicator=pi, period=None, value=Decimal("50"))
        value(project, pi, 1, 10 * (k + 1))
        value(project, pi, 2, 999, status=Report.Status.SUBMITTED)
        projects.append(project)
    Report.objects.filter(status=Report.Status.VALIDATED).update(budget_spent=[{"line": 0, "amount": "1500.50"}])
    return indicator, projects


def test_programme_and_call_dashboards_show_validated_roll_ups(world, programme, django_assert_max_num_queries):
    indicator, projects = programme
    client = world.client_for("manager")
    with django_assert_max_num_queries(30):
        page = client.get(reverse("impact:programme_dashboard", args=[world.org.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Persons reached" in text
    assert "60" in text and "999" not in text  # 10 + 20 + 30; the submitted report does not count
    call_page = client.get(reverse("impact:call_dashboard", args=[projects[0].application.call_id]))
    assert call_page.status_code == 200 and "Persons reached" in call_page.content.decode()
    # Queries do not grow with the number of projects.
    for k in range(3):
        extra = make_project(world.org, world.users["project_holder"], title=f"More {k}", periods=1)
        value(extra, monitor(extra, indicator), 1, 1)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("impact:programme_dashboard", args=[world.org.pk])).status_code == 200


def test_exports_are_the_dashboard_tables(world, programme):
    client = world.client_for("manager")
    response = client.get(reverse("impact:programme_export", args=[world.org.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["indicator_code", "indicator", "breakdown", "group", "value"]
    total = next(r for r in rows[1:] if r and r[2] == "")
    assert float(total[4]) == 60 and total[7] == "3"
    from openpyxl import load_workbook

    response = client.get(reverse("impact:programme_export", args=[world.org.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Results", "Excluded"]
    assert book["Results"]["E2"].value == 60
    for name, args in (("impact:region_export", [world.org.pk, "xlsx"]),
                       ("impact:indicator_export", [programme[0].pk, "csv"]),
                       ("impact:call_export", [programme[1][0].application.call_id, "xlsx"]),
                       ("impact:project_export", [programme[1][0].pk, "csv"])):
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_project_page_shows_actual_against_target_and_spending(world, programme):
    _indicator, projects = programme
    page = world.client_for("project_holder").get(reverse("impact:project_detail", args=[projects[1].pk]))
    text = page.content.decode()
    assert "Results against targets" in text and "<svg" in text
    assert "40%" in text  # progress: 20 of the way from 0 to 50
    assert "1,500.50" in text  # spent, from the validated report


def test_region_map_totals_without_population_and_per_inhabitant_with_it(world, programme):
    client = world.client_for("manager")
    page = client.get(reverse("impact:region_map", args=[world.org.pk])).content.decode()
    assert "No population figure has been imported" in page
    region = programme[1][0].application.region
    RegionStatistic.objects.create(region=region, year=2025, value=Decimal("60000"), source="Demo figure",
                                   licence="CC-BY-4.0")
    page = client.get(reverse("impact:region_map", args=[world.org.pk])).content.decode()
    assert "No population figure" not in page and "per 1,000 inhabitants" in page
    data = client.get(reverse("impact:region_map_data", args=[world.org.pk])).json()
    feature = next(f for f in data["features"] if f["id"] == region.code)
    assert "1" in feature["properties"]["label"] and feature["properties"]["colour"] > 0


def test_open_data_respects_the_minimum_number_of_projects(world, programme, client):
    indicator, projects = programme
    body = json.loads(client.get(reverse("impact:open_results", args=["json"])).content)
    assert body["licence"] == "CC-BY-4.0" and body["minimum_projects"] == MIN_PROJECTS
    overall = [r for r in body["items"] if r["scope"] == "all"]
    assert [(r["indicator_code"], r["value"], r["projects"]) for r in overall] == [(indicator.code, 60, 3)]
    # One validated value fewer: two projects are too few, nothing is published.
    Report.objects.filter(project=projects[0]).update(status=Report.Status.RETURNED)
    body = client.get("/api/v1/impact/results").json()
    assert body["items"] == []
    assert client.get(reverse("impact:open_results", args=["csv"]))["X-License"] == "CC-BY-4.0"


def test_iati_export_has_the_standards_structure(world, programme, client):
    indicator, projects = programme
    response = client.get(reverse("impact:open_iati"))
    root = ET.fromstring(response.content)
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    activities = root.findall("iati-activity")
    assert len(activities) == len(projects)
    first = activities[0]
    order = [child.tag for child in first]
    # The IATI 2.03 schema is a sequence: identifier, reporting-org, title ... result last here.
    assert order[:3] == ["iati-identifier", "reporting-org", "title"]
    assert order.index("activity-status") < order.index("result") and order[-1] == "result"
    result = first.find("result")
    assert result.get("type") == "1"
    ind = result.find("indicator")
    assert ind.get("measure") == "1" and ind.get("ascending") == "1"
    assert [c.tag for c in ind] == ["title", "reference", "baseline", "period"]
    period = ind.find("period")
    assert [c.tag for c in period] == ["period-start", "period-end", "target", "actual"]
    assert period.find("target").get("value") == "20" and period.find("actual").get("value") == "10"
    assert "999" not in response.content.decode()


def test_region_statistics_import_is_all_or_nothing(world, tmp_path, capsys):
    from asis.regions.models import Region

    code = Region.objects.order_by("code").values_list("code", flat=True).first()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"region,year,value,source,licence\n{code},2024,1000,Demo,CC0\nXX99,2024,-5,,\n")
    assert cli(["impact", "import-region-stats", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "line 3" in out and "Unknown region code XX99" in out
    assert not RegionStatistic.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text(f"region,key,year,value,source,licence\n{code},population,2024,1000,Demo figures,CC0-1.0\n")
    assert cli(["impact", "import-region-stats", str(good)]) == 0
    assert RegionStatistic.objects.get().value == 1000
    assert AuditEntry.objects.filter(action="asis.impact.region_statistics.imported").exists()
    # The staff page reports row by row and saves nothing on error.
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = world.client_for("platform_admin")
    response = admin.post(reverse("impact:region_statistics"),
                          {"file": SimpleUploadedFile("s.csv", b"region,year,value,source,licence\nAT33,19x,1,a,b\n")})
    assert response.status_code == 400 and "Line 2" in response.content.decode()
    assert RegionStatistic.objects.count() == 1


def test_navigation_and_home_card(world, programme):
    _indicator, projects = programme
    Report.objects.filter(status=Report.Status.SUBMITTED).update(status=Report.Status.SUBMITTED)
    manager = world.client_for("manager").get(reverse("dashboard:home")).content.decode()
    assert reverse("impact:project_list") in manager and "reports to validate" in manager
    holder = world.client_for("project_holder").get(reverse("dashboard:home")).content.decode()
    assert "My projects" in holder
    evaluator = world.client_for("evaluator").get(reverse("dashboard:home")).content.decode()
    assert reverse("impact:project_list") not in evaluator


def test_observatory_pages_show_validated_results(world, programme, client):
    from tests.observatory.contribute_helpers import make_initiative

    _indicator, projects = programme
    initiative = make_initiative(status="published", title="Funded initiative",
                                 region_code=projects[0].application.region.code)
    application = projects[2].application
    application.initiative = initiative
    application.save(update_fields=["initiative"])
    page = client.get(reverse("observatory:initiative_detail", args=[initiative.pk])).content.decode()
    assert "Measured results of the funded project" in page and "Persons reached" in page
    region = client.get(reverse("observatory:region_detail", args=[application.region.code])).content.decode()
    assert "Measured results of funded projects" in region and "60" in region


@pytest.mark.parametrize("route", ["programme_dashboard", "call_dashboard", "region_map", "region_map_data",
                                   "indicator_results", "project_detail", "open_data"])
def test_dashboard_pages_make_a_bounded_number_of_queries(world, programme, route, django_assert_max_num_queries):
    """The same number of queries (at most) with 3 projects as with 9: nothing per project or per value."""
    from django.core.cache import cache

    indicator, projects = programme
    args = {"programme_dashboard": [world.org.pk], "call_dashboard": [projects[0].application.call_id],
            "region_map": [world.org.pk], "region_map_data": [world.org.pk], "indicator_results": [indicator.pk],
            "project_detail": [projects[0].pk], "open_data": []}[route]
    client = world.client_for("manager")
    limits = {"project_detail": 25}
    for k in range(6):
        extra = make_project(world.org, world.users["project_holder"], title=f"Extra {k}", periods=2,
                             start=projects[0].periods.get(number=1).starts_on)
        pi = monitor(extra, indicator)
        value(extra, pi, 1, k)
        value(extra, pi, 2, k + 1)
    cache.clear()
    with django_assert_max_num_queries(limits.get(route, 30)):
        assert client.get(reverse(f"impact:{route}", args=args)).status_code == 200
