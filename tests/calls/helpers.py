"""Builders for calls tests: a call in any phase, applications, evaluators, assignments, reviews.

They write rows directly (no services) so each part's tests can set up the state they need;
the services themselves are tested through their own entry points.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from asis.accounts.models import Organisation
from asis.calls.models import Application, Assignment, Call, Evaluator, Review, ReviewScore
from asis.engines.grids import load_builtin
from asis.regions.models import Region

_refs = count(1)

PHASE_TIMES = {
    # phase: (opens_at offset, closes_at offset) from now
    "announced": (timedelta(days=5), timedelta(days=30)),
    "open": (timedelta(days=-5), timedelta(days=20)),
    "evaluation": (timedelta(days=-40), timedelta(days=-1)),
}


def make_call(organisation: Organisation, *, phase: str = "open", title: str = "Social innovation in the Alps",
              **fields: Any) -> Call:
    """A call of ``organisation``; ``phase`` one of draft, announced, open, evaluation, decided."""
    now = timezone.now()
    opens, closes = PHASE_TIMES.get(phase, PHASE_TIMES["open"])
    status = {"draft": Call.Status.DRAFT, "decided": Call.Status.RESULTS}.get(phase, Call.Status.PUBLISHED)
    if phase == "decided":
        opens, closes = PHASE_TIMES["evaluation"]
    defaults: dict[str, Any] = {
        "title": title, "description": "Grants for social innovation projects.", "budget": Decimal("500000"),
        "min_grant": Decimal("10000"), "max_grant": Decimal("100000"), "cofunding_rate": Decimal("80"),
        "opens_at": now + opens, "closes_at": now + closes, "status": status,
        "grid": load_builtin("asis").to_dict(), "grid_template": "asis",
        "eligibility_checklist": [
            {"id": "region", "text": "The project takes place in an eligible region."},
            {"id": "cofunding", "text": "The co-funding rate is respected."},
        ],
        "custom_questions": [], "ranking_methods": ["weighted_sum", "topsis"],
        "published_at": None if status == Call.Status.DRAFT else now + opens - timedelta(days=1),
        "version": 0 if status == Call.Status.DRAFT else 1,
    }
    defaults.update(fields)
    call = Call(organisation=organisation, **defaults)
    call.save()
    return call


def make_application(call: Call, applicant: Any, organisation: Organisation, *, submitted: bool = True,
                     title: str | None = None, eligibility: str = Application.Eligibility.PENDING,
                     requested: Decimal = Decimal("50000"), region_code: str = "AT33", **fields: Any) -> Application:
    n = next(_refs)
    application = Application.objects.create(
        call=call, applicant=applicant, organisation=organisation, reference=f"T{call.pk}-{n:05d}",
        title=title or f"Test project {n}", summary="A project for the tests.",
        region=Region.objects.get(code=region_code), requested_amount=requested, total_cost=requested * 2,
        status=Application.Status.SUBMITTED if submitted else Application.Status.DRAFT,
        submitted_at=timezone.now() if submitted else None, eligibility=eligibility, **fields)
    return application


def make_evaluator(call: Call, user: Any, *, status: str = Evaluator.Status.ACCEPTED, **fields: Any) -> Evaluator:
    evaluator, _ = Evaluator.objects.get_or_create(call=call, user=user, defaults={"status": status, **fields})
    return evaluator


def assign(evaluator: Evaluator, application: Application, **fields: Any) -> Assignment:
    assignment, _ = Assignment.objects.get_or_create(evaluator=evaluator, application=application,
                                                     defaults=fields)
    return assignment


def score_review(assignment: Assignment, scores: dict[str, float], *, submit: bool = True) -> Review:
    review, _ = Review.objects.get_or_create(assignment=assignment)
    for criterion, value in scores.items():
        ReviewScore.objects.update_or_create(review=review, criterion=criterion,
                                             defaults={"score": Decimal(str(value)), "justification": "Reasoned."})
    if submit:
        review.status = Review.Status.SUBMITTED
        review.submitted_at = timezone.now()
        review.save()
    return review
