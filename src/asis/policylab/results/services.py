"""Writes of the results part: comparisons of scenarios (create, rename/share), each in one
transaction with one audit entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asis.core.audit import audit_record
from asis.policylab import access
from asis.policylab.models import Comparison, Scenario, SimulationRun, Visibility


class ComparisonRefused(Exception):
    """Bad choice of scenarios or settings; ``str()`` is the message in the reader's language."""


def _snapshot(comparison: Comparison) -> dict[str, Any]:
    return {"name": comparison.name, "visibility": comparison.visibility,
            "runs": sorted(str(pk) for pk in comparison.runs.values_list("pk", flat=True)),
            "baseline": str(comparison.baseline_id) if comparison.baseline_id else None}


def _check(name: str, visibility: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ComparisonRefused(_("Give the comparison a name."))
    if len(name) > 200:
        raise ComparisonRefused(_("The name can have at most 200 characters."))
    if visibility not in Visibility.values:
        raise ComparisonRefused(_("Choose who can see the comparison."))
    return name


def comparison_create(*, user: Any, name: str, visibility: str, scenarios: Sequence[Scenario]) -> Comparison:
    """A comparison of the latest finished runs of 2 to 4 scenarios the person can see; the first
    scenario is the reference."""
    if not access.is_policy_officer(user):
        raise ComparisonRefused(_("Only policy officers compare scenarios."))
    name = _check(name, visibility)
    unique = list(dict.fromkeys(scenarios))
    if not 2 <= len(unique) <= 4:
        raise ComparisonRefused(_("Choose two to four different scenarios."))
    visible = set(access.scenarios_visible_to(user).filter(pk__in=[s.pk for s in unique]).values_list("pk", flat=True))
    runs: list[SimulationRun] = []
    for scenario in unique:
        run = scenario.latest_run() if scenario.pk in visible else None
        if run is None or not run.summary:
            raise ComparisonRefused(_("The scenario “%(name)s” has no finished run to compare.") % {"name": scenario.name})
        runs.append(run)
    organisation = access.officer_organisations(user).order_by("pk").first()
    with transaction.atomic():
        comparison = Comparison.objects.create(name=name, visibility=visibility, owner=user,
                                               organisation=organisation, baseline=runs[0])
        comparison.runs.set(runs)
        audit_record(action="asis.policylab.comparison_created", actor=user, obj=comparison,
                     after=_snapshot(comparison), organisation_id=organisation.pk if organisation else None)
    return comparison


def comparison_update(*, comparison: Comparison, user: Any, name: str, visibility: str) -> Comparison:
    """Rename the comparison or change who sees it (owner, its organisation's officers, admins)."""
    if not access.can_edit_comparison(user, comparison):
        raise ComparisonRefused(_("You cannot change this comparison."))
    name = _check(name, visibility)
    with transaction.atomic():
        before = _snapshot(comparison)
        comparison.name, comparison.visibility = name, visibility
        comparison.save(update_fields=["name", "visibility"])
        audit_record(action="asis.policylab.comparison_updated", actor=user, obj=comparison, before=before,
                     after=_snapshot(comparison), organisation_id=comparison.organisation_id)
    return comparison
