"""A project's theory of change: versions (every save is a new one), the diff between two versions,
the diagram (server-side SVG with an ordered list as its text alternative) and the PDF."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from asis.calls.models import FundedProject
from asis.core.audit import audit_record
from asis.impact.models import TheoryOfChange

# The chain as it is drawn, from the problem to the impact; assumptions sit beside it.
CHAIN = ("problem", "inputs", "activities", "outputs", "outcomes", "impact")


def current_theory(project: FundedProject) -> TheoryOfChange | None:
    return project.theories.order_by("-version").first()


def field_label(field: str) -> str:
    return str(TheoryOfChange._meta.get_field(field).verbose_name).capitalize()


@transaction.atomic
def theory_save(*, actor: Any, project: FundedProject, texts: dict[str, str], note: str) -> TheoryOfChange:
    """Save ``texts`` as the next version, with what changed in ``note``; nothing when nothing changed."""
    FundedProject.objects.select_for_update().filter(pk=project.pk).first()  # one new version at a time
    latest = current_theory(project)
    texts = {field: str(texts.get(field, "")).strip() for field in TheoryOfChange.FIELDS}
    note = note.strip()
    if latest is not None and all(getattr(latest, f) == texts[f] for f in TheoryOfChange.FIELDS):
        raise ValidationError(_("Nothing changed: this is the same as the current version."))
    if latest is not None and not note:
        raise ValidationError({"note": _("Say in a few words what changed and why.")})
    if not texts["problem"] or not texts["impact"]:
        raise ValidationError(_("A theory of change needs at least the problem and the impact."))
    version = (project.theories.aggregate(v=Max("version"))["v"] or 0) + 1
    theory = TheoryOfChange(project=project, version=version, note=note[:300], created_by=actor, **texts)
    theory.full_clean()
    theory.save()
    audit_record(action="asis.impact.theory.changed", actor=actor, obj=project.application,
                 before={"version": latest.version if latest else None},
                 after={"version": version, "note": theory.note,
                        "changed": [f for f in TheoryOfChange.FIELDS
                                    if latest is None or getattr(latest, f) != texts[f]]},
                 organisation_id=project.application.call.organisation_id)
    return theory


@dataclass(frozen=True)
class FieldChange:
    label: str
    html: SafeString
    changed: bool


def theory_diff(older: TheoryOfChange, newer: TheoryOfChange) -> list[FieldChange]:
    """Each part of the theory with its word-level changes, in the order of the chain."""
    from asis.observatory.diffs import text_diff_html

    rows = []
    for field in (*CHAIN, "assumptions"):
        before, after = getattr(older, field), getattr(newer, field)
        rows.append(FieldChange(field_label(field), text_diff_html(before, after), before != after))
    return rows


# --- the diagram ----------------------------------------------------------------------------------

WIDTH = 320
BOX_X = 10
BOX_W = 300
LINE_H = 15
WRAP = 44
MAX_LINES = 6
ARROW = 22
COLOURS = {"problem": "#fde8e8", "inputs": "#eef2f7", "activities": "#e6f0fa", "outputs": "#e3f4ea",
           "outcomes": "#fff4d6", "impact": "#efe7f7", "assumptions": "#ffffff"}


@dataclass(frozen=True)
class Step:
    field: str
    label: str
    lines: list[str]


def steps(theory: TheoryOfChange) -> list[Step]:
    """The chain and the assumptions as labelled, wrapped text (the diagram and its list share it)."""
    out = []
    for field in (*CHAIN, "assumptions"):
        text = " ".join(str(getattr(theory, field) or "").split()) or _("(not stated)")
        lines = textwrap.wrap(text, WRAP) or [""]
        if len(lines) > MAX_LINES:
            lines = [*lines[:MAX_LINES - 1], textwrap.shorten(" ".join(lines[MAX_LINES - 1:]), WRAP, placeholder=" …")]
        out.append(Step(field, field_label(field), lines))
    return out


def theory_svg(theory: TheoryOfChange, *, title_id: str = "toc-title", desc_id: str = "toc-desc") -> SafeString:
    """A vertical flow (narrow enough for a 360 px screen, scaled up on wider ones): one box per step
    of the chain with an arrow to the next, then the assumptions in a dashed box. Every text is
    escaped; the ordered list next to it is the text alternative."""
    parts: list[str] = []
    y = 10
    all_steps = steps(theory)
    for index, step in enumerate(all_steps):
        height = 28 + LINE_H * len(step.lines)
        dashed = ' stroke-dasharray="6 4"' if step.field == "assumptions" else ""
        if step.field == "assumptions":
            y += 10
        parts.append(f'<g class="toc-step toc-{step.field}">'
                     f'<rect x="{BOX_X}" y="{y}" width="{BOX_W}" height="{height}" rx="6" '
                     f'fill="{COLOURS[step.field]}" stroke="#1f3b57" stroke-width="1.5"{dashed}/>'
                     f'<text x="{BOX_X + 12}" y="{y + 19}" font-weight="bold" font-size="13" fill="#1f3b57">'
                     f'{escape(step.label)}</text>')
        for n, line in enumerate(step.lines):
            parts.append(f'<text x="{BOX_X + 12}" y="{y + 37 + n * LINE_H}" font-size="12" fill="#1a1a1a">'
                         f'{escape(line)}</text>')
        parts.append("</g>")
        y += height
        following = all_steps[index + 1].field if index + 1 < len(all_steps) else None
        if following in CHAIN:
            cx = WIDTH // 2
            parts.append(f'<path d="M{cx} {y + 2} V{y + ARROW - 6}" stroke="#1f3b57" stroke-width="2"/>'
                         f'<path d="M{cx - 6} {y + ARROW - 8} L{cx} {y + ARROW - 1} L{cx + 6} {y + ARROW - 8} Z" '
                         f'fill="#1f3b57"/>')
            y += ARROW
    height = y + 10
    title = escape(_("Theory of change, version %(version)s") % {"version": theory.version})
    desc = escape(_("From the problem through inputs, activities, outputs and outcomes to the impact, with the "
                    "assumptions. The same content follows as a list."))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
           f'height="{height}" role="img" aria-labelledby="{title_id} {desc_id}" class="toc-diagram" '
           f'font-family="DejaVu Sans, Arial, sans-serif">'
           f'<title id="{title_id}">{title}</title><desc id="{desc_id}">{desc}</desc>{"".join(parts)}</svg>')
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703  # every text escaped above


def theory_pdf(theory: TheoryOfChange) -> bytes:
    from asis.calls.pdf import render_pdf

    project = theory.project
    return render_pdf("impact/theory/pdf.html", {"theory": theory, "project": project,
                                                 "application": project.application,
                                                 "diagram": theory_svg(theory), "steps": steps(theory)})
