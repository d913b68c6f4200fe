"""Data for the catalogue, page and map tests, created through the services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any


def publish(*, title: str = "Village care cooperative", summary: str = "Neighbours care for older people.",
            regions: Sequence[str] = ("AT33",), lead: Any = None, partners: Sequence[Any] = (),
            challenges: Sequence[Any] = (), axes: Sequence[Any] = (), stage: str = "pilot",
            start: date | None = None, point: tuple[float, float] | None = None, status: str = "published",
            translations: dict[str, dict[str, str]] | None = None, language: str = "en",
            **fields: Any) -> Any:
    """An initiative saved and moved to ``status`` through the services (audit, revision, search)."""
    from asis.accounts.models import Organisation
    from asis.observatory.models import Initiative, InitiativeOrganisation
    from asis.observatory.services import initiative_save, initiative_set_status
    from asis.regions.models import Region

    if lead is None:
        lead = Organisation.objects.filter(status="published").order_by("pk").first()
    initiative = Initiative(title=title, summary=summary, stage=stage, start_date=start, original_language=language,
                            latitude=point[0] if point else None, longitude=point[1] if point else None, **fields)
    for lang, texts in (translations or {}).items():
        for field, text in texts.items():
            initiative.set_translation(lang, field, text)
    organisations = [(lead, InitiativeOrganisation.Role.LEAD)] if lead else []
    organisations += [(p, InitiativeOrganisation.Role.PARTNER) for p in partners]
    initiative = initiative_save(actor=None, initiative=initiative, organisations=organisations,
                                 regions=list(Region.objects.filter(code__in=regions)),
                                 challenges=challenges, axes=axes)
    path = {"draft": [], "submitted": ["submitted"], "published": ["submitted", "published"],
            "archived": ["submitted", "published", "archived"]}[status]
    for step in path:
        initiative = initiative_set_status(actor=None, initiative=initiative, status=step)
    return initiative
