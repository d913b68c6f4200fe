"""Permission-checked reads of funded projects for monitoring. ``access_*`` raise 404 when the
person may not see the project (another tenant's projects do not reveal they exist).

Who sees what:
- project holders: the projects of applications they lead or co-apply for, and those of their
  organisation when they are its project holders or administrators;
- staff: programme managers of the funding call's organisation (and platform admins) see and
  validate every project of their organisation's calls;
- evaluators and everyone else: nothing of monitoring (validated, aggregated results are public
  through the dashboards and open data, never the reports themselves).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from asis.accounts.access import organisations_for
from asis.accounts.models import Role
from asis.calls.models import FundedProject

HOLDER_ROLES = (Role.PROJECT_HOLDER, Role.ORGANISATION_ADMIN)

_RELATED = ("application", "application__call", "application__call__organisation", "application__organisation",
            "application__region")


def projects_held_by(user: Any) -> QuerySet[FundedProject]:
    """Projects the person reports on."""
    if not user.is_authenticated:
        return FundedProject.objects.none()
    return FundedProject.objects.filter(
        Q(application__applicant=user) | Q(application__co_applicants__user=user)
        | Q(application__organisation__in=organisations_for(user, HOLDER_ROLES))
    ).distinct()


def projects_managed_by(user: Any) -> QuerySet[FundedProject]:
    """Projects the person monitors as staff of the funding organisation."""
    if not user.is_authenticated:
        return FundedProject.objects.none()
    if user.is_platform_admin:
        return FundedProject.objects.all()
    return FundedProject.objects.filter(
        application__call__organisation__in=organisations_for(user, [Role.PROGRAMME_MANAGER]))


def can_manage_project(user: Any, project: FundedProject) -> bool:
    return projects_managed_by(user).filter(pk=project.pk).exists()


def can_hold_project(user: Any, project: FundedProject) -> bool:
    return projects_held_by(user).filter(pk=project.pk).exists()


def projects_visible_to(user: Any) -> QuerySet[FundedProject]:
    """Held or managed: what a monitoring page may show."""
    return FundedProject.objects.filter(Q(pk__in=projects_held_by(user).values("pk"))
                                        | Q(pk__in=projects_managed_by(user).values("pk")))


def access_held_project(user: Any, project_id: int) -> FundedProject:
    return _first(projects_held_by(user), project_id)


def access_managed_project(user: Any, project_id: int) -> FundedProject:
    return _first(projects_managed_by(user), project_id)


def access_project(user: Any, project_id: int) -> FundedProject:
    return _first(projects_visible_to(user), project_id)


def _first(queryset: QuerySet[FundedProject], project_id: int) -> FundedProject:
    project = FundedProject.objects.select_related(*_RELATED).filter(
        pk=project_id, pk__in=queryset.values("pk")).first()
    if project is None:
        raise Http404("No such project")
    return project
