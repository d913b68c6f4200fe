"""Scenarios and runs for the tests of Monte Carlo runs and the API."""

from __future__ import annotations

from typing import Any

from asis.accounts.models import Role
from asis.engines.simulation import experiments
from asis.policylab import adapters, runs
from asis.policylab.models import Scenario, SimulationRun, Visibility
from tests.factories import MembershipFactory

SMALL = {"agents": 420, "horizon_years": 3, "n_runs": 12, "seed": 7}


def officer(email: str = "officer@example.org", organisation: Any = None) -> Any:
    kwargs = {"organisation": organisation} if organisation is not None else {}
    return MembershipFactory(user__email=email, role=Role.POLICY_OFFICER, **kwargs).user


def scenario(owner: Any, *, name: str = "Twice the budget", visibility: str = Visibility.PRIVATE,
             levers: dict[str, Any] | None = None, **fields: Any) -> Scenario:
    organisation = owner.memberships.first().organisation if owner.memberships.exists() else None
    return Scenario.objects.create(name=name, owner=owner, organisation=organisation, visibility=visibility,
                                   levers=levers if levers is not None else {"budget_eur_per_year": 30e6},
                                   **{**SMALL, **fields})


def execute_all(run: SimulationRun) -> SimulationRun:
    """Run every chunk's work in this process, in reverse order (any order must give the same)."""
    for chunk in reversed(list(run.chunks.defer("data"))):
        runs.chunk_execute(chunk_id=chunk.pk, report=lambda fraction, message: None)
    run.refresh_from_db()
    return run


def direct_summary(sc: Scenario) -> dict[str, Any]:
    """The summary computed straight from the engine (NumPy, one piece), independent of the app's chunks."""
    spec = adapters.frozen_spec(levers=sc.levers, params={}, horizon_years=sc.horizon_years, n_runs=sc.n_runs,
                                seed=sc.seed, agents=adapters.agents_by_region(sc.agents))
    return adapters.summarise_result(experiments.run_chunk(adapters.runspec(spec), 0, sc.n_runs))
