"""Permission rules of the contribution, moderation and history routes (merged into the matrix)."""

from __future__ import annotations

from typing import Any

from tests.observatory.contribute_helpers import make_initiative
from tests.permission_rules import ALL, AUTHENTICATED, Rule

EDITORS = frozenset({"platform_admin"})  # the world has no is_editor user; superusers may moderate


def _member_initiative(w: Any) -> dict[str, Any]:
    from asis.observatory.models import Initiative

    existing = Initiative.objects.filter(submitted_by=w.users["member"], title="Rules: member proposal").first()
    initiative = existing or make_initiative(submitted_by=w.users["member"], title="Rules: member proposal")
    return {"initiative_id": initiative.pk}


def _published_initiative(w: Any) -> dict[str, Any]:
    from asis.observatory.models import Initiative

    existing = Initiative.objects.filter(title="Rules: published initiative").first()
    initiative = existing or make_initiative(submitted_by=w.users["member"], status="published",
                                             title="Rules: published initiative")
    return {"initiative_id": initiative.pk}


def _submitted_organisation(w: Any) -> dict[str, Any]:
    from asis.accounts.models import Organisation

    organisation, _created = Organisation.objects.get_or_create(
        name="Rules: proposed organisation", country="AT",
        defaults={"type": "ngo", "region": w.org.region, "status": "submitted", "submitted_by": w.users["member"]})
    return {"organisation_id": organisation.pk}


RULES: dict[str, Rule] = {
    "observatory:propose": Rule(AUTHENTICATED),
    "observatory:propose_organisation": Rule(AUTHENTICATED),
    "observatory:my_proposals": Rule(AUTHENTICATED),
    "observatory:initiative_edit": Rule(frozenset({"member", "platform_admin"}), kwargs=_member_initiative),
    "observatory:initiative_history": Rule(ALL, kwargs=_published_initiative),
    "observatory:moderation_queue": Rule(EDITORS),
    "observatory:moderation_review": Rule(EDITORS, kwargs=_member_initiative),
    "observatory:moderation_organisation": Rule(EDITORS, kwargs=_submitted_organisation),
}
