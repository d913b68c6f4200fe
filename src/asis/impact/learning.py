"""The learning loop of a call: did its ex-ante criterion scores predict the validated results?

Reads (``call_learning``) and the one write (``learning_weights_apply``, applying the suggested
re-weighting to a draft call's grid, audited). The statistics are the engine's
(:mod:`asis.engines.impact.learning`, ``docs/methods/learning-loop.md``); this module gathers
the inputs: each funded project's aggregated criterion scores from the call's latest results,
and its measured outcome, the mean achievement over its key indicators (validated values only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from asis.calls.builder.grid_edit import copy_grid, percent_weights
from asis.calls.builder.services import call_update
from asis.calls.models import Call, FundedProject
from asis.calls.results.services import latest_result
from asis.core.audit import audit_record
from asis.engines.impact import flags, rollup, units
from asis.engines.impact import learning as engine
from asis.engines.impact.errors import ImpactError
from asis.impact.models import ProjectIndicator, Report, ReportValue, Target

MIN_PROJECTS = engine.DEFAULT_MIN_N


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of the call, as the page shows it."""

    id: str
    label: str
    weight: float
    signal: engine.Signal
    suggested: float | None
    change: float | None


@dataclass(frozen=True)
class Learning:
    """Everything the learning page of one call shows."""

    call: Call
    has_results: bool
    n_projects: int
    rows: tuple[CriterionRow, ...]
    suggestion: engine.Suggestion | None


def _label(texts: Any, fallback: str) -> str:
    if isinstance(texts, Mapping):
        language = (get_language() or "en")[:2]
        return str(texts.get(language) or texts.get("en") or next(iter(texts.values()), fallback))
    return str(texts or fallback)


def _scale(indicator_unit: str) -> float:
    unit = units.get_unit(indicator_unit)
    return 1.0 / unit.factor if unit.dimension == units.RATIO_DIMENSION else 1.0


def _level(value: Any, denominator: Any, spec: rollup.IndicatorSpec) -> float | None:
    """A baseline or a target in the indicator's unit (a ratio from its two parts)."""
    if value is None:
        return None
    if not spec.is_ratio:
        return float(value)
    if not denominator:
        return None
    return float(value) / float(denominator) * _scale(spec.unit)


def _final_targets(pis: QuerySet[ProjectIndicator]) -> dict[int, Target]:
    """Per project indicator, its target for the whole project (no period), else the last period's."""
    best: dict[int, Target] = {}
    for target in Target.objects.filter(project_indicator__in=pis, disaggregation="").select_related("period"):
        current = best.get(target.project_indicator_id)
        rank = (target.period is None, target.period.number if target.period else 0)
        if current is None or rank > (current.period is None, current.period.number if current.period else 0):
            best[target.project_indicator_id] = target
    return best


def project_outcomes(projects: QuerySet[FundedProject]) -> dict[int, float]:
    """Each project's mean achievement over its key indicators, from validated values only.

    Achievement is the share of the distance from baseline to target covered by the value to
    date (:func:`asis.engines.impact.flags.achievement`; the value to date by the roll-up rules).
    A per-period indicator without a baseline starts from 0; an indicator without a target, or
    whose target equals its baseline, is left out; so is a project with no indicator left.
    """
    pis = ProjectIndicator.objects.filter(project__in=projects, is_key=True).select_related("indicator")
    targets = _final_targets(pis)
    values: dict[int, list[rollup.Observation]] = defaultdict(list)
    rows = ReportValue.objects.filter(
        project_indicator__in=pis, disaggregation="", report__status=Report.Status.VALIDATED,
    ).values_list("project_indicator_id", "report__period__ends_on", "value", "denominator", "unit")
    for pi_id, ends_on, value, denominator, unit in rows:
        values[pi_id].append(rollup.Observation(
            str(pi_id), ends_on, float(value), numerator=float(value),
            denominator=None if denominator is None else float(denominator), unit=unit or None))
    shares: dict[int, list[float]] = defaultdict(list)
    for pi in pis:
        indicator = pi.indicator
        target = targets.get(pi.pk)
        if target is None or not values.get(pi.pk):
            continue
        try:
            spec = rollup.IndicatorSpec(indicator.code, indicator.unit, aggregation=indicator.aggregation,
                                        values_mode=indicator.values_mode, is_ratio=indicator.is_ratio,
                                        direction=indicator.direction)
        except ImpactError:
            continue  # a library entry the engine cannot roll up (e.g. a percentage without parts)
        actual = rollup.rollup(spec, values[pi.pk]).value
        baseline = _level(pi.baseline_value, pi.baseline_denominator, spec)
        if baseline is None and spec.values_mode == "per_period" and not spec.is_ratio:
            baseline = 0.0
        goal = _level(target.value, target.denominator, spec)
        if actual is None or baseline is None or goal is None:
            continue
        share = flags.achievement(baseline, goal, actual, spec.direction)
        if share is not None:
            shares[pi.project_id].append(share)
    return {project: sum(s) / len(s) for project, s in shares.items()}


