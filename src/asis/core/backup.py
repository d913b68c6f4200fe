"""Backup and restore of every record, as a zip of Django serializer JSON per model.

Restore is all-or-nothing: one transaction that empties the covered tables, loads the file,
checks constraints and record counts, and verifies the audit chain before committing.
"""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
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


def backup_write(path: str | Path, *, console: Console | None = None) -> dict[str, Any]:
    models_ = covered_models()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive, Progress(
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


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, json.JSONDecodeError) as exc:
        raise BackupError("the file has no valid manifest.json; is it an ASIS backup?") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    return manifest


def backup_restore(path: str | Path, *, console: Console | None = None) -> dict[str, int]:
    from asis.core.audit import audit_verify

    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from exc
    with archive:
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
                    payload = archive.read(f"data/{label}.json").decode("utf-8")
                    try:
                        for obj in serializers.deserialize("json", payload, handle_forward_references=True):
                            obj.save()
                            count += 1
                    except (serializers.base.DeserializationError, DatabaseError, ValidationError,
                            ObjectDoesNotExist) as exc:
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
