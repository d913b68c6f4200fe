"""A funded project's monitoring set-up: reporting periods, theory of change version 1, a short set of
key indicators; then the holder's baselines and targets and the indicators they add or remove.

The reporting schedule (documented in docs/methods/indicators.md):
- the project starts on the call's decision date (``Call.decision_on``), or on the day it is funded
  when the call has none;
- it lasts ``ASIS_IMPACT_DEFAULT_PROJECT_MONTHS`` months (24 by default): calls have no project
  duration field yet;
- periods are yearly from the start, the last one shorter when the duration is not whole years;
- each report is due 30 days after its period ends.

Key indicators: "keep measurement simple: two or three key elements that are easy to operate"
(the ASIS definition of social innovation). A project starts with at most ``KEY_INDICATORS`` key
indicators: those of its logic model first (matched to the library by name and unit, otherwise
proposed as custom indicators), then the library's indicators for its challenges. The call's own
indicators are added on top, as required key indicators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.calls.models import FundedProject
from asis.core.audit import audit_record
from asis.impact import disaggregations
from asis.impact.library import custom_code
from asis.impact.models import (
    Indicator,
    ProjectIndicator,
    Report,
    ReportingPeriod,
    Target,
    TheoryOfChange,
)

KEY_INDICATORS = 3
DUE_AFTER_DAYS = 30
# Sources preferred when a challenge proposes indicators: project-level measures before context ones.
SOURCE_ORDER = {"asis": 0, "esf": 1, "sdg": 2}

# Units people write in the application's logic model, in the five languages, to library units.
UNIT_WORDS = {
    "persons": {"persons", "person", "people", "participants", "personen", "teilnehmende", "personnes",
                "persone", "partecipanti", "osebe", "oseb", "udeleženci", "menschen"},
    "percent": {"%", "percent", "per cent", "prozent", "pourcentage", "percentuale", "odstotek", "odstotki"},
    "eur": {"eur", "euro", "euros", "€"},
    "hours": {"hours", "hour", "h", "stunden", "heures", "ore", "ure"},
    "households": {"households", "haushalte", "ménages", "famiglie", "gospodinjstva"},
    "organisations": {"organisations", "organizations", "organisationen", "organismes", "organizzazioni",
                      "organizacije", "enterprises", "unternehmen"},
    "jobs": {"jobs", "arbeitsplätze", "emplois", "posti di lavoro", "delovna mesta"},
    "fte": {"fte", "vzä", "etp", "ula", "epdč"},
    "t_co2e": {"t co2e", "tco2e", "tonnes co2e", "t co2"},
}


def project_months() -> int:
    return int(getattr(settings, "ASIS_IMPACT_DEFAULT_PROJECT_MONTHS", 24))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30,
            31, 30, 31][month - 1]
    return date(year, month, min(day.day, last))


def reporting_schedule(start: date, months: int) -> list[tuple[int, date, date, date]]:
    """(number, starts, ends, due) of yearly periods covering ``months`` months from ``start``."""
    if months < 1:
        raise ValueError("a project lasts at least one month")
    end = _add_months(start, months)
    periods = []
    begin, number = start, 1
    while begin < end:
        following = min(_add_months(start, 12 * number), end)
        ends = following - timedelta(days=1)
        periods.append((number, begin, ends, ends + timedelta(days=DUE_AFTER_DAYS)))
        begin, number = following, number + 1
    return periods


def project_start(project: FundedProject) -> date:
    decided = project.application.call.decision_on
    if decided is not None:
        return decided
    return timezone.localdate(project.created_at) if project.created_at else timezone.localdate()


# --- matching the logic model to the library -----------------------------------------------------

def unit_code(text: str) -> str:
    """The library unit a person's free-text unit means; ``count`` when it is not recognised."""
    word = " ".join(str(text or "").casefold().split())
    for code, words in UNIT_WORDS.items():
        if word in words or word == code:
            return code
    return "count"


_WORD = re.compile(r"\w{3,}")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _names(indicator: Indicator) -> list[str]:
    names = [indicator.name]
    names += [str((fields or {}).get("name", {}).get("text", "")) for fields in (indicator.translations or {}).values()]
    return [n for n in names if n]


