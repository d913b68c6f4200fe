"""Differences between two editions, paragraph by paragraph (matched by lineage), in one language:
added, removed, changed (word by word, with <ins>/<del> and their spoken names) and moved."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from asis.policylab.whitebook.selectors import DocumentView, ParagraphView

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class ParagraphChange:
    status: str  # added, removed, changed, moved, same
    old: ParagraphView | None
    new: ParagraphView | None
    html: SafeString
    moved: bool = False


def word_diff(old: str, new: str) -> SafeString:
    """``new`` against ``old`` word by word; deletions in <del>, insertions in <ins>, each starting
    with a visually hidden "deleted"/"inserted" for screen readers."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    out: list[str] = []
    inserted, deleted = escape(_("inserted")), escape(_("deleted"))
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f'<del><span class="visually-hidden">{deleted}: </span>{escape("".join(a[i1:i2]))}</del>')
        if op in ("insert", "replace"):
            out.append(f'<ins><span class="visually-hidden">{inserted}: </span>{escape("".join(b[j1:j2]))}</ins>')
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703  # every piece of text is escaped above


def _position(view: DocumentView) -> dict[str, tuple[str, int, str]]:
    """lineage -> (chapter lineage, index in the chapter, number)."""
    out = {}
    for chapter in view.chapters:
        for index, p in enumerate(chapter.paragraphs):
            out[p.lineage] = (chapter.lineage, index, p.number)
    return out


def editions_diff(old: DocumentView, new: DocumentView) -> list[ParagraphChange]:
    """The new edition's paragraphs in order, each with its change against the old edition; removed
    paragraphs are listed after the paragraph that preceded them."""
    old_by = {p.lineage: p for p in old.paragraphs()}
    new_by = {p.lineage: p for p in new.paragraphs()}
    old_pos, new_pos = _position(old), _position(new)
    # A paragraph moved when its chapter changed or its order among the paragraphs both editions
    # share changed.
    shared_old = [p.lineage for p in old.paragraphs() if p.lineage in new_by]
    shared_new = [p.lineage for p in new.paragraphs() if p.lineage in old_by]
    matcher = difflib.SequenceMatcher(a=shared_old, b=shared_new, autojunk=False)
    in_order = set()
    for block in matcher.get_matching_blocks():
        in_order.update(shared_new[block.b:block.b + block.size])
    changes: list[ParagraphChange] = []
    removed_after: dict[str | None, list[ParagraphView]] = {}
    previous: str | None = None
    for p in old.paragraphs():
        if p.lineage not in new_by:
            removed_after.setdefault(previous, []).append(p)
        else:
            previous = p.lineage
    for p in removed_after.get(None, []):
        changes.append(ParagraphChange("removed", p, None, word_diff(p.text.text, "")))
    for p in new.paragraphs():
        before = old_by.get(p.lineage)
        if before is None:
            changes.append(ParagraphChange("added", None, p, word_diff("", p.text.text)))
        else:
            moved = p.lineage not in in_order or old_pos[p.lineage][0] != new_pos[p.lineage][0]
            changed = (before.text.text != p.text.text or before.kind != p.kind or before.axis_code != p.axis_code)
            status = "changed" if changed else "moved" if moved else "same"
            changes.append(ParagraphChange(status, before, p, word_diff(before.text.text, p.text.text), moved))
        for r in removed_after.get(p.lineage, []):
            changes.append(ParagraphChange("removed", r, None, word_diff(r.text.text, "")))
    return changes


def diff_counts(changes: list[ParagraphChange]) -> dict[str, int]:
    counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0, "same": 0}
    for c in changes:
        counts[c.status] += 1
        if c.status == "changed" and c.moved:
            counts["moved"] += 1
    return counts
