"""Permission rules of the counterfactual pages and API, merged into the matrix: only the
programme managers of the panel's organisation (and platform admins)."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import AUTHENTICATED, Rule

ANALYSTS = frozenset({"manager", "platform_admin"})
ANY_ANALYST = ANALYSTS | {"other_manager"}


def world_study(w: Any) -> Any:
    from asis.impact.models_counterfactual import CounterfactualStudy
    from tests.impact.counterfactual_helpers import make_panel, make_study

    study = CounterfactualStudy.objects.filter(organisation=w.org, name="Rules: study").first()
    if study is None:
        study = make_study(make_panel(w.org, w.users["manager"]), w.users["manager"], name="Rules: study")
    return study


def _panel(w: Any) -> dict[str, Any]:
    return {"panel_id": world_study(w).panel_id}


def _study(w: Any) -> dict[str, Any]:
    return {"study_id": world_study(w).pk}


RULES = {
    "impact:counterfactual:index": Rule(ANY_ANALYST),
    "impact:counterfactual:panel_import": Rule(ANY_ANALYST),
    "impact:counterfactual:panel_indicator": Rule(ANY_ANALYST),
    "impact:counterfactual:panel_detail": Rule(ANALYSTS, kwargs=_panel),
    "impact:counterfactual:study_new": Rule(ANALYSTS, kwargs=_panel),
    "impact:counterfactual:study_detail": Rule(ANALYSTS, kwargs=_study),
    "impact:counterfactual:study_pdf": Rule(ANALYSTS, kwargs=_study),
    "api:counterfactual_study_list": Rule(AUTHENTICATED),
    "api:counterfactual_study_detail": Rule(ANALYSTS, kwargs=_study),
}
