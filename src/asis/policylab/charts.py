"""Charts of the policy lab: Vega-Lite specifications built with Altair, rendered to SVG on the
server by vl-convert (docs/decisions/0009-chart-library.md). The same SVG goes into pages and PDF
briefs; no JavaScript runs in the browser and nothing is fetched while rendering.

Every chart function returns a ``Chart`` (the Vega-Lite spec as a dict plus its title and
description); :func:`render` turns it into accessible inline SVG (``role="img"``, ``<title>``,
``<desc>``) with numbers in the reader's language (a d3 format locale per language).
Pages always show a table next to a chart (the text alternative), built by the selectors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# ---------------------------------------------------------------------------------------------
# Indicators of the engine, with the names and units people read.


@dataclass(frozen=True)
class IndicatorInfo:
    name: Any
    unit: Any
    key: bool = False  # a key outcome: shown first, on the fan charts and in the brief


INDICATORS: dict[str, IndicatorInfo] = {
    "active": IndicatorInfo(gettext_lazy("Active initiatives"), gettext_lazy("initiatives"), key=True),
    "new": IndicatorInfo(gettext_lazy("New initiatives"), gettext_lazy("initiatives"), key=True),
    "failures": IndicatorInfo(gettext_lazy("Initiatives that stopped"), gettext_lazy("initiatives")),
    "applications": IndicatorInfo(gettext_lazy("Applications to calls"), gettext_lazy("applications")),
    "funded": IndicatorInfo(gettext_lazy("Funded projects"), gettext_lazy("projects"), key=True),
    "grants_eur": IndicatorInfo(gettext_lazy("Grants paid"), "EUR"),
    "reach": IndicatorInfo(gettext_lazy("People reached"), gettext_lazy("people"), key=True),
    "scaled": IndicatorInfo(gettext_lazy("Initiatives scaled to another region"), gettext_lazy("initiatives")),
    "replicas": IndicatorInfo(gettext_lazy("Replicas in other regions"), gettext_lazy("replicas")),
    "funded_active": IndicatorInfo(gettext_lazy("Active funded initiatives"), gettext_lazy("initiatives")),
    "jobs": IndicatorInfo(gettext_lazy("Jobs"), gettext_lazy("jobs"), key=True),
}
KEY_OUTCOMES: tuple[str, ...] = tuple(name for name, info in INDICATORS.items() if info.key)


def indicator_name(name: str) -> str:
    info = INDICATORS.get(name)
    return str(info.name) if info else _("Unknown outcome")


def indicator_unit(name: str) -> str:
    info = INDICATORS.get(name)
    return str(info.unit) if info else ""


def indicator_label(name: str) -> str:
    """"Jobs (jobs)" reads badly: the name, with the unit only where it adds something."""
    unit = indicator_unit(name)
    return f"{indicator_name(name)} ({unit})" if unit == "EUR" else indicator_name(name)


# ---------------------------------------------------------------------------------------------
# Colours: Okabe & Ito's colour-blind-safe palette; a blue-orange diverging scheme for differences.

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
DIVERGING_SCHEME = "blueorange"
SEQUENTIAL_SCHEME = "blues"

# d3-format locales of the platform's languages (vl-convert ships them by name).
FORMAT_LOCALES = {"en": "en-GB", "de": "de-DE", "fr": "fr-FR", "it": "it-IT", "sl": "sl-SI"}


def format_locale(language: str | None = None) -> str:
    code = (language or translation.get_language() or "en").split("-")[0]
    return FORMAT_LOCALES.get(code, "en-GB")


@dataclass(frozen=True)
class Chart:
    spec: dict[str, Any]
    title: str
    description: str


def _alt() -> Any:
    import altair as alt

    return alt


def _finish(chart: Any, title: str, description: str, width: int = 560, height: int = 260) -> Chart:
    spec = chart.properties(title=title, description=description, width=width, height=height).to_dict()
    spec.pop("$schema", None)
    spec["config"] = {**spec.get("config", {}), "font": "sans-serif", "aria": False,
                      "view": {"stroke": None}, "axis": {"labelFontSize": 11, "titleFontSize": 12},
                      "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom",
                                 "direction": "vertical", "labelLimit": 400}}
    spec.setdefault("autosize", {"type": "pad"})
    return Chart(spec=spec, title=title, description=description)


# ---------------------------------------------------------------------------------------------
# Fan chart: median line with 50 % and 90 % bands over the years, one colour per scenario.


def fan_chart(indicator: str, series: Sequence[Mapping[str, Any]]) -> Chart:
    """``series``: [{"label": scenario name, "years": [1..H], "bands": [[p5], [p25], [p50], [p75],
    [p95]]}] (the summary's ``total_bands``)."""
    alt = _alt()
    rows = []
    labels = [str(s["label"]) for s in series]
    for s in series:
        p5, p25, p50, p75, p95 = s["bands"]
        for i, year in enumerate(s["years"]):
            rows.append({"scenario": str(s["label"]), "year": int(year), "p5": p5[i], "p25": p25[i],
                         "p50": p50[i], "p75": p75[i], "p95": p95[i]})
    year_title, value_title, scenario_title = _("Year"), indicator_label(indicator), _("Scenario")
    colour = alt.Color("scenario:N", title=scenario_title,
                       scale=alt.Scale(domain=labels, range=list(PALETTE[:max(1, len(labels))])))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("year:O", title=year_title, axis=alt.Axis(labelAngle=0)), color=colour)
    outer = base.mark_area(opacity=0.18).encode(
        y=alt.Y("p5:Q", title=value_title, axis=alt.Axis(format=",~r")), y2="p95:Q")
    inner = base.mark_area(opacity=0.35).encode(y="p25:Q", y2="p75:Q")
    median = base.mark_line(strokeWidth=2.5, point=True).encode(y="p50:Q")
    title = _("%(outcome)s: median with 50 %% and 90 %% ranges") % {"outcome": indicator_name(indicator)}
    description = _("Fan chart of %(outcome)s over %(years)s years for %(scenarios)s. The line is the median "
                    "of the Monte Carlo runs; the dark band holds the middle half of the runs, the light "
                    "band nine runs in ten. The table below gives the same numbers.") % {
        "outcome": indicator_name(indicator), "years": len(series[0]["years"]) if series else 0,
        "scenarios": ", ".join(labels)}
    return _finish(alt.layer(outer, inner, median), title, description)


