"""Dashboards of validated results: per programme (all calls of an organisation), per call, per region
(a map), per indicator across calls; their CSV/XLSX downloads; the region statistics page.

Staff only (programme managers of the funding organisation and platform admins); the public sees
aggregated results through the open data (:mod:`asis.impact.views_opendata`)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from asis.accounts.access import access_managed_organisation, organisations_for
from asis.accounts.models import Organisation, Role
from asis.calls.access import access_managed_call, calls_managed_by
from asis.calls.models import Call, FundedProject
from asis.core.opendata import BOUNDARIES_ATTRIBUTION
from asis.impact import access, dashboard_tables, exports, progress, region_stats, rollups
from asis.impact import dashboard_text as text
from asis.impact.charts import actual_vs_target
from asis.impact.models import Indicator
from asis.impact.models_regions import RegionStatistic
from asis.impact.units import unit_label


def _programme(request: HttpRequest, organisation_id: int) -> tuple[Organisation, QuerySet[FundedProject]]:
    organisation = access_managed_organisation(request.user, organisation_id)
    projects = access.projects_managed_by(request.user).filter(application__call__organisation=organisation)
    return organisation, projects


def _dashboard_context(projects: QuerySet[FundedProject], scope: str) -> dict[str, Any]:
    dash = rollups.dashboard(projects, scope=scope)
    items = dashboard_tables.blocks(dash)
    return {"dash": dash, "blocks": items, "sheets": dashboard_tables.dashboard_sheets(items, dash)}


def _rollups_html(request: HttpRequest, projects: QuerySet[FundedProject], scope: str, export_url_name: str,
                  export_id: int) -> str:
    """The roll-up part of a dashboard page, rendered once per state of the data and language: the
    same for every manager of the scope, and most of the page's cost (twenty indicators' tables)."""
    key = rollups.dashboard_key(projects, scope=scope)
    fragment_key = f"{key}:html:{get_language()}"
    html = cache.get(fragment_key)
    if html is None:
        dash = rollups.dashboard(projects, scope=scope, key=key)
        html = render_to_string("impact/dashboards/_rollups.html", {
            "dash": dash, "blocks": dashboard_tables.blocks(dash), "export_url_name": export_url_name,
            "export_args": [export_id]}, request=request)
        cache.set(fragment_key, str(html), rollups.CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # rendered by our own template (autoescaped), no form or user data


def managed_organisations(user: Any) -> QuerySet[Organisation]:
    return organisations_for(user, [Role.PROGRAMME_MANAGER]).filter(calls__isnull=False).distinct().order_by("name")


@login_required
@require_safe
def programme_dashboard(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, projects = _programme(request, organisation_id)
    calls = Call.objects.filter(organisation=organisation, applications__project__isnull=False).distinct()
    return render(request, "impact/dashboards/programme.html", {
        "rollups_html": _rollups_html(request, projects, f"org:{organisation.pk}", "impact:programme_export",
                                      organisation.pk),
        "organisation": organisation, "calls": calls})


@login_required
@require_safe
def programme_export(request: HttpRequest, organisation_id: int, fmt: str) -> HttpResponse:
    organisation, projects = _programme(request, organisation_id)
    context = _dashboard_context(projects, f"org:{organisation.pk}")
    return exports.download(context["sheets"], f"programme-{organisation.pk}-results", fmt)


def _call(request: HttpRequest, call_id: int) -> tuple[Call, QuerySet[FundedProject]]:
    call = access_managed_call(request.user, call_id)
    return call, access.projects_managed_by(request.user).filter(application__call=call)


@login_required
@require_safe
def call_dashboard(request: HttpRequest, call_id: int) -> HttpResponse:
    call, projects = _call(request, call_id)
    return render(request, "impact/dashboards/call.html", {
        "rollups_html": _rollups_html(request, projects, f"call:{call.pk}", "impact:call_export", call.pk),
        "call": call, "organisation": call.organisation})


@login_required
@require_safe
def call_export(request: HttpRequest, call_id: int, fmt: str) -> HttpResponse:
    call, projects = _call(request, call_id)
    context = _dashboard_context(projects, f"call:{call.pk}")
    return exports.download(context["sheets"], f"call-{call.pk}-results", fmt)


# --- regions ---------------------------------------------------------------------------------------------

def _region_context(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    """The chosen indicator's results per region, cached per state of the results and of the
    population figures (an import changes them), indicator and language."""
    organisation, projects = _programme(request, organisation_id)
    scope = f"org:{organisation.pk}"
    key = rollups.dashboard_key(projects, scope=scope)
    population = RegionStatistic.objects.aggregate(n=Count("pk"), at=Max("imported_at"))
    chosen = request.GET.get("indicator", "")
    stamp = f"{population['n']}|{population['at']}"
    cache_key = f"{key}:regions:{chosen[:12]}:{get_language()}:" + hashlib.sha256(stamp.encode()).hexdigest()[:16]
    context = cache.get(cache_key)
    if context is None:
        dash = rollups.dashboard(projects, scope=scope, key=key)
        items = dashboard_tables.blocks(dash)
        block = next((b for b in items if str(b.indicator.pk) == chosen), None)
        if block is None:
            block = next((b for b in items if dashboard_tables.per_capita_applies(b.indicator)),
                         items[0] if items else None)
        rows = dashboard_tables.region_rows(block)
        context = {"options": [(b.indicator.pk, str(b.indicator)) for b in items], "block": block, "rows": rows,
                   "why_totals": dashboard_tables.why_no_per_capita(block, rows),
                   "per_capita": block is not None and any(r.per_inhabitants is not None for r in rows)}
        cache.set(cache_key, context, rollups.CACHE_SECONDS)
    return {**context, "organisation": organisation}


@login_required
@require_safe
def region_map(request: HttpRequest, organisation_id: int) -> HttpResponse:
    context = _region_context(request, organisation_id)
    return render(request, "impact/dashboards/regions.html", {**context,
                                                              "boundaries_attribution": BOUNDARIES_ATTRIBUTION})


@login_required
@require_safe
def region_map_data(request: HttpRequest, organisation_id: int) -> JsonResponse:
    """The regions as GeoJSON, shaded by the figure the page shows (per 1,000 inhabitants or totals)."""
    from asis.observatory import mapdata
    from asis.observatory.selectors import map_layers, region_shapes

    context = _region_context(request, organisation_id)
    by_code = {r.code: r for r in context["rows"]}
    per_capita = context["per_capita"]

    def shown(row: dashboard_tables.RegionRow | None) -> float | None:
        if row is None or row.figure is None:
            return None
        return row.per_inhabitants if per_capita else row.figure.value

    values = sorted(v for v in (shown(r) for r in context["rows"]) if v is not None and v > 0)
    bounds = [values[min(len(values) - 1, max(0, -(-k * len(values) // 5) - 1))] for k in range(1, 6)] if values else []
    bounds = sorted(set(bounds))
    steps = mapdata.PALETTE_STEPS.get(len(bounds), ())
    features = []
    layers = map_layers()
    unit = context["block"].indicator.unit if context["block"] else ""
    for shape in region_shapes():
        row = by_code.get(shape["code"])
        value = shown(row)
        colour = 0
        if value is not None and value > 0:
            colour = next((steps[i] for i, b in enumerate(bounds) if value <= b), steps[-1] if steps else 0)
        if value is None:
            label = _("%(name)s (%(code)s): no validated result") % {"name": shape["name"], "code": shape["code"]}
        elif per_capita:
            label = _("%(name)s (%(code)s): %(value)s %(unit)s per 1,000 inhabitants") % {
                "name": shape["name"], "code": shape["code"], "value": text.number(value, 2),
                "unit": unit_label(unit)}
        else:
            label = _("%(name)s (%(code)s): %(value)s %(unit)s") % {
                "name": shape["name"], "code": shape["code"], "value": text.number(value, text.decimals_for(value)),
                "unit": unit_label(unit)}
        features.append({"type": "Feature", "id": shape["code"], "geometry": shape["geometry"],
                         "properties": {"code": shape["code"], "name": shape["name"], "colour": colour,
                                        "label": label, "label_point": layers["labels"][shape["code"]]}})
    return JsonResponse({"type": "FeatureCollection", "features": features, "palette": list(mapdata.PALETTE),
                         "borders": layers["borders"]}, content_type="application/geo+json")


@login_required
@require_safe
def region_export(request: HttpRequest, organisation_id: int, fmt: str) -> HttpResponse:
    context = _region_context(request, organisation_id)
    sheet = dashboard_tables.region_sheet(context["block"], context["rows"])
    return exports.download([sheet], f"programme-{organisation_id}-regions", fmt)


# --- one indicator across calls ----------------------------------------------------------------------------

def _indicator(request: HttpRequest, indicator_id: int) -> dict[str, Any]:
    if not access.projects_managed_by(request.user).exists() and not request.user.is_platform_admin:
        raise Http404("No such indicator")
    indicator = get_object_or_404(Indicator, pk=indicator_id, status=Indicator.Status.APPROVED)
    if indicator.call_id is not None and not calls_managed_by(request.user).filter(pk=indicator.call_id).exists():
        raise Http404("No such indicator")
    projects = access.projects_managed_by(request.user).filter(monitored_indicators__indicator=indicator).distinct()
    figures = rollups.project_figures(projects, indicator_ids=[indicator.pk])
    facts = rollups.project_facts(projects)
    result = rollups.rollup_indicator(indicator, figures, facts, dimensions=("call", "region"))
    calls = {str(c.pk): c.display_title for c in Call.objects.filter(pk__in={f.call_id for f in facts.values()})}
    by_call = [(calls.get(f.group, f.group), f, text.figure_value(f)) for f in result.breakdowns.get("call", ())]
    series = rollups.indicator_series(indicator, projects)
    sheets = [exports.Sheet("By call", ("indicator_code", "indicator", "call", "value", "unit_code", "projects"),
                            exports.rows((indicator.code, str(indicator), name, f.value, f.unit, f.n_projects)
                                         for name, f, _s in by_call)),
              exports.Sheet("Over time", ("indicator_code", "period_end", "value", "unit_code", "projects"),
                            exports.rows((indicator.code, s.period_end, s.figure.value, s.figure.unit,
                                          s.figure.n_projects) for s in series))]
    return {"indicator": indicator, "definition": indicator.translated("definition"), "result": result, "total": text.figure_value(result.total), "by_call": by_call,
            "series": [(s, text.figure_value(s.figure)) for s in series], "sheets": sheets,
            "exclusions": [text.exclusion_text(e, facts) for e in result.excluded]}


@login_required
@require_safe
def indicator_results(request: HttpRequest, indicator_id: int) -> HttpResponse:
    return render(request, "impact/dashboards/indicator.html", _indicator(request, indicator_id))


@login_required
@require_safe
def indicator_export(request: HttpRequest, indicator_id: int, fmt: str) -> HttpResponse:
    context = _indicator(request, indicator_id)
    return exports.download(context["sheets"], f"indicator-{context['indicator'].code}-results", fmt)


# --- one project ---------------------------------------------------------------------------------------------

def project_results(project: FundedProject) -> dict[str, Any]:
    """The project page's results: key indicators against targets, and spending."""
    items = progress.project_progress(project)
    charts = []
    for item in items:
        chart = actual_vs_target([(str(r.number), r.actual, r.target) for r in item.rows])
        charts.append((item, chart))
    spend = progress.spending(project, list(project.reports.all()))
    rows = [(i.indicator.code, str(i.indicator), r.number, r.ends_on, r.actual, r.to_date, r.target, i.unit)
            for i in items for r in i.rows]
    summary = [(i.indicator.code, str(i.indicator), i.baseline, i.target, i.to_date, i.share, i.unit) for i in items]
    sheets = [exports.Sheet("Periods", ("indicator_code", "indicator", "period", "period_end", "actual", "to_date",
                                        "target", "unit_code"), exports.rows(rows)),
              exports.Sheet("Progress", ("indicator_code", "indicator", "baseline", "target", "to_date",
                                         "share_of_way", "unit_code"), exports.rows(summary)),
              exports.Sheet("Spending", ("grant_eur", "spent_eur", "validated_reports"),
                            ((spend.grant, spend.spent, spend.n_reports),))]
    return {"progress": charts, "spending": spend, "sheets": sheets}


@login_required
@require_safe
def project_export(request: HttpRequest, project_id: int, fmt: str) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    return exports.download(project_results(project)["sheets"], f"project-{project.application.reference}", fmt)


# --- region statistics (platform admins) -----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def region_statistics(request: HttpRequest) -> HttpResponse:
    if not request.user.is_platform_admin:
        raise PermissionDenied
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            report = region_stats.ImportReport(errors=[_("Choose a CSV file to import.")])
        elif upload.size and upload.size > region_stats.MAX_BYTES:
            report = region_stats.ImportReport(errors=[_("The file is larger than 2 MB.")])
        else:
            report = region_stats.region_stats_import(data=upload.read(), actor=request.user)
    stats = RegionStatistic.objects.select_related("region").order_by("region__code", "key", "-year")[:500]
    return render(request, "impact/dashboards/region_statistics.html", {
        "report": report, "stats": stats, "columns": region_stats.COLUMNS},
        status=400 if report is not None and not report.ok else 200)
