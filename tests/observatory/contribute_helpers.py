"""Test helpers of the contribution part (no import of the permission rules: no cycle)."""

from __future__ import annotations

from typing import Any


def make_initiative(*, submitted_by: Any = None, status: str = "submitted", title: str = "Village care cooperative",
                    lead: Any = None, region_code: str = "AT33") -> Any:
    """A valid initiative saved through the service (with its revision and search documents)."""
    from asis.accounts.models import Organisation
    from asis.observatory.models import Initiative, InitiativeOrganisation
    from asis.observatory.services import initiative_save
    from asis.regions.models import Region

    region = Region.objects.get(code=region_code)
    if lead is None:
        lead = Organisation.objects.filter(status="published").order_by("pk").first()
    initiative = Initiative(title=title, summary="Neighbours organise care for older people at home.",
                            status=status, submitted_by=submitted_by, original_language="en")
    if status == "published":
        from django.utils import timezone

        initiative.published_at = timezone.now()
    return initiative_save(actor=submitted_by, initiative=initiative,
                           organisations=[(lead, InitiativeOrganisation.Role.LEAD)], regions=[region])
