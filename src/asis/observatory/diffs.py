"""Field-level differences between two revision snapshots of an initiative.

Texts are compared word by word with difflib; every piece of text is HTML-escaped before the
``<ins>``/``<del>`` marks are added, so a diff never injects markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from asis.observatory.models import Initiative

_WORDS = re.compile(r"\s+|[^\s]+")
HIDDEN = frozenset({"updated_at", "created_at", "translations"})


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    before: str
    after: str
    html: SafeString


def _label(field: str) -> str:
    if "." in field:  # translations.<lang>.<field>
        _prefix, lang, name = field.split(".", 2)
        return f"{_label(name)} [{lang}]"
    try:
        return str(Initiative._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001  (snapshot keys that are not model fields)
        return field.replace("_", " ")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
    return str(value)


def text_diff_html(before: str, after: str) -> SafeString:
    """Word-level diff of two texts as escaped HTML with <del> and <ins>."""
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703  # every piece escaped above


def _flatten(snapshot: dict[str, Any] | None) -> dict[str, Any]:
    snapshot = snapshot or {}
    flat = {k: v for k, v in snapshot.items() if k not in HIDDEN}
    for lang, fields in sorted((snapshot.get("translations") or {}).items()):
        for name, entry in sorted((fields or {}).items()):
            flat[f"translations.{lang}.{name}"] = (entry or {}).get("text", "")
    return flat


def snapshot_diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldDiff]:
    """The fields that differ, in a stable order (model field order, then translations)."""
    old, new = _flatten(before), _flatten(after)
    order = [f.name for f in Initiative._meta.get_fields()]
    keys = sorted(set(old) | set(new), key=lambda k: (k.startswith("translations."),
                                                       order.index(k) if k in order else len(order), k))
    diffs = []
    for key in keys:
        a, b = _text(old.get(key)), _text(new.get(key))
        if a != b:
            diffs.append(FieldDiff(field=key, label=_label(key), before=a, after=b, html=text_diff_html(a, b)))
    return diffs


def revision_pairs(revisions: list[Any]) -> list[tuple[Any, list[FieldDiff]]]:
    """Each revision (newest first) with its diff against the one before it."""
    ordered = sorted(revisions, key=lambda r: (r.created_at, r.pk))
    pairs = []
    previous = None
    for revision in ordered:
        pairs.append((revision, snapshot_diff(previous.snapshot if previous else None, revision.snapshot)))
        previous = revision
    return list(reversed(pairs))


def last_published_snapshot(initiative: Initiative) -> dict[str, Any] | None:
    """The snapshot of the most recent revision whose status was ``published`` (None if never)."""
    revision = (initiative.revisions.filter(snapshot__status=Initiative.Status.PUBLISHED)
                .order_by("-created_at", "-pk").only("snapshot").first())
    return revision.snapshot if revision else None
