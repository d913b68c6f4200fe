"""Template filters of the impact dashboards."""

from __future__ import annotations

from typing import Any

from django import template

from asis.impact import dashboard_text
from asis.impact.units import unit_label

register = template.Library()


@register.filter(name="unit_name")
def unit_name(code: str) -> str:
    """A unit's name in the reader's language ("persons", "Personen")."""
    return unit_label(code)


@register.filter(name="figure")
def figure(value: Any) -> str:
    """A rolled-up figure with its unit, a dash when there is none."""
    return dashboard_text.figure_value(value)
