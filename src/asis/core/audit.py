"""The append-only, HMAC-chained audit log: record and verify.

Every entry carries ``HMAC-SHA256(key, prev_hash || canonical JSON)`` under a key kept outside
the database (``asis.core.audit_keys``), so whoever can write the table cannot re-chain it.
Entries written before keys existed (``key_id`` NULL) keep their plain SHA-256: they verify
as a prefix, and the first keyed entry seals them by signing the legacy head as its
``prev_hash``. Deleting the newest entries leaves a valid chain; signed checkpoints kept
outside the database (``asis.core.audit_anchor``) catch that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.core.audit_anchor import AnchorError, Checkpoint, checkpoints_by_seq, checkpoints_load
from asis.core.audit_keys import AuditKeys, audit_keys
from asis.core.models import AuditEntry

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 715_202_611  # arbitrary constant: serialises chain appends on PostgreSQL


def _normalise(value: Any) -> Any:
    """JSON round trip so that what is hashed equals what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _canonical(
    *,
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
    key_id: str | None = None,
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
    if key_id is not None:
        payload["key_id"] = key_id  # bound into the MAC: an entry cannot be moved to another key
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(*, prev_hash: str, **fields: Any) -> str:
    """The legacy, unkeyed hash of entries without ``key_id``: anyone can recompute it."""
    return hashlib.sha256((prev_hash + _canonical(**fields)).encode("utf-8")).hexdigest()


def compute_mac(*, key: bytes, key_id: str, prev_hash: str, **fields: Any) -> str:
    """HMAC-SHA256 over the previous MAC and the canonical entry, including the key id."""
    message = (prev_hash + _canonical(key_id=key_id, **fields)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "created_at": entry.created_at,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "organisation_id": entry.organisation_id,
        "before": entry.before,
        "after": entry.after,
    }


def entry_hash(entry: AuditEntry, keys: AuditKeys | None = None) -> str:
    """The hash or MAC an entry must carry, from its content, ``prev_hash`` and ``key_id``.

    Raises KeyError when the entry names a key that is not configured.
    """
    if entry.key_id is None:
        return compute_hash(prev_hash=entry.prev_hash, **_fields(entry))
    key = (keys or audit_keys()).keys[entry.key_id]
    return compute_mac(key=key, key_id=entry.key_id, prev_hash=entry.prev_hash, **_fields(entry))


def chain_head() -> tuple[int, str]:
    """Sequence number and hash of the newest entry; ``(0, GENESIS_HASH)`` for an empty log."""
    last = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
    return (last.seq, last.entry_hash) if last else (0, GENESIS_HASH)


def object_label(obj: models.Model | None) -> tuple[str, str, str]:
    """Type, id and a label without personal data (users appear by number only)."""
    if obj is None:
        return "", "", ""
    meta = obj._meta
    label = getattr(obj, "audit_label", None)
    text = label() if callable(label) else str(obj)
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), text[:200]


