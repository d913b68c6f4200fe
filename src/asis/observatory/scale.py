"""Bulk generator for load tests: many published initiatives with relations and search documents.

Reuses the demo planner (realistic texts in five languages, all 42 regions) and inserts in
batches, one transaction per batch, so 100,000 initiatives take minutes, not hours. Revisions are
not written (they matter for the edit history, not for load); run it on a scratch database.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.conf import settings

from asis.accounts.models import Organisation
from asis.core.audit import audit_record
from asis.demo.vocabulary import COUNTRY_LANGUAGES, ORG_PATTERNS
from asis.observatory.demo import insert, load_context, plan_initiative
from asis.observatory.models import Initiative
from asis.regions.models import Region

PUBLISHED_ONLY = ((Initiative.Status.PUBLISHED, 1),)
ORG_TYPES = ["public_authority", "business_support", "social_enterprise", "ngo", "university"]


def ensure_organisations(*, per_region: int = 3) -> int:
    """Published organisations in every region that has none (the demo normally provides them)."""
    created = 0
    for r_index, region in enumerate(Region.objects.order_by("code")):
        if Organisation.objects.filter(region=region, status=Organisation.Status.PUBLISHED).exists():
            continue
        languages = COUNTRY_LANGUAGES[region.country]
        rows = []
        for o_index in range(per_region):
            org_type = ORG_TYPES[(r_index + o_index) % len(ORG_TYPES)]
            language = languages[(r_index + o_index) % len(languages)]
            name = f"{ORG_PATTERNS[org_type][language].format(place=region.name)} ({region.code}-{o_index + 1})"
            rows.append(Organisation(name=name, type=org_type, country=region.country, region=region,
                                     original_language=language if language in settings.LANGUAGE_CODES else "en"))
        Organisation.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
    return created


def scale_generate(*, initiatives: int, seed: int, batch: int = 2000,
                   on_progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Insert ``initiatives`` published initiatives; returns counts. Deterministic for a seed."""
    rng = random.Random(seed)
    organisations = ensure_organisations()
    ctx = load_context()
    offset = Initiative.objects.count()
    done = 0
    while done < initiatives:
        size = min(batch, initiatives - done)
        planned = [plan_initiative(rng, ctx, offset + done + i, weights=PUBLISHED_ONLY) for i in range(size)]
        for item in planned:
            item.initiative.submitted_by = None
        insert(planned, revisions=False, index=True)
        done += size
        if on_progress is not None:
            on_progress(size)
    audit_record(action="asis.observatory.scale_generated",
                 after={"initiatives": initiatives, "seed": seed, "organisations_created": organisations})
    return {"initiatives": done, "organisations_created": organisations}
