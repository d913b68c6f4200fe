"""Real run summaries (a small spec through the engine) and runs/comparisons for the results tests."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from asis.engines.simulation.experiments import run_chunk
from asis.policylab import adapters
from asis.policylab.models import Comparison, Scenario, SimulationRun, Visibility


def small_spec(*, budget: float = 2_000_000.0, years: int = 3, n_runs: int = 20, agents: int = 2_000,
               seed: int = 7) -> dict[str, Any]:
    return adapters.frozen_spec(levers={"budget_eur_per_year": budget}, params={}, horizon_years=years,
                                n_runs=n_runs, seed=seed, agents=adapters.agents_by_region(agents))


@lru_cache(maxsize=16)
def summary_for(budget: float = 2_000_000.0, years: int = 3, n_runs: int = 20, seed: int = 7) -> dict[str, Any]:
    spec = small_spec(budget=budget, years=years, n_runs=n_runs, seed=seed)
    return adapters.summarise_result(run_chunk(adapters.runspec(spec), 0, n_runs))


def make_run(*, owner: Any, organisation: Any = None, name: str = "Scenario", budget: float = 2_000_000.0,
             visibility: str = Visibility.PRIVATE, years: int = 3, n_runs: int = 20) -> SimulationRun:
    from django.utils import timezone

    scenario = Scenario.objects.create(name=name, owner=owner, organisation=organisation, visibility=visibility,
                                       levers={"budget_eur_per_year": budget}, horizon_years=years, n_runs=n_runs,
                                       agents=2_000, seed=7)
    spec = small_spec(budget=budget, years=years, n_runs=n_runs)
    return SimulationRun.objects.create(scenario=scenario, created_by=owner, status=SimulationRun.Status.SUCCEEDED,
                                        spec=spec, n_runs=n_runs, chunk_size=n_runs,
                                        summary=summary_for(budget, years, n_runs), finished_at=timezone.now())


def make_comparison(*, owner: Any, organisation: Any = None, runs: list[SimulationRun], name: str = "Comparison",
                    visibility: str = Visibility.PRIVATE) -> Comparison:
    comparison = Comparison.objects.create(name=name, owner=owner, organisation=organisation, visibility=visibility,
                                           baseline=runs[0])
    comparison.runs.set(runs)
    return comparison