def match_indicator(name: str, unit: str, candidates: list[Indicator]) -> Indicator | None:
    """The library indicator a logic-model indicator names: the same name in any language, or the
    most overlapping words (at least half of the shorter name's) in a compatible unit."""
    wanted, code = _words(name), unit_code(unit)
    folded = " ".join(name.casefold().split())
    best: tuple[float, Indicator] | None = None
    for indicator in candidates:
        names = _names(indicator)
        if any(" ".join(n.casefold().split()) == folded for n in names):
            return indicator
        if code != "count" and indicator.unit != code and not (code == "persons" and indicator.is_ratio):
            continue
        for n in names:
            theirs = _words(n)
            if not wanted or not theirs:
                continue
            overlap = len(wanted & theirs) / min(len(wanted), len(theirs))
            if overlap >= 0.5 and (best is None or overlap > best[0]):
                best = (overlap, indicator)
    return best[1] if best else None


def _decimal(value: Any) -> Decimal | None:
    text = str(value or "").strip().replace(" ", "").replace("%", "").replace(",", ".")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Proposal:
    indicator: Indicator
    is_key: bool
    baseline: Decimal | None = None
    target: Decimal | None = None


def propose_indicators(project: FundedProject) -> list[Proposal]:
    """The indicators a new project starts with (nothing saved; custom ones are unsaved instances)."""
    application = project.application
    call = application.call
    library = list(Indicator.objects.filter(status=Indicator.Status.APPROVED,
                                            source__in=("esf", "sdg", "asis")).prefetch_related("challenges"))
    required = list(Indicator.objects.filter(source=Indicator.Source.CALL, call=call,
                                             status=Indicator.Status.APPROVED))
    proposals = [Proposal(i, True) for i in required]
    chosen = {i.pk for i in required}
    key_left = KEY_INDICATORS
    for row in (application.logic_model or {}).get("indicators") or []:
        if not isinstance(row, dict) or not str(row.get("name", "")).strip():
            continue
        name = str(row["name"]).strip()[:300]
        match = match_indicator(name, str(row.get("unit", "")), required + library)
        if match is not None and match.pk in chosen:
            continue
        if match is None:
            code = unit_code(str(row.get("unit", "")))
            match = Indicator(name=name, unit=code, is_ratio=code == "percent",
                              aggregation="weighted_mean" if code == "percent" else "sum",
                              source=Indicator.Source.CUSTOM, status=Indicator.Status.PROPOSED,
                              original_language=application.original_language or "en",
                              proposed_by=application.organisation, kind=Indicator.Kind.RESULT)
        else:
            chosen.add(match.pk)
        proposals.append(Proposal(match, key_left > 0, _decimal(row.get("baseline")), _decimal(row.get("target"))))
        key_left -= 1
    challenge_codes = set(application.challenges.values_list("code", flat=True))
    by_challenge = sorted((i for i in library if {c.code for c in i.challenges.all()} & challenge_codes),
                          key=lambda i: (SOURCE_ORDER.get(i.source, 9), i.kind != "result", i.code))
    for indicator in by_challenge:
        if key_left <= 0:
            break
        if indicator.pk not in chosen:
            proposals.append(Proposal(indicator, True))
            chosen.add(indicator.pk)
            key_left -= 1
    return proposals


def _inputs_text(project: FundedProject) -> str:
    from asis.core.formatting import money

    lines = []
    for line in project.application.budget_lines or []:
        if not isinstance(line, dict):
            continue
        label = " – ".join(str(p) for p in (line.get("category"), line.get("description")) if p)
        amount = _decimal(line.get("amount"))
        lines.append(f"{label}: {money(amount)}" if amount is not None and label else label)
    return "\n".join(x for x in lines if x)


