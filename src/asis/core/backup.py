"""Backup and restore of every record, as a zip of Django serializer JSON per model.

Restore is all-or-nothing: one transaction that empties the covered tables, loads the file,
checks constraints and record counts, and verifies the audit chain before committing.

With ``ASIS_BACKUP_KEY`` set the zip is written encrypted (:mod:`asis.core.backup_crypto`), and a
restore decrypts it (into an unnamed temporary file) before anything is read; a wrong key or a
changed file is refused before the database is touched. The zip is then read through
:mod:`asis.core.archives`: member names, counts and sizes are checked before anything is inflated.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from rich.console import Console
from rich.progress import Progress

from asis import __version__
from asis.core import db_triggers
from asis.core.archives import ArchiveLimits, ArchiveRefused, open_zip, read_member
from asis.core.backup_crypto import (
    BackupCryptoError,
    EncryptingWriter,
    decrypt_to,
    is_encrypted,
    parse_key,
)

FORMAT = "asis-backup/1"
_EXCLUDED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "django_tasks_db.dbtaskresult",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "observatory.initiativesearch",  # derived: rebuilt after a restore
    "observatory.catalogueversion",  # the facet index's change log: the restore's own writes bump it
    "observatory.cataloguechange",
}
# Called after the data is loaded, inside the restore transaction, to rebuild derived data.
_EXCLUDED_DERIVED = ("observatory.initiativesearch",)
POST_RESTORE = ("asis.observatory.search.reindex_all",)
# A table is deserialised from memory, so one is bounded; JSON of similar rows compresses well.
LIMITS = ArchiveLimits(max_members=1000, max_member_bytes=2 * 1024 ** 3, max_total_bytes=64 * 1024 ** 3,
                       max_ratio=1000)
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_MEMBER = re.compile(r"^data/([a-z0-9_]+\.[a-z0-9_]+)\.json$")


class BackupError(Exception):
    pass


class _LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps the microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def covered_models() -> list[type[models.Model]]:
    """Concrete, managed models in dependency order (dependencies first)."""
    app_list: dict[Any, list[type[models.Model]] | None] = {
        config: None for config in apps.get_app_configs() if config.models_module is not None
    }
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return [m for m in ordered if not m._meta.proxy and m._meta.managed and _label(m) not in _EXCLUDED]


def backup_key() -> bytes | None:
    """The encryption key from ``ASIS_BACKUP_KEY``, or None when backups are written in the clear."""
    text = getattr(settings, "ASIS_BACKUP_KEY", "") or ""
    if not text:
        return None
    try:
        return parse_key(text)
    except BackupCryptoError as exc:
        raise BackupError(str(exc)) from exc


def backup_write(path: str | Path, *, console: Console | None = None) -> dict[str, Any]:
    """Write the backup (encrypted when ``ASIS_BACKUP_KEY`` is set); the file appears only when complete."""
    key = backup_key()
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as raw:
            sink: Any = EncryptingWriter(raw, key) if key else raw
            manifest = _write_zip(sink, console)
            if key:
                sink.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _write_zip(sink: Any, console: Console | None) -> dict[str, Any]:
    models_ = covered_models()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive, Progress(
        console=console, transient=True, disable=console is None
    ) as progress, transaction.atomic():
        bar = progress.add_task("Writing backup", total=len(models_))
        for model in models_:
            label = _label(model)
            queryset = model._default_manager.order_by("pk")
            data = serializers.serialize(
                "json", queryset.iterator(chunk_size=2000), use_natural_foreign_keys=True, cls=_LosslessEncoder
            )
            archive.writestr(f"data/{label}.json", data)
            counts[label] = queryset.count()
            progress.advance(bar)
        manifest = {
            "format": FORMAT,
            "asis_version": __version__,
            "created_at": timezone.now().isoformat(),
            "order": [_label(m) for m in models_],
            "counts": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def _open_backup(path: str | Path, stack: contextlib.ExitStack) -> zipfile.ZipFile:
    """The backup's zip, decrypted if need be, with its directory checked against ``LIMITS``."""
    try:
        raw: IO[bytes] = stack.enter_context(open(path, "rb"))  # noqa: SIM115 (closed by the stack)
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc}") from exc
    handle = raw
    if is_encrypted(raw):
        key = backup_key()
        if key is None:
            raise BackupError("the backup is encrypted; set ASIS_BACKUP_KEY to the key it was written with")
        handle = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the stack)
        try:
            decrypt_to(raw, handle, key)
        except BackupCryptoError as exc:
            raise BackupError(str(exc)) from exc
        handle.seek(0)
    try:
        archive = stack.enter_context(open_zip(handle, LIMITS))
    except ArchiveRefused as exc:
        raise BackupError(f"cannot read {path}: {exc.message}") from exc
    strange = [name for name in archive.namelist() if name != "manifest.json" and not _MEMBER.match(name)]
    if strange:
        raise BackupError(f"the file holds members no ASIS backup has: {', '.join(strange[:5])}")
    return archive


