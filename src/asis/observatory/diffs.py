"""Field-level differences between two revision snapshots of an initiative.

Texts are compared word by word with difflib; every piece of text is HTML-escaped before the
``<ins>``/``<del>`` marks are added, so a diff never injects markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from asis.accounts.models import Organisation
from asis.observatory.models import Axis, Challenge, Initiative, InitiativeOrganisation
from asis.regions.models import Region

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
        return _("%(field)s (%(language)s)") % {"field": _label(name), "language": _language_name(lang)}
    try:
        return capfirst(str(Initiative._meta.get_field(field).verbose_name))
    except Exception:  # noqa: BLE001  (snapshot keys that are not model fields)
        return capfirst(field.replace("_", " "))


def _language_name(code: str) -> str:
    """The language's name in the reader's language ("Französisch" for a German reader)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class _Names:
    """Human names for the ids and codes a snapshot stores (a user's name, not "352"; "Verein
    Muster (lead)", not "88 lead"; "Tirol (AT33)", not "AT33"; a stage's label, not its key),
    each looked up once per diff."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, Any], str] = {}

    def _lookup(self, kind: str, key: Any) -> str:
        if (kind, key) not in self.cache:
            self.cache[(kind, key)] = self._find(kind, key)
        return self.cache[(kind, key)]

    @staticmethod
    def _find(kind: str, key: Any) -> str:
        if kind == "user":
            user = get_user_model().objects.filter(pk=key).first()
            return (user.full_name or user.email) if user else str(_("a deleted account"))
        if kind == "initiative":
            other = Initiative.objects.filter(pk=key).only("title").first()
            return other.title if other else str(_("a deleted initiative"))
        if kind == "organisation":
            org = Organisation.objects.filter(pk=key).only("name").first()
            return org.name if org else str(_("a deleted organisation"))
        if kind == "regions":
            region = Region.objects.filter(code=key).first()
            return f"{region.name} ({key})" if region else str(key)
        model = Challenge if kind == "challenges" else Axis
        term = model.objects.filter(code=key).first()
        return str(term.translated("name")) if term else str(key)

    def text(self, field: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if field == "organisations":
            roles = dict(InitiativeOrganisation.Role.choices)
            return ", ".join(_("%(organisation)s (%(role)s)") % {
                "organisation": self._lookup("organisation", org_id), "role": roles.get(role, role)}
                for org_id, role in value)
        if field in {"regions", "challenges", "axes"}:
            return ", ".join(self._lookup(field, code) for code in value)
        model_field = _model_field(field)
        if model_field is not None and model_field.is_relation and not model_field.many_to_many:
            return self._lookup("initiative" if model_field.related_model is Initiative else "user", value)
        if model_field is not None and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if field == "original_language":
            return _language_name(value)
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, list):
            return ", ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
        return str(value)


def _model_field(name: str) -> Any:
    try:
        return Initiative._meta.get_field(name)
    except Exception:  # noqa: BLE001  (translations.* and other plain texts)
        return None


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
    names = _Names()
    for key in keys:
        a, b = names.text(key, old.get(key)), names.text(key, new.get(key))
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
