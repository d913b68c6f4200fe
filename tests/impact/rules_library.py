"""Permission rules of the indicator library, the monitoring set-up and the theory of change."""

from __future__ import annotations

from typing import Any

from tests.impact.rules_monitoring import HOLDER_AND_STAFF, world_project
from tests.permission_rules import ADMIN_ONLY, ALL, Rule

# A platform admin oversees projects as staff; only the project's own people write for it.
HOLDER = frozenset({"project_holder"})
STAFF = frozenset({"manager", "platform_admin"})


def _project(w: Any) -> dict[str, Any]:
    return {"project_id": world_project(w).pk}


def _library(code: str) -> Any:
    """A seeded library indicator; a browser test's flush empties the seed, so make it again then."""
    from asis.impact.models import Indicator

    return Indicator.objects.filter(code=code).first() or Indicator.objects.create(
        code=code, name=f"Seeded {code}", unit="persons", source=Indicator.Source.ESF)


def _project_indicator(w: Any) -> dict[str, Any]:
    from asis.impact.models import ProjectIndicator

    project = world_project(w)
    indicator = _library("EECO01")
    pi, _created = ProjectIndicator.objects.get_or_create(project=project, indicator=indicator,
                                                          defaults={"is_key": False})
    return {"project_id": project.pk, "pi_id": pi.pk}


def _theory(w: Any) -> dict[str, Any]:
    from asis.impact.models import TheoryOfChange

    project = world_project(w)
    if not project.theories.exists():
        TheoryOfChange.objects.create(project=project, version=1, problem="Isolation", impact="Less isolation")
    return {"project_id": project.pk}


def _shared(w: Any) -> dict[str, Any]:
    return {"indicator_id": _library("EECR04").pk}


def _proposed(w: Any) -> dict[str, Any]:
    from asis.impact.models import Indicator, ProjectIndicator

    project = world_project(w)
    indicator, _created = Indicator.objects.get_or_create(
        code="rules-proposed", defaults={"name": "Rules: proposed indicator", "unit": "persons", "source": "custom",
                                         "status": "proposed", "proposed_by": w.org})
    ProjectIndicator.objects.get_or_create(project=project, indicator=indicator, defaults={"is_key": False})
    return {"indicator_id": indicator.pk}


def _call(w: Any) -> dict[str, Any]:
    return {"call_id": world_project(w).application.call_id}


RULES = {
    "impact:library": Rule(ALL),
    "impact:indicator_detail": Rule(ALL, kwargs=_shared),
    "impact:indicator_create": Rule(ADMIN_ONLY),
    "impact:indicator_edit": Rule(ADMIN_ONLY, kwargs=_shared),
    "impact:indicator_review": Rule(STAFF, kwargs=_proposed),
    "impact:call_indicators": Rule(STAFF, kwargs=_call),
    "impact:project_setup": Rule(HOLDER_AND_STAFF, kwargs=_project),
    "impact:project_indicator_add": Rule(HOLDER_AND_STAFF, "POST", kwargs=_project),
    "impact:indicator_propose": Rule(HOLDER, kwargs=_project),
    "impact:project_targets": Rule(HOLDER_AND_STAFF, kwargs=_project_indicator),
    "impact:project_indicator_remove": Rule(HOLDER_AND_STAFF, "POST", kwargs=_project_indicator),
    "impact:theory": Rule(HOLDER_AND_STAFF, kwargs=_theory),
    "impact:theory_edit": Rule(HOLDER, kwargs=_theory),
    "impact:theory_history": Rule(HOLDER_AND_STAFF, kwargs=_theory),
    "impact:theory_pdf": Rule(HOLDER_AND_STAFF, kwargs=_theory),
}
