"""Roll-ups of validated results for the dashboards, exports and open data.

The database adds up what can be added (per project, indicator, unit and breakdown: the sum of
the values and of the denominators, over every validated period of a ``per_period`` indicator or
over the latest validated period of a ``cumulative`` or ``last`` one), so a programme of
5,000 projects x 20 indicators x 12 periods hands the engine about 100,000 per-project figures,
not 1.2 million values. The engine (:mod:`asis.engines.impact.rollup`) then converts units,
leaves out what cannot be added (with a reason) and applies each indicator's aggregation rule.
Only values of **validated** reports count. See docs/methods/units-and-rollups.md.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from asis.calls.models import FundedProject
from asis.engines.impact.rollup import (
    IndicatorSpec,
    ObservationTable,
    RollupResult,
    rollup,
    rollup_by,
    series,
)
from asis.impact import disaggregations
from asis.impact.models import Indicator, ProjectIndicator, Report, ReportingPeriod, ReportValue

CACHE_SECONDS = 600
BREAKDOWN_DIMENSIONS = ("region", "challenge", "sex", "target_group", "age_band")


def spec_of(indicator: Indicator) -> IndicatorSpec:
    return IndicatorSpec(code=indicator.code, unit=indicator.unit, aggregation=indicator.aggregation,  # type: ignore[arg-type]
                         values_mode=indicator.values_mode, is_ratio=indicator.is_ratio,  # type: ignore[arg-type]
                         direction=indicator.direction)  # type: ignore[arg-type]


# --- SQL: per-project figures --------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectFigure:
    """The sum of one project's validated values of one indicator, unit and breakdown."""

    project_id: int
    indicator_id: int
    unit: str
    disaggregation: str
    value: float
    denominator: float | None
    period_end: date
    n_values: int


