"""Writes for the observatory. Each runs in one transaction with one audit entry, records a
revision (for the edit history) and refreshes the search documents."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from asis.accounts.models import Organisation
from asis.core.audit import audit_record
from asis.observatory.filters import catalogue_changed
from asis.observatory.models import (
    Axis,
    Challenge,
    Initiative,
    InitiativeOrganisation,
    InitiativeRevision,
)
from asis.observatory.search import index_initiatives, index_prefetch
from asis.regions.models import Region

SNAPSHOT_EXCLUDE = ("id", "organisations", "regions", "challenges", "axes", "translations")


def initiative_snapshot(initiative: Initiative) -> dict[str, Any]:
    """Plain JSON of everything an editor may change, for revisions and diffs."""
    return _snapshot(
        initiative,
        regions=initiative.regions.values_list("code", flat=True),
        challenges=initiative.challenges.values_list("code", flat=True),
        axes=initiative.axes.values_list("code", flat=True),
        organisations=((link.organisation_id, link.role) for link in initiative.organisation_links.all()),
    )


def _snapshot(initiative: Initiative, *, regions: Iterable[str], challenges: Iterable[str], axes: Iterable[str],
              organisations: Iterable[tuple[int, str]]) -> dict[str, Any]:
    """The snapshot from relation codes given by the caller (read from the database, or in memory)."""
    data = model_to_dict(initiative, exclude=SNAPSHOT_EXCLUDE)
    data.update(
        translations=initiative.translations,
        regions=sorted(regions),
        challenges=sorted(challenges),
        axes=sorted(axes),
        organisations=sorted([org_id, role] for org_id, role in organisations),
    )
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def initiative_save(
    *,
    actor: Any,
    initiative: Initiative,
    organisations: Sequence[tuple[Organisation, str]] | None = None,
    regions: Iterable[Region] | None = None,
    challenges: Iterable[Challenge] | None = None,
    axes: Iterable[Axis] | None = None,
    note: str = "",
    action: str | None = None,
) -> Initiative:
    """Create or update an initiative with its relations; validates everything before writing."""
    creating = initiative.pk is None
    before = None if creating else initiative_snapshot(Initiative.objects.get(pk=initiative.pk))
    initiative.full_clean()
    region_list = list(regions) if regions is not None else None
    if region_list is not None and not region_list:
        raise ValidationError({"regions": ["An initiative takes place in at least one region."]})
    with transaction.atomic():
        initiative.save()
        if organisations is not None:
            InitiativeOrganisation.objects.filter(initiative=initiative).delete()
            InitiativeOrganisation.objects.bulk_create(
                [InitiativeOrganisation(initiative=initiative, organisation=o, role=r) for o, r in organisations]
            )
        if region_list is not None:
            initiative.regions.set(region_list)
        if challenges is not None:
            initiative.challenges.set(list(challenges))
        if axes is not None:
            initiative.axes.set(list(axes))
        after = initiative_snapshot(initiative)
        InitiativeRevision.objects.create(initiative=initiative, author=actor if _is_user(actor) else None,
                                          note=note[:300], snapshot=after)
        changed = _changed_fields(before, after)
        audit_record(
            action=action or ("asis.initiative.created" if creating else "asis.initiative.changed"),
            actor=actor, obj=initiative,
            before=None if before is None else {k: before.get(k) for k in changed},
            after={k: after.get(k) for k in changed} if before is not None else {"status": initiative.status},
        )
        index_initiatives(index_prefetch(Initiative.objects.filter(pk=initiative.pk)))
    return initiative


def initiatives_bulk_create(
    *,
    actor: Any,
    items: Sequence[tuple[Initiative, dict[str, Any]]],
    note: str = "",
    action: str = "asis.initiative.imported",
) -> list[Initiative]:
    """Create many already-validated initiatives at once (imports): bulk inserts, one revision
    each, ONE audit entry naming every created id, and the search documents in batches.

    ``items`` pairs an unsaved, validated Initiative with its relations: ``regions``,
    ``challenges``, ``axes`` (model instances) and ``organisations`` ([(organisation, role)]).
    """
    if not items:
        return []
    author = actor if _is_user(actor) else None
    with transaction.atomic():
        created = Initiative.objects.bulk_create([initiative for initiative, _r in items], batch_size=1000)
        if any(i.pk is None for i in created):  # pragma: no cover - every supported database returns ids
            raise RuntimeError("the database did not return the new ids")
        region_rows, challenge_rows, axis_rows, org_rows, revisions = [], [], [], [], []
        through = (Initiative.regions.through, Initiative.challenges.through, Initiative.axes.through)
        for initiative, relations in zip(created, (r for _i, r in items), strict=True):
            regions = list(relations.get("regions", ()))
            challenges = list(relations.get("challenges", ()))
            axes = list(relations.get("axes", ()))
            organisations = list(relations.get("organisations", ()))
            region_rows += [through[0](initiative_id=initiative.pk, region_id=r.pk) for r in regions]
            challenge_rows += [through[1](initiative_id=initiative.pk, challenge_id=c.pk) for c in challenges]
            axis_rows += [through[2](initiative_id=initiative.pk, axis_id=a.pk) for a in axes]
            org_rows += [InitiativeOrganisation(initiative=initiative, organisation=o, role=role)
                         for o, role in organisations]
            snapshot = _snapshot(initiative, regions=(r.code for r in regions),
                                 challenges=(c.code for c in challenges), axes=(a.code for a in axes),
                                 organisations=((o.pk, role) for o, role in organisations))
            revisions.append(InitiativeRevision(initiative=initiative, author=author, note=note[:300],
                                                snapshot=snapshot))
        for model, rows in zip((*through, InitiativeOrganisation, InitiativeRevision),
                               (region_rows, challenge_rows, axis_rows, org_rows, revisions), strict=True):
            model.objects.bulk_create(rows, batch_size=2000)
        ids = [i.pk for i in created]
        for start in range(0, len(ids), 1000):
            index_initiatives(index_prefetch(Initiative.objects.filter(pk__in=ids[start:start + 1000])))
        # Last: appending to the audit chain locks it until commit (core.audit), so every other
        # writer's save would otherwise wait for the whole search indexing of the import.
        audit_record(action=action, actor=actor, after={"count": len(created), "ids": ids})
    return created


def initiative_set_status(*, actor: Any, initiative: Initiative, status: str, reason: str = "") -> Initiative:
    """Move an initiative through draft -> submitted -> published/rejected -> archived."""
    allowed = {
        Initiative.Status.DRAFT: {Initiative.Status.SUBMITTED},
        Initiative.Status.SUBMITTED: {Initiative.Status.PUBLISHED, Initiative.Status.REJECTED,
                                      Initiative.Status.DRAFT},
        Initiative.Status.REJECTED: {Initiative.Status.SUBMITTED, Initiative.Status.DRAFT},
        Initiative.Status.PUBLISHED: {Initiative.Status.ARCHIVED, Initiative.Status.SUBMITTED},
        Initiative.Status.ARCHIVED: {Initiative.Status.PUBLISHED},
    }
    if status not in allowed.get(initiative.status, set()):
        raise ValidationError({"status": [f"An initiative cannot go from {initiative.status} to {status}."]})
    if status == Initiative.Status.REJECTED and not reason.strip():
        raise ValidationError({"moderation_reason": ["Give the submitter a reason for the rejection."]})
    with transaction.atomic():
        previous = initiative.status
        initiative.status = status
        initiative.moderation_reason = reason.strip()
        if status == Initiative.Status.PUBLISHED and initiative.published_at is None:
            initiative.published_at = timezone.now()
        initiative.save(update_fields=["status", "moderation_reason", "published_at", "updated_at"])
        InitiativeRevision.objects.create(initiative=initiative, author=actor if _is_user(actor) else None,
                                          note=f"{previous} → {status}", snapshot=initiative_snapshot(initiative))
        audit_record(action=f"asis.initiative.{status}", actor=actor, obj=initiative,
                     before={"status": previous}, after={"status": status, "reason": initiative.moderation_reason})
        catalogue_changed()
        transaction.on_commit(catalogue_changed)
    return initiative


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return sorted(after)
    return sorted(k for k in after if before.get(k) != after.get(k))
