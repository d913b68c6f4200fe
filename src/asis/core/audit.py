"""The append-only, hash-chained audit log: record and verify."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from asis.core.models import AuditEntry

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 715_202_611  # arbitrary constant: serialises chain appends on PostgreSQL


def _normalise(value: Any) -> Any:
    """JSON round trip so that what is hashed equals what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def compute_hash(
    *,
    prev_hash: str,
    seq: int,
    created_at: Any,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    organisation_id: int | None,
    before: Any,
    after: Any,
) -> str:
    payload = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="milliseconds"),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "organisation": organisation_id,
        "before": before,
        "after": after,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry, from its content and its ``prev_hash``."""
    return compute_hash(
        prev_hash=entry.prev_hash,
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        organisation_id=entry.organisation_id,
        before=entry.before,
        after=entry.after,
    )


def object_label(obj: models.Model | None) -> tuple[str, str, str]:
    """Type, id and a label without personal data (users appear by number only)."""
    if obj is None:
        return "", "", ""
    meta = obj._meta
    label = getattr(obj, "audit_label", None)
    text = label() if callable(label) else str(obj)
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), text[:200]


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation_id: int | None = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so it commits or rolls back with it."""
    object_type, object_id, object_repr = object_label(obj)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    before_n, after_n = _normalise(before), _normalise(after)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
        seq = (last.seq + 1) if last else 1
        prev_hash = last.entry_hash if last else GENESIS_HASH
        now = timezone.now()
        # Millisecond precision: what Django's JSON serializer keeps, so backups verify.
        created_at = now.replace(microsecond=now.microsecond // 1000 * 1000)
        entry = AuditEntry(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            organisation_id=organisation_id,
            before=before_n,
            after=after_n,
            prev_hash=prev_hash,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str = ""


def _entries_in_order(batch: int = 2000) -> Iterable[AuditEntry]:
    last_seq = 0
    while True:
        chunk = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last_seq = chunk[-1].seq


def audit_verify(progress: Callable[[int, int], None] | None = None) -> ChainReport:
    """Recompute every hash in sequence order; report the first entry that does not match."""
    total = AuditEntry.objects.count()
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in _entries_in_order():
        if entry.seq != expected_seq:
            return ChainReport(checked, False, expected_seq, "entry missing (sequence gap)")
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, False, entry.seq, "link to the previous entry is broken")
        recomputed = entry_hash(entry)
        if recomputed != entry.entry_hash:
            return ChainReport(checked, False, entry.seq, "content does not match its hash")
        prev_hash = entry.entry_hash
        expected_seq += 1
        checked += 1
        if progress is not None and (checked % 500 == 0 or checked == total):
            progress(checked, total)
    return ChainReport(checked, True)