# ---------------------------------------------------------------------------------------------
# Choropleth of the 42 regions.


def region_map(*, values: Mapping[str, float], geometries: Mapping[str, Mapping[str, Any]],
               names: Mapping[str, str], title: str, description: str, legend_title: str,
               diverging: bool = False, domain_max: float | None = None) -> Chart:
    """``values`` {NUTS code: value}; ``geometries`` {code: GeoJSON geometry}. For differences
    (``diverging``) the colour scale is symmetric around 0: [-m, m] with m the largest absolute
    value (or ``domain_max``, so the frames of an animation share one scale)."""
    alt = _alt()
    features = []
    for code, geometry in geometries.items():
        value = values.get(code)
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"code": code, "name": names.get(code, code),
                                        "value": None if value is None else float(value)}})
    if diverging:
        m = domain_max if domain_max is not None else max((abs(float(v)) for v in values.values()), default=0.0)
        m = m or 1.0
        scale = alt.Scale(scheme=DIVERGING_SCHEME, domain=[-m, m], domainMid=0)
    else:
        scale = alt.Scale(scheme=SEQUENTIAL_SCHEME, zero=True)
    # The features join the spec after Altair's schema validation, which is slow on large GeoJSON.
    chart = alt.Chart(alt.Data(values=[])).mark_geoshape(stroke="#555", strokeWidth=0.4).encode(
        color=alt.Color("properties.value:Q", title=legend_title, scale=scale,
                        legend=alt.Legend(format=",~r", orient="bottom", direction="horizontal",
                                          gradientLength=260)),
    ).project(type="mercator")
    finished = _finish(chart, title, description, width=520, height=360)
    finished.spec["data"] = {"values": features}
    return finished


def map_domain(values: Sequence[float]) -> list[float]:
    """The colour domain of a difference map: symmetric around zero."""
    m = max((abs(float(v)) for v in values), default=0.0) or 1.0
    return [-m, m]


