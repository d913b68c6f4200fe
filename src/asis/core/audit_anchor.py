"""Signed checkpoints of the audit chain head, kept outside the database.

A checkpoint says "on <at> the chain had <seq> entries and its newest MAC was <head>", signed
with the audit key. It is appended to a file under ``ASIS_AUDIT_ANCHOR_DIR`` and logged on
``asis.audit.anchor`` so a log server keeps a copy. Whoever controls only the database cannot
delete the newest entries unnoticed: verification finds a checkpoint the chain no longer has.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from asis.core.audit_keys import AuditKeys, audit_keys

ANCHOR_FILE = "audit-anchors.jsonl"
_LABEL = b"asis.audit.checkpoint.v1\n"
logger = logging.getLogger("asis.audit.anchor")
# Checkpoints are logged whatever ASIS_LOG_LEVEL says: the log server's copy is the one an
# attacker on this machine cannot rewrite. A LOGGING entry for this logger still overrides it.
if logger.level == logging.NOTSET:
    logger.setLevel(logging.INFO)


class AnchorError(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    at: str
    key_id: str
    mac: str

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def _mac(key: bytes, *, seq: int, head: str, at: str, key_id: str) -> str:
    body = json.dumps({"seq": seq, "head": head, "at": at, "key_id": key_id}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, _LABEL + body.encode("utf-8"), hashlib.sha256).hexdigest()


def anchor_file(path: Any = None) -> Path:
    """The checkpoint file: ``path`` (a file or a folder), default the configured folder."""
    target = Path(path) if path else Path(settings.ASIS_AUDIT_ANCHOR_DIR)
    return target / ANCHOR_FILE if target.is_dir() or not path else target


def checkpoint_make(keys: AuditKeys, *, seq: int, head: str, at: str) -> Checkpoint:
    mac = _mac(keys.signing_key, seq=seq, head=head, at=at, key_id=keys.signing_id)
    return Checkpoint(seq=seq, head=head, at=at, key_id=keys.signing_id, mac=mac)


def _parse(raw: str, keys: AuditKeys) -> Checkpoint:
    # Text before the first "{" is a log prefix: a file grepped from the log server verifies too.
    try:
        data = json.loads(raw[raw.index("{"):])
        checkpoint = Checkpoint(seq=int(data["seq"]), head=str(data["head"]), at=str(data["at"]),
                                key_id=str(data["key_id"]), mac=str(data["mac"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorError(_("not a checkpoint")) from exc
    key = keys.keys.get(checkpoint.key_id)
    if key is None:
        raise AnchorError(_("signed with an unknown key %(key_id)s") % {"key_id": checkpoint.key_id})
    expected = _mac(key, seq=checkpoint.seq, head=checkpoint.head, at=checkpoint.at, key_id=checkpoint.key_id)
    if not hmac.compare_digest(expected, checkpoint.mac):
        raise AnchorError(_("the signature does not match"))
    return checkpoint


def checkpoints_load(keys: AuditKeys, *, path: Any = None) -> list[Checkpoint]:
    """Every checkpoint in the file, each signature checked; none when the file does not exist."""
    file = anchor_file(path)
    if not file.exists():
        return []
    checkpoints = []
    with file.open(encoding="utf-8") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                checkpoints.append(_parse(raw, keys))
            except AnchorError as exc:
                raise AnchorError(_("checkpoint file %(path)s, line %(line)s: %(problem)s") % {
                    "path": file, "line": number, "problem": exc}) from exc
    return checkpoints


def checkpoints_by_seq(checkpoints: Iterable[Checkpoint]) -> dict[int, Checkpoint]:
    """Index by entry number; two checkpoints that disagree about one entry are an error."""
    by_seq: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        known = by_seq.setdefault(checkpoint.seq, checkpoint)
        if known.head != checkpoint.head:
            raise AnchorError(_("the checkpoints of %(first)s and %(second)s disagree about entry #%(seq)s") % {
                "first": known.at, "second": checkpoint.at, "seq": checkpoint.seq})
    return by_seq


def audit_anchor_write(*, path: Any = None, now: datetime | None = None) -> Checkpoint:
    """Sign the current chain head, append it to the checkpoint file and log it."""
    from asis.core.audit import chain_head

    seq, head = chain_head()
    at = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    checkpoint = checkpoint_make(audit_keys(), seq=seq, head=head, at=at)
    file = anchor_file(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: writers on several processes or machines sharing the folder never overwrite.
    fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (checkpoint.line() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info("audit checkpoint %s", checkpoint.line())
    return checkpoint


def _newest_line(file: Path) -> dict[str, Any] | None:
    try:
        with file.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(handle.tell() - 4096, 0))
            tail = handle.read().decode("utf-8", "replace").strip().splitlines()
        data = json.loads(tail[-1])
    except (OSError, ValueError, IndexError):
        return None
    return data if isinstance(data, dict) else None


def _age(checkpoint: dict[str, Any], now: datetime) -> float:
    try:
        return (now - datetime.fromisoformat(str(checkpoint["at"]).replace("Z", "+00:00"))).total_seconds()
    except (KeyError, ValueError, TypeError):
        return float("inf")  # no readable checkpoint: one is due


def audit_anchor_due(*, now: datetime | None = None) -> Checkpoint | None:
    """Periodic hook (the worker calls it): a checkpoint when the head moved since the newest
    one and that one is older than ``ASIS_AUDIT_ANCHOR_SECONDS``. Never raises: a failure is
    logged and retried at the next call, the worker keeps running."""
    from asis.core.audit import chain_head

    now = now or datetime.now(UTC)
    try:
        newest = _newest_line(anchor_file()) or {}
        if newest.get("seq") == chain_head()[0] or _age(newest, now) < settings.ASIS_AUDIT_ANCHOR_SECONDS:
            return None
        return audit_anchor_write(now=now)
    except Exception:
        logger.exception("could not write an audit checkpoint")
        return None