@transaction.atomic
def project_monitoring_setup(*, actor: Any, project: FundedProject, start: date | None = None) -> dict[str, int]:
    """Periods, theory of change version 1 and the key indicators of a newly funded project. Each part
    is created only when the project has none yet, so running it again changes nothing."""
    summary = {"periods": 0, "theory": 0, "indicators": 0}
    if not project.periods.exists():
        for number, starts, ends, due in reporting_schedule(start or project_start(project), project_months()):
            ReportingPeriod.objects.create(project=project, number=number, starts_on=starts, ends_on=ends,
                                           due_on=due)
            summary["periods"] += 1
    logic = project.application.logic_model or {}
    if not project.theories.exists():
        TheoryOfChange.objects.create(
            project=project, version=1, inputs=_inputs_text(project),
            created_by=actor if getattr(actor, "pk", None) else None,
            **{key: str(logic.get(key) or "") for key in ("problem", "activities", "outputs", "outcomes", "impact")})
        summary["theory"] = 1
    if not project.monitored_indicators.exists():
        for position, proposal in enumerate(propose_indicators(project), start=1):
            indicator = proposal.indicator
            if indicator.pk is None:
                indicator.code = custom_code(project)
                indicator.created_by = actor if getattr(actor, "pk", None) else None
                indicator.save()
            pi = ProjectIndicator.objects.create(project=project, indicator=indicator, is_key=proposal.is_key,
                                                 position=position, baseline_value=proposal.baseline)
            if proposal.target is not None:
                Target.objects.create(project_indicator=pi, period=None, value=proposal.target)
            summary["indicators"] += 1
    audit_record(action="asis.impact.monitoring.set_up", actor=actor, obj=project.application, after=summary,
                 organisation_id=project.application.call.organisation_id)
    return summary


# --- baselines and targets ------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetRow:
    period_id: int | None
    disaggregation: str
    value: Decimal
    denominator: Decimal | None = None


class TargetsInvalid(ValidationError):
    """What is wrong with a baseline and target rows: ``baseline`` (a message or None) and ``rows``
    (message by row index)."""

    def __init__(self, baseline: str | None, rows: dict[int, str]) -> None:
        self.baseline, self.rows = baseline, rows
        super().__init__([m for m in (baseline, *rows.values()) if m])


@dataclass(frozen=True)
class Baseline:
    value: Decimal | None
    denominator: Decimal | None
    on: date | None
    source: str


def allowed_breakdowns(indicator: Indicator) -> list[tuple[str, str]]:
    """(key, label) of the total and every category the indicator allows."""
    rows = [("", disaggregations.label(""))]
    for dimension in indicator.disaggregations or []:
        for category, _name in disaggregations.categories(dimension):
            key = disaggregations.key(dimension, category)
            rows.append((key, disaggregations.label(key)))
    return rows


def check_value(indicator: Indicator, value: Decimal | None, denominator: Decimal | None) -> str | None:
    """Why a value (with its denominator) cannot be right for the indicator, or None."""
    if value is None:
        return None
    if indicator.is_ratio:
        if denominator is None:
            return _("Give the denominator too: this indicator is a percentage or rate.")
        if denominator <= 0:
            return _("The denominator must be greater than 0.")
        if value < 0:
            return _("The numerator cannot be negative.")
        shown = value / denominator * (1000 if indicator.unit == "per_1000" else 100)
    else:
        if denominator is not None:
            return _("This indicator has no denominator: leave it empty.")
        shown = value
    low, high = indicator.plausible_min, indicator.plausible_max
    if (low is not None and shown < low) or (high is not None and shown > high):
        return _("%(value)s is outside the plausible range of this indicator (%(low)s to %(high)s).") % {
            "value": _fmt(shown), "low": _fmt(low) if low is not None else "–",
            "high": _fmt(high) if high is not None else "–"}
    return None


def _fmt(value: Decimal) -> str:
    from asis.core.formatting import number

    return number(int(value) if value == value.to_integral() else round(value, 2))


def _target_snapshot(pi: ProjectIndicator) -> dict[str, Any]:
    return {"baseline": pi.baseline_value, "baseline_denominator": pi.baseline_denominator,
            "baseline_date": pi.baseline_date.isoformat() if pi.baseline_date else None,
            "baseline_source": pi.baseline_source,
            "targets": [{"period": t.period.number if t.period else None, "breakdown": t.disaggregation,
                         "value": t.value, "denominator": t.denominator}
                        for t in pi.targets.select_related("period").order_by("period__number", "disaggregation")]}


