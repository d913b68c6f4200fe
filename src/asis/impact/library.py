"""The indicator library: who sees and changes which indicator, search, and the changes themselves.

Who sees what:
- the shared indicators (ESF+, SDG, ASIS) are public, and so are the approved call-specific
  indicators of calls that are no longer drafts;
- a call's programme managers also see their draft calls' indicators;
- a custom indicator (proposed by a project) is seen by the proposing organisation's project
  holders and by the staff of the organisations funding a project that uses it, never by others.

Who changes what: platform administrators edit the shared indicators; programme managers add and
edit the indicators of their organisation's calls; project holders propose custom indicators for
their projects; the funding organisation's staff approve or reject them, with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from asis.accounts.access import organisations_for
from asis.calls.access import calls_managed_by
from asis.calls.models import Call, FundedProject
from asis.core.audit import audit_record
from asis.impact.access import HOLDER_ROLES, projects_held_by, projects_managed_by
from asis.impact.models import Indicator, ProjectIndicator

SHARED_SOURCES = (Indicator.Source.ESF, Indicator.Source.SDG, Indicator.Source.ASIS)
SDG_TARGET = re.compile(r"^(1[0-7]|[1-9])\.([1-9][0-9]?|[a-d])$")

# Short data sources of the seeded library, shown in the reader's language.
DATA_SOURCE_LABELS: dict[str, Any] = {}


def _data_source_labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy

    return {
        "Participant records": gettext_lazy("Participant records"),
        "Project records": gettext_lazy("Project records"),
        "Participant survey": gettext_lazy("Participant survey"),
        "National statistics": gettext_lazy("National statistics"),
        "Eurostat LFS": gettext_lazy("Eurostat labour force survey"),
        "Municipal register": gettext_lazy("Municipal population register"),
        "Payroll records": gettext_lazy("Payroll records"),
        "Business register": gettext_lazy("Business register"),
        "Service logs": gettext_lazy("Service logs"),
    }


def data_source_label(text: str) -> str:
    """A seeded data source in the reader's language; anything typed by a person as written."""
    if not DATA_SOURCE_LABELS:
        DATA_SOURCE_LABELS.update(_data_source_labels())
    return str(DATA_SOURCE_LABELS.get(text, text))


# --- who sees and changes what ------------------------------------------------------------------

def indicators_visible_to(user: Any) -> QuerySet[Indicator]:
    visible = Q(source__in=SHARED_SOURCES, status=Indicator.Status.APPROVED)
    visible |= Q(source=Indicator.Source.CALL, status=Indicator.Status.APPROVED, call__isnull=False) & ~Q(
        call__status=Call.Status.DRAFT)
    if user.is_authenticated:
        if user.is_platform_admin:
            return Indicator.objects.all()
        visible |= Q(source=Indicator.Source.CALL, call__in=calls_managed_by(user))
        visible |= Q(source=Indicator.Source.CUSTOM, proposed_by__in=organisations_for(user, HOLDER_ROLES))
        visible |= Q(source=Indicator.Source.CUSTOM, uses__project__in=projects_managed_by(user))
    return Indicator.objects.filter(pk__in=Indicator.objects.filter(visible).values("pk"))


def access_indicator(user: Any, indicator_id: int) -> Indicator:
    indicator = indicators_visible_to(user).select_related("call", "proposed_by").filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def can_edit_indicator(user: Any, indicator: Indicator) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    if indicator.source == Indicator.Source.CALL:
        return calls_managed_by(user).filter(pk=indicator.call_id).exists()
    if indicator.source == Indicator.Source.CUSTOM:
        return can_review_indicator(user, indicator)
    return False


def can_review_indicator(user: Any, indicator: Indicator) -> bool:
    """Staff of an organisation funding a project that uses the custom indicator."""
    if indicator.source != Indicator.Source.CUSTOM or not user.is_authenticated:
        return False
    return indicator.uses.filter(project__in=projects_managed_by(user)).exists()


