"""Permission-checked reads. ``access_*`` fetches *with* the check; views call only these.

Tenant rule: staff see the data of organisations they are members of; platform admins see all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from asis.accounts.models import (
    MEMBER_ADMIN_ROLES,
    SELF_SERVICE_ROLES,
    STAFF_ROLES,
    Membership,
    Organisation,
    Role,
)


def user_roles(user: Any) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def has_staff_role(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_platform_admin or bool(user_roles(user) & set(STAFF_ROLES))


def organisations_for(user: Any, roles: Iterable[str] | None = None) -> QuerySet[Organisation]:
    """Organisations whose data ``user`` may see in the given roles (all of them for admins)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_platform_admin:
        return Organisation.objects.all()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def access_organisation(user: Any, organisation_id: int, roles: Iterable[str] | None = None) -> Organisation:
    """The organisation, or 404 (not 403: another tenant's objects do not reveal they exist)."""
    organisation = organisations_for(user, roles).select_related("region").filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


def access_managed_organisation(user: Any, organisation_id: int) -> Organisation:
    return access_organisation(user, organisation_id, roles=[Role.PROGRAMME_MANAGER])


def access_administered_organisation(user: Any, organisation_id: int) -> Organisation:
    """An organisation whose members ``user`` manages (administrator, programme manager, platform admin)."""
    return access_organisation(user, organisation_id, roles=MEMBER_ADMIN_ROLES)


def can_administer(user: Any, organisation: Organisation) -> bool:
    return organisations_for(user, MEMBER_ADMIN_ROLES).filter(pk=organisation.pk).exists()


def grantable_roles(user: Any, organisation: Organisation) -> list[str]:
    """Roles ``user`` may give in ``organisation``: every role for programme managers and platform
    admins, only the non-staff ones for an organisation administrator."""
    if user.is_platform_admin or Membership.objects.filter(
            user=user, organisation=organisation, role=Role.PROGRAMME_MANAGER).exists():
        return list(Role.values)
    if can_administer(user, organisation):
        return [str(role) for role in SELF_SERVICE_ROLES]
    return []


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The login name django-axes counts failures for: the email address, lower-cased."""
    value = (credentials or {}).get("username") or getattr(request, "POST", {}).get("username")
    return str(value).strip().lower() if value else None


def audit_scope(user: Any) -> list[int] | None:
    """Whose audit entries ``user`` may read: ``None`` for all (platform admins), else the ids of
    the organisations they manage programmes for (an empty list: none, the page is not theirs)."""
    if user.is_platform_admin:
        return None
    return list(organisations_for(user, [Role.PROGRAMME_MANAGER]).values_list("pk", flat=True))
