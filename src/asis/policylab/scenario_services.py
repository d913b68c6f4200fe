"""Create and update scenarios from structured data (the REST API): checked here (unknown levers,
visibility, organisation, ranges, and the engine itself), then written by the explorer's services,
as the pages' forms are, so both leave the same audit entries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from asis.engines.simulation.parameters import DEFAULT_MAX_AGENT_MONTHS
from asis.policylab import access, adapters, runs
from asis.policylab.explorer import services as explorer_services
from asis.policylab.explorer.services import SCENARIO_FIELDS
from asis.policylab.models import Scenario, Visibility

FIELDS = ("name", "description", "visibility", "levers", "params", "horizon_years", "n_runs", "seed", "agents")


class ScenarioInvalid(Exception):
    """The data cannot make a scenario; str() is the message in the reader's language."""


def _apply(scenario: Scenario, data: dict[str, Any], user: Any) -> None:
    unknown = sorted(set(data.get("levers") or {}) - set(adapters.LEVER_FIELDS))
    if unknown:
        raise ScenarioInvalid(_("These levers do not exist: %(names)s.") % {"names": ", ".join(unknown)})
    if data.get("visibility", scenario.visibility) not in Visibility.values:
        raise ScenarioInvalid(_("Choose who can see the scenario: only you, your organisation or everyone."))
    if not str(data.get("name", scenario.name) or "").strip():
        raise ScenarioInvalid(_("Give the scenario a name."))
    for field in FIELDS:
        if field in data and data[field] is not None:
            setattr(scenario, field, data[field])
    scenario.name = scenario.name.strip()
    if "organisation_id" in data:
        organisation_id = data["organisation_id"]
        if organisation_id is None:
            scenario.organisation = None
        else:
            organisation = access.officer_organisations(user).filter(pk=organisation_id).first()
            if organisation is None:
                raise ScenarioInvalid(_("You build scenarios only for organisations where you are a policy "
                                        "officer or a programme manager."))
            scenario.organisation = organisation
    if scenario.visibility == Visibility.ORGANISATION and scenario.organisation_id is None:
        raise ScenarioInvalid(_("A scenario shared with an organisation needs that organisation."))
    if not 1 <= int(scenario.horizon_years) <= 20:
        raise ScenarioInvalid(_("Simulate between 1 and 20 years."))
    if int(scenario.agents) < 42:
        raise ScenarioInvalid(_("A scenario needs at least 42 potential initiatives, one per region."))
    try:  # levers and parameters through the engine; the size is checked when a run starts
        runs.checked_runspec(runs.scenario_spec(scenario), max_agent_months=DEFAULT_MAX_AGENT_MONTHS)
    except runs.SimulationRefused as exc:
        raise ScenarioInvalid(str(exc)) from exc


def _fields(scenario: Scenario) -> dict[str, Any]:
    return {name: getattr(scenario, name) for name in SCENARIO_FIELDS}


def scenario_create(*, user: Any, data: dict[str, Any]) -> Scenario:
    """Checked here, written (one transaction, one audit entry) by the same service as the pages."""
    scenario = Scenario(owner=user, organisation=access.officer_organisations(user).order_by("pk").first())
    _apply(scenario, data, user)
    return explorer_services.scenario_create(actor=user, data=_fields(scenario))


def scenario_update(*, scenario: Scenario, user: Any, data: dict[str, Any]) -> Scenario:
    draft = Scenario.objects.get(pk=scenario.pk)  # checked on a copy: nothing changes if refused
    _apply(draft, data, user)
    return explorer_services.scenario_update(actor=user, scenario=scenario, data=_fields(draft))
