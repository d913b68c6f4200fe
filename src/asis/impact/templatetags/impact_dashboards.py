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


@register.inclusion_tag("impact/dashboards/_observatory_initiative.html")
def initiative_results(initiative: Any) -> dict[str, Any]:
    """The validated results of the funded project behind a published initiative (nothing when none)."""
    from asis.calls.models import FundedProject
    from asis.impact.progress import project_progress

    project = (FundedProject.objects.filter(application__initiative=initiative)
               .select_related("application").first()) if initiative.pk else None
    if project is None:
        return {"items": []}
    items = [i for i in project_progress(project) if i.to_date is not None]
    return {"items": items, "project": project}


@register.inclusion_tag("impact/dashboards/_observatory_region.html")
def region_results(region: Any) -> dict[str, Any]:
    """Validated results of the funded projects of a region, as published in the open data
    (only figures with the minimum number of projects behind them)."""
    from django.utils.translation import get_language

    from asis.impact.models import Report
    from asis.impact.open_results import MIN_PROJECTS, results_records

    # One query for the many regions without validated results (the page's query count stays flat).
    if not Report.objects.filter(status=Report.Status.VALIDATED, project__application__region=region).exists():
        return {"records": [], "minimum": MIN_PROJECTS}
    records = [r for r in results_records(get_language() or "en")
               if r["scope"] == "region" and r["region"] == region.code]
    return {"records": records, "minimum": MIN_PROJECTS}