def _append(model: Any, **content: Any) -> Any:
    """Append one entry to ``model`` (the audit model, or its historical twin in a migration)."""
    keys = audit_keys()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = model.objects.order_by("-seq").only("seq", "entry_hash").first()
        now = timezone.now()
        entry = model(
            seq=(last.seq + 1) if last else 1,
            # Millisecond precision: what Django's JSON serializer keeps, so backups verify.
            created_at=now.replace(microsecond=now.microsecond // 1000 * 1000),
            prev_hash=last.entry_hash if last else GENESIS_HASH,
            key_id=keys.signing_id,
            **content,
        )
        entry.entry_hash = entry_hash(entry, keys)
        entry.save()
    return entry


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
    entry: AuditEntry = _append(
        AuditEntry,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        organisation_id=organisation_id,
        before=_normalise(before),
        after=_normalise(after),
    )
    return entry


def audit_seal_legacy(*, model: Any = AuditEntry) -> Any:
    """Seal a chain that ends in legacy (unkeyed) entries with a keyed entry that signs their head.

    Migration 0003 runs it on upgrade; ``asis audit-seal`` after restoring an old backup. From
    the seal on, rewriting the legacy entries breaks a MAC. Returns None when there is nothing
    to seal.
    """
    last = model.objects.order_by("-seq").only("seq", "entry_hash", "key_id").first()
    if last is None or last.key_id is not None:
        return None
    return _append(model, actor_id=None, action="asis.audit.sealed", object_type="", object_id="", object_repr="",
                   organisation_id=None, before=None,
                   after={"legacy_entries": last.seq, "legacy_head": last.entry_hash})


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str = ""
    legacy: int = 0  # entries with the unkeyed legacy hash (a prefix of the chain)
    checkpoints: int = 0  # signed checkpoints the chain was compared with


def _entries_in_order(batch: int = 2000) -> Iterable[AuditEntry]:
    """Keyset pages in sequence order: memory stays bounded however long the chain is."""
    last_seq = 0
    while True:
        chunk = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last_seq = chunk[-1].seq


def audit_verify(
    progress: Callable[[int, int], None] | None = None,
    *,
    check_anchors: bool = False,
    anchor_path: Any = None,
) -> ChainReport:
    """Recompute every MAC (or legacy hash) in sequence order; report the first entry that fails.

    With ``check_anchors`` the chain must also contain the head of every signed checkpoint
    (``anchor_path``, default: the configured anchor file), so entries deleted from the end
    are reported. A restore rewinds the chain on purpose and therefore verifies without them.
    """
    keys = audit_keys()
    checkpoints: dict[int, Checkpoint] = {}
    if check_anchors:
        try:
            checkpoints = checkpoints_by_seq(checkpoints_load(keys, path=anchor_path))
        except AnchorError as exc:
            return ChainReport(0, False, None, str(exc))
    total = AuditEntry.objects.count()
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = legacy = compared = 0
    sealed = False
    for entry in _entries_in_order():
        if entry.seq != expected_seq:
            return ChainReport(checked, False, expected_seq, _("entry missing (sequence gap)"), legacy, compared)
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, False, entry.seq, _("link to the previous entry is broken"), legacy, compared)
        if entry.key_id is None:
            if sealed:
                return ChainReport(checked, False, entry.seq, _("unkeyed entry after the chain was sealed with a key"),
                                   legacy, compared)
            legacy += 1
        else:
            sealed = True
            if entry.key_id not in keys.keys:
                reason = _("signed with an unknown key %(key_id)s") % {"key_id": entry.key_id}
                return ChainReport(checked, False, entry.seq, reason, legacy, compared)
        if not hmac.compare_digest(entry_hash(entry, keys), entry.entry_hash):
            return ChainReport(checked, False, entry.seq, _("content does not match its hash"), legacy, compared)
        checkpoint = checkpoints.get(entry.seq)
        if checkpoint is not None:
            if not hmac.compare_digest(checkpoint.head, entry.entry_hash):
                reason = _("entry differs from the checkpoint of %(time)s") % {"time": checkpoint.at}
                return ChainReport(checked, False, entry.seq, reason, legacy, compared)
            compared += 1
        prev_hash = entry.entry_hash
        expected_seq += 1
        checked += 1
        if progress is not None and (checked % 500 == 0 or checked == total):
            progress(checked, total)
    if legacy and not sealed:
        # Without a keyed entry after them, whoever can write the table could have rewritten
        # the whole chain as legacy entries: migration 0003 and ``asis audit-seal`` seal them.
        reason = _("entries #1 to #%(last)s carry the unkeyed legacy hash and no keyed entry seals them") % {
            "last": legacy}
        return ChainReport(checked, False, 1, reason, legacy, compared)
    beyond = [c for c in checkpoints.values() if c.seq > checked]
    if beyond:
        newest = max(beyond, key=lambda c: c.seq)
        reason = _("entries #%(first)s to #%(last)s are missing: the checkpoint of %(time)s recorded them") % {
            "first": checked + 1, "last": newest.seq, "time": newest.at}
        return ChainReport(checked, False, checked + 1, reason, legacy, compared)
    return ChainReport(checked, True, None, "", legacy, compared)
