"""Public self-assessment against the ASIS common criteria: scoring, advice, radar chart, rate limit.

The score uses the same normalisation as the evaluation engines (docs/methods/self-assessment.md):
each level becomes ``(level - min) / (max - min)`` on its scale, and the weighted sum with the
grid's normalised weights (``Grid.weights``) is shown on 0-100. A level below a criterion's
knock-out threshold means an application would be knocked out, whatever the total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asis.calls.models import Call, SelfAssessment
from asis.core.ratelimit import limit_exceeded
from asis.engines.grids import Criterion, Grid, load_builtin

GRID_ID = "asis"
STRONG_FROM = 4  # levels at or above: a strength
WEAK_UP_TO = 2  # levels at or below: a weakness
# The overall band (docs/methods/self-assessment.md): any knock-out is "needs work" whatever the score.
PROMISING_FROM = 70.0
ON_TRACK_FROM = 50.0
BANDS = {
    "promising": (_("Promising"), _("The project meets the criteria well. Polish the weaker points and "
                                     "look for a call that fits.")),
    "on_track": (_("On track"), _("A sound basis: work on the weaknesses listed below before you apply.")),
    "needs_work": (_("Needs work"), _("An application like this is unlikely to be funded yet: start with the "
                                       "knock-out criteria and the weaknesses below.")),
}
FITTING_CALLS_SHOWN = 5

# Advice per criterion and level band (low: 0-2, mid: 3, high: 4-5; pass-fail: fail / pass).
ADVICE: dict[str, dict[str, Any]] = {
    "newness": {
        "low": _("Describe what already exists in your area and explain precisely what your answer does "
                 "differently: a new service, a new use, a new way of organising people."),
        "mid": _("Show how far the idea goes beyond existing practice, and where it could be taken up elsewhere."),
        "high": _("Keep the comparison with existing practice concrete so evaluators can see the novelty."),
    },
    "social_need": {
        "low": _("Document the social need with figures or testimonies from the area (for example "
                 "depopulation, unemployment, gaps in care) and name who is affected."),
        "mid": _("Link each activity to the need it answers and quote a source for the size of the need."),
        "high": _("Your need is well documented; keep the evidence up to date in the application."),
    },
    "co_creation": {
        "low": _("Involve the future users and affected stakeholders in the design, and say how: "
                 "workshops, steering group, user tests."),
        "mid": _("Give beneficiaries a defined role in carrying out the project, not only in consultations."),
        "high": _("Describe your co-creation process step by step; it is a strength of the project."),
    },
    "method": {
        "low": _("Set out the steps: problem analysis, idea finding, stakeholder involvement, expert "
                 "support, solution development, with a timeline."),
        "mid": _("Check that every step leads logically to the next and to the aims."),
        "high": _("Your approach is clear; a one-page work plan will make it easy to follow."),
    },
    "feasibility": {
        "low": _("Show that the team has the skills, time and partners it needs; name missing skills "
                 "and how you will get them."),
        "mid": _("Add a realistic schedule with milestones and name who is responsible for each."),
        "high": _("The plan looks feasible; keep the milestones and responsibilities explicit."),
    },
    "finance": {
        "low": _("Build a detailed budget by category, check the co-funding and explain how the "
                 "activity continues once the grant ends."),
        "mid": _("Explain the sources of the co-funding and the model that will sustain the activity."),
        "high": _("Your financial plan is sound; attach the detailed budget to the application."),
    },
    "risk": {
        "low": _("List the main risks, including negative effects on the target group or other people, "
                 "with a mitigation for each."),
        "mid": _("Rate each risk by likelihood and impact and name who watches it."),
        "high": _("Risks are well managed; keep the risk table in the application."),
    },
    "local_impact": {
        "low": _("Describe the lasting change for people and communities in the area in the short, "
                 "medium and long term."),
        "mid": _("Relate the expected change to the resources used and say who benefits and how many."),
        "high": _("The expected impact is convincing; back it with the indicators you will measure."),
    },
    "measurability": {
        "low": _("Choose two or three outcome indicators that are easy to collect, with a baseline and "
                 "a target."),
        "mid": _("Say who collects the indicator data, when and how."),
        "high": _("Your indicators are measurable; include them in the logic model of the application."),
    },
    "ecology": {
        "low": _("Consider the environmental effects of the project and any ecological benefit linked "
                 "to the social need."),
        "mid": _("Show how ecological and social benefits support each other in your project."),
        "high": _("The ecological dimension is well covered."),
    },
    "programme_relevance": {
        "fail": _("Check the objectives and intervention axes of the call: a project outside them is not "
                  "eligible."),
        "pass": _("Name the objective or axis of the call your project serves in the summary."),
    },
}
GENERIC_ADVICE = {
    "low": _("Strengthen this part of the project before applying."),
    "mid": _("This criterion is met; look for the weaknesses an evaluator might point out."),
    "high": _("A strength of the project: make it visible in the application."),
    "fail": _("This condition must be met for the application to be eligible."),
    "pass": _("This condition is met."),
}


def grid() -> Grid:
    return load_builtin(GRID_ID)


def band(criterion: Criterion, grid_: Grid, level: int) -> str:
    scale = grid_.scale_of(criterion)
    if scale.kind == "pass_fail":
        return "pass" if level >= scale.maximum else "fail"
    if level >= STRONG_FROM:
        return "high"
    if level <= WEAK_UP_TO:
        return "low"
    return "mid"


def advice_for(criterion_id: str, band_: str) -> str:
    return str(ADVICE.get(criterion_id, {}).get(band_) or GENERIC_ADVICE[band_])


@dataclass(frozen=True)
class CriterionResult:
    id: str
    label: str
    description: str
    level: int
    minimum: int
    maximum: int
    anchor: str
    weight: float  # normalised weight (sum 1)
    normalised: float  # (level - min) / (max - min)
    contribution: float  # weight * normalised * 100
    band: str
    knocked_out: bool
    threshold: float | None
    pass_fail: bool
    note: str
    advice: str
    levels: tuple[tuple[int, str], ...] = ()  # every level of the scale with its description

    @property
    def next_level(self) -> tuple[int, str] | None:
        """The level above the chosen one, to say what it would take to get there."""
        return next(((level, text) for level, text in self.levels if level == self.level + 1), None)

    @property
    def weight_percent(self) -> float:
        return round(self.weight * 100, 1)


@dataclass(frozen=True)
class SelfAssessmentResult:
    score: float  # 0-100
    criteria: tuple[CriterionResult, ...]

    @property
    def strengths(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.band == "high"]

    @property
    def weaknesses(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.band in ("low", "fail") or c.knocked_out]

    @property
    def knocked_out(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.knocked_out]

    @property
    def scored(self) -> list[CriterionResult]:
        return [c for c in self.criteria if not c.pass_fail]

    @property
    def band(self) -> str:
        if self.knocked_out or self.score < ON_TRACK_FROM:
            return "needs_work"
        return "promising" if self.score >= PROMISING_FROM else "on_track"

    @property
    def band_label(self) -> str:
        return str(BANDS[self.band][0])

    @property
    def band_text(self) -> str:
        return str(BANDS[self.band][1])


def _text(texts: Any, language: str) -> str:
    return str(texts.get(language) or texts.get("en") or "")


def compute(answers: dict[str, int], *, notes: dict[str, str] | None = None, language: str = "en",
            grid_: Grid | None = None) -> SelfAssessmentResult:
    """Score the answers (``{criterion_id: level}``) on the grid; every criterion must be answered."""
    grid_ = grid_ or grid()
    notes = notes or {}
    results = []
    total = 0.0
    for criterion, weight in zip(grid_.criteria, grid_.weights, strict=True):
        scale = grid_.scale_of(criterion)
        level = int(answers[criterion.id])
        normalised = (level - scale.minimum) / (scale.maximum - scale.minimum)
        contribution = weight * normalised * 100
        total += contribution
        b = band(criterion, grid_, level)
        results.append(CriterionResult(
            id=criterion.id, label=_text(criterion.label, language),
            description=_text(criterion.description, language), level=level, minimum=scale.minimum,
            maximum=scale.maximum, anchor=_text(scale.anchors.get(level, {}), language), weight=weight,
            normalised=normalised, contribution=contribution, band=b,
            knocked_out=criterion.threshold is not None and level < criterion.threshold,
            threshold=criterion.threshold, pass_fail=scale.kind == "pass_fail",
            note=str(notes.get(criterion.id, "")), advice=advice_for(criterion.id, b),
            levels=tuple((lv, _text(scale.anchors.get(lv, {}), language)) for lv in scale.levels)))
    return SelfAssessmentResult(score=round(total, 1), criteria=tuple(results))


def result_of(assessment: SelfAssessment, language: str | None = None) -> SelfAssessmentResult:
    return compute(assessment.answers, notes=assessment.notes, language=language or assessment.language)


# --- radar chart ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RadarAxis:
    label: str
    level: int
    maximum: int
    x1: float
    y1: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    cx: float
    cy: float
    axes: tuple[RadarAxis, ...]
    rings: tuple[str, ...]  # polygon points of each level ring
    ring_labels: tuple[tuple[int, float, float], ...]
    points: str  # polygon of the scores
    dots: tuple[tuple[float, float], ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def radar(result: SelfAssessmentResult, *, width: int = 800, height: int = 480, radius: float = 160) -> Radar:
    """Geometry of a radar chart of the scored (ordinal) criteria: one axis each, clockwise from the top."""
    items = result.scored
    n = len(items)
    cx, cy = width / 2, height / 2
    maximum = max((c.maximum for c in items), default=5)

    def point(i: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return round(cx + radius * fraction * math.cos(angle), 1), round(cy + radius * fraction * math.sin(angle), 1)

    axes = []
    for i, c in enumerate(items):
        x1, y1 = point(i, 1.0)
        lx, ly = point(i, 1.12)
        dx = lx - cx
        anchor = "middle" if abs(dx) < 10 else ("start" if dx > 0 else "end")
        axes.append(RadarAxis(label=c.label, level=c.level, maximum=c.maximum, x1=x1, y1=y1, label_x=lx,
                              label_y=round(ly + 4, 1), anchor=anchor))
    rings = tuple(" ".join(f"{x},{y}" for x, y in (point(i, lvl / maximum) for i in range(n)))
                  for lvl in range(1, maximum + 1))
    ring_labels = tuple((lvl, cx + 3, round(cy - radius * lvl / maximum - 2, 1)) for lvl in range(1, maximum + 1))
    dots = tuple(point(i, (c.level - c.minimum) / (c.maximum - c.minimum)) for i, c in enumerate(items))
    return Radar(width=width, height=height, cx=cx, cy=cy, axes=tuple(axes), rings=rings, ring_labels=ring_labels,
                 points=" ".join(f"{x},{y}" for x, y in dots), dots=dots)


# --- rate limit and creation ------------------------------------------------------------------

def rate_limit_exceeded(ip: str) -> bool:
    """Count one creation for ``ip``; True once it made more than the hourly limit."""
    limit = int(getattr(settings, "ASIS_SELF_ASSESSMENT_RATE_PER_HOUR", 30))
    return limit_exceeded(f"asis:calls:selfassessment:{ip or 'unknown'}", limit=limit, window=3600)


def fitting_calls(assessment: SelfAssessment) -> list[Call]:
    """Open calls that fit the project's profile: a call restricted to regions or challenges fits
    when the project's region is one of them / it shares a challenge; an unrestricted call fits all.
    Without a profile, the open calls closing soonest."""
    from django.db.models import Q
    from django.utils import timezone

    now = timezone.now()
    calls = Call.objects.filter(status=Call.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
    profile = assessment.profile or {}
    if profile.get("region"):
        calls = calls.filter(Q(eligible_regions__isnull=True) | Q(eligible_regions__code=profile["region"]))
    if profile.get("challenges"):
        calls = calls.filter(Q(challenges__isnull=True) | Q(challenges__code__in=profile["challenges"]))
    ids = list(calls.order_by("closes_at").values_list("pk", flat=True).distinct()[:FITTING_CALLS_SHOWN * 4])
    unique = list(dict.fromkeys(ids))[:FITTING_CALLS_SHOWN]
    by_pk = Call.objects.in_bulk(unique)
    return [by_pk[pk] for pk in unique]


def self_assessment_create(*, user: Any, answers: dict[str, int], notes: dict[str, str], project_title: str,
                           language: str, call: Call | None = None,
                           profile: dict[str, Any] | None = None) -> SelfAssessment:
    grid_ = grid()
    errors = {}
    for criterion in grid_.criteria:
        scale = grid_.scale_of(criterion)
        value = answers.get(criterion.id)
        if not isinstance(value, int) or not scale.minimum <= value <= scale.maximum:
            errors[criterion.id] = _("Choose one of the levels.")
    if errors:
        raise ValidationError(errors)
    assessment = SelfAssessment(
        project_title=project_title[:200], language=language, grid_id=GRID_ID,
        answers={c.id: answers[c.id] for c in grid_.criteria},
        notes={k: v[:2000] for k, v in notes.items() if v and k in grid_.criterion_ids}, call=call,
        profile=profile or {},
        user=user if getattr(user, "is_authenticated", False) else None)
    assessment.full_clean()
    # Not audited: anonymous and public, it changes nothing of a call; turning it into an
    # application is (applications.application_start).
    assessment.save()
    return assessment
