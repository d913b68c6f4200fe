"""Run results and comparison pages: access (share key, other organisations), the animated
difference map, the sensitivity ranking, creating and sharing comparisons, exports and the brief."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from django.urls import reverse

from asis.core.models import AuditEntry
from asis.policylab.models import Comparison, SensitivityAnalysis, Visibility
from tests.policylab.results_helpers import make_comparison, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):  # type: ignore[no-untyped-def]
    manager = world.users["manager"]
    low = make_run(owner=manager, organisation=world.org, name="Low budget", budget=500_000.0)
    high = make_run(owner=manager, organisation=world.org, name="High budget", budget=6_000_000.0)
    comparison = make_comparison(owner=manager, organisation=world.org, runs=[low, high], name="Budget test")
    return world, low, high, comparison


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"policylab:{name}", kwargs=kwargs)


def test_run_results_page_for_owner_with_charts_and_tables(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, _high, _c = setup
    response = world.client_for("manager").get(_url("run_results", run_id=low.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') >= 1 + 5 + 5  # fan charts, map, distributions
    assert "<th scope=\"row\">1</th>" in html  # year rows of the band table
    # the map's table lists every region with its name
    assert "Tirol" in html and "AT33" in html


def test_private_run_is_404_for_other_organisation_and_anonymous_but_share_key_opens_it(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, _high, _c = setup
    url = _url("run_results", run_id=low.pk)
    assert world.client_for("other_manager").get(url).status_code == 404
    assert world.client_for("anonymous").get(url).status_code == 404
    assert world.client_for("anonymous").get(url, {"key": "wrong"}).status_code == 404
    assert world.client_for("anonymous").get(url, {"key": low.scenario.share_token}).status_code == 200
    export = _url("run_export", run_id=low.pk, fmt="csv")
    assert world.client_for("other_manager").get(export).status_code == 404
    assert world.client_for("anonymous").get(export, {"key": low.scenario.share_token}).status_code == 200


def test_comparison_page_has_one_frame_per_year_and_difference_table(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, high, comparison = setup
    response = world.client_for("manager").get(_url("comparison", comparison_id=comparison.pk), {"outcome": "active"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="chart map map-frame"') == len(low.summary["years"]) == 3
    assert html.count("map-frame\" data-year=") == 3
    assert "policylab/animate.js" in html and "data-player" in html
    # only the horizon frame is visible without JavaScript
    assert html.count('map-frame" data-year="3">') == 1 and 'data-year="1" hidden' in html
    frames = response.context["frames"]
    expected = (np.array(high.summary["indicators"]["active"]["region_mean"])
                - np.array(low.summary["indicators"]["active"]["region_mean"]))
    np.testing.assert_allclose(frames["diff"], expected)
    # year select reaches another frame without JavaScript
    response = world.client_for("manager").get(_url("comparison", comparison_id=comparison.pk), {"year": "1"})
    assert 'data-year="1">' in response.content.decode()


def test_comparison_share_key_and_other_org(setup) -> None:  # type: ignore[no-untyped-def]
    world, _low, _high, comparison = setup
    url = _url("comparison", comparison_id=comparison.pk)
    assert world.client_for("other_manager").get(url).status_code == 404
    assert world.client_for("member").get(url).status_code == 404
    response = world.client_for("anonymous").get(url, {"key": comparison.share_token})
    assert response.status_code == 200
    assert "share-url" not in response.content.decode()  # only editors see the share link
    assert "share-url" in world.client_for("manager").get(url).content.decode()


def test_sensitivity_ranking_is_shown_in_order(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, _high, comparison = setup
    SensitivityAnalysis.objects.create(scenario=low.scenario, outcome="active", result={
        "levers": ["social_weight", "budget_eur_per_year", "training_intensity"],
        "mu_star": [0.5, 12.0, 3.0], "sigma": [0.1, 2.0, 1.0], "ranking": ["budget_eur_per_year"]})
    html = world.client_for("manager").get(_url("comparison", comparison_id=comparison.pk)).content.decode()
    table = html[html.index('id="sensitivity-table"'):]
    assert table.index("Budget per year") < table.index("Training of evaluators") < table.index("Weight of social")


def test_sobol_ranking_is_shown_by_total_index(setup) -> None:  # type: ignore[no-untyped-def]
    world, _low, high, comparison = setup
    SensitivityAnalysis.objects.create(scenario=high.scenario, outcome="jobs", method="sobol", result={
        "method": "sobol", "levers": ["cofunding_rate", "calls_per_year"], "S1": [0.1, 0.5], "ST": [0.2, 0.7],
        "ranking": ["calls_per_year", "cofunding_rate"]})
    html = world.client_for("manager").get(_url("comparison", comparison_id=comparison.pk)).content.decode()
    table = html[html.index('id="sensitivity-table"'):]
    assert "Sobol ST" in table and table.index("Calls per year") < table.index("Applicants")
    assert "0.70" in table and "0.50" in table


def test_sensitivity_button_starts_an_analysis_of_an_editable_scenario(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, _high, comparison = setup
    url = _url("comparison_sensitivity", comparison_id=comparison.pk)
    response = world.client_for("manager").post(url, {"scenario": str(low.scenario_id), "outcome": "active"},
                                                follow=True)
    assert response.status_code == 200
    analysis = SensitivityAnalysis.objects.get()
    assert (analysis.scenario_id, analysis.outcome, analysis.job is not None) == (low.scenario_id, "active", True)
    # someone who may not edit the scenario cannot start one: nothing more is created
    world.client_for("other_manager").post(url, {"scenario": str(low.scenario_id), "outcome": "active"})
    assert SensitivityAnalysis.objects.count() == 1


def test_compare_new_creates_an_audited_comparison_with_the_reference_first(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, high, _c = setup
    client = world.client_for("manager")
    assert client.get(_url("compare_new")).status_code == 200
    page = client.get(_url("compare_new"), {"reference": str(low.scenario_id)}).content.decode()
    assert f'value="{low.scenario_id}" selected' in page  # from the run page's "compare" link
    response = client.post(_url("compare_new"), {"name": "Mine", "visibility": Visibility.ORGANISATION,
                                                 "reference": str(high.scenario_id),
                                                 "scenarios": [str(low.scenario_id), str(high.scenario_id)]})
    assert response.status_code == 302
    created = Comparison.objects.get(name="Mine")
    assert created.baseline_id == high.pk and set(created.runs.all()) == {low, high}
    assert AuditEntry.objects.filter(action="asis.policylab.comparison_created").count() == 1


def test_compare_new_refuses_bad_input_without_saving(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, _high, _c = setup
    client = world.client_for("manager")
    before = Comparison.objects.count()
    response = client.post(_url("compare_new"), {"name": "", "visibility": "public", "reference": str(low.scenario_id),
                                                 "scenarios": [str(low.scenario_id)]})
    assert response.status_code == 200 and Comparison.objects.count() == before
    response = client.post(_url("compare_new"), {"name": "X", "visibility": "public", "reference": "not-a-uuid",
                                                 "scenarios": ["nope"]})
    assert response.status_code == 200 and Comparison.objects.count() == before
    # another organisation's private scenario is not offered
    other = make_run(owner=world.users["other_manager"], organisation=world.other_org, name="Theirs")
    response = client.post(_url("compare_new"), {"name": "X", "visibility": "public", "reference": str(low.scenario_id),
                                                 "scenarios": [str(other.scenario_id)]})
    assert response.status_code == 200 and Comparison.objects.count() == before


def test_comparison_update_renames_and_publishes_with_audit(setup) -> None:  # type: ignore[no-untyped-def]
    world, _low, _high, comparison = setup
    url = _url("comparison_update", comparison_id=comparison.pk)
    assert world.client_for("other_manager").post(url, {"name": "X", "visibility": "public"}).status_code == 404
    response = world.client_for("manager").post(url, {"name": "Renamed", "visibility": "public"})
    assert response.status_code == 302
    comparison.refresh_from_db()
    assert comparison.name == "Renamed" and comparison.visibility == "public"
    assert AuditEntry.objects.filter(action="asis.policylab.comparison_updated").count() == 1
    assert world.client_for("anonymous").get(_url("comparison", comparison_id=comparison.pk)).status_code == 200


def test_policy_officer_membership_can_compare(world, setup) -> None:  # type: ignore[no-untyped-def]
    from asis.accounts.models import Role
    from tests.factories import MembershipFactory

    officer = MembershipFactory(user__email="officer@example.org", organisation=world.org,
                                role=Role.POLICY_OFFICER).user
    _w, low, _high, comparison = setup
    low.scenario.visibility = Visibility.ORGANISATION
    low.scenario.save()
    from django.test import Client

    client = Client()
    client.force_login(officer)
    assert client.get(_url("compare_new")).status_code == 200
    assert client.get(_url("run_results", run_id=low.pk)).status_code == 200
    comparison.visibility = Visibility.ORGANISATION
    comparison.save()
    assert client.get(_url("comparison", comparison_id=comparison.pk)).status_code == 200


def test_exports_csv_xlsx_json(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, high, comparison = setup
    client = world.client_for("manager")
    response = client.get(_url("comparison_export", comparison_id=comparison.pk, fmt="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Scenario", "Role", "Lever", "Value"]
    assert any(r[:2] == ["Low budget", "Reference"] for r in rows)
    # the differences sheet: one row per scenario x outcome x year x region, values = numpy
    start = next(i for i, r in enumerate(rows) if r == ["# Differences"]) + 1
    header = rows[start]
    assert header == ["Scenario", "Reference", "Outcome", "Year", "Region code", "Region", "Difference in the mean"]
    diffs = [r for r in rows[start + 1:] if r and r[2] == "Active initiatives"]
    assert len(diffs) == 3 * len(low.summary["codes"])
    expected = (np.array(high.summary["indicators"]["active"]["region_mean"])
                - np.array(low.summary["indicators"]["active"]["region_mean"]))
    j = low.summary["codes"].index(diffs[0][4])
    assert float(diffs[0][6]) == pytest.approx(expected[int(diffs[0][3]) - 1, j], abs=1e-5)
    assert diffs[0][5] and diffs[0][5] != diffs[0][4]  # region name next to its code

    response = client.get(_url("comparison_export", comparison_id=comparison.pk, fmt="json"))
    data = json.loads(response.content)
    assert data["licence"] == "CC-BY-4.0"
    assert [s["title"] for s in data["sheets"]] == ["Scenarios", "Totals", "Regions", "Runs at the horizon", "Differences"]

    response = client.get(_url("run_export", run_id=low.pk, fmt="xlsx"))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    totals = list(book["Totals"].values)
    assert totals[0][:4] == ("Scenario", "Outcome", "Unit", "Year")
    active = [r for r in totals[1:] if r[1] == "Active initiatives"]
    assert [r[3] for r in active] == [1, 2, 3]
    assert active[-1][6] == pytest.approx(low.summary["indicators"]["active"]["total_bands"][2][-1])  # median
    assert client.get(_url("run_export", run_id=low.pk, fmt="exe")).status_code == 404


def test_exports_headers_are_translated(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, _high, _c = setup
    client = world.client_for("manager")
    client.cookies["django_language"] = "de"
    response = client.get(_url("run_export", run_id=low.pk, fmt="json"), HTTP_ACCEPT_LANGUAGE="de")
    data = json.loads(response.content)
    assert data["sheets"][1]["columns"][3] in ("Jahr", "Year")  # translated once the catalogue has it


def test_pdf_brief_renders(setup) -> None:  # type: ignore[no-untyped-def]
    world, _low, _high, comparison = setup
    response = world.client_for("manager").get(_url("comparison_pdf", comparison_id=comparison.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 10_000
    from asis.policylab.results.brief import brief_context

    context = brief_context(comparison)
    assert len(context["brief_fans"]) == 5 and "<svg" in context["horizon_map"]
    assert context["horizon_year"] == 3 and context["today"]
    assert any(row["difference"] for row in context["key_numbers"])
    assert world.client_for("other_manager").get(_url("comparison_pdf", comparison_id=comparison.pk)).status_code == 404


def test_pdf_brief_says_what_the_brief_must_say(setup) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    world, _low, _high, comparison = setup
    response = world.client_for("manager").get(_url("comparison_pdf", comparison_id=comparison.pk))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Budget test", "Low budget", "High budget", "(reference)", "Budget per year", "Simulated results",
                     "Key numbers at the horizon", "Difference per region in year 3"):
        assert expected in text, expected
    assert "docs/methods/simulation-odd.md" in text.replace(" ", "")  # the method note (may wrap)
    assert "500,000 EUR" in text and "6,000,000 EUR" in text  # the levers in words, money formatted


def test_brief_date_in_the_readers_language(setup) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    from asis.policylab.results.brief import brief_context

    _world, _low, _high, comparison = setup
    german_months = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                     "November", "Dezember")
    with translation.override("de"):
        today = brief_context(comparison)["today"]
    assert any(month in today for month in german_months), today


def test_difference_over_the_years_both_scenarios_simulated() -> None:
    from asis.policylab.results import selectors
    from tests.policylab.results_helpers import summary_for

    short, long = summary_for(years=2), summary_for(budget=6_000_000.0, years=3)
    years, codes, diff = selectors.difference_matrix(long, short, "jobs")
    assert years == [1, 2] and diff.shape == (2, len(codes))
    expected = (np.array(short["indicators"]["jobs"]["region_mean"])
                - np.array(long["indicators"]["jobs"]["region_mean"])[:2])
    np.testing.assert_allclose(diff, expected)


def test_unfinished_or_unknown_objects(setup) -> None:  # type: ignore[no-untyped-def]
    world, low, _high, comparison = setup
    client = world.client_for("manager")
    import uuid

    assert client.get(_url("run_results", run_id=uuid.uuid4())).status_code == 404
    assert client.get(_url("comparison", comparison_id=uuid.uuid4())).status_code == 404
    low.summary = None
    low.save()
    response = client.get(_url("run_results", run_id=low.pk))
    assert response.status_code == 200 and 'id="no-results"' in response.content.decode()
    response = client.get(_url("comparison", comparison_id=comparison.pk))
    assert response.status_code == 200 and 'id="no-results"' in response.content.decode()
    assert client.get(_url("comparison_pdf", comparison_id=comparison.pk)).status_code == 404
    assert client.get(_url("comparison_export", comparison_id=comparison.pk, fmt="csv")).status_code == 404
    assert client.get(_url("run_export", run_id=low.pk, fmt="csv")).status_code == 404
