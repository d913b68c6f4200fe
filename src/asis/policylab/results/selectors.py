"""Reads for the results and comparison pages, exports and the brief: runs' summaries as tables,
charts and differences between scenarios (the summary format is in ``policylab/adapters.py``).

Numbers stay numbers here (exports need them); the ``*_table`` functions add the texts people
read (locale-formatted numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from asis.core.formatting import number
from asis.policylab import access, charts
from asis.policylab.messages import field_name
from asis.policylab.models import Comparison, Scenario, SensitivityAnalysis, SimulationRun

PERCENTILE_NAMES = {5: "P5", 25: "P25", 50: "P50", 75: "P75", 95: "P95"}


# ------------------------------------------------------------------------------------ access


def access_run(user: Any, run_id: Any, *, token: str = "") -> SimulationRun:
    """A finished run whose scenario the person may read (or whose scenario's share key is given)."""
    try:
        run = SimulationRun.objects.select_related("scenario").get(pk=run_id)
    except (SimulationRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    access.access_scenario(user, run.scenario_id, token=token)
    return run


def comparable_scenarios(user: Any) -> QuerySet[Scenario]:
    """Scenarios the person sees that have a finished run, newest first."""
    return (access.scenarios_visible_to(user)
            .filter(runs__status=SimulationRun.Status.SUCCEEDED, runs__summary__isnull=False)
            .distinct().order_by("name"))


# ------------------------------------------------------------------------------------ regions


@dataclass(frozen=True)
class RegionInfo:
    names: dict[str, str]
    geometries: dict[str, dict[str, Any]]


def regions() -> RegionInfo:
    from asis.regions.models import Region

    rows = list(Region.objects.order_by("code").values_list("code", "name", "geometry"))
    return RegionInfo(names={c: n for c, n, _g in rows}, geometries={c: g for c, _n, g in rows if g})


# ------------------------------------------------------------------------------------ summaries


def indicators_of(summary: dict[str, Any]) -> list[str]:
    """The summary's indicators, key outcomes first, in the order of :data:`charts.INDICATORS`."""
    present = set(summary.get("indicators", {}))
    return [name for name in charts.INDICATORS if name in present]


def horizon_year(summary: dict[str, Any]) -> int:
    return int(summary["years"][-1])


def region_values(summary: dict[str, Any], indicator: str, year: int) -> dict[str, float]:
    """Mean over the runs of ``indicator`` in each region in ``year`` (1-based)."""
    row = summary["indicators"][indicator]["region_mean"][int(year) - 1]
    return dict(zip(summary["codes"], (float(v) for v in row), strict=True))


def difference_matrix(reference: dict[str, Any], other: dict[str, Any], indicator: str) -> tuple[
        list[int], list[str], np.ndarray]:
    """(years, codes, years x regions) of ``other`` minus ``reference`` in the regional means, over
    the years both simulated and the regions both contain (in the reference's order)."""
    years = list(range(1, min(len(reference["years"]), len(other["years"])) + 1))
    other_index = {code: i for i, code in enumerate(other["codes"])}
    codes = [code for code in reference["codes"] if code in other_index]
    ref = np.asarray(reference["indicators"][indicator]["region_mean"], dtype=float)
    oth = np.asarray(other["indicators"][indicator]["region_mean"], dtype=float)
    ref_cols = [reference["codes"].index(code) for code in codes]
    oth_cols = [other_index[code] for code in codes]
    diff = oth[: len(years)][:, oth_cols] - ref[: len(years)][:, ref_cols]
    return years, codes, diff


def horizon_stats(values: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        return {}
    return {"min": float(arr.min()), "p5": float(np.percentile(arr, 5)), "median": float(np.median(arr)),
            "mean": float(arr.mean()), "p95": float(np.percentile(arr, 95)), "max": float(arr.max())}


def _fmt(value: float) -> str:
    """Model outputs are means over runs: whole numbers when large, one decimal when small."""
    value = float(value)
    if abs(value) >= 100 or value == int(value):
        return number(round(value), 0)
    value = round(value, 1) + 0.0  # + 0.0: no "-0,0" for a tiny negative mean
    return number(value, 0 if value == 0 else 1)


# ------------------------------------------------------------------------------------ tables


def band_table(summary: dict[str, Any], indicator: str) -> dict[str, Any]:
    """Years x percentiles (and the mean) of the total over the regions."""
    data = summary["indicators"][indicator]
    header = [_("Year")] + [_("%(p)s. percentile") % {"p": int(p)} for p in summary["percentiles"]] + [_("Mean")]
    rows = []
    for i, year in enumerate(summary["years"]):
        rows.append({"year": year, "cells": [_fmt(band[i]) for band in data["total_bands"]]
                     + [_fmt(data["total_mean"][i])]})
    return {"header": header, "rows": rows}


def stats_row(values: Sequence[float]) -> list[str]:
    stats = horizon_stats(values)
    return [_fmt(stats[k]) for k in ("min", "p5", "median", "mean", "p95", "max")] if stats else []


def stats_header() -> list[str]:
    return [_("Lowest"), _("5th percentile"), _("Median"), _("Mean"), _("95th percentile"), _("Highest")]


def outcome_choices(summary: dict[str, Any]) -> list[tuple[str, str]]:
    return [(name, charts.indicator_name(name)) for name in indicators_of(summary)]


def pick_outcome(summary: dict[str, Any], requested: str) -> str:
    names = indicators_of(summary)
    if requested in names:
        return requested
    return next((n for n in charts.KEY_OUTCOMES if n in names), names[0] if names else "active")


# ------------------------------------------------------------------------------------ run page


def run_results(run: SimulationRun, *, outcome: str = "") -> dict[str, Any]:
    """Everything the run results page shows."""
    summary = run.summary or {}
    if not summary.get("indicators"):
        return {"ready": False}
    info = regions()
    label = run.scenario.name
    key = [n for n in charts.KEY_OUTCOMES if n in summary["indicators"]]
    fans = []
    for name in key:
        chart = charts.fan_chart(name, [{"label": label, "years": summary["years"],
                                         "bands": summary["indicators"][name]["total_bands"]}])
        fans.append({"name": name, "title": charts.indicator_name(name), "svg": charts.render(chart, chart_id=f"fan-{name}"),
                     "table": band_table(summary, name)})
    chosen = pick_outcome(summary, outcome)
    year = horizon_year(summary)
    values = region_values(summary, chosen, year)
    map_chart = charts.region_map(
        values=values, geometries=info.geometries, names=info.names,
        title=_("%(outcome)s per region in year %(year)s (mean of the runs)") % {
            "outcome": charts.indicator_name(chosen), "year": year},
        description=_("Map of the %(n)s regions coloured by the mean of %(outcome)s in year %(year)s; the "
                      "table below lists every region.") % {"n": len(values), "outcome": charts.indicator_name(chosen),
                                                             "year": year},
        legend_title=charts.indicator_label(chosen))
    region_rows = [{"code": code, "name": info.names.get(code, code), "value": _fmt(v)}
                   for code, v in sorted(values.items(), key=lambda kv: -kv[1])]
    distributions = []
    for name in key:
        runs_values = summary["indicators"][name]["horizon_runs"]
        chart = charts.distribution(name, [{"label": label, "values": runs_values}])
        distributions.append({"name": name, "title": charts.indicator_name(name),
                              "svg": charts.render(chart, chart_id=f"dist-{name}"), "stats": stats_row(runs_values)})
    return {"ready": True, "summary": summary, "fans": fans, "outcome": chosen,
            "outcomes": outcome_choices(summary), "year": year,
            "map_svg": charts.render(map_chart, chart_id="map"), "region_rows": region_rows,
            "distributions": distributions, "stats_header": stats_header(),
            "n_runs": summary.get("n_runs"), "horizon": year}


# ------------------------------------------------------------------------------------ comparison


def levers_in_words(scenario_or_spec: Any) -> list[dict[str, str]]:
    """The levers as people read them: name and value."""
    from asis.core.formatting import money, percent

    levers = scenario_or_spec.get("levers", {}) if isinstance(scenario_or_spec, dict) else scenario_or_spec.levers
    from asis.policylab.adapters import default_levers

    values = {**default_levers(), **(levers or {})}
    out = []
    for key, value in values.items():
        if key == "budget_eur_per_year":
            shown = money(value, decimals=0)
        elif key in ("social_weight", "training_intensity", "cooperation_support", "cofunding_rate"):
            shown = percent(value)
        elif key == "regional_split":
            shown = _("in proportion to the potential initiatives") if not value else _("split chosen by region")
        else:
            shown = number(value)
        out.append({"name": field_name(key), "value": shown})
    return out


@dataclass
class ComparedRun:
    run: SimulationRun
    label: str
    summary: dict[str, Any]
    reference: bool


def compared(comparison: Comparison) -> list[ComparedRun]:
    runs = list(comparison.runs.select_related("scenario"))
    runs.sort(key=lambda r: (r.pk != comparison.baseline_id, r.scenario.name, str(r.pk)))
    out = []
    for run in runs:
        if run.summary and run.summary.get("indicators"):
            out.append(ComparedRun(run=run, label=run.scenario.name, summary=run.summary,
                                   reference=run.pk == comparison.baseline_id))
    if out and not any(c.reference for c in out):
        out[0].reference = True
    return out


def common_outcomes(items: Sequence[ComparedRun]) -> list[str]:
    if not items:
        return []
    names = set(items[0].summary["indicators"])
    for item in items[1:]:
        names &= set(item.summary["indicators"])
    return [n for n in charts.INDICATORS if n in names]


def difference_frames(reference: ComparedRun, other: ComparedRun, indicator: str, *,
                      info: RegionInfo | None = None) -> dict[str, Any]:
    """One map per year of ``other`` minus ``reference`` (one shared, symmetric colour scale) and
    the regions x years table."""
    info = info or regions()
    years, codes, diff = difference_matrix(reference.summary, other.summary, indicator)
    domain = charts.map_domain(diff.ravel().tolist())
    frames = []
    for i, year in enumerate(years):
        values = dict(zip(codes, diff[i].tolist(), strict=True))
        chart = charts.region_map(
            values=values, geometries=info.geometries, names=info.names, diverging=True, domain_max=domain[1],
            title=_("%(outcome)s, year %(year)s: %(scenario)s minus %(reference)s") % {
                "outcome": charts.indicator_name(indicator), "year": year, "scenario": other.label,
                "reference": reference.label},
            description=_("Difference per region in the mean of %(outcome)s in year %(year)s between %(scenario)s "
                          "and the reference %(reference)s; orange is more, blue is less, white no "
                          "difference. The table below lists every region and year.") % {
                "outcome": charts.indicator_name(indicator), "year": year, "scenario": other.label,
                "reference": reference.label},
            legend_title=_("Difference"))
        frames.append({"year": year, "chart": chart})
    rows = [{"code": code, "name": info.names.get(code, code), "cells": [_fmt(diff[i, j]) for i in range(len(years))]}
            for j, code in enumerate(codes)]
    return {"years": years, "codes": codes, "diff": diff, "domain": domain, "frames": frames, "rows": rows}


def latest_sensitivity(scenarios: Sequence[Scenario]) -> SensitivityAnalysis | None:
    return (SensitivityAnalysis.objects.filter(scenario__in=scenarios, result__isnull=False)
            .select_related("scenario").order_by("-created_at").first())


def sensitivity_view(analysis: SensitivityAnalysis) -> dict[str, Any] | None:
    """The ranking of levers: Morris mu* (with sigma) or Sobol total indices ST (with S1)."""
    result = analysis.result or {}
    levers = result.get("levers") or []
    sobol = "ST" in result and "mu_star" not in result
    main, second = (result.get("ST"), result.get("S1")) if sobol else (result.get("mu_star"), result.get("sigma"))
    if not levers or not main or len(levers) != len(main):
        return None
    second = second if second and len(second) == len(levers) else [None] * len(levers)
    labels = [field_name(lever) for lever in levers]
    order = sorted(range(len(levers)), key=lambda i: -float(main[i]))
    outcome = charts.indicator_name(analysis.outcome)
    if sobol:
        axis_title, second_title = _("Total-effect index (Sobol ST)"), _("First-order index (Sobol S1)")
        description = _("Bars of the share of the variance of %(outcome)s that each lever explains, alone and "
                        "with the others (Sobol total-effect index), around the scenario %(scenario)s; longer "
                        "bars mean a stronger influence.")
    else:
        axis_title, second_title = _("Mean absolute effect (mu*)"), _("Spread of the effect (sigma)")
        description = _("Bars of the mean absolute elementary effect (Morris mu*) of each lever on %(outcome)s "
                        "around the scenario %(scenario)s; longer bars mean a stronger influence.")
    chart = charts.ranking(
        labels=labels, values=[float(v) for v in main],
        title=_("Which levers matter most for %(outcome)s") % {"outcome": outcome},
        description=description % {"outcome": outcome, "scenario": analysis.scenario.name}, axis_title=axis_title)
    rows = [{"rank": rank + 1, "lever": labels[i], "main": _fmt_index(main[i], sobol),
             "second": "" if second[i] is None else _fmt_index(second[i], sobol)} for rank, i in enumerate(order)]
    return {"analysis": analysis, "svg": charts.render(chart, chart_id="sensitivity"), "rows": rows,
            "outcome": outcome, "main_title": axis_title, "second_title": second_title}


def _fmt_index(value: float, sobol: bool) -> str:
    return number(float(value), 2) if sobol else _fmt(value)


def comparison_page(comparison: Comparison, *, outcome: str = "", scenario: str = "", year: str = "",
                    map_frames: bool = True) -> dict[str, Any]:
    """Everything the comparison page (and the brief) shows."""
    items = compared(comparison)
    if len(items) < 2:
        return {"ready": False, "items": items}
    reference = next(c for c in items if c.reference)
    others = [c for c in items if not c.reference]
    outcomes = common_outcomes(items)
    chosen = outcome if outcome in outcomes else next((n for n in charts.KEY_OUTCOMES if n in outcomes), outcomes[0])
    other = next((c for c in others if str(c.run.pk) == scenario), others[0])
    info = regions()
    fans = []
    for name in [n for n in charts.KEY_OUTCOMES if n in outcomes]:
        series = [{"label": c.label, "years": c.summary["years"], "bands": c.summary["indicators"][name]["total_bands"]}
                  for c in items]
        fans.append({"name": name, "title": charts.indicator_name(name),
                     "chart": charts.fan_chart(name, series),
                     "tables": [{"label": c.label, **band_table(c.summary, name)} for c in items]})
    frames = difference_frames(reference, other, chosen, info=info)
    try:
        selected_year = int(year)
    except (TypeError, ValueError):
        selected_year = frames["years"][-1]
    if selected_year not in frames["years"]:
        selected_year = frames["years"][-1]
    distributions = []
    key_numbers = []
    for name in [n for n in charts.KEY_OUTCOMES if n in outcomes]:
        series = [{"label": c.label, "values": c.summary["indicators"][name]["horizon_runs"]} for c in items]
        ref_median = horizon_stats(reference.summary["indicators"][name]["horizon_runs"])["median"]
        distributions.append({"name": name, "title": charts.indicator_name(name),
                              "chart": charts.distribution(name, series),
                              "rows": [{"label": c.label, "stats": stats_row(c.summary["indicators"][name]["horizon_runs"])}
                                       for c in items]})
        for c in items:
            median = horizon_stats(c.summary["indicators"][name]["horizon_runs"])["median"]
            key_numbers.append({"outcome": charts.indicator_name(name), "label": c.label, "median": _fmt(median),
                                "difference": "" if c.reference else _fmt(median - ref_median)})
    sensitivity = latest_sensitivity([c.run.scenario for c in items])
    return {"ready": True, "items": items, "reference": reference, "others": others, "other": other,
            "outcomes": [(n, charts.indicator_name(n)) for n in outcomes], "outcome": chosen,
            "outcome_name": charts.indicator_name(chosen),
            "fans": fans, "frames": frames, "year": selected_year, "distributions": distributions,
            "stats_header": stats_header(), "key_numbers": key_numbers,
            "sensitivity": sensitivity_view(sensitivity) if sensitivity else None}
