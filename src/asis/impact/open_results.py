"""Validated results as open data: aggregated figures (per call and per region) and each funded
project's results in the IATI activity standard (docs/decisions/0007-open-results-standard.md).

Disclosure rule: an aggregated figure is published only when at least :data:`MIN_PROJECTS`
projects stand behind it, so that a group figure (one region, one call) cannot be read as one
project's result, and breakdowns by sex, age band or target group - which describe people - are
never published per project nor for fewer projects. A project's own totals per period are public
(like its grant in the list of funded projects): they describe an organisation's publicly funded
work, not a person. See docs/guides/open-data-api.md."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import override

from asis.calls.models import Call, FundedProject
from asis.core.opendata import ATTRIBUTION, LICENCE, LICENCE_URL
from asis.impact.models import Indicator
from asis.impact.progress import stated
from asis.impact.rollups import (
    CACHE_SECONDS,
    ProjectFigure,
    _stamp,
    project_facts,
    project_figures,
    rollup_indicator,
)

MIN_PROJECTS = 3
RECORD_FIELDS = ("scope", "call_id", "call", "region", "indicator_code", "indicator", "value", "unit", "projects",
                 "aggregation_rule", "values_mode", "licence")
IATI_VERSION = "2.03"
RESULT_TYPE = {"output": "1", "result": "2", "impact": "3"}


def public_projects() -> Any:
    return FundedProject.objects.filter(application__call__organisation__isnull=False)


def results_records(language: str = "en") -> list[dict[str, Any]]:
    """Per call and per region, each approved indicator's roll-up, when MIN_PROJECTS projects stand behind it."""
    projects = public_projects()
    key = f"impact-open-results:{language}:{_stamp(projects)}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    figures = [f for f in project_figures(projects) if not f.disaggregation]
    by_indicator: dict[int, list[ProjectFigure]] = defaultdict(list)
    for f in figures:
        by_indicator[f.indicator_id].append(f)
    facts = project_facts(projects)
    indicators = Indicator.objects.filter(status=Indicator.Status.APPROVED).in_bulk(list(by_indicator))
    records: list[dict[str, Any]] = []
    with override(language):
        calls = {str(c.pk): c.display_title for c in Call.objects.filter(pk__in={f.call_id for f in facts.values()})}
        for indicator_id in sorted(indicators, key=lambda i: indicators[i].code):
            indicator = indicators[indicator_id]
            result = rollup_indicator(indicator, by_indicator[indicator_id], facts, dimensions=("call", "region"))
            common = {"indicator_code": indicator.code, "indicator": str(indicator),
                      "aggregation_rule": indicator.aggregation, "values_mode": indicator.values_mode,
                      "licence": LICENCE}
            for dimension, figures_ in (("all", (result.total,)), *result.breakdowns.items()):
                for figure in figures_:
                    if figure.value is None or figure.n_projects < MIN_PROJECTS:
                        continue
                    records.append({**common, "scope": dimension,
                                    "call_id": int(figure.group) if dimension == "call" else None,
                                    "call": calls.get(figure.group, "") if dimension == "call" else "",
                                    "region": figure.group if dimension == "region" else "",
                                    "value": round(figure.value, 6), "unit": figure.unit,
                                    "projects": figure.n_projects})
    order = {"all": 0, "call": 1, "region": 2}
    records.sort(key=lambda r: (order[r["scope"]], r["indicator_code"], r["call_id"] or 0, r["region"]))
    cache.set(key, records, CACHE_SECONDS)
    return records


def envelope(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"licence": LICENCE, "licence_url": LICENCE_URL, "attribution": ATTRIBUTION,
            "minimum_projects": MIN_PROJECTS, "items": records}


# --- IATI activity XML ---------------------------------------------------------------------------------

