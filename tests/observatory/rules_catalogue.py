"""Permission rules of the public observatory pages (catalogue, pages, map), merged into the matrix."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ALL, Rule


def _published(w: Any) -> dict[str, Any]:
    from asis.observatory.models import Initiative
    from tests.observatory.catalogue_data import publish

    existing = Initiative.objects.filter(title="Rules: public initiative").first()
    return {"initiative_id": (existing or publish(title="Rules: public initiative", lead=w.org)).pk}


RULES: dict[str, Rule] = {
    "observatory:catalogue": Rule(ALL),
    "observatory:initiative_detail": Rule(ALL, kwargs=_published),
    "observatory:organisation_list": Rule(ALL),
    "observatory:organisation_detail": Rule(ALL, kwargs=lambda w: {"organisation_id": w.org.pk}),
    "observatory:region_detail": Rule(ALL, kwargs=lambda w: {"code": "AT33"}),
    "observatory:map": Rule(ALL),
    "observatory:map_regions": Rule(ALL),
    "observatory:map_points": Rule(ALL),
}

# The site-wide search (asis.sitesearch) shows public content only: open to everyone.
RULES["sitesearch:results"] = Rule(ALL)
