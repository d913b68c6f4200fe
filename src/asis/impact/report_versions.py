"""Comparing two versions of a report (two event snapshots, or a snapshot and the current draft):
rows with human labels -- indicator names in the reader's language, breakdown names, budget line
names, numbers in the reader's locale -- never codes or ids."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from asis.calls.apply.budget import budget_rows
from asis.core.formatting import money, number
from asis.impact import disaggregations
from asis.impact.models import ProjectIndicator, Report
from asis.impact.units import unit_label


def _num(text: Any) -> str:
    if text in (None, ""):
        return ""
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return str(text)
    return number(value.normalize() if value == value.to_integral() else value)


def _value_text(row: dict[str, Any]) -> str:
    shown = _num(row.get("value"))
    if row.get("denominator") not in (None, ""):
        shown = _("%(numerator)s of %(denominator)s") % {"numerator": shown, "denominator": _num(row["denominator"])}
    return f"{shown} {unit_label(row.get('unit', ''))}".strip()


def _likelihood(code: str) -> str:
    return {"low": _("Low"), "medium": _("Medium"), "high": _("High")}.get(code, code)


def _risk_text(row: dict[str, Any]) -> str:
    return _("%(risk)s (likelihood: %(likelihood)s; mitigation: %(mitigation)s)") % {
        "risk": row.get("risk", ""), "likelihood": _likelihood(row.get("likelihood", "")),
        "mitigation": row.get("mitigation", "") or "–"}


def diff(before: dict[str, Any], after: dict[str, Any], *, report: Report) -> list[dict[str, str]]:
    """Rows ``{"section", "item", "before", "after"}`` for everything that differs."""
    names = {pi.pk: str(pi.indicator)
             for pi in ProjectIndicator.objects.filter(project=report.project).select_related("indicator")}
    rows: list[dict[str, str]] = []

    def values(snapshot: dict[str, Any]) -> dict[tuple[int, str], dict[str, Any]]:
        return {(int(v["indicator"]), v.get("disaggregation", "")): v for v in snapshot.get("values", [])}

    old, new = values(before), values(after)
    for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[1])):
        a, b = old.get(key), new.get(key)
        a_text, b_text = (_value_text(a) if a else ""), (_value_text(b) if b else "")
        if a_text != b_text:
            name = names.get(key[0]) or (a or b or {}).get("name", "")
            rows.append({"section": _("Values"), "item": _("%(indicator)s, %(breakdown)s") % {
                "indicator": name, "breakdown": disaggregations.label(key[1])}, "before": a_text, "after": b_text})
    if (before.get("narrative") or "") != (after.get("narrative") or ""):
        rows.append({"section": _("Narrative"), "item": _("Narrative"), "before": before.get("narrative") or "",
                     "after": after.get("narrative") or ""})
    lines = budget_rows(report.project.application.budget_lines or [])
    old_budget = {int(r["line"]): r["amount"] for r in before.get("budget", [])}
    new_budget = {int(r["line"]): r["amount"] for r in after.get("budget", [])}
    for index in sorted(set(old_budget) | set(new_budget)):
        if old_budget.get(index) != new_budget.get(index):
            line = lines[index] if index < len(lines) else {"description": "", "category": ""}
            rows.append({"section": _("Budget spent"), "item": line["description"] or line["category"],
                         "before": money(old_budget.get(index)), "after": money(new_budget.get(index))})
    old_risks = [_risk_text(r) for r in before.get("risks", [])]
    new_risks = [_risk_text(r) for r in after.get("risks", [])]
    if old_risks != new_risks:
        rows.append({"section": _("Risks"), "item": _("Risks"), "before": "\n".join(old_risks),
                     "after": "\n".join(new_risks)})
    old_files = [e["name"] for e in before.get("evidence", [])]
    new_files = [e["name"] for e in after.get("evidence", [])]
    if old_files != new_files:
        rows.append({"section": _("Evidence"), "item": _("Files"), "before": ", ".join(old_files),
                     "after": ", ".join(new_files)})
    return rows
