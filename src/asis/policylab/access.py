"""Who may do what in the policy lab. ``access_*`` raise 404 when the person may not see the
object (another organisation's private scenarios do not reveal they exist).

- Policy officers (membership role ``policy_officer``) and programme managers of an organisation,
  and platform admins, build scenarios and run simulations. A scenario is private to its owner,
  shared with the owner's organisation, or public; anyone with its share link may read it.
  Editing a scenario is for its owner and the policy officers of its organisation.
- The white book is edited, moderated and adopted by the platform's editors (``User.is_editor``)
  and admins. Anyone reads adopted editions and editions in consultation; logged-in users with a
  verified e-mail comment during consultation. Drafts are seen by editors and policy officers.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from asis.accounts.access import organisations_for
from asis.accounts.models import Organisation, Role
from asis.policylab.models import Comparison, Scenario, Visibility
from asis.policylab.models_whitebook import Edition

OFFICER_ROLES = (Role.POLICY_OFFICER, Role.PROGRAMME_MANAGER)


def officer_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations on whose behalf the person builds scenarios."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return organisations_for(user, list(OFFICER_ROLES))


def is_policy_officer(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_platform_admin or officer_organisations(user).exists())


def _visible(model: Any, user: Any) -> QuerySet[Any]:
    public = Q(visibility=Visibility.PUBLIC)
    if not getattr(user, "is_authenticated", False):
        return model.objects.filter(public)
    if user.is_platform_admin:
        return model.objects.all()
    return model.objects.filter(
        public | Q(owner=user)
        | Q(visibility=Visibility.ORGANISATION, organisation__in=officer_organisations(user))
    )


def scenarios_visible_to(user: Any) -> QuerySet[Scenario]:
    return _visible(Scenario, user)


def comparisons_visible_to(user: Any) -> QuerySet[Comparison]:
    return _visible(Comparison, user)


def _can_edit(user: Any, obj: Scenario | Comparison) -> bool:
    """Owner, the policy officers of the object's organisation, or a platform admin."""
    if not is_policy_officer(user):
        return False
    if user.is_platform_admin or obj.owner_id == user.pk:
        return True
    return bool(obj.organisation_id and officer_organisations(user).filter(pk=obj.organisation_id).exists())


def can_edit_scenario(user: Any, scenario: Scenario) -> bool:
    return _can_edit(user, scenario)


def can_edit_comparison(user: Any, comparison: Comparison) -> bool:
    return _can_edit(user, comparison)


def _access(visible: QuerySet[Any], object_id: Any, token: str, *related: str) -> Any:
    """The object if it is in ``visible`` or if ``token`` is its share link key; 404 otherwise."""
    try:
        obj = visible.model.objects.select_related(*related).get(pk=object_id)
    except (visible.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    # Bytes, not str: compare_digest refuses str with non-ASCII characters, and a key in a URL is
    # whatever the visitor typed.
    if token and secrets.compare_digest(str(token).encode(), obj.share_token.encode()):
        return obj
    if not visible.filter(pk=obj.pk).exists():
        raise Http404
    return obj


def access_scenario(user: Any, scenario_id: Any, *, token: str = "") -> Scenario:
    """The scenario if the person may read it, or if ``token`` is its share link key."""
    return _access(scenarios_visible_to(user), scenario_id, token, "owner", "organisation", "source_call")


def access_comparison(user: Any, comparison_id: Any, *, token: str = "") -> Comparison:
    """The comparison if the person may read it, or if ``token`` is its share link key."""
    return _access(comparisons_visible_to(user), comparison_id, token, "owner", "organisation")


def can_calibrate(user: Any) -> bool:
    """Policy officers and platform admins see and recompute the calibration."""
    return is_policy_officer(user)


def can_enact_calibration(user: Any) -> bool:
    """Only platform admins put a calibration in force: it changes every organisation's defaults."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_platform_admin)


def is_whitebook_editor(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can_moderate)


def editions_visible_to(user: Any) -> QuerySet[Edition]:
    if is_whitebook_editor(user) or is_policy_officer(user):
        return Edition.objects.all()
    return Edition.objects.exclude(status=Edition.Status.DRAFT)


def access_edition(user: Any, number: int) -> Edition:
    edition = editions_visible_to(user).filter(number=number).first()
    if edition is None:
        raise Http404
    return edition


def can_comment(user: Any, edition: Edition) -> bool:
    """Logged-in people with a verified e-mail, while the edition is in consultation."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.email_verified
                and edition.status == Edition.Status.CONSULTATION)


def can_run_scenario(user: Any, scenario: Scenario) -> bool:
    """Policy officers (and admins) run the scenarios they can read (not through a share link)."""
    return is_policy_officer(user) and scenarios_visible_to(user).filter(pk=scenario.pk).exists()


def can_manage_run(user: Any, run: Any) -> bool:
    """Cancel or resume a run: who started it, or whoever may edit its scenario."""
    if not is_policy_officer(user):
        return False
    return bool(run.created_by_id == user.pk or can_edit_scenario(user, run.scenario))


def can_manage_evidence(user: Any, edition: Edition) -> bool:
    """Editors of the white book and policy officers add, remove and reorder the evidence of
    recommendations while the edition is a draft or in consultation."""
    return bool((is_whitebook_editor(user) or is_policy_officer(user))
                and edition.status in (Edition.Status.DRAFT, Edition.Status.CONSULTATION))
