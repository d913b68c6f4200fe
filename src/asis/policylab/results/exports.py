"""Downloads of a run's and a comparison's data as CSV, XLSX and JSON.

Column headers are in the reader's language; regions come with their NUTS code and name; numbers
stay numbers. Cells go through :func:`asis.core.opendata.spreadsheet_cell` (formula guard), the
sheets through the platform's CSV/XLSX writers (``asis.impact.exports``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from asis.core.opendata import LICENCE, LICENCE_URL, spreadsheet_cell
from asis.core.sheets import Sheet, csv_text, xlsx_bytes
from asis.policylab import charts
from asis.policylab.models import Comparison, SimulationRun
from asis.policylab.results import selectors

FORMATS = ("csv", "xlsx", "json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scenario_sheet(runs: Sequence[tuple[str, SimulationRun, str]]) -> Sheet:
    header = (_("Scenario"), _("Role"), _("Lever"), _("Value"))
    rows = []
    for label, run, role in runs:
        for lever in selectors.levers_in_words(run.spec or run.scenario):
            rows.append((label, role, lever["name"], lever["value"]))
        rows.append((label, role, _("Monte Carlo runs"), run.n_runs))
        rows.append((label, role, _("Years simulated"), len((run.summary or {}).get("years", []))))
        rows.append((label, role, _("Random seed"), (run.spec or {}).get("seed", run.scenario.seed)))
    return Sheet(_("Scenarios"), header, tuple(rows))


def _totals_rows(label: str, summary: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for name in selectors.indicators_of(summary):
        data = summary["indicators"][name]
        for i, year in enumerate(summary["years"]):
            rows.append((label, charts.indicator_name(name), charts.indicator_unit(name), year,
                         *[band[i] for band in data["total_bands"]], data["total_mean"][i]))
    return rows


def _totals_header(summary: dict[str, Any]) -> tuple[str, ...]:
    return (_("Scenario"), _("Outcome"), _("Unit"), _("Year"),
            *[_("%(p)s. percentile") % {"p": int(p)} for p in summary["percentiles"]], _("Mean"))


def _region_rows(label: str, summary: dict[str, Any], names: dict[str, str]) -> list[tuple[Any, ...]]:
    rows = []
    for name in selectors.indicators_of(summary):
        for i, year in enumerate(summary["years"]):
            for code, value in zip(summary["codes"], summary["indicators"][name]["region_mean"][i], strict=True):
                rows.append((label, charts.indicator_name(name), year, code, names.get(code, code), value))
    return rows


def _horizon_rows(label: str, summary: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for name in selectors.indicators_of(summary):
        for i, value in enumerate(summary["indicators"][name]["horizon_runs"]):
            rows.append((label, charts.indicator_name(name), i + 1, value))
    return rows


def _common_sheets(items: Sequence[tuple[str, dict[str, Any]]], names: dict[str, str]) -> list[Sheet]:
    first = items[0][1]
    return [
        Sheet(_("Totals"), _totals_header(first), tuple(r for label, s in items for r in _totals_rows(label, s))),
        Sheet(_("Regions"), (_("Scenario"), _("Outcome"), _("Year"), _("Region code"), _("Region"),
                             _("Mean over the runs")),
              tuple(r for label, s in items for r in _region_rows(label, s, names))),
        Sheet(_("Runs at the horizon"), (_("Scenario"), _("Outcome"), _("Run"), _("Value")),
              tuple(r for label, s in items for r in _horizon_rows(label, s))),
    ]


def run_sheets(run: SimulationRun) -> list[Sheet]:
    if not run.summary:
        raise Http404("No results yet")
    names = selectors.regions().names
    label = run.scenario.name
    return [_scenario_sheet([(label, run, _("Scenario"))]), *_common_sheets([(label, run.summary)], names)]


def comparison_sheets(comparison: Comparison) -> list[Sheet]:
    items = selectors.compared(comparison)
    if len(items) < 2:
        raise Http404("Nothing to compare")
    names = selectors.regions().names
    reference = next(c for c in items if c.reference)
    roles = [(c.label, c.run, _("Reference") if c.reference else _("Compared")) for c in items]
    sheets = [_scenario_sheet(roles), *_common_sheets([(c.label, c.summary) for c in items], names)]
    diff_rows = []
    for other in (c for c in items if not c.reference):
        for name in selectors.common_outcomes(items):
            years, codes, diff = selectors.difference_matrix(reference.summary, other.summary, name)
            for i, year in enumerate(years):
                for j, code in enumerate(codes):
                    diff_rows.append((other.label, reference.label, charts.indicator_name(name), year, code,
                                      names.get(code, code), round(float(diff[i, j]), 6)))
    sheets.append(Sheet(_("Differences"), (_("Scenario"), _("Reference"), _("Outcome"), _("Year"), _("Region code"),
                                           _("Region"), _("Difference in the mean")), tuple(diff_rows)))
    return sheets


def json_bytes(sheets: Sequence[Sheet], title: str) -> bytes:
    data = {"title": title, "generated": timezone.now().isoformat(timespec="seconds"),
            "licence": LICENCE, "licence_url": LICENCE_URL,
            "sheets": [{"title": s.title, "columns": list(s.header),
                        "rows": [[spreadsheet_cell(v) for v in row] for row in s.rows]} for s in sheets]}
    return json.dumps(data, ensure_ascii=False, indent=1, default=str).encode()


def download(sheets: Sequence[Sheet], *, title: str, stem: str, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(csv_text(sheets), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX)
    elif fmt == "json":
        response = HttpResponse(json_bytes(sheets, title), content_type="application/json")
    else:
        raise Http404("Unknown format")
    name = slugify(title)[:60] or "results"
    response["Content-Disposition"] = f'attachment; filename="{stem}-{name}.{fmt}"'
    return response