# ---------------------------------------------------------------------------------------------
# Distribution of an outcome at the horizon: a box plot per scenario over the runs' values.


def distribution(indicator: str, series: Sequence[Mapping[str, Any]]) -> Chart:
    """``series``: [{"label": scenario name, "values": horizon_runs}]."""
    alt = _alt()
    labels = [str(s["label"]) for s in series]
    rows = [{"scenario": str(s["label"]), "value": float(v)} for s in series for v in s["values"]]
    chart = alt.Chart(alt.Data(values=rows)).mark_boxplot(extent="min-max", size=22).encode(
        y=alt.Y("scenario:N", title=_("Scenario"), sort=labels),
        x=alt.X("value:Q", title=indicator_label(indicator), axis=alt.Axis(format=",~r"),
                scale=alt.Scale(zero=False)),
        color=alt.Color("scenario:N", legend=None,
                        scale=alt.Scale(domain=labels, range=list(PALETTE[:max(1, len(labels))]))),
    )
    title = _("%(outcome)s at the horizon: spread over the runs") % {"outcome": indicator_name(indicator)}
    description = _("Box plot per scenario of %(outcome)s at the horizon over all Monte Carlo runs: the box "
                    "holds the middle half of the runs, the whiskers reach the lowest and the highest run.") % {
        "outcome": indicator_name(indicator)}
    return _finish(chart, title, description, height=40 * len(series) + 20)


# ---------------------------------------------------------------------------------------------
# Sensitivity ranking: horizontal bars.


def ranking(*, labels: Sequence[str], values: Sequence[float], title: str, description: str,
            axis_title: str) -> Chart:
    alt = _alt()
    rows = [{"lever": str(label), "value": float(value)} for label, value in zip(labels, values, strict=True)]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("lever:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title=axis_title, axis=alt.Axis(format=",~r")),
    )
    return _finish(chart, title, description, height=max(80, 30 * len(rows)))


# ---------------------------------------------------------------------------------------------
# Rendering.

_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
# Vega writes English ARIA texts ("X-axis titled ...") on its marks: dropped, the chart's own
# role="img" with a translated <title> and <desc> (and the table next to it) speak for it.
_VEGA_ARIA = re.compile(r'\s(?:aria-label|aria-roledescription|aria-hidden|role)="[^"]*"')


@lru_cache(maxsize=256)
def _render_cached(spec_json: str, locale: str) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(json.loads(spec_json), format_locale=locale, allowed_base_urls=[]))


def render_spec(spec: Mapping[str, Any], *, language: str | None = None) -> str:
    """The raw SVG of a Vega-Lite spec (cached on the spec's JSON and the locale)."""
    return _render_cached(json.dumps(spec, sort_keys=True, default=str), format_locale(language))


def render(chart: Chart, *, chart_id: str = "", language: str | None = None) -> str:
    """Accessible inline SVG: ``role="img"``, a ``<title>`` and a ``<desc>`` referenced by
    ``aria-labelledby``; width scales down on narrow screens."""
    svg = _VEGA_ARIA.sub("", render_spec(chart.spec, language=language))
    ident = chart_id or "chart-" + format(abs(hash(json.dumps(chart.spec, sort_keys=True, default=str))), "x")[:12]
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    match = _SVG_OPEN.search(svg)
    if match is None:  # pragma: no cover - vl-convert always answers with an <svg>
        return ""
    attrs = re.sub(r'\s(width|height|class|id)="[^"]*"', "", match.group(1))
    opening = (f'<svg{attrs} role="img" aria-labelledby="{title_id} {desc_id}" class="chart-svg" '
               f'id="{ident}" preserveAspectRatio="xMinYMin meet">'
               f'<title id="{title_id}">{escape(chart.title)}</title><desc id="{desc_id}">{escape(chart.description)}</desc>')
    # vl-convert escapes every text it writes into the SVG, and title and description are escaped above.
    return mark_safe(svg[:match.start()] + opening + svg[match.end():])  # noqa: S308  # nosec B308 B703  # escaped above
