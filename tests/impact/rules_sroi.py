"""Permission rules of the SROI pages, merged into the matrix."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.impact.rules_monitoring import world_project
from tests.permission_rules import ADMIN_ONLY, AUTHENTICATED, Rule

HOLDER_AND_STAFF = frozenset({"project_holder", "manager", "platform_admin"})
STAFF = frozenset({"manager", "platform_admin"})


def world_analysis(w: Any) -> Any:
    """An SROI analysis of the world's funded project with one outcome row; built once per world."""
    from asis.impact.models_sroi import SroiAnalysis, SroiOutcome

    project = world_project(w)
    analysis = SroiAnalysis.objects.filter(project=project).first()
    if analysis is None:
        analysis = SroiAnalysis.objects.create(
            project=project, organisation=project.application.call.organisation, title="Rules: SROI",
            report_year=2025, investment=Decimal("40000"))
        SroiOutcome.objects.create(analysis=analysis, stakeholder="Carers", outcome="Less stress",
                                   quantity=Decimal("40"), duration_years=2, proxy_value=Decimal("1500"),
                                   deadweight=Decimal("0.2"))
    return analysis


def _analysis(w: Any) -> dict[str, Any]:
    return {"analysis_id": world_analysis(w).pk}


def _with_project(w: Any) -> dict[str, Any]:
    world_analysis(w)  # the manager then has a project and a call to analyse
    return {}


RULES = {
    "impact:sroi_list": Rule(AUTHENTICATED),
    "impact:sroi_create": Rule(STAFF, "POST", kwargs=_with_project, data={"target": "x"}),
    "impact:sroi_price_index": Rule(ADMIN_ONLY),
    "impact:sroi_detail": Rule(HOLDER_AND_STAFF, kwargs=_analysis),
    "impact:sroi_edit": Rule(STAFF, kwargs=_analysis),
    "impact:sroi_run": Rule(STAFF, "POST", kwargs=_analysis, data={"draws": "100", "seed": "1"}),
    "impact:sroi_pdf": Rule(HOLDER_AND_STAFF, kwargs=_analysis),
}

RULES.update({
    "api:sroi_detail": Rule(HOLDER_AND_STAFF, kwargs=_analysis),
    "api:sroi_run": Rule(STAFF, "POST", kwargs=_analysis, data={"draws": 100, "seed": 1}),
})
