"""Permission rules of the impact dashboards, their downloads, the region statistics and the open data."""

from __future__ import annotations

from typing import Any

from tests.impact.rules_monitoring import HOLDER_AND_STAFF, world_project
from tests.permission_rules import ALL, Rule

STAFF = frozenset({"manager", "platform_admin"})
ADMIN = frozenset({"platform_admin"})


def _org(w: Any) -> dict[str, Any]:
    world_project(w)
    return {"organisation_id": w.org.pk}


def _call(w: Any) -> dict[str, Any]:
    return {"call_id": world_project(w).application.call_id}


def _indicator(w: Any) -> dict[str, Any]:
    from asis.impact.models import Indicator, ProjectIndicator

    project = world_project(w)
    indicator, _created = Indicator.objects.get_or_create(code="rules-dashboard-indicator",
                                                          defaults={"name": "Persons reached", "unit": "persons"})
    ProjectIndicator.objects.get_or_create(project=project, indicator=indicator)
    return {"indicator_id": indicator.pk}


def _with(kwargs: Any, **extra: Any) -> Any:
    return lambda w: {**kwargs(w), **extra}


RULES = {
    "impact:programme_dashboard": Rule(STAFF, kwargs=_org),
    "impact:programme_export": Rule(STAFF, kwargs=_with(_org, fmt="xlsx")),
    "impact:region_map": Rule(STAFF, kwargs=_org),
    "impact:region_map_data": Rule(STAFF, kwargs=_org),
    "impact:region_export": Rule(STAFF, kwargs=_with(_org, fmt="csv")),
    "impact:call_dashboard": Rule(STAFF, kwargs=_call),
    "impact:call_export": Rule(STAFF, kwargs=_with(_call, fmt="csv")),
    "impact:indicator_results": Rule(STAFF, kwargs=_indicator),
    "impact:indicator_export": Rule(STAFF, kwargs=_with(_indicator, fmt="xlsx")),
    "impact:project_export": Rule(HOLDER_AND_STAFF, kwargs=_with(lambda w: {"project_id": world_project(w).pk},
                                                                 fmt="csv")),
    "impact:region_statistics": Rule(ADMIN),
    "impact:open_data": Rule(ALL),
    "impact:open_results": Rule(ALL, kwargs=lambda w: {"fmt": "json"}),
    "impact:open_iati": Rule(ALL),
    "api:impact_results": Rule(ALL),
}
