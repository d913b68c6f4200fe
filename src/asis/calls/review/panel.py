"""The panel (moderation) view of a call: evaluators' scores side by side, disagreement flags and
consensus scores set by the moderator with a reason.

Evaluators appear as "Evaluator 1/2/3" (the numbering of :func:`asis.calls.review.services.pseudonyms`);
programme managers may reveal identities. An application is flagged on a criterion when the
spread (max - min) of the submitted scores exceeds half the scale range, or one evaluator lies
that far from the median of the others (``asis.engines.agreement.disagreement_flags``).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from asis.calls.models import Application, Assignment, Call, ConsensusScore, Review, ReviewScore
from asis.calls.review.services import CriterionView, criteria_of
from asis.core.audit import audit_record
from asis.engines.agreement import disagreement_flags


def panel_applications(call: Call) -> Any:
    """Applications with at least one assignment, in reference order."""
    return (Application.objects.filter(call=call, assignments__isnull=False).distinct()
            .select_related("organisation").order_by("reference"))


def panel_rows(call: Call, applications: list[Application], criteria: list[CriterionView],
               *, reveal: bool) -> list[dict[str, Any]]:
    """Per application: evaluators (pseudonym, name if revealed, status) and per criterion the
    scores, mean, spread, flag and consensus. A fixed number of queries for the page."""
    app_ids = [a.pk for a in applications]
    assignments: dict[int, list[Assignment]] = defaultdict(list)
    for x in (Assignment.objects.filter(application_id__in=app_ids).select_related("evaluator__user")
              .order_by("pk")):
        assignments[x.application_id].append(x)
    reviews = {r.assignment_id: r for r in Review.objects.filter(assignment__application_id__in=app_ids)}
    scores: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    notes: dict[int, dict[str, str]] = defaultdict(dict)
    for s in ReviewScore.objects.filter(review__assignment__application_id__in=app_ids,
                                        review__status=Review.Status.SUBMITTED):
        scores[s.review_id][s.criterion] = s.score
        notes[s.review_id][s.criterion] = s.justification
    consensus: dict[int, dict[str, ConsensusScore]] = defaultdict(dict)
    for c in ConsensusScore.objects.filter(application_id__in=app_ids).select_related("set_by"):
        consensus[c.application_id][c.criterion] = c
    rows = []
    for application in applications:
        people: list[dict[str, Any]] = []
        for number, x in enumerate(assignments[application.pk], start=1):
            review = reviews.get(x.pk)
            people.append({
                "label": _("Evaluator %(number)s") % {"number": number},
                "name": x.evaluator.user.display_name if reveal else "",
                "status": review.get_status_display() if review else _("Not started"),
                "submitted": bool(review and review.status == Review.Status.SUBMITTED),
                "scores": scores.get(review.pk, {}) if review else {},
                "notes": notes.get(review.pk, {}) if review else {},
                "review_id": review.pk if review else None,
            })
        lines = []
        for criterion in criteria:
            values = [p["scores"].get(criterion.id) for p in people]
            # the panel reads each score with the evaluator's reason beside it
            cells = [{"score": p["scores"].get(criterion.id), "justification": p["notes"].get(criterion.id, "")}
                     for p in people]
            present = [float(v) for v in values if v is not None]
            spread = max(present) - min(present) if len(present) >= 2 else None
            limit = (criterion.maximum - criterion.minimum) / 2
            flagged = False
            if len(present) >= 2:
                column = np.array([[v] for v in present], dtype=float)
                flagged = bool(disagreement_flags(column, spread_threshold=limit))
            lines.append({"criterion": criterion, "values": values, "cells": cells,
                          "mean": sum(present) / len(present) if present else None,
                          "spread": spread, "flagged": flagged,
                          "consensus": consensus[application.pk].get(criterion.id)})
        rows.append({"application": application, "people": people, "lines": lines,
                     "flagged": any(line["flagged"] for line in lines),
                     "submitted": sum(1 for p in people if p["submitted"])})
    return rows


def consensus_set(*, actor: Any, application: Application, criterion: str, score: Any,
                  reason: str) -> ConsensusScore:
    """Set (or change) the consensus score of one criterion, validated against its scale."""
    criteria = {c.id: c for c in criteria_of(application.call)}
    errors: dict[str, str] = {}
    view = criteria.get(criterion)
    if view is None:
        errors["criterion"] = _("Unknown criterion.")
    try:
        value = Decimal(str(score).strip())
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["score"] = _("Enter a number.")
        value = Decimal(0)
    if view is not None and "score" not in errors:
        if value != value.to_integral_value():
            errors["score"] = _("Enter a whole number.")
        elif not view.minimum <= value <= view.maximum:
            errors["score"] = _("Choose a score from %(min)s to %(max)s.") % {"min": view.minimum,
                                                                             "max": view.maximum}
    if not reason.strip():
        errors["reason"] = _("A reason is required.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = ConsensusScore.objects.select_for_update().filter(application=application,
                                                                     criterion=criterion).first()
        before = None if existing is None else {"score": existing.score, "reason": existing.reason}
        row = existing or ConsensusScore(application=application, criterion=criterion)
        row.score, row.reason, row.set_by = value, reason.strip(), actor
        row.save()
        audit_record(action="asis.consensus.set", actor=actor, obj=row,
                     organisation_id=application.call.organisation_id, before=before,
                     after={"application": application.pk, "criterion": criterion, "score": value,
                            "reason": row.reason})
    return row


def consensus_remove(*, actor: Any, application: Application, criterion: str) -> None:
    row = ConsensusScore.objects.filter(application=application, criterion=criterion).first()
    if row is None:
        raise ValidationError({"criterion": _("There is no consensus score for this criterion.")})
    with transaction.atomic():
        audit_record(action="asis.consensus.removed", actor=actor, obj=row,
                     organisation_id=application.call.organisation_id,
                     before={"application": application.pk, "criterion": criterion, "score": row.score,
                             "reason": row.reason})
        row.delete()
