"""Scenario explorer: the form and its validation by the engine, scenarios from a real call, the
live preview, the pages and who may see them."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from importlib import resources
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from asis.accounts.models import Role
from asis.core.formatting import money, number
from asis.core.models import AuditEntry
from asis.engines.simulation.meanfield import mean_field
from asis.policylab import adapters
from asis.policylab.explorer import services
from asis.policylab.explorer.forms import ScenarioForm, share_field_name
from asis.policylab.models import RunChunk, Scenario, SimulationRun, Visibility
from tests.calls.helpers import make_call
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CODES = adapters.region_codes()


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {"name": "Ten years of social innovation", "description": "", "visibility": "private",
            "organisation": "", "budget_eur_per_year": "20000000", "social_weight": "30",
            "training_intensity": "50", "cooperation_support": "25", "cofunding_rate": "20",
            "calls_per_year": "1", "split_mode": "proportional", "horizon_years": "10", "n_runs": "200",
            "seed": "7", "agents": "10000"}
    data.update(overrides)
    return data


def make_scenario(owner: Any, organisation: Any = None, *, visibility: str = Visibility.PRIVATE,
                  **fields: Any) -> Scenario:
    defaults = {"name": "A scenario", "levers": {"budget_eur_per_year": 5_000_000.0}, "horizon_years": 3,
                "n_runs": 10, "agents": 840}
    defaults.update(fields)
    return Scenario.objects.create(owner=owner, organisation=organisation, visibility=visibility, **defaults)


# --- the form ----------------------------------------------------------------------------------------

def test_valid_form_gives_the_engines_levers_as_fractions() -> None:
    form = ScenarioForm(form_data())
    assert form.is_valid(), form.errors
    levers = form.levers()
    assert levers == {"budget_eur_per_year": 20_000_000.0, "calls_per_year": 1, "social_weight": 0.3,
                      "training_intensity": 0.5, "cooperation_support": 0.25, "cofunding_rate": 0.2,
                      "regional_split": None}
    assert adapters.levers_from_json(levers, CODES).training_intensity == 0.5


def test_negative_budget_is_refused_in_words() -> None:
    form = ScenarioForm(form_data(budget_eur_per_year="-5"))
    assert not form.is_valid()
    (message,) = form.errors["budget_eur_per_year"]
    assert message.startswith("The budget cannot be negative (-5")


def test_probability_above_one_is_refused_with_the_lever_name() -> None:
    form = ScenarioForm(form_data(social_weight="120"))
    assert not form.is_valid()
    (message,) = form.errors["social_weight"]
    assert message.startswith("Weight of social criteria must lie between 0")
    assert "120" in message and "social_weight" not in message


def test_cofunding_above_the_engines_limit_is_refused() -> None:
    form = ScenarioForm(form_data(cofunding_rate="99"))
    assert not form.is_valid()
    assert "95" in form.errors["cofunding_rate"][0]


def test_custom_shares_must_total_100_percent() -> None:
    shares = {share_field_name(code): "2" for code in CODES}  # 42 x 2 % = 84 %
    form = ScenarioForm(form_data(split_mode="custom", **shares))
    assert not form.is_valid()
    assert "100" in form.errors["split_mode"][0]
    assert math.isclose(form.share_total(), 84.0)


def test_custom_shares_are_stored_per_region() -> None:
    shares = {share_field_name(code): "0" for code in CODES}
    shares[share_field_name("AT33")] = "60"
    shares[share_field_name("ITH1")] = "40"
    form = ScenarioForm(form_data(split_mode="custom", **shares))
    assert form.is_valid(), form.errors
    split = form.levers()["regional_split"]
    assert split["AT33"] == 0.6 and split["ITH1"] == 0.4 and sum(split.values()) == pytest.approx(1.0)
    # and back: the edit form shows the same percentages
    initial = ScenarioForm.initial_for(Scenario(levers=form.levers()))
    assert initial["split_mode"] == "custom" and initial[share_field_name("AT33")] == 60.0


def test_equal_split_gives_each_region_the_same_share() -> None:
    form = ScenarioForm(form_data(split_mode="equal"))
    assert form.is_valid(), form.errors
    split = form.levers()["regional_split"]
    assert len(split) == 42 and set(split.values()) == {1 / 42}
    assert ScenarioForm.initial_for(Scenario(levers=form.levers()))["split_mode"] == "equal"


def test_years_outside_1_to_20_are_refused() -> None:
    assert "horizon_years" in ScenarioForm(form_data(horizon_years="21")).errors
    assert "horizon_years" in ScenarioForm(form_data(horizon_years="0")).errors


def test_the_regions_are_grouped_by_country_with_their_names() -> None:
    groups = ScenarioForm(form_data()).region_groups()
    assert sum(len(rows) for _country, rows in groups) == 42
    austria = dict(groups)["Austria"]
    assert ("AT33", "Tirol") in [(code, name) for code, name, _field in austria]


# --- from a real call --------------------------------------------------------------------------------

def test_call_mapping_numbers(world: Any) -> None:
    call = make_call(world.org, budget=Decimal("1200000"), cofunding_rate=Decimal("75"))
    grid = json.loads(resources.files("asis.engines").joinpath("data/asis.json").read_text())
    weights = [c["weight"] for c in grid["criteria"]]
    social = [c["weight"] for c in grid["criteria"] if c["group"] == "social"]
    mapping = services.call_levers(call)
    assert mapping.levers["budget_eur_per_year"] == 1_200_000.0
    assert mapping.levers["social_weight"] == pytest.approx(sum(social) / sum(weights))
    assert mapping.levers["social_weight"] == pytest.approx(0.27)  # (15 + 12) / 100
    assert mapping.levers["cofunding_rate"] == pytest.approx(0.25)
    assert mapping.levers["calls_per_year"] == 1
    assert mapping.social_criteria == ("Social need and relevance", "Actor involvement and co-creation")


def test_full_funding_caps_the_own_share_at_the_engines_limit(world: Any) -> None:
    call = make_call(world.org, cofunding_rate=Decimal("0"))
    mapping = services.call_levers(call)
    assert mapping.levers["cofunding_rate"] == 0.95 and mapping.cofunding_capped


def test_scenario_from_call_page_shows_the_sources_and_creates_the_scenario(world: Any) -> None:
    call = make_call(world.org, title="Young valleys", budget=Decimal("800000"))
    client = world.client_for("manager")
    url = reverse("policylab:scenario_from_call")
    page = client.get(url, {"call": call.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert money(800_000, decimals=0) in body and "27%" in body and "20%" in body
    assert "group “social” (27) divided by the weights of all criteria (100)" in body
    response = client.post(url, {"call": call.pk})
    scenario = Scenario.objects.get(source_call=call)
    assert response.status_code == 302 and response["Location"] == reverse(
        "policylab:scenario_edit", kwargs={"scenario_id": scenario.pk})
    assert scenario.owner == world.users["manager"] and scenario.levers["budget_eur_per_year"] == 800_000.0
    assert scenario.name == "Young valleys, repeated yearly"


def test_another_organisations_draft_call_cannot_be_used(world: Any) -> None:
    draft = make_call(world.other_org, phase="draft")
    response = world.client_for("manager").get(reverse("policylab:scenario_from_call"), {"call": draft.pk})
    assert response.status_code == 404


# --- preview -----------------------------------------------------------------------------------------

def _independent_totals(levers: dict[str, Any], years: int, agents: int) -> dict[str, np.ndarray]:
    spec = adapters.frozen_spec(levers=levers, params={}, horizon_years=years, n_runs=1, seed=0,
                                agents=adapters.agents_by_region(agents))
    result = mean_field(adapters.runspec(spec))
    return {name: result.data[name].sum(axis=1) for name in ("active", "funded", "reach")}


def test_preview_fragment_numbers_match_the_mean_field_model(world: Any) -> None:
    query = {k: v for k, v in form_data(horizon_years="5", agents="4200").items() if k != "organisation"}
    response = world.client_for("manager").get(reverse("policylab:preview"), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div id="preview-result"' in body and "<svg" in body and 'id="preview-table"' in body
    totals = _independent_totals({"budget_eur_per_year": 20e6, "social_weight": 0.3, "training_intensity": 0.5,
                                  "cooperation_support": 0.25, "cofunding_rate": 0.2, "calls_per_year": 1},
                                 5, 4200)
    assert f"<dd>{number(totals['active'][-1], 0)}</dd>" in body
    assert f"<dd>{number(totals['funded'].sum(), 0)}</dd>" in body
    assert f"<dd>{number(totals['reach'].sum(), 0)}</dd>" in body


def test_preview_warns_about_regions_without_a_project(world: Any) -> None:
    # 2 M EUR in 12 calls: per call and region 2e6 / 12 / 42 = 3,968 EUR < one grant of 150,000 x 0.8,
    # but the whole call (166,667 EUR) covers one grant: no region gets a project.
    budget, calls, grant = 2_000_000.0, 12, 150_000 * 0.8
    per_region = budget / calls / 42
    expected = sum(1 for _ in CODES if math.floor(per_region / grant) == 0)
    query = form_data(budget_eur_per_year=str(int(budget)), calls_per_year=str(calls), split_mode="equal")
    body = world.client_for("manager").get(reverse("policylab:preview"), query).content.decode()
    assert expected == 42
    assert "With 12 calls a year," in body and "per call funds no project in any region" in body
    # with the whole budget in one call and one region's share, that region gets projects
    shares = {share_field_name(code): "0" for code in CODES}
    shares[share_field_name("AT33")] = "100"
    query = form_data(budget_eur_per_year=str(int(budget)), calls_per_year="1", split_mode="custom", **shares)
    body = world.client_for("manager").get(reverse("policylab:preview"), query).content.decode()
    assert "funds no project in 41 of 42 regions" in body


def test_preview_with_bad_levers_shows_the_refusal_not_a_500(world: Any) -> None:
    response = world.client_for("manager").get(reverse("policylab:preview"), form_data(budget_eur_per_year="-1"))
    assert response.status_code == 200
    assert "The budget cannot be negative" in response.content.decode()


def test_form_page_works_without_script_update_preview(world: Any) -> None:
    client = world.client_for("manager")
    response = client.post(reverse("policylab:scenario_new"), {**form_data(), "update_preview": "1"})
    assert response.status_code == 200 and 'id="preview-numbers"' in response.content.decode()
    assert not Scenario.objects.exists()  # updating the preview saves nothing


# --- create, edit, duplicate, delete ----------------------------------------------------------------

def test_create_saves_and_audits(world: Any) -> None:
    client = world.client_for("manager")
    response = client.post(reverse("policylab:scenario_new"), form_data(organisation=str(world.org.pk),
                                                                        visibility="organisation"))
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert scenario.levers["training_intensity"] == 0.5 and scenario.organisation == world.org
    assert AuditEntry.objects.filter(action="asis.policylab.scenario.created", object_id=str(scenario.pk)).count() == 1


def test_invalid_post_saves_nothing(world: Any) -> None:
    response = world.client_for("manager").post(reverse("policylab:scenario_new"),
                                                 form_data(budget_eur_per_year="-3"))
    assert response.status_code == 400 and not Scenario.objects.exists()
    assert "The budget cannot be negative" in response.content.decode()


def test_organisation_visibility_needs_an_organisation(world: Any) -> None:
    response = world.client_for("manager").post(reverse("policylab:scenario_new"),
                                                 form_data(visibility="organisation"))
    assert response.status_code == 400 and not Scenario.objects.exists()


def test_edit_duplicate_delete(world: Any) -> None:
    manager = world.users["manager"]
    scenario = make_scenario(manager, world.org)
    client = world.client_for("manager")
    response = client.post(reverse("policylab:scenario_edit", kwargs={"scenario_id": scenario.pk}),
                           form_data(name="Renamed", calls_per_year="4"))
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.name == "Renamed" and scenario.levers["calls_per_year"] == 4
    response = client.post(reverse("policylab:scenario_duplicate", kwargs={"scenario_id": scenario.pk}))
    copy = Scenario.objects.exclude(pk=scenario.pk).get()
    assert copy.levers == scenario.levers and copy.visibility == Visibility.PRIVATE and copy.owner == manager
    assert copy.share_token != scenario.share_token
    response = client.post(reverse("policylab:scenario_delete", kwargs={"scenario_id": scenario.pk}))
    assert response.status_code == 302 and not Scenario.objects.filter(pk=scenario.pk).exists()
    actions = set(AuditEntry.objects.filter(action__startswith="asis.policylab.scenario").values_list("action", flat=True))
    assert actions == {"asis.policylab.scenario.changed", "asis.policylab.scenario.duplicated", "asis.policylab.scenario.deleted"}


# --- access ------------------------------------------------------------------------------------------

def test_other_organisations_private_scenario_is_404(world: Any) -> None:
    other = make_scenario(world.users["other_manager"], world.other_org, visibility=Visibility.ORGANISATION)
    client = world.client_for("manager")
    for name in ("scenario_detail", "scenario_edit", "scenario_delete"):
        assert client.get(reverse(f"policylab:{name}", kwargs={"scenario_id": other.pk})).status_code == 404
    assert client.post(reverse("policylab:run_start", kwargs={"scenario_id": other.pk})).status_code == 404


def test_share_key_lets_anyone_read_but_not_change(world: Any) -> None:
    scenario = make_scenario(world.users["manager"], world.org)
    url = reverse("policylab:scenario_detail", kwargs={"scenario_id": scenario.pk})
    anonymous = world.client_for("anonymous")
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(url, {"key": "wrong"}).status_code == 404
    response = anonymous.get(url, {"key": scenario.share_token})
    assert response.status_code == 200 and "A scenario" in response.content.decode()
    assert 'id="edit-scenario"' not in response.content.decode()
    assert 'id="share-link"' not in response.content.decode()
    other = world.client_for("other_manager")
    assert other.get(reverse("policylab:scenario_edit", kwargs={"scenario_id": scenario.pk}),
                     {"key": scenario.share_token}).status_code == 404


def test_organisation_scenario_is_shared_with_its_policy_officers(world: Any) -> None:
    scenario = make_scenario(world.users["manager"], world.org, visibility=Visibility.ORGANISATION)
    officer = MembershipFactory(user__email="officer@example.org", organisation=world.org,
                                role=Role.POLICY_OFFICER).user
    from django.test import Client

    client = Client()
    client.force_login(officer)
    assert client.get(reverse("policylab:scenario_edit", kwargs={"scenario_id": scenario.pk})).status_code == 200
    # a plain member of the organisation is no policy officer
    assert world.client_for("member").get(
        reverse("policylab:scenario_detail", kwargs={"scenario_id": scenario.pk})).status_code == 404


def test_home_page_lists_public_scenarios_for_everyone(world: Any) -> None:
    make_scenario(world.users["manager"], world.org, visibility=Visibility.PUBLIC, name="Published plan")
    make_scenario(world.users["manager"], world.org, name="Secret plan")
    body = world.client_for("anonymous").get(reverse("policylab:index")).content.decode()
    assert "Published plan" in body and "Secret plan" not in body and 'id="new-scenario"' not in body
    body = world.client_for("manager").get(reverse("policylab:index")).content.decode()
    assert "Secret plan" in body and 'id="new-scenario"' in body


def test_navigation_links_the_policy_lab(world: Any) -> None:
    body = world.client_for("anonymous").get(reverse("policylab:index")).content.decode()
    assert f'href="{reverse("policylab:index")}" aria-current="page"' in body


# --- runs --------------------------------------------------------------------------------------------

def _run(scenario: Scenario, user: Any, status: str, done: int) -> SimulationRun:
    run = SimulationRun.objects.create(scenario=scenario, created_by=user, n_runs=6, chunk_size=2, status=status)
    for i in range(3):
        RunChunk.objects.create(run=run, index=i, start=2 * i, stop=2 * i + 2, data=b"x" if i < done else None)
    return run


def test_run_progress_page_and_fragment(world: Any) -> None:
    scenario = make_scenario(world.users["manager"], world.org)
    run = _run(scenario, world.users["manager"], SimulationRun.Status.RUNNING, 2)
    client = world.client_for("manager")
    body = client.get(reverse("policylab:run_detail", kwargs={"run_id": run.pk})).content.decode()
    assert 'max="6" value="4"' in body and "4 of 6 runs" in body and 'hx-trigger="every 1s"' in body
    assert 'id="cancel-run"' in body
    fragment = client.get(reverse("policylab:run_progress", kwargs={"run_id": run.pk})).content.decode()
    assert fragment.startswith('<div id="run-progress"')


def test_failed_run_says_so_and_offers_resume(world: Any) -> None:
    scenario = make_scenario(world.users["manager"], world.org)
    run = _run(scenario, world.users["manager"], SimulationRun.Status.FAILED, 1)
    body = world.client_for("manager").get(reverse("policylab:run_detail", kwargs={"run_id": run.pk})).content.decode()
    assert 'id="run-failure"' in body and 'id="resume-run"' in body and "every 1s" not in body


def test_scenario_detail_lists_runs_with_status(world: Any) -> None:
    scenario = make_scenario(world.users["manager"], world.org, levers={"budget_eur_per_year": 2_500_000.0,
                                                                        "social_weight": 0.45})
    _run(scenario, world.users["manager"], SimulationRun.Status.SUCCEEDED, 3)
    body = world.client_for("manager").get(
        reverse("policylab:scenario_detail", kwargs={"scenario_id": scenario.pk})).content.decode()
    assert money(2_500_000, decimals=0) in body and "45%" in body and "Finished" in body
    assert 'id="run-monte-carlo"' in body and 'id="share-link"' in body and scenario.share_token in body


def test_run_start_refusal_is_shown_as_a_message(world: Any, monkeypatch: Any) -> None:
    from asis.policylab import runs

    def refuse(**kwargs: Any) -> Any:
        raise runs.SimulationRefused("This experiment is too large.")

    monkeypatch.setattr(runs, "run_start", refuse)
    scenario = make_scenario(world.users["manager"], world.org)
    client = world.client_for("manager")
    response = client.post(reverse("policylab:run_start", kwargs={"scenario_id": scenario.pk}), follow=True)
    assert "This experiment is too large." in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_preview_chart_is_a_valid_vega_lite_specification_in_the_readers_numbers() -> None:
    from django.utils import translation

    from asis.policylab.explorer.preview import chart_spec, chart_svg

    years, series = [1, 2, 3], {"active": [100.0, 2000.0, 3000.0], "funded": [0.0, 5.0, 5.0],
                                "reach": [1000.0, 20000.0, 45000.0]}
    spec = chart_spec(years, series, validate=True)  # Altair checks it against the schema
    values = spec["data"]["values"]
    assert len(values) == 8  # the zero is left out of the logarithmic chart
    with translation.override("de"):
        svg = chart_svg(years, series)
    assert svg.startswith("<svg") and "10.000" in svg


def test_preview_says_when_too_few_initiatives_apply_to_use_the_budget() -> None:
    from asis.policylab.explorer.preview import build_preview

    spec = adapters.frozen_spec(levers={"budget_eur_per_year": 200e6}, params={}, horizon_years=5, n_runs=1,
                                seed=0, agents=adapters.agents_by_region(4200))
    preview = build_preview(spec, chart=False)
    result = mean_field(adapters.runspec(spec))
    spent = result.data["grants_eur"].sum() / (200e6 * 5)
    assert spent < 0.9  # independent check that the warning is due
    assert any(w.startswith(f"Only {round(100 * spent)}% of the budget is granted over 5 years")
               for w in preview.warnings), preview.warnings


def test_run_start_button_starts_a_run_and_shows_its_progress(world: Any) -> None:
    scenario = make_scenario(world.users["manager"], world.org, n_runs=4, agents=420, horizon_years=2)
    client = world.client_for("manager")
    response = client.post(reverse("policylab:run_start", kwargs={"scenario_id": scenario.pk}))
    run = SimulationRun.objects.get(scenario=scenario)
    assert response.status_code == 302
    assert response["Location"] == reverse("policylab:run_detail", kwargs={"run_id": run.pk})
    body = client.get(response["Location"]).content.decode()
    assert 'id="run-progress-bar"' in body and "of 4 runs" in body
