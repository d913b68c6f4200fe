"""The live preview of a scenario: the mean-field model (expected values, no randomness) on the
scenario's frozen specification, a small Vega-Lite chart of active initiatives, funded projects
and people reached per year (Altair, rendered to SVG by vl-convert), the key numbers at the
horizon and the scenario's warnings. One preview takes a few tens of milliseconds
(benchmarks/policylab_preview.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
from django.utils.translation import gettext as _

from asis.core.formatting import money, number, percent
from asis.engines.simulation.meanfield import mean_field
from asis.policylab import adapters, charts
from asis.policylab.warnings import spec_warnings


@dataclass
class Preview:
    years: list[int]
    series: dict[str, list[float]]  # active, funded, reach: totals over the regions per year
    key_numbers: list[tuple[str, str]]
    warnings: list[str]
    svg: str = ""
    rows: list[tuple[int, str, str, str]] = field(default_factory=list)


def series_labels() -> dict[str, str]:
    return {"active": _("Active initiatives"), "funded": _("Projects funded"), "reach": _("People reached")}


def chart_spec(years: list[int], series: dict[str, list[float]], *, validate: bool = True) -> dict[str, Any]:
    """The three series on one logarithmic axis (people reached are counted in thousands, projects
    in tens): one chart renders in half the time of three stacked ones. Zeros, which a logarithmic
    axis cannot show, are left out of the chart; the table beside it has every value."""
    labels = series_labels()
    values = [{"year": year, "what": labels[name], "value": round(float(v), 1)}
              for name in ("active", "funded", "reach") for year, v in zip(years, series[name], strict=True)
              if v > 0]
    top = max([v["value"] for v in values] or [1.0])
    ticks = [10**k for k in range(0, int(math.log10(top)) + 2)]
    chart = alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
        x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=_("Per year (logarithmic scale)"), scale=alt.Scale(type="log"),
                axis=alt.Axis(values=ticks, format=",.0f")),
        color=alt.Color("what:N", title=None, legend=alt.Legend(orient="bottom", direction="vertical")),
    ).properties(width=260, height=170)
    return dict(chart.to_dict(validate=validate))


def chart_svg(years: list[int], series: dict[str, list[float]]) -> str:
    """Through the policy lab's chart renderer: accessible SVG (title and description in the reader's
    language, Vega's own English ARIA labels removed) in the reader's number format. Altair's schema
    check is skipped for speed: the specification never changes shape (a test checks it)."""
    return charts.render(charts.Chart(
        spec=chart_spec(years, series, validate=False), title=_("Preview: expected outcomes per year"),
        description=_("Active initiatives, projects funded and people reached per year, on a logarithmic "
                      "scale; the table below gives the figures.")), chart_id="preview-chart")


def build_preview(spec: dict[str, Any], *, chart: bool = True) -> Preview:
    runspec = adapters.runspec(spec)
    result = mean_field(runspec)
    totals = {name: np.asarray(result.data[name]).sum(axis=1) for name in ("active", "funded", "reach",
                                                                           "grants_eur", "jobs")}
    years = list(range(1, len(totals["active"]) + 1))
    series = {name: [float(v) for v in totals[name]] for name in ("active", "funded", "reach")}
    horizon = years[-1]
    key_numbers = [
        (_("Active initiatives after %(years)s years") % {"years": number(horizon)},
         number(totals["active"][-1], 0)),
        (_("Projects funded over %(years)s years") % {"years": number(horizon)}, number(totals["funded"].sum(), 0)),
        (_("People reached over %(years)s years") % {"years": number(horizon)}, number(totals["reach"].sum(), 0)),
        (_("Grants paid over %(years)s years") % {"years": number(horizon)},
         money(float(totals["grants_eur"].sum()), decimals=0)),
        (_("Jobs after %(years)s years") % {"years": number(horizon)},
         f'{number(totals["jobs"][-1], 0)} {_("full-time equivalents")}'),
    ]
    rows = [(year, number(a, 0), number(f, 0), number(r, 0))
            for year, a, f, r in zip(years, series["active"], series["funded"], series["reach"], strict=True)]
    warnings = spec_warnings(runspec)
    budget = runspec.levers.budget_eur_per_year * len(years)
    spent = float(totals["grants_eur"].sum())
    if budget > 0 and spent < 0.9 * budget and not warnings:
        warnings.append(_("Only %(share)s of the budget is granted over %(years)s years: too few initiatives "
                          "apply to use it all.") % {"share": percent(spent / budget), "years": number(horizon)})
    preview = Preview(years=years, series=series, key_numbers=key_numbers, warnings=warnings, rows=rows)
    if chart:
        preview.svg = chart_svg(years, series)
    return preview
