"""Permission rules of the policy lab's REST API, merged into the matrix. Reads: published objects
for anyone, the organisation's for its programme managers (policy officers) and admins. Writes
take an API token only, so every session of the matrix is refused (401); tests/policylab/test_api.py
checks the roles with tokens."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ALL, NOBODY, Rule

OFFICERS = frozenset({"manager", "platform_admin"})


def world_scenario(w: Any) -> Any:
    from asis.policylab.models import Scenario, Visibility

    scenario = Scenario.objects.filter(organisation=w.org, name="Rules: scenario").first()
    if scenario is None:
        scenario = Scenario.objects.create(name="Rules: scenario", owner=w.users["manager"], organisation=w.org,
                                           visibility=Visibility.ORGANISATION, agents=420, n_runs=4,
                                           horizon_years=2)
    return scenario


def world_run(w: Any) -> Any:
    from asis.policylab.models import SimulationRun

    scenario = world_scenario(w)
    run = scenario.runs.first()
    if run is None:
        run = SimulationRun.objects.create(scenario=scenario, created_by=w.users["manager"], n_runs=4, chunk_size=4,
                                           status=SimulationRun.Status.SUCCEEDED, spec={},
                                           summary={"n_runs": 4, "indicators": {}})
    return run


def world_comparison(w: Any) -> Any:
    from asis.policylab.models import Comparison, Visibility

    comparison = Comparison.objects.filter(organisation=w.org, name="Rules: comparison").first()
    if comparison is None:
        comparison = Comparison.objects.create(name="Rules: comparison", owner=w.users["manager"], organisation=w.org,
                                               visibility=Visibility.ORGANISATION)
        comparison.runs.add(world_run(w))
    return comparison


def _scenario(w: Any) -> dict[str, Any]:
    return {"scenario_id": world_scenario(w).pk}


def _run(w: Any) -> dict[str, Any]:
    return {"run_id": world_run(w).pk}


def _comparison(w: Any) -> dict[str, Any]:
    return {"comparison_id": world_comparison(w).pk}


SCENARIO = {"name": "Rules", "levers": {"budget_eur_per_year": 1e6}, "agents": 420, "n_runs": 2,
            "horizon_years": 1}

RULES = {
    "api:policylab_scenario_list": Rule(ALL),
    "api:policylab_scenario_detail": Rule(OFFICERS, kwargs=_scenario),
    "api:policylab_scenario_create": Rule(NOBODY, "POST", data=SCENARIO),
    "api:policylab_scenario_update": Rule(NOBODY, "PUT", kwargs=_scenario, data=SCENARIO),
    "api:policylab_run_start": Rule(NOBODY, "POST", kwargs=_scenario),
    "api:policylab_run_detail": Rule(OFFICERS, kwargs=_run),
    "api:policylab_run_summary": Rule(OFFICERS, kwargs=_run),
    "api:policylab_run_cancel": Rule(NOBODY, "POST", kwargs=_run),
    "api:policylab_run_resume": Rule(NOBODY, "POST", kwargs=_run),
    "api:policylab_comparison_list": Rule(ALL),
    "api:policylab_comparison_detail": Rule(OFFICERS, kwargs=_comparison),
}