def access_editable_indicator(user: Any, indicator_id: int) -> Indicator:
    indicator = access_indicator(user, indicator_id)
    if not can_edit_indicator(user, indicator):
        raise Http404("No such indicator")
    return indicator


def access_reviewable_indicator(user: Any, indicator_id: int) -> Indicator:
    indicator = access_indicator(user, indicator_id)
    if not can_review_indicator(user, indicator):
        raise Http404("No such indicator")
    return indicator


def indicators_to_review(user: Any) -> QuerySet[Indicator]:
    return Indicator.objects.filter(source=Indicator.Source.CUSTOM, status=Indicator.Status.PROPOSED,
                                    uses__project__in=projects_managed_by(user)).distinct()


# --- search ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LibraryQuery:
    q: str = ""
    source: str = ""
    challenge: str = ""
    sdg: str = ""
    unit: str = ""


def _text_of(indicator: Indicator) -> str:
    parts = [indicator.code, indicator.name, indicator.definition, indicator.reference]
    for fields in (indicator.translations or {}).values():
        parts.extend(str((entry or {}).get("text", "")) for entry in (fields or {}).values())
    return " ".join(parts).casefold()


def library_search(user: Any, query: LibraryQuery) -> list[Indicator]:
    """Visible indicators matching every filter. The text matches the code, the reference and the
    name and definition in any language (a reader finds an indicator by the words they know)."""
    indicators = indicators_visible_to(user).prefetch_related("challenges").select_related("call")
    if query.source:
        indicators = indicators.filter(source=query.source)
    if query.unit:
        indicators = indicators.filter(unit=query.unit)
    if query.challenge:
        indicators = indicators.filter(challenges__code=query.challenge)
    rows = list(indicators.order_by("source", "code"))
    if query.sdg:
        prefix = f"{query.sdg}."
        rows = [i for i in rows if any(str(t).startswith(prefix) for t in i.sdg_targets or [])]
    words = query.q.casefold().split()
    if words:
        rows = [i for i in rows if all(word in _text_of(i) for word in words)]
    return rows


def indicator_usage(indicator: Indicator) -> dict[str, int]:
    """How widely an indicator is used: counts only, so no tenant learns another's projects."""
    uses = ProjectIndicator.objects.filter(indicator=indicator)
    return {"projects": uses.values("project").distinct().count(),
            "calls": uses.values("project__application__call").distinct().count()}


# --- changes --------------------------------------------------------------------------------------

def _snapshot(indicator: Indicator) -> dict[str, Any]:
    return {"code": indicator.code, "name": indicator.name, "unit": indicator.unit, "kind": indicator.kind,
            "is_ratio": indicator.is_ratio, "direction": indicator.direction, "aggregation": indicator.aggregation,
            "values_mode": indicator.values_mode, "disaggregations": list(indicator.disaggregations or []),
            "plausible_min": indicator.plausible_min, "plausible_max": indicator.plausible_max,
            "status": indicator.status}


def _organisation_of(indicator: Indicator) -> int | None:
    if indicator.call_id is not None:
        return indicator.call.organisation_id
    return indicator.proposed_by_id


@transaction.atomic
def indicator_save(*, actor: Any, indicator: Indicator, challenges: list[Any] | None = None,
                   action: str = "asis.impact.indicator.saved") -> Indicator:
    """Validate and save an indicator of the library (new or changed), with an audit entry."""
    before = _snapshot(Indicator.objects.get(pk=indicator.pk)) if indicator.pk else None
    indicator.full_clean()
    indicator_validate(indicator)
    indicator.save()
    if challenges is not None:
        indicator.challenges.set(challenges)
    audit_record(action=action, actor=actor, obj=indicator, before=before, after=_snapshot(indicator),
                 organisation_id=_organisation_of(indicator))
    return indicator


