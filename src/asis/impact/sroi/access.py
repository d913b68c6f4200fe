"""Who may see and change SROI analyses. ``access_*`` raise 404 when the person may not.

- Programme managers of the funding call's organisation (and platform admins) create, edit and
  run analyses of their calls and of the projects those calls fund.
- Project holders read the analyses of their own projects (results and PDF), never edit or run
  them: the SROI is the authority's evaluation of the money it spent.
- Everyone else (evaluators included) sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from asis.calls.access import calls_managed_by
from asis.impact.access import projects_held_by, projects_managed_by
from asis.impact.models_sroi import SroiAnalysis

_RELATED = ("project", "project__application", "project__application__call", "call", "organisation")


def analyses_managed_by(user: Any) -> QuerySet[SroiAnalysis]:
    if not user.is_authenticated:
        return SroiAnalysis.objects.none()
    return SroiAnalysis.objects.filter(
        Q(project__in=projects_managed_by(user).values("pk")) | Q(call__in=calls_managed_by(user).values("pk")))


def analyses_visible_to(user: Any) -> QuerySet[SroiAnalysis]:
    if not user.is_authenticated:
        return SroiAnalysis.objects.none()
    return SroiAnalysis.objects.filter(
        Q(pk__in=analyses_managed_by(user).values("pk")) | Q(project__in=projects_held_by(user).values("pk")))


def can_manage_analysis(user: Any, analysis: SroiAnalysis) -> bool:
    return analyses_managed_by(user).filter(pk=analysis.pk).exists()


def access_analysis(user: Any, analysis_id: int) -> SroiAnalysis:
    return _first(analyses_visible_to(user), analysis_id)


def access_managed_analysis(user: Any, analysis_id: int) -> SroiAnalysis:
    return _first(analyses_managed_by(user), analysis_id)


def _first(queryset: QuerySet[SroiAnalysis], analysis_id: int) -> SroiAnalysis:
    analysis = SroiAnalysis.objects.select_related(*_RELATED).filter(
        pk=analysis_id, pk__in=queryset.values("pk")).first()
    if analysis is None:
        raise Http404("No such analysis")
    return analysis
