"""Permission rules of the open-data part (REST API, exports, imports), merged into the matrix."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ALL, AUTHENTICATED, Rule

MODERATORS = frozenset({"platform_admin"})  # editors too; the matrix's world has no editor


def _initiative(title: str, status: str, submitted_by: Any = None) -> int:
    from asis.observatory.models import Initiative
    from tests.observatory.test_api import make_initiative

    existing = Initiative.objects.filter(title=title).first()
    return (existing or make_initiative(title=title, status=status, submitted_by=submitted_by)).pk


def _published(w: Any) -> dict[str, Any]:
    return {"initiative_id": _initiative("Rules: open data", "published")}


def _member_proposal(w: Any) -> dict[str, Any]:
    return {"initiative_id": _initiative("Rules: member proposal", "submitted", w.users["member"])}


RULES: dict[str, Rule] = {
    "api:initiative_list": Rule(ALL),
    "api:initiative_detail": Rule(ALL, kwargs=_published),
    "api:initiative_create": Rule(AUTHENTICATED, "POST"),
    "api:initiative_update": Rule(frozenset({"member", "platform_admin"}), "PATCH", kwargs=_member_proposal,
                                  data={"summary": "Changed through the API"}),
    "api:region_list": Rule(ALL),
    "api:taxonomy_list": Rule(ALL),
    "api:directory_organisation_list": Rule(ALL),
    "observatory:export_formats": Rule(ALL),
    "observatory:export": Rule(ALL, kwargs=lambda w: {"fmt": "csv"}),
    "observatory:import": Rule(MODERATORS),
    "observatory:import_commit": Rule(MODERATORS, "POST"),
    "observatory:import_template": Rule(MODERATORS, kwargs=lambda w: {"kind": "initiatives"}),
}