def _narrative(parent: ET.Element, tag: str, text: str, language: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    narrative = ET.SubElement(element, "narrative")
    if language:
        narrative.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    narrative.text = text
    return element


def _value(number: float | None) -> str:
    if number is None:
        return ""
    return f"{number:.6f}".rstrip("0").rstrip(".")


def iati_activities(now: datetime | None = None) -> bytes:
    """Every funded project with validated values as an ``iati-activity`` with its ``result``s:
    indicator, baseline, and per period the target and the actual (totals only)."""
    now = now or datetime.now(UTC)
    projects = (public_projects().select_related("application", "application__organisation", "application__call",
                                                 "application__call__organisation", "application__region")
                .order_by("pk"))
    figures = project_figures(projects, per_period=True)
    by_pi: dict[tuple[int, int], dict[date, list[ProjectFigure]]] = defaultdict(lambda: defaultdict(list))
    for f in figures:
        if not f.disaggregation:
            by_pi[(f.project_id, f.indicator_id)][f.period_end].append(f)
    with_results = {project_id for project_id, _i in by_pi}
    root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": now.isoformat(
        timespec="seconds")})
    for project in projects.filter(pk__in=with_results).prefetch_related(
            "monitored_indicators__indicator", "monitored_indicators__targets", "periods"):
        _activity(root, project, by_pi, now)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _activity(root: ET.Element, project: FundedProject, by_pi: Any, now: datetime) -> None:
    from asis.engines.impact.rollup import rollup
    from asis.impact.rollups import spec_of, table_of

    app = project.application
    funder = app.call.organisation
    language = app.original_language or "en"
    activity = ET.SubElement(root, "iati-activity", {
        "last-updated-datetime": now.isoformat(timespec="seconds"),
        "{http://www.w3.org/XML/1998/namespace}lang": language, "default-currency": "EUR"})
    ET.SubElement(activity, "iati-identifier").text = f"{settings.ASIS_IATI_PUBLISHER_ID}-{funder.pk}-{app.reference}"
    reporting = _narrative(activity, "reporting-org", funder.name)
    reporting.set("ref", f"{settings.ASIS_IATI_PUBLISHER_ID}-{funder.pk}")
    reporting.set("type", "10")  # government
    # The title is public already (list of funded projects); the application's summary is not.
    _narrative(activity, "title", app.title)
    _narrative(activity, "participating-org", funder.name).set("role", "1")  # funding
    _narrative(activity, "participating-org", app.organisation.name).set("role", "4")  # implementing
    status = {"active": "2", "completed": "3", "terminated": "5"}.get(project.status, "2")
    ET.SubElement(activity, "activity-status", {"code": status})
    periods = sorted(project.periods.all(), key=lambda p: p.number)
    if periods:
        ET.SubElement(activity, "activity-date", {"iso-date": periods[0].starts_on.isoformat(), "type": "2"})
    if app.region_id:
        ET.SubElement(activity, "recipient-country", {"code": app.region.country, "percentage": "100"})
    by_end = {p.ends_on: p for p in periods}
    for monitored in sorted(project.monitored_indicators.all(), key=lambda m: (m.position, m.pk)):
        points = by_pi.get((project.pk, monitored.indicator_id))
        if not points:
            continue
        indicator = monitored.indicator
        spec = spec_of(indicator)
        result = ET.SubElement(activity, "result", {"type": RESULT_TYPE.get(indicator.kind, "9"),
                                                    "aggregation-status": "1"})
        _narrative(result, "title", str(indicator), None)
        element = ET.SubElement(result, "indicator", {
            "measure": "2" if indicator.unit == "percent" else "1",
            "ascending": "1" if indicator.direction == Indicator.Direction.HIGHER else "0",
            "aggregation-status": "1"})
        _narrative(element, "title", str(indicator))
        if indicator.definition:
            _narrative(element, "description", indicator.definition)
        ET.SubElement(element, "reference", {"vocabulary": "99", "code": indicator.code})
        baseline = stated(indicator, monitored.baseline_value, monitored.baseline_denominator)
        if baseline is not None:
            year = (monitored.baseline_date or (periods[0].starts_on if periods else date.today())).year
            attrs = {"year": str(year), "value": _value(baseline)}
            if monitored.baseline_date:
                attrs["iso-date"] = monitored.baseline_date.isoformat()
            ET.SubElement(element, "baseline", attrs)
        targets = {t.period_id: stated(indicator, t.value, t.denominator) for t in monitored.targets.all()
                   if not t.disaggregation}
        for end in sorted(points):
            period = by_end.get(end)
            actual = rollup(spec, table_of(indicator, points[end]))
            if actual.value is None:
                continue
            node = ET.SubElement(element, "period")
            ET.SubElement(node, "period-start", {"iso-date": (period.starts_on if period else end).isoformat()})
            ET.SubElement(node, "period-end", {"iso-date": end.isoformat()})
            target = targets.get(period.pk) if period else None
            if target is not None:
                ET.SubElement(node, "target", {"value": _value(target)})
            ET.SubElement(node, "actual", {"value": _value(actual.value)})
