"""Monitoring pages: the list of one's projects and a project's overview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from asis.impact import access, selectors
from asis.impact.views_dashboards import managed_organisations, project_results


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.project_rows(request.user)
    return render(request, "impact/project_list.html", {"held": list(rows["held"]), "managed": list(rows["managed"]),
                                                        "programmes": list(managed_organisations(request.user))})


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    indicators = project.monitored_indicators.select_related("indicator").prefetch_related("targets")
    periods = project.periods.select_related("report")
    return render(request, "impact/project_detail.html", {
        "project": project, "application": project.application, "indicators": indicators, "periods": periods,
        "is_holder": access.can_hold_project(request.user, project),
        "is_manager": access.can_manage_project(request.user, project),
        "results": project_results(project),
        "sroi_analyses": project.sroi_analyses.order_by("pk"),
    })
