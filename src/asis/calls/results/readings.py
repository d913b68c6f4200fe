"""Plain readings of agreement statistics, beside the numbers (thresholds in
docs/methods/agreement.md): Krippendorff's alpha after Krippendorff (2004, 2019) -- at least 0.800
good, at least 0.667 tentative, below that poor; the intraclass correlation after Koo & Li (2016)
-- below 0.50 poor, 0.50 to 0.75 moderate, 0.75 to 0.90 good, above 0.90 excellent."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ALPHA_GOOD, ALPHA_TENTATIVE = 0.8, 0.667
ICC_MODERATE, ICC_GOOD, ICC_EXCELLENT = 0.5, 0.75, 0.9


def alpha_reading(value: float | None) -> str:
    if value is None:
        return str(_("no data"))
    if value >= ALPHA_GOOD:
        return str(_("good agreement"))
    if value >= ALPHA_TENTATIVE:
        return str(_("tentative agreement"))
    return str(_("poor agreement"))


def icc_reading(value: float | None) -> str:
    if value is None:
        return str(_("no data"))
    if value > ICC_EXCELLENT:
        return str(_("excellent reliability"))
    if value >= ICC_GOOD:
        return str(_("good reliability"))
    if value >= ICC_MODERATE:
        return str(_("moderate reliability"))
    return str(_("poor reliability"))


def alpha_rows(agreement: dict[str, Any], criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alpha per criterion (by name) and for the total, each with its reading."""
    names = {c["id"]: c["name"] for c in criteria}
    return [{"name": str(_("Total")) if key == "total" else names.get(key, ""), "value": value,
             "reading": alpha_reading(value)} for key, value in agreement.get("alpha", {}).items()]


def icc_rows(agreement: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "value": value, "reading": icc_reading(value)}
            for key, value in agreement.get("icc", {}).items()]