def indicator_validate(indicator: Indicator) -> None:
    """Rules a model field cannot say alone; raises ValidationError keyed by field."""
    errors: dict[str, Any] = {}
    if indicator.unit == "percent" and not indicator.is_ratio:
        errors["is_ratio"] = _("A percentage is stored as a numerator and a denominator: tick "
                               "“a percentage or rate”.")
    if (indicator.plausible_min is not None and indicator.plausible_max is not None
            and indicator.plausible_min > indicator.plausible_max):
        errors["plausible_max"] = _("The highest plausible value must not be below the lowest.")
    bad = [t for t in indicator.sdg_targets or [] if not SDG_TARGET.match(str(t))]
    if bad:
        errors["sdg_targets"] = _("Not an SDG target: %(targets)s. Write targets as goal.target, e.g. 8.5.") % {
            "targets": ", ".join(map(str, bad))}
    from asis.impact.disaggregations import DIMENSION_LABELS

    unknown = [d for d in indicator.disaggregations or [] if d not in DIMENSION_LABELS]
    if unknown:
        errors["disaggregations"] = _("Unknown breakdown.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def call_indicator_create(*, actor: Any, call: Call, indicator: Indicator,
                          challenges: list[Any] | None = None) -> Indicator:
    """A call-specific indicator: required of the call's projects, including those already funded."""
    indicator.source = Indicator.Source.CALL
    indicator.call = call
    indicator.status = Indicator.Status.APPROVED
    indicator.created_by = actor if getattr(actor, "pk", None) else None
    indicator_save(actor=actor, indicator=indicator, challenges=challenges, action="asis.impact.indicator.created")
    for project in FundedProject.objects.filter(application__call=call):
        ProjectIndicator.objects.get_or_create(project=project, indicator=indicator,
                                               defaults={"is_key": True, "position": 90})
    return indicator


@transaction.atomic
def indicator_propose(*, actor: Any, project: FundedProject, indicator: Indicator) -> Indicator:
    """A project holder's custom indicator, monitored by the project while staff decide on it."""
    if not projects_held_by(actor).filter(pk=project.pk).exists():
        raise Http404("No such project")
    indicator.source = Indicator.Source.CUSTOM
    indicator.status = Indicator.Status.PROPOSED
    indicator.proposed_by = project.application.organisation
    indicator.created_by = actor
    if not indicator.code:
        indicator.code = custom_code(project)
    indicator_save(actor=actor, indicator=indicator, action="asis.impact.indicator.proposed")
    position = project.monitored_indicators.count() + 1
    ProjectIndicator.objects.create(project=project, indicator=indicator, is_key=False, position=position)
    return indicator


def custom_code(project: FundedProject) -> str:
    base = f"custom-{project.pk}-"
    n = Indicator.objects.filter(code__startswith=base).count() + 1
    while Indicator.objects.filter(code=f"{base}{n}").exists():
        n += 1
    return f"{base}{n}"


@transaction.atomic
def indicator_decide(*, actor: Any, indicator: Indicator, approve: bool, reason: str) -> Indicator:
    """Approve or reject a proposed indicator (a rejection needs a reason); the holders are told."""
    if not can_review_indicator(actor, indicator):
        raise Http404("No such indicator")
    if indicator.status != Indicator.Status.PROPOSED:
        raise ValidationError(_("This indicator has already been decided."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection: the project holder reads it.")})
    indicator.status = Indicator.Status.APPROVED if approve else Indicator.Status.REJECTED
    indicator.save(update_fields=["status", "updated_at"])
    audit_record(action="asis.impact.indicator.approved" if approve else "asis.impact.indicator.rejected",
                 actor=actor, obj=indicator, before={"status": Indicator.Status.PROPOSED},
                 after={"status": indicator.status, "reason": reason}, organisation_id=indicator.proposed_by_id)
    for use in indicator.uses.select_related("project__application__call", "project__application__applicant"):
        transaction.on_commit(lambda use=use: _tell_holder(use, indicator, approve, reason))
    return indicator


def _tell_holder(use: ProjectIndicator, indicator: Indicator, approve: bool, reason: str) -> None:
    from asis.calls.notifications import notify

    application = use.project.application
    notify(kind="indicator_decided", user=application.applicant, call=application.call, application=application,
           context={"indicator": indicator, "approved": approve, "reason": reason,
                    "setup_url": reverse("impact:project_setup", args=[use.project_id])})