@transaction.atomic
def targets_save(*, actor: Any, project_indicator: ProjectIndicator, baseline: Baseline,
                 targets: list[TargetRow]) -> ProjectIndicator:
    """Replace the baseline and every target of one indicator, or change nothing and raise
    TargetsInvalid when any value is wrong.
    Changes after the project's first validated report leave an audit entry with before and after."""
    pi = ProjectIndicator.objects.select_for_update().select_related("indicator", "project").get(
        pk=project_indicator.pk)
    indicator = pi.indicator
    baseline_problem = check_value(indicator, baseline.value, baseline.denominator)
    periods = set(pi.project.periods.values_list("pk", flat=True))
    allowed = dict(allowed_breakdowns(indicator))
    seen: set[tuple[int | None, str]] = set()
    row_errors: dict[int, str] = {}
    for n, row in enumerate(targets):
        dimension, _category = disaggregations.parse(row.disaggregation)
        if row.period_id is not None and row.period_id not in periods:
            row_errors[n] = _("This period is not one of the project's.")
        elif row.disaggregation not in allowed:
            row_errors[n] = _("%(indicator)s does not allow a breakdown by %(dimension)s.") % {
                "indicator": indicator, "dimension": str(disaggregations.DIMENSION_LABELS.get(dimension, dimension))}
        elif (row.period_id, row.disaggregation) in seen:
            row_errors[n] = _("There is already a target for this period and breakdown.")
        else:
            problem = check_value(indicator, row.value, row.denominator)
            if problem:
                row_errors[n] = problem
        seen.add((row.period_id, row.disaggregation))
    if baseline_problem or row_errors:
        raise TargetsInvalid(baseline_problem, row_errors)
    before = _target_snapshot(pi)
    pi.baseline_value, pi.baseline_denominator = baseline.value, baseline.denominator
    pi.baseline_date, pi.baseline_source = baseline.on, baseline.source[:300]
    pi.save(update_fields=["baseline_value", "baseline_denominator", "baseline_date", "baseline_source"])
    pi.targets.all().delete()
    Target.objects.bulk_create([Target(project_indicator=pi, period_id=row.period_id,
                                       disaggregation=row.disaggregation, value=row.value,
                                       denominator=row.denominator) for row in targets])
    after = _target_snapshot(pi)
    if before != after and pi.project.reports.filter(status=Report.Status.VALIDATED).exists():
        audit_record(action="asis.impact.targets.changed", actor=actor, obj=pi.project.application,
                     before={"indicator": indicator.code, **before}, after={"indicator": indicator.code, **after},
                     organisation_id=pi.project.application.call.organisation_id)
    return pi


def addable_indicators(project: FundedProject) -> list[Indicator]:
    """Library indicators a project may add: the shared ones, its call's, its organisation's approved."""
    taken = project.monitored_indicators.values("indicator")
    from django.db.models import Q

    return list(Indicator.objects.filter(
        Q(source__in=("esf", "sdg", "asis")) | Q(source="call", call=project.application.call_id)
        | Q(source="custom", proposed_by=project.application.organisation_id),
        status=Indicator.Status.APPROVED).exclude(pk__in=taken).order_by("source", "code"))


@transaction.atomic
def project_indicator_add(*, actor: Any, project: FundedProject, indicator: Indicator) -> ProjectIndicator:
    if indicator not in addable_indicators(project):
        raise ValidationError(_("This indicator cannot be added to the project."))
    position = project.monitored_indicators.count() + 1
    pi = ProjectIndicator.objects.create(project=project, indicator=indicator, is_key=False, position=position)
    _audit_if_validated(actor, project, "asis.impact.targets.changed", before={"indicators": None},
                        after={"added": indicator.code})
    return pi


@transaction.atomic
def project_indicator_remove(*, actor: Any, project_indicator: ProjectIndicator) -> None:
    """Remove a non-key indicator that has no reported value (reported values are kept for good)."""
    if project_indicator.is_key:
        raise ValidationError(_("A key indicator cannot be removed."))
    if project_indicator.values.exists():
        raise ValidationError(_("Values were reported for this indicator; it can no longer be removed."))
    project = project_indicator.project
    code = project_indicator.indicator.code
    project_indicator.delete()
    _audit_if_validated(actor, project, "asis.impact.targets.changed", before={"removed": code}, after={})


def _audit_if_validated(actor: Any, project: FundedProject, action: str, **change: Any) -> None:
    if project.reports.filter(status=Report.Status.VALIDATED).exists():
        audit_record(action=action, actor=actor, obj=project.application,
                     organisation_id=project.application.call.organisation_id, **change)