def _read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    try:
        return read_member(archive, name, max_bytes=max_bytes)
    except ArchiveRefused as exc:
        raise BackupError(exc.message) from exc


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(read_member(archive, "manifest.json", max_bytes=MAX_MANIFEST_BYTES))
    except ArchiveRefused as exc:
        raise BackupError(f"manifest.json: {exc.message}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError("the file has no valid manifest.json; is it an ASIS backup?") from exc
    if not isinstance(manifest, dict):
        raise BackupError("the file has no valid manifest.json; is it an ASIS backup?")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    if not isinstance(manifest.get("order"), list) or not all(isinstance(x, str) for x in manifest["order"]):
        raise BackupError("the manifest has no list of tables")
    return manifest


def backup_restore(path: str | Path, *, console: Console | None = None) -> dict[str, int]:
    from asis.core.audit import audit_verify

    with contextlib.ExitStack() as stack:
        archive = _open_backup(path, stack)
        manifest = _read_manifest(archive)
        known = {_label(m): m for m in covered_models()}
        unknown = [label for label in manifest["order"] if label not in known]
        if unknown:
            raise BackupError(f"the backup contains unknown tables: {', '.join(unknown)}")
        with Progress(console=console, transient=True, disable=console is None) as progress, transaction.atomic():
            db_triggers.remove(connection)
            for model in reversed(list(known.values())):
                model._default_manager.all()._raw_delete(using=connection.alias)  # type: ignore[attr-defined]
            for label in _EXCLUDED_DERIVED:
                apps.get_model(label)._default_manager.all()._raw_delete(using=connection.alias)
            bar = progress.add_task("Restoring", total=len(manifest["order"]))
            restored: dict[str, int] = {}
            with connection.constraint_checks_disabled():
                for label in manifest["order"]:
                    count = 0
                    try:
                        payload = _read_member(archive, f"data/{label}.json", LIMITS.max_member_bytes).decode()
                        for obj in serializers.deserialize("json", payload, handle_forward_references=True):
                            obj.save()
                            count += 1
                    except (serializers.base.DeserializationError, DatabaseError, ValidationError,
                            ObjectDoesNotExist, UnicodeDecodeError) as exc:
                        raise BackupError(f"{label}: {exc}") from exc
                    restored[label] = count
                    progress.advance(bar)
            try:
                connection.check_constraints()
            except DatabaseError as exc:
                raise BackupError(f"the backup breaks a database constraint: {exc}") from exc
            sequence_sql = connection.ops.sequence_reset_sql(no_style(), list(known.values()))
            with connection.cursor() as cursor:
                for sql in sequence_sql:
                    cursor.execute(sql)
            db_triggers.install(connection)
            for dotted in POST_RESTORE:
                import_string(dotted)()
            if restored != manifest["counts"]:
                raise BackupError("record counts after restore differ from the manifest")
            chain = audit_verify()
            if not chain.ok:
                raise BackupError(f"the audit chain in the backup is broken at entry #{chain.first_bad_seq}")
    return restored
