"""Permission rules of the impact app's project pages, merged into the matrix."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import AUTHENTICATED, Rule

HOLDER_AND_STAFF = frozenset({"project_holder", "manager", "platform_admin"})


def world_project(w: Any) -> Any:
    """A funded project of world.org (lead: the world's project holder), funded by world.org's own
    call, with two yearly reporting periods; built once per world."""
    from asis.calls.models import FundedProject
    from tests.impact.helpers import make_project

    project = FundedProject.objects.filter(application__organisation=w.org,
                                           application__title="Rules: funded project").first()
    return project or make_project(w.org, w.users["project_holder"], title="Rules: funded project", periods=2)


def _project(w: Any) -> dict[str, Any]:
    return {"project_id": world_project(w).pk}


RULES = {
    "impact:project_list": Rule(AUTHENTICATED),
    "impact:project_detail": Rule(HOLDER_AND_STAFF, kwargs=_project),
}
