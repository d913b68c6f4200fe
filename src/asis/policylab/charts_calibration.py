"""The calibration page's chart: observed new initiatives per year against the Bass fit, as a
Vega-Lite specification built with Altair and rendered to SVG on the server (vl-convert). The
page follows it with a table of the same numbers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from asis.policylab import charts


def observed_vs_fitted_svg(part: dict[str, Any]) -> str:
    """SVG of the series and its fitted values; '' when there is nothing to draw."""
    if not part.get("years") or not part.get("fitted"):
        return ""
    import altair as alt

    observed, fitted = _("Observed"), _("Fitted (Bass)")
    values = [{"year": str(y), "series": observed, "value": float(v)}
              for y, v in zip(part["years"], part["series"], strict=True)]
    values += [{"year": str(y), "series": fitted, "value": float(v)}
               for y, v in zip(part["years"], part["fitted"], strict=True)]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=_("Year")),
            y=alt.Y("value:Q", title=_("New initiatives")),
            color=alt.Color("series:N", title=None,
                            scale=alt.Scale(domain=[observed, fitted], range=["#1f4e79", "#b35900"]),
                            legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash("series:N", legend=None,
                                      scale=alt.Scale(domain=[observed, fitted], range=[[1, 0], [6, 3]])),
        )
        .properties(width=300, height=200, title=_("New initiatives per year: observed and fitted"))
    )
    # Through the policy lab's renderer: title and description in the reader's language, the
    # reader's number format, Vega's own English ARIA labels removed; the table after it has the values.
    return charts.render(charts.Chart(
        spec=chart.to_dict(), title=_("New initiatives per year: observed and fitted"),
        description=_("Observed new initiatives per year and the values of the fitted Bass model; the "
                      "table below gives the figures.")), chart_id="calibration-chart")
