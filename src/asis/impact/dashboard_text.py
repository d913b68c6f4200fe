"""What the dashboards say about their figures, in the reader's language: breakdown group names,
figures with their unit, and why a value was left out of a roll-up (the engine gives codes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from asis.core.formatting import long_date, number
from asis.impact import disaggregations
from asis.impact.rollups import Excluded, Figure, ProjectFacts
from asis.impact.units import unit_label

DIMENSION_NAMES = {
    "region": lambda: _("Region"),
    "challenge": lambda: _("Challenge"),
    "sex": lambda: _("Sex"),
    "target_group": lambda: _("Target group"),
    "age_band": lambda: _("Age band"),
}


def dimension_label(dimension: str) -> str:
    name = DIMENSION_NAMES.get(dimension)
    return name() if name else dimension


def group_names(dimension: str) -> dict[str, str]:
    """Names of a breakdown's groups (regions with their NUTS code, challenges in the reader's language)."""
    if dimension == "region":
        from asis.regions.models import Region

        return {code: f"{name} ({code})" for code, name in Region.objects.values_list("code", "name")}
    if dimension == "challenge":
        from asis.observatory.models import Challenge

        return {c.code: str(c) for c in Challenge.objects.all()}
    return dict(disaggregations.categories(dimension))


def decimals_for(value: float | None) -> int:
    if value is None:
        return 0
    magnitude = abs(value)
    return 0 if magnitude >= 100 or float(value).is_integer() else (1 if magnitude >= 10 else 2)


def figure_value(figure: Figure | None) -> str:
    """The value with its unit ("1,234 persons", "45.2 %"); a dash when there is none."""
    if figure is None or figure.value is None:
        return "–"
    return _("%(value)s %(unit)s") % {"value": number(figure.value, decimals_for(figure.value)),
                                      "unit": unit_label(figure.unit)}


EXCLUSION_REASONS = {
    "unknown_unit": lambda p: _("the unit %(unit)s is unknown") % {"unit": p.get("unit", "")},
    "incompatible_unit": lambda p: _("it is in %(unit)s, which cannot be added to %(expected)s") % {
        "unit": unit_label(str(p.get("unit", ""))), "expected": unit_label(str(p.get("expected", "")))},
    "missing_value": lambda p: _("no value was reported"),
    "invalid_value": lambda p: _("the value is not a finite number"),
    "missing_ratio_parts": lambda p: _("the numerator or the denominator is missing"),
    "invalid_denominator": lambda p: _("the denominator is not above zero"),
    "missing_weight": lambda p: _("the weight (denominator) is missing"),
    "invalid_weight": lambda p: _("the weight (denominator) is negative or not finite"),
}


def exclusion_text(item: Excluded, facts: dict[int, ProjectFacts]) -> str:
    """"DEMO-2-001, period ending 31 December 2025: left out because it is in hours, ..."."""
    project = facts.get(item.project_id)
    reason = EXCLUSION_REASONS.get(item.code)
    why = reason(item.params) if reason else _("it cannot be rolled up")
    period_end: Any = item.params.get("period_end")
    return _("%(project)s, period ending %(date)s: left out because %(reason)s.") % {
        "project": project.reference if project else "–", "date": long_date(period_end) if period_end else "–",
        "reason": why}
