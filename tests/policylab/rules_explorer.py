"""Permission rules of the scenario explorer (merged into the matrix).

The world's scenario is private to the programme manager of ``w.org`` (a policy officer): only
they and platform admins read and change it; the other organisation's manager gets a 404. Every
policy officer (programme managers of any organisation, admins) builds scenarios and previews.
"""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ALL, Rule

OFFICERS = frozenset({"manager", "other_manager", "platform_admin"})
OWNERS = frozenset({"manager", "platform_admin"})


def world_scenario(w: Any) -> Any:
    from asis.policylab.models import Scenario

    scenario = Scenario.objects.filter(organisation=w.org, name="Rules: explorer scenario").first()
    if scenario is None:
        scenario = Scenario.objects.create(name="Rules: explorer scenario", owner=w.users["manager"], organisation=w.org,
                                           visibility="private", n_runs=4, agents=420, horizon_years=2)
    return scenario


def world_run(w: Any) -> Any:
    from asis.policylab.models import RunChunk, SimulationRun

    scenario = world_scenario(w)
    run = scenario.runs.first()
    if run is None:
        run = SimulationRun.objects.create(scenario=scenario, created_by=w.users["manager"], n_runs=4,
                                           chunk_size=2, status=SimulationRun.Status.RUNNING)
        RunChunk.objects.create(run=run, index=0, start=0, stop=2)
        RunChunk.objects.create(run=run, index=1, start=2, stop=4)
    return run


def _scenario(w: Any) -> dict[str, Any]:
    return {"scenario_id": world_scenario(w).pk}


def _run(w: Any) -> dict[str, Any]:
    return {"run_id": world_run(w).pk}


PREVIEW_QUERY = {"budget_eur_per_year": "20000000", "social_weight": "30", "training_intensity": "0",
                 "cooperation_support": "0", "cofunding_rate": "20", "calls_per_year": "1",
                 "split_mode": "proportional", "horizon_years": "3", "agents": "420"}

RULES = {
    "policylab:index": Rule(ALL),
    "policylab:scenario_new": Rule(OFFICERS),
    "policylab:scenario_from_call": Rule(OFFICERS),
    "policylab:preview": Rule(OFFICERS, data=PREVIEW_QUERY),
    "policylab:scenario_detail": Rule(OWNERS, kwargs=_scenario),
    "policylab:scenario_edit": Rule(OWNERS, kwargs=_scenario),
    "policylab:scenario_duplicate": Rule(OWNERS, "POST", kwargs=_scenario),
    "policylab:scenario_delete": Rule(OWNERS, kwargs=_scenario),
    "policylab:run_start": Rule(OWNERS, "POST", kwargs=_scenario),
    "policylab:run_detail": Rule(OWNERS, kwargs=_run),
    "policylab:run_progress": Rule(OWNERS, kwargs=_run),
    "policylab:run_cancel": Rule(OWNERS, "POST", kwargs=_run),
    "policylab:run_resume": Rule(OWNERS, "POST", kwargs=_run),
}
