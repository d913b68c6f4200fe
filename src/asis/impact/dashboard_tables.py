"""The dashboards' tables, built once for the page and for its CSV/XLSX download, so that both
always show the same figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from asis.core.charts import Chart
from asis.impact import dashboard_text as text
from asis.impact.charts import breakdown_chart
from asis.impact.exports import Sheet, rows
from asis.impact.models import Indicator
from asis.impact.models_regions import POPULATION, RegionStatistic
from asis.impact.rollups import Dashboard, Figure, IndicatorRollup
from asis.impact.units import unit_label


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    figure: Figure
    shown: str


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    groups: tuple[Group, ...]


@dataclass
class IndicatorBlock:
    indicator: Indicator
    rollup: IndicatorRollup
    shown: str
    breakdowns: list[Breakdown] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    chart: Chart | None = None

    @property
    def total(self) -> Figure:
        return self.rollup.total


def blocks(dash: Dashboard) -> list[IndicatorBlock]:
    """One block per indicator: total, breakdowns with group names, exclusions in words, a chart."""
    indicators = Indicator.objects.in_bulk([r.indicator_id for r in dash.rollups])
    names: dict[str, dict[str, str]] = {}
    out = []
    for r in dash.rollups:
        block = IndicatorBlock(indicators[r.indicator_id], r, text.figure_value(r.total))
        for dimension, figures in r.breakdowns.items():
            if dimension not in names:
                names[dimension] = text.group_names(dimension)
            groups = tuple(Group(f.group, names[dimension].get(f.group, f.group), f, text.figure_value(f))
                           for f in figures)
            block.breakdowns.append(Breakdown(dimension, text.dimension_label(dimension), groups))
        block.exclusions = [text.exclusion_text(e, dash.facts) for e in r.excluded]
        regions = next((b for b in block.breakdowns if b.dimension == "region"), None)
        if regions and len(regions.groups) > 1:
            block.chart = breakdown_chart([(g.name, g.figure.value) for g in regions.groups])
        out.append(block)
    return out


def _figure_row(block: IndicatorBlock, dimension: str, group: str, figure: Figure) -> tuple[Any, ...]:
    return (block.indicator.code, str(block.indicator), dimension, group, figure.value, figure.unit,
            str(unit_label(figure.unit)), figure.n_projects, figure.n_values, figure.numerator, figure.denominator,
            block.indicator.aggregation)


FIGURE_HEADER = ("indicator_code", "indicator", "breakdown", "group", "value", "unit_code", "unit", "projects",
                 "values", "numerator", "denominator", "aggregation_rule")


def dashboard_sheets(items: Sequence[IndicatorBlock], dash: Dashboard) -> list[Sheet]:
    figures = []
    for block in items:
        figures.append(_figure_row(block, "", "", block.total))
        for breakdown in block.breakdowns:
            figures += [_figure_row(block, breakdown.dimension, g.name, g.figure) for g in breakdown.groups]
    excluded = [(block.indicator.code, str(block.indicator), dash.facts[e.project_id].reference
                 if e.project_id in dash.facts else "", e.code, sentence)
                for block in items for e, sentence in zip(block.rollup.excluded, block.exclusions, strict=True)]
    return [Sheet("Results", FIGURE_HEADER, rows(figures)),
            Sheet("Excluded", ("indicator_code", "indicator", "project", "reason_code", "reason"), rows(excluded))]


# --- regions -------------------------------------------------------------------------------------------

PER_INHABITANTS = 1000
PER_CAPITA_RULES = ("sum", "last")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    country: str
    figure: Figure | None
    population: Decimal | None
    population_year: int | None
    population_source: str
    per_inhabitants: float | None


def populations() -> dict[str, RegionStatistic]:
    """Each region's latest population figure."""
    latest: dict[str, RegionStatistic] = {}
    for stat in RegionStatistic.objects.filter(key=POPULATION).select_related("region").order_by("region__code",
                                                                                                   "-year"):
        latest.setdefault(stat.region.code, stat)
    return latest


def per_capita_applies(indicator: Indicator) -> bool:
    """Only totals divide by population: a mean, a maximum or a rate per inhabitant means nothing."""
    return indicator.aggregation in PER_CAPITA_RULES and not indicator.is_ratio


def region_rows(block: IndicatorBlock | None) -> list[RegionRow]:
    from asis.regions.models import COUNTRIES, Region

    figures = {}
    if block is not None:
        for breakdown in block.breakdowns:
            if breakdown.dimension == "region":
                figures = {g.code: g.figure for g in breakdown.groups}
    stats = populations()
    countries = dict(COUNTRIES)
    per_capita = block is not None and per_capita_applies(block.indicator)
    out = []
    for code, name, country in Region.objects.order_by("code").values_list("code", "name", "country"):
        figure, stat = figures.get(code), stats.get(code)
        ratio = None
        if per_capita and figure is not None and figure.value is not None and stat is not None and stat.value > 0:
            ratio = figure.value / float(stat.value) * PER_INHABITANTS
        out.append(RegionRow(code, name, str(countries.get(country, country)), figure,
                             stat.value if stat else None, stat.year if stat else None,
                             stat.source if stat else "", ratio))
    return sorted(out, key=lambda r: (r.figure is None, -(r.per_inhabitants or 0), -(
        r.figure.value or 0 if r.figure else 0), r.code))


def region_sheet(block: IndicatorBlock | None, items: Sequence[RegionRow]) -> Sheet:
    code = block.indicator.code if block else ""
    return Sheet("Regions", ("indicator_code", "region_code", "region", "country", "value", "unit_code", "projects",
                             "population", "population_year", "population_source",
                             f"per_{PER_INHABITANTS}_inhabitants"),
                 rows((code, r.code, r.name, r.country, r.figure.value if r.figure else None,
                       r.figure.unit if r.figure else "", r.figure.n_projects if r.figure else 0, r.population,
                       r.population_year, r.population_source, r.per_inhabitants) for r in items))


def why_no_per_capita(block: IndicatorBlock | None, items: Sequence[RegionRow]) -> str:
    """Why the map shows totals rather than results per inhabitant (empty when it does not)."""
    if block is None:
        return ""
    if not per_capita_applies(block.indicator):
        return _("This indicator is a mean, a maximum or a rate: dividing it by the population would mean "
                 "nothing, so the map shows its value per region.")
    if not any(r.population for r in items if r.figure is not None):
        return _("No population figure has been imported for these regions, so the map shows totals, not "
                 "results per inhabitant.")
    return ""