def _subquery(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.values("pk").query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def project_figures(projects: QuerySet[FundedProject], *, indicator_ids: Sequence[int] | None = None,
                    per_period: bool = False) -> list[ProjectFigure]:
    """Per project, indicator, unit and breakdown: the validated values added up in SQL.

    ``per_period`` keeps one figure per period end (for series over time) instead of one to date.
    One query whatever the number of projects."""
    v, r, p = ReportValue._meta.db_table, Report._meta.db_table, ReportingPeriod._meta.db_table
    pi, ind = ProjectIndicator._meta.db_table, Indicator._meta.db_table
    projects_sql, projects_params = _subquery(projects)
    where_indicator, indicator_params = "", ()
    if indicator_ids is not None:
        if not indicator_ids:
            return []
        where_indicator = f" AND pi.indicator_id IN ({', '.join(['%s'] * len(indicator_ids))})"
        indicator_params = tuple(indicator_ids)
    joins = (f"FROM {v} v JOIN {r} r ON r.id = v.report_id JOIN {p} p ON p.id = r.period_id "
             f"JOIN {pi} pi ON pi.id = v.project_indicator_id JOIN {ind} i ON i.id = pi.indicator_id ")
    scope = f"r.status = %s AND pi.project_id IN ({projects_sql}){where_indicator}"
    scope_params = (Report.Status.VALIDATED, *projects_params, *indicator_params)
    if per_period:
        sql = (f"SELECT pi.project_id, pi.indicator_id, v.unit, v.disaggregation, SUM(v.value), SUM(v.denominator), "
               f"p.ends_on, COUNT(*) {joins} WHERE {scope} "
               f"GROUP BY pi.project_id, pi.indicator_id, v.unit, v.disaggregation, p.ends_on")
        params: tuple[Any, ...] = scope_params
    else:
        # A cumulative value (or the rule "last") stands for the state to date: only each project
        # indicator's latest validated period counts; per-period flows add up over all periods.
        sql = (f"SELECT pi.project_id, pi.indicator_id, v.unit, v.disaggregation, SUM(v.value), SUM(v.denominator), "
               f"MAX(p.ends_on), COUNT(*) {joins} "
               f"LEFT JOIN (SELECT v.project_indicator_id AS pid, MAX(p.ends_on) AS latest {joins} "
               f"WHERE {scope} AND (i.values_mode = %s OR i.aggregation = %s) GROUP BY v.project_indicator_id) l "
               f"ON l.pid = v.project_indicator_id "
               f"WHERE {scope} AND ((i.values_mode <> %s AND i.aggregation <> %s) OR p.ends_on = l.latest) "
               f"GROUP BY pi.project_id, pi.indicator_id, v.unit, v.disaggregation")
        params = (*scope_params, "cumulative", "last", *scope_params, "cumulative", "last")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [ProjectFigure(int(row[0]), int(row[1]), row[2], row[3] or "", float(row[4]), _number(row[5]),
                          _day(row[6]), int(row[7])) for row in rows]


def table_of(indicator: Indicator, figures: Sequence[ProjectFigure]) -> ObservationTable:
    """Engine input: ratios read numerator and denominator; a weighted mean weighs each value by its
    denominator (e.g. the number of respondents behind a mean score)."""
    value = np.fromiter((f.value for f in figures), dtype=np.float64, count=len(figures))
    den = np.fromiter((np.nan if f.denominator is None else f.denominator for f in figures), dtype=np.float64,
                      count=len(figures))
    return ObservationTable.from_columns(
        project=np.fromiter((f.project_id for f in figures), dtype=np.int64, count=len(figures)),
        period_end=np.fromiter((f.period_end.toordinal() for f in figures), dtype=np.int64, count=len(figures)),
        value=value, numerator=value if indicator.is_ratio else None,
        denominator=den if indicator.is_ratio else None,
        weight=den if indicator.aggregation == Indicator.Aggregation.WEIGHTED_MEAN and not indicator.is_ratio else None,
        unit=np.array([f.unit for f in figures], dtype=np.str_),
    )


# --- facts about projects ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectFacts:
    pk: int
    reference: str
    region: str
    call_id: int
    challenges: tuple[str, ...]


def project_facts(projects: QuerySet[FundedProject]) -> dict[int, ProjectFacts]:
    """Reference, region, call and challenges of each project: two queries."""
    from asis.calls.models import Application

    through = Application.challenges.through
    challenges: dict[int, list[str]] = defaultdict(list)
    for project_id, code in (through.objects.filter(application__project__in=projects.values("pk"))
                             .values_list("application__project__pk", "challenge__code")):
        challenges[project_id].append(code)
    return {pk: ProjectFacts(pk, ref, region or "", call_id, tuple(sorted(challenges.get(pk, ()))))
            for pk, ref, region, call_id in projects.values_list("pk", "application__reference",
                                                                 "application__region__code", "application__call_id")}


# --- roll-ups -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One rolled-up figure: ``group`` is a category code ("" for the total)."""

    group: str
    value: float | None
    unit: str
    n_projects: int
    n_values: int
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Excluded:
    project_id: int
    code: str
    params: dict[str, Any]


@dataclass(frozen=True)
class IndicatorRollup:
    indicator_id: int
    total: Figure
    breakdowns: dict[str, tuple[Figure, ...]] = field(default_factory=dict)
    excluded: tuple[Excluded, ...] = ()


def _figure(group: str, result: RollupResult) -> Figure:
    return Figure(group, result.value, result.unit, result.n_projects, result.n_values, result.numerator,
                  result.denominator)


def _excluded(result: RollupResult) -> tuple[Excluded, ...]:
    return tuple(Excluded(int(e.project), e.code, dict(e.params)) for e in result.excluded)


def _subset(table: ObservationTable, rows: Any) -> ObservationTable:
    unit = table.unit if isinstance(table.unit, str) else table.unit[rows]
    return ObservationTable(table.project[rows], table.period[rows], table.value[rows], table.numerator[rows],
                            table.denominator[rows], table.weight[rows], unit)


def _fact(facts: dict[int, ProjectFacts], project_id: int, dimension: str) -> str:
    found = facts.get(project_id)
    if found is None:
        return ""
    return found.region if dimension == "region" else str(found.call_id)


def rollup_indicator(indicator: Indicator, figures: Sequence[ProjectFigure], facts: dict[int, ProjectFacts], *,
                     dimensions: Iterable[str] = BREAKDOWN_DIMENSIONS) -> IndicatorRollup:
    """The total and the breakdowns of one indicator over ``figures`` (of that indicator)."""
    spec = spec_of(indicator)
    totals = [f for f in figures if not f.disaggregation]
    table = table_of(indicator, totals)
    result = rollup(spec, table)
    breakdowns: dict[str, tuple[Figure, ...]] = {}
    for dimension in dimensions:
        if dimension in ("region", "call"):
            groups = rollup_by(spec, table, [_fact(facts, f.project_id, dimension) for f in totals])
        elif dimension == "challenge":
            # A project with several challenges counts in each of them (the groups overlap).
            rows = [(i, code) for i, f in enumerate(totals) for code in
                    (facts[f.project_id].challenges if f.project_id in facts else ())]
            if not rows:
                continue
            index = np.array([i for i, _c in rows], dtype=np.intp)
            groups = rollup_by(spec, _subset(table, index), [c for _i, c in rows])
        else:
            parts = [f for f in figures if disaggregations.parse(f.disaggregation)[0] == dimension]
            if not parts:
                continue
            groups = rollup_by(spec, table_of(indicator, parts),
                               [disaggregations.parse(f.disaggregation)[1] for f in parts])
        if groups:
            breakdowns[dimension] = tuple(_figure(g, r) for g, r in groups.items())
    return IndicatorRollup(indicator.pk, _figure("", result), breakdowns, _excluded(result))


@dataclass(frozen=True)
class Dashboard:
    """Roll-ups of every indicator with validated values in a set of projects."""

    rollups: tuple[IndicatorRollup, ...]
    n_projects: int
    facts: dict[int, ProjectFacts]


def _stamp(projects: QuerySet[FundedProject]) -> str:
    """Changes whenever a report of these projects changes status or a definition changes, so a
    cached roll-up is never stale: validation, return and unlocking all touch ``updated_at``."""
    reports = Report.objects.filter(project__in=projects.values("pk")).aggregate(
        n=Count("pk"), at=Max("updated_at"), valid=Count("pk", filter=Q(status=Report.Status.VALIDATED)))
    indicators = Indicator.objects.aggregate(at=Max("updated_at"), n=Count("pk"))
    # Values change only with their report's status (a validated report is locked until unlocked),
    # so monitored indicators added without values need not be part of the stamp.
    return hashlib.sha256(f"{reports}|{indicators}".encode()).hexdigest()


def dashboard_key(projects: QuerySet[FundedProject], *, scope: str,
                  indicator_ids: Sequence[int] | None = None) -> str:
    """The cache key of a roll-up: it changes with every status change of a report of ``projects``
    and every change of an indicator, so what is cached under it is never stale (two queries)."""
    return "impact-dashboard:" + hashlib.sha256(f"{scope}|{indicator_ids}|{_stamp(projects)}".encode()).hexdigest()


def dashboard(projects: QuerySet[FundedProject], *, scope: str, indicator_ids: Sequence[int] | None = None,
              key: str | None = None) -> Dashboard:
    """The roll-up of ``projects`` (``scope`` names them in the cache, e.g. ``"org:3"``)."""
    key = key or dashboard_key(projects, scope=scope, indicator_ids=indicator_ids)
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    figures = project_figures(projects, indicator_ids=indicator_ids)
    by_indicator: dict[int, list[ProjectFigure]] = defaultdict(list)
    for f in figures:
        by_indicator[f.indicator_id].append(f)
    facts = project_facts(projects)
    indicators = Indicator.objects.in_bulk(list(by_indicator))
    rollups = tuple(rollup_indicator(indicators[i], by_indicator[i], facts)
                    for i in sorted(by_indicator, key=lambda i: (indicators[i].source, indicators[i].code)))
    result = Dashboard(rollups, len(facts), facts)
    cache.set(key, result, CACHE_SECONDS)
    return result


@dataclass(frozen=True)
class SeriesRow:
    period_end: date
    figure: Figure


def indicator_series(indicator: Indicator, projects: QuerySet[FundedProject]) -> tuple[SeriesRow, ...]:
    """The roll-up to date at each period end (totals only), oldest first."""
    figures = [f for f in project_figures(projects, indicator_ids=[indicator.pk], per_period=True)
               if not f.disaggregation]
    if not figures:
        return ()
    return tuple(SeriesRow(point.period_end, _figure("", point.result))
                 for point in series(spec_of(indicator), table_of(indicator, figures)))
