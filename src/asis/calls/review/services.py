"""Scoring: evaluators' reviews against the call's grid (drafts, submission, reopening).

Scores are integer levels of each criterion's scale. A justification is required where a score
carries most weight in the decision: at either end of the scale (the lowest or highest level)
and at or below a knock-out threshold. A submitted review is read-only until the programme
manager reopens it (with a reason, audited, and the evaluator is told by e-mail).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.calls.access import calls_managed_by
from asis.calls.models import Assignment, Call, Review, ReviewScore
from asis.calls.notifications import notify
from asis.core.audit import audit_record
from asis.engines.errors import EngineError
from asis.engines.grids import Grid


@dataclass(frozen=True)
class CriterionView:
    """One criterion as the review form and the panel show it."""

    id: str
    label: str
    description: str
    minimum: int
    maximum: int
    anchors: tuple[tuple[int, str], ...]
    threshold: float | None
    weight: float
    pass_fail: bool = False

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(range(self.minimum, self.maximum + 1))

    def needs_justification(self, score: int | None) -> bool:
        if score is None:
            return False
        if self.pass_fail:
            # "Yes, the condition is met" needs no argument; only a failed condition must be explained.
            return score == self.minimum
        if score in (self.minimum, self.maximum):
            return True
        return self.threshold is not None and score <= self.threshold


def grid_of(call: Call) -> Grid | None:
    try:
        return Grid.from_dict(call.grid) if call.grid else None
    except EngineError:
        return None


def criteria_of(call: Call, language: str = "en") -> list[CriterionView]:
    grid = grid_of(call)
    if grid is None:
        return []
    out = []
    for criterion in grid.criteria:
        scale = grid.scale_of(criterion)
        out.append(CriterionView(
            id=criterion.id,
            label=criterion.label.get(language) or criterion.label["en"],
            description=criterion.description.get(language) or criterion.description["en"],
            minimum=scale.minimum, maximum=scale.maximum,
            anchors=tuple((level, (scale.anchors.get(level) or {}).get(language, "")
                           or (scale.anchors.get(level) or {}).get("en", "")) for level in scale.levels),
            threshold=criterion.threshold, weight=criterion.weight, pass_fail=scale.kind == "pass_fail"))
    return out


def weighted_total(criteria: list[CriterionView], scores: Mapping[str, Any]) -> dict[str, Any]:
    """The running total the evaluator sees while scoring (docs/guides/evaluator.md).

    Each scored criterion counts with its weight, its level normalised to the scale
    ((score - min) / (max - min)); the total is the weighted mean of those shares, so a review
    with every criterion at the top of its scale reads 100 %. Criteria of weight 0 (pass/fail
    conditions) do not count. ``scored``/``count`` say how many criteria have a score so far.
    """
    weighted = [c for c in criteria if c.weight > 0]
    total_weight = 0.0
    points = 0.0
    for c in weighted:
        try:
            score = _parse_score(scores.get(c.id), c)
        except ValidationError:
            score = None
        if score is None:
            continue
        total_weight += c.weight
        points += c.weight * (score - c.minimum) / (c.maximum - c.minimum)
    scored = sum(1 for c in criteria if str(scores.get(c.id) if scores.get(c.id) is not None else "").strip())
    return {"share": points / total_weight if total_weight else None, "scored": scored, "count": len(criteria)}


def _parse_score(value: Any, criterion: CriterionView) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."))
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise ValidationError(_("Enter a whole number.")) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(_("Enter a whole number."))
    score = int(number)
    if not criterion.minimum <= score <= criterion.maximum:
        raise ValidationError(_("Choose a score from %(min)s to %(max)s.") % {"min": criterion.minimum,
                                                                             "max": criterion.maximum})
    return score


def _text(value: Any) -> str:
    # Browsers send line breaks as CR LF; stored as LF, the text reads back exactly as it was typed.
    return str(value or "").replace("\r\n", "\n").strip()


def clean_scores(criteria: list[CriterionView], scores: Mapping[str, Any], justifications: Mapping[str, str],
                 *, complete: bool) -> tuple[dict[str, int | None], dict[str, str]]:
    """Validate raw scores and justifications; errors are keyed ``score_<id>``/``justification_<id>``.

    ``complete``: every criterion scored and every required justification present (submission).
    """
    known = {c.id for c in criteria}
    errors: dict[str, list[str]] = {}
    unknown = sorted((set(scores) | set(justifications)) - known)
    if unknown:
        errors["__all__"] = [_("Unknown criterion: %(ids)s.") % {"ids": ", ".join(unknown)}]
    clean: dict[str, int | None] = {}
    notes: dict[str, str] = {}
    for criterion in criteria:
        note = _text(justifications.get(criterion.id))
        notes[criterion.id] = note
        try:
            clean[criterion.id] = _parse_score(scores.get(criterion.id), criterion)
        except ValidationError as exc:
            errors[f"score_{criterion.id}"] = exc.messages
            continue
        if not complete:
            continue
        if clean[criterion.id] is None:
            errors[f"score_{criterion.id}"] = [_("Score this criterion before submitting.")]
        elif criterion.needs_justification(clean[criterion.id]) and not note:
            errors[f"justification_{criterion.id}"] = [
                _("A justification is required for the lowest or highest score and for a score at or below "
                  "the knock-out threshold.")]
    if errors:
        raise ValidationError(errors)
    return clean, notes


def review_of(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).prefetch_related("scores").first()


def review_values(review: Review | None) -> tuple[dict[str, int | None], dict[str, str], str]:
    if review is None:
        return {}, {}, ""
    scores = {s.criterion: (None if s.score is None else int(s.score)) for s in review.scores.all()}
    notes = {s.criterion: s.justification for s in review.scores.all()}
    return scores, notes, review.comment


def _write(review: Review, scores: dict[str, int | None], notes: dict[str, str]) -> None:
    """Store the given scores; a criterion with neither score nor justification has no row."""
    existing = {s.criterion: s for s in review.scores.all()}
    for criterion, score in scores.items():
        row = existing.get(criterion)
        value = None if score is None else Decimal(score)
        note = notes.get(criterion, "")
        if value is None and not note:
            if row is not None:
                row.delete()
        elif row is None:
            ReviewScore.objects.create(review=review, criterion=criterion, score=value, justification=note)
        elif row.score != value or row.justification != note:
            row.score, row.justification = value, note
            row.save(update_fields=["score", "justification"])


def _locked(review: Review) -> bool:
    return review.status == Review.Status.SUBMITTED


def review_save(*, user: Any, assignment: Assignment, scores: Mapping[str, Any],
                justifications: Mapping[str, str], comment: str) -> Review:
    """Save a draft (partial scores allowed; each given score must lie on its scale)."""
    call = assignment.application.call
    clean, notes = clean_scores(criteria_of(call), scores, justifications, complete=False)
    with transaction.atomic():
        review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
        if _locked(review):
            raise ValidationError(_("This review is submitted and read-only; the programme manager can reopen it."))
        before = review_values(review)
        _write(review, clean, notes)
        review.comment = _text(comment)
        review.save()
        after = review_values(Review.objects.prefetch_related("scores").get(pk=review.pk))
        if after != before:
            audit_record(action="asis.review.saved", actor=user, obj=review, organisation_id=call.organisation_id,
                         before={"scores": before[0]}, after={"scores": after[0], "status": review.status})
    return review


def review_keep_draft(*, user: Any, assignment: Assignment, scores: Mapping[str, Any],
                      justifications: Mapping[str, str], comment: str) -> Review | None:
    """Keep what the evaluator typed when a submission fails: a draft of every valid score and all
    text. A score off its scale is left out (the form still shows it with its error); nothing is
    kept once the review is submitted."""
    criteria = {c.id: c for c in criteria_of(assignment.application.call)}
    valid: dict[str, Any] = {}
    for criterion_id, value in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            continue
        try:
            valid[criterion_id] = _parse_score(value, criterion)
        except ValidationError:
            valid[criterion_id] = None
    notes = {k: v for k, v in justifications.items() if k in criteria}
    try:
        return review_save(user=user, assignment=assignment, scores=valid, justifications=notes, comment=comment)
    except ValidationError:
        return None


def review_submit(*, user: Any, assignment: Assignment, scores: Mapping[str, Any],
                  justifications: Mapping[str, str], comment: str) -> tuple[Review, bool]:
    """Submit: every criterion scored, justifications present. Returns (review, newly submitted);
    a second submission of a submitted review changes nothing (double click, back button)."""
    call = assignment.application.call
    criteria = criteria_of(call)
    if not criteria:
        raise ValidationError(_("The call has no criteria grid."))
    with transaction.atomic():
        review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
        if _locked(review):
            return review, False
        clean, notes = clean_scores(criteria, scores, justifications, complete=True)
        _write(review, clean, notes)
        review.comment = _text(comment)
        review.status = Review.Status.SUBMITTED
        review.submitted_at = timezone.now()
        review.save()
        audit_record(action="asis.review.submitted", actor=user, obj=review, organisation_id=call.organisation_id,
                     after={"scores": clean, "justifications": {k: v for k, v in notes.items() if v},
                            "comment": review.comment, "application": assignment.application_id,
                            "evaluator": assignment.evaluator_id})
    return review, True


def access_managed_review(user: Any, review_id: int) -> Review:
    review = (Review.objects.select_related("assignment__application__call", "assignment__evaluator__user")
              .filter(pk=review_id, assignment__application__call__in=calls_managed_by(user)).first())
    if review is None:
        raise Http404("No such review")
    return review


def review_reopen(*, actor: Any, review: Review, reason: str) -> Review:
    """The programme manager reopens a submitted review so the evaluator can change it."""
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    if review.status != Review.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted review can be reopened."))
    application = review.assignment.application
    with transaction.atomic():
        review.status = Review.Status.DRAFT
        review.submitted_at = None
        review.reopened_count += 1
        review.save(update_fields=["status", "submitted_at", "reopened_count", "updated_at"])
        audit_record(action="asis.review.reopened", actor=actor, obj=review,
                     organisation_id=application.call.organisation_id,
                     before={"status": Review.Status.SUBMITTED}, after={"status": Review.Status.DRAFT,
                                                                        "reason": reason.strip(),
                                                                        "times": review.reopened_count})
    notify(kind="review_reopened", user=review.assignment.evaluator.user, call=application.call,
           application=application,
           context={"reason": reason.strip(),
                    "review_url": reverse("calls:review", kwargs={"application_id": application.pk})})
    return review


# --- others' scores, pseudonymised ---------------------------------------------------------------

def pseudonyms(application_id: int) -> dict[int, str]:
    """Evaluator id -> "Evaluator N", numbered by assignment order (stable for the application)."""
    ids = Assignment.objects.filter(application_id=application_id).order_by("pk").values_list("evaluator_id",
                                                                                               flat=True)
    return {e: _("Evaluator %(number)s") % {"number": n} for n, e in enumerate(ids, start=1)}


def peer_reviews(assignment: Assignment, own: Review | None) -> list[dict[str, Any]] | None:
    """Other evaluators' submitted scores for the application, or None while hidden."""
    call = assignment.application.call
    if call.hide_scores_until_submitted and (own is None or own.status != Review.Status.SUBMITTED):
        return None
    names = pseudonyms(assignment.application_id)
    reviews = (Review.objects.filter(assignment__application_id=assignment.application_id,
                                     status=Review.Status.SUBMITTED)
               .exclude(assignment=assignment).select_related("assignment").prefetch_related("scores")
               .order_by("assignment_id"))
    return [{"name": names.get(r.assignment.evaluator_id, "?"),
             "scores": {s.criterion: s.score for s in r.scores.all()},
             "comment": r.comment} for r in reviews]
