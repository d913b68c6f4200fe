"""Scenario explorer: create, change, duplicate and delete scenarios (one transaction and one audit
entry each), build one from a real call, and the scenario's warnings in words.

Levers are stored as the engine's ``Levers`` fields (``adapters.levers_from_json`` reads them):
``regional_split`` is null ("in proportion to potential initiatives") or {NUTS code: share}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from asis.calls.adapters import call_grid
from asis.calls.models import Call
from asis.core.audit import audit_record
from asis.policylab import adapters
from asis.policylab.models import Scenario, Visibility

SCENARIO_FIELDS = ("name", "description", "visibility", "organisation", "levers", "params", "horizon_years",
                   "n_runs", "seed", "agents")
# The engine's limit on the applicants' own share (co-funding): the grant covers at least 5 %.
MAX_COFUNDING = 0.95
# Criteria groups of a grid counted as "social" when a scenario is built from a call.
SOCIAL_GROUPS = ("social",)


def _snapshot(scenario: Scenario) -> dict[str, Any]:
    return {"name": scenario.name, "visibility": scenario.visibility, "levers": scenario.levers,
            "params": scenario.params, "horizon_years": scenario.horizon_years, "n_runs": scenario.n_runs, "seed": scenario.seed,
            "agents": scenario.agents, "organisation_id": scenario.organisation_id,
            "source_call_id": scenario.source_call_id}


def _organisation_id(scenario: Scenario) -> int | None:
    return scenario.organisation_id


@transaction.atomic
def scenario_create(*, actor: Any, data: dict[str, Any], source_call: Call | None = None) -> Scenario:
    """A new scenario owned by ``actor`` with the (already validated) ``data``."""
    scenario = Scenario(owner=actor, source_call=source_call)
    for name in SCENARIO_FIELDS:
        if name in data:
            setattr(scenario, name, data[name])
    scenario.save()
    audit_record(action="asis.policylab.scenario.created", actor=actor, obj=scenario, after=_snapshot(scenario),
                 organisation_id=_organisation_id(scenario))
    return scenario


@transaction.atomic
def scenario_update(*, actor: Any, scenario: Scenario, data: dict[str, Any]) -> Scenario:
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    before = _snapshot(scenario)
    for name in SCENARIO_FIELDS:
        if name in data:
            setattr(scenario, name, data[name])
    scenario.save()
    audit_record(action="asis.policylab.scenario.changed", actor=actor, obj=scenario, before=before,
                 after=_snapshot(scenario), organisation_id=_organisation_id(scenario))
    return scenario


@transaction.atomic
def scenario_duplicate(*, actor: Any, scenario: Scenario, organisation: Any = None) -> Scenario:
    """A private copy owned by ``actor`` (runs are not copied: they belong to the original)."""
    copy = Scenario.objects.create(
        name=_("Copy of %(name)s") % {"name": scenario.name}, description=scenario.description,
        owner=actor, organisation=organisation, visibility=Visibility.PRIVATE,
        levers=dict(scenario.levers), params=dict(scenario.params), horizon_years=scenario.horizon_years,
        n_runs=scenario.n_runs, seed=scenario.seed, agents=scenario.agents, source_call=scenario.source_call)
    audit_record(action="asis.policylab.scenario.duplicated", actor=actor, obj=copy,
                 before={"from": str(scenario.pk)}, after=_snapshot(copy), organisation_id=copy.organisation_id)
    return copy


@transaction.atomic
def scenario_delete(*, actor: Any, scenario: Scenario) -> None:
    before = _snapshot(scenario)
    audit_record(action="asis.policylab.scenario.deleted", actor=actor, obj=scenario, before=before,
                 organisation_id=_organisation_id(scenario))
    scenario.delete()


# --- from a real call ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallMapping:
    """A call's grid and budget as levers, with the figures each value comes from."""

    levers: dict[str, Any]
    budget: float
    social_weight_points: float | int
    total_weight_points: float | int
    social_criteria: tuple[str, ...]
    funding_rate: float  # the call's maximum co-funding rate, as a fraction
    cofunding_capped: bool


def call_levers(call: Call) -> CallMapping:
    """"This call's grid and budget, repeated yearly": budget = the call's budget; social weight =
    the share of the grid's weights on criteria of the group "social"; the applicants' own share =
    1 - the call's maximum co-funding rate (at most 95 %, the engine's limit); one call a year."""
    grid = call_grid(call)
    total = float(sum(c.weight for c in grid.criteria))
    social = [c for c in grid.criteria if c.group in SOCIAL_GROUPS]
    social_points = float(sum(c.weight for c in social))
    funding_rate = float(call.cofunding_rate) / 100.0
    own_share = round(1.0 - funding_rate, 6)
    capped = own_share > MAX_COFUNDING
    levers = {**adapters.default_levers(),
              "budget_eur_per_year": float(call.budget),
              "social_weight": round(social_points / total, 6) if total > 0 else 0.0,
              "cofunding_rate": min(own_share, MAX_COFUNDING),
              "calls_per_year": 1,
              "regional_split": None}
    language = (get_language() or "en")[:2]
    names = tuple(str(c.label.get(language) or c.label.get("en") or c.id) for c in social)
    return CallMapping(levers=levers, budget=float(call.budget), social_weight_points=_whole(social_points),
                       total_weight_points=_whole(total), social_criteria=names, funding_rate=funding_rate,
                       cofunding_capped=capped)


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def scenario_from_call(*, actor: Any, call: Call, organisation: Any = None) -> Scenario:
    mapping = call_levers(call)
    return scenario_create(actor=actor, source_call=call, data={
        "name": _("%(call)s, repeated yearly") % {"call": call.display_title},
        "organisation": organisation, "visibility": Visibility.PRIVATE, "levers": mapping.levers})