def call_learning(call: Call) -> Learning:
    """The learning loop of ``call``: signal per criterion and a suggested re-weighting."""
    result = latest_result(call)
    if result is None:
        return Learning(call, False, 0, (), None)
    data = result.data or {}
    criteria = [c for c in data.get("criteria") or [] if c.get("id")]
    scores = {int(a["id"]): a.get("criterion_scores") or {} for a in data.get("applications") or []}
    projects = FundedProject.objects.filter(application__call=call)
    outcomes = project_outcomes(projects)
    by_application = dict(projects.filter(pk__in=list(outcomes)).values_list("application_id", "pk"))
    pairs = [(scores[app], outcomes[pk]) for app, pk in sorted(by_application.items()) if app in scores]
    nan = float("nan")
    signals = engine.criterion_signals(
        {c["id"]: [float(s.get(c["id"], nan)) if s.get(c["id"]) is not None else nan for s, _o in pairs]
         for c in criteria},
        [o for _s, o in pairs], min_n=MIN_PROJECTS)
    current = {c["id"]: float(c.get("weight") or 0) for c in criteria}
    suggestion = engine.suggest_weights(current, signals, min_n=MIN_PROJECTS) \
        if sum(current.values()) > 0 else None
    rows = tuple(
        CriterionRow(
            c["id"], _label(c.get("label"), c["id"]), current[c["id"]], signals[c["id"]],
            None if suggestion is None or suggestion.refused else suggestion.weights[c["id"]],
            None if suggestion is None or suggestion.refused else suggestion.changes[c["id"]])
        for c in criteria)
    return Learning(call, True, len(pairs), rows, suggestion)


def draft_calls_for(call: Call) -> QuerySet[Call]:
    """The calls a suggestion may be applied to: drafts of the same organisation, not this one."""
    return Call.objects.filter(organisation_id=call.organisation_id, status=Call.Status.DRAFT).exclude(pk=call.pk)


def refusal_text(refusal: engine.Refusal) -> str:
    if refusal.code == "too_few_projects":
        return _("No suggestion: %(n)s projects have both ex-ante scores and validated results; at least "
                 "%(min_n)s are needed before the results can say anything about the criteria.") % refusal.params
    return _("No suggestion: no criterion's interval excludes zero, so the results give no reason to change "
             "the weights.")


@transaction.atomic
def learning_weights_apply(*, actor: Any, source: Call, target: Call) -> Call:
    """Apply the suggestion learnt from ``source`` to the grid of the draft call ``target``.

    The suggestion is computed again here (never taken from the form). Each criterion of the
    target grid with the same id has its weight multiplied by the suggested factor; the others
    keep theirs; the weights are then expressed as percentages totalling 100. Audited as
    ``asis.impact.learning.weights_applied`` with the weights before and after.
    """
    if target.organisation_id != source.organisation_id or target.status != Call.Status.DRAFT \
            or target.pk == source.pk:
        raise ValidationError({"target": _("Choose a draft call of the same organisation.")})
    learning = call_learning(source)
    suggestion = learning.suggestion
    if suggestion is None or suggestion.refused is not None:
        raise ValidationError(refusal_text(suggestion.refused) if suggestion and suggestion.refused
                              else _("There is no suggestion to apply."))
    grid = copy_grid(target.grid or {})
    criteria = grid.get("criteria") or []
    matched = [c for c in criteria if c.get("id") in suggestion.changes]
    if not matched:
        raise ValidationError({"target": _("The grid of this draft call has none of the criteria the "
                                           "suggestion is about.")})
    before = {c["id"]: c.get("weight") for c in criteria}
    for criterion in matched:
        criterion["weight"] = float(criterion.get("weight") or 0) * (1 + suggestion.changes[criterion["id"]])
    grid.pop("weighting", None)  # the weights no longer come from the AHP comparisons, if they did
    grid = percent_weights(grid)
    # the builder's own service: grid validation, versioning and its audit entry as for any edit
    updated = call_update(actor=actor, call=target, grid=grid,
                          note=_("Weights re-balanced from the results of another call"))
    after = {c["id"]: c.get("weight") for c in grid.get("criteria") or []}
    audit_record(action="asis.impact.learning.weights_applied", actor=actor, obj=updated,
                 organisation_id=updated.organisation_id,
                 before={"weights": before},
                 after={"weights": after, "source_call": source.pk, "n_projects": learning.n_projects,
                        "factors": {c["id"]: round(1 + suggestion.changes[c["id"]], 6) for c in matched}})
    return updated
