"""A region profile's figures as the reader sees them: labels in the reader's language, numbers
formatted, and a small chart (Vega-Lite built with Altair, rendered to SVG on the server with
vl-convert) that the partial follows with a table.

The chart shows the projected active initiatives of the region at the horizon per scenario (median
and 90 % band), or, without any simulation, the region's initiatives by stage. Rendering goes through
``asis.policylab.charts.render`` (cached on the specification and the locale)."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from asis.core.formatting import money, number
from asis.observatory.models import Initiative
from asis.policylab import charts

TOP_CHALLENGES = 5


def _stage_label(key: str) -> str:
    try:
        return str(Initiative.Stage(key).label)
    except ValueError:
        return _("Other stage")


def _challenge_name(item: dict[str, Any], language: str) -> str:
    names = item.get("names") or {}
    return str(names.get(language) or names.get("en") or next(iter(names.values()), "") or _("Other challenge"))


def chart_svg(spec: dict[str, Any], label: str, chart_id: str = "") -> SafeString:
    """The chart as accessible inline SVG through the policy lab's renderer (``charts.render``:
    ``role="img"``, title and description, numbers in the reader's language, Vega's English ARIA
    texts left out); the table after it has the figures."""
    spec = {**spec, "config": {**spec.get("config", {}), "aria": False, "font": "sans-serif"}}
    chart = charts.Chart(spec=spec, title=label, description=_("The figures are in the table below."))
    return charts.render(chart, chart_id=chart_id)  # safe: see charts.render


def _projection_spec(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    data = alt.Data(values=rows)
    y = alt.Y("scenario:N", title=None, sort=None, axis=alt.Axis(labelLimit=110))
    band = alt.Chart(data).mark_rule(strokeWidth=3, color="#5b8cc4").encode(
        y=y, x=alt.X("low:Q", title=title, scale=alt.Scale(zero=True)), x2="high:Q")
    point = alt.Chart(data).mark_point(filled=True, size=60, color="#1f4e79").encode(y=y, x="value:Q")
    chart = (band + point) if any(r.get("low") is not None for r in rows) else point
    return chart.properties(width=150, height=max(40, 22 * len(rows))).configure_view(stroke=None).to_dict()


def _stage_spec(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color="#1f4e79").encode(
        y=alt.Y("stage:N", title=None, sort=None), x=alt.X("n:Q", title=title, axis=alt.Axis(tickMinStep=1)))
    return chart.properties(width=150, height=max(40, 22 * len(rows))).configure_view(stroke=None).to_dict()


def profile_view(figures: dict[str, Any], language: str | None = None) -> dict[str, Any]:
    """Everything ``_profile.html`` shows, in the reader's language; ``{}`` without figures."""
    if not figures:
        return {}
    language = (language or translation.get_language() or "en").split("-")[0]
    obs = figures.get("observatory") or {}
    calls = figures.get("calls") or {}
    impact = figures.get("impact") or {}
    key_figures = [
        (_("Published initiatives"), number(obs.get("initiatives", 0))),
        (_("Organisations"), number(obs.get("organisations", 0))),
        (_("People reached (as reported by the initiatives)"), number(obs.get("people_reached", 0))),
        (_("Applications to calls"), number(calls.get("applications", 0))),
        (_("Funded projects"), number(calls.get("funded", 0))),
        (_("Amount granted"), money(calls.get("granted_eur", 0), decimals=0)),
        (_("Funded projects with validated results"), number(impact.get("projects_reporting", 0))),
        (_("Validated progress reports"), number(impact.get("validated_reports", 0))),
    ]
    stages = [(_stage_label(s["key"]), number(s["n"]), s["n"]) for s in obs.get("by_stage") or []]
    challenges = [(_challenge_name(c, language), number(c["n"])) for c in (obs.get("by_challenge") or [])[
        :TOP_CHALLENGES]]
    simulation = figures.get("simulation") or None
    chart_id = "profile-chart-" + "".join(ch for ch in str((figures.get("region") or {}).get("code", "")) if ch.isalnum())
    projections = []
    chart = None
    chart_title = ""
    if simulation and simulation.get("projections"):
        title = _("Active initiatives after %(years)s years") % {"years": number(simulation.get("horizon_years"))}
        rows = []
        for p in simulation["projections"]:
            value = p["median"] if p.get("median") is not None else p.get("mean")
            rows.append({"scenario": p["scenario"], "value": value, "low": p.get("low"), "high": p.get("high")})
            projections.append({
                "scenario": p["scenario"], "median": number(p["median"], 0) if p.get("median") is not None else "",
                "low": number(p["low"], 0) if p.get("low") is not None else "",
                "high": number(p["high"], 0) if p.get("high") is not None else "",
                "mean": number(p.get("mean"), 1), "n_runs": number(p.get("n_runs"))})
        chart_title = _("Projected active initiatives in %(region)s after %(years)s years, by scenario: median "
                        "and 90 %% band of the simulation runs") % {
            "region": figures.get("region", {}).get("name", ""), "years": number(simulation.get("horizon_years"))}
        chart = chart_svg(_projection_spec(rows, title), chart_title, chart_id)
    elif stages:
        chart_title = _("Published initiatives in %(region)s by stage") % {
            "region": figures.get("region", {}).get("name", "")}
        chart = chart_svg(_stage_spec([{"stage": label, "n": n} for label, _text, n in stages], _("Initiatives")),
                          chart_title, chart_id)
    return {"region": figures.get("region") or {}, "key_figures": key_figures,
            "stages": [(label, text) for label, text, _n in stages], "challenges": challenges,
            "simulation": simulation, "projections": projections, "chart": chart, "chart_title": chart_title,
            "has_band": any(p["median"] for p in projections)}
