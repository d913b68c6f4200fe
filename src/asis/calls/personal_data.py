"""The funding-call part of a person's data: its GDPR export and its erasure.

Called through the hooks in ``asis.accounts.services`` (``PERSONAL_DATA_EXPORTS`` and
``PERSONAL_DATA_ERASERS``), so accounts does not import the calls module.
"""

from __future__ import annotations

from typing import Any

from asis.calls.models import (
    Application,
    CallSubscription,
    CoApplicant,
    Evaluator,
    Notification,
    Review,
    SelfAssessment,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export(user: Any) -> dict[str, Any]:
    applications = Application.objects.filter(applicant=user).select_related("call").order_by("pk")
    return {
        "applications": [
            {"reference": a.reference, "call": a.call.title, "title": a.title, "status": a.status,
             "eligibility": a.eligibility, "decision": a.decision, "created_at": _iso(a.created_at),
             "submitted_at": _iso(a.submitted_at), "receipt_digest": a.receipt_digest}
            for a in applications
        ],
        "co_applications": [
            {"reference": c.application.reference, "title": c.application.title, "added_at": _iso(c.added_at)}
            for c in CoApplicant.objects.filter(user=user).select_related("application").order_by("pk")
        ],
        "self_assessments": [
            {"project_title": s.project_title, "answers": s.answers, "notes": s.notes,
             "created_at": _iso(s.created_at)}
            for s in SelfAssessment.objects.filter(user=user).order_by("pk")
        ],
        "evaluator_roles": [
            {"call": e.call.title, "status": e.status, "external": e.external, "invited_at": _iso(e.invited_at)}
            for e in Evaluator.objects.filter(user=user).select_related("call").order_by("pk")
        ],
        "reviews": [
            {"application": r.assignment.application.reference, "status": r.status, "comment": r.comment,
             "submitted_at": _iso(r.submitted_at),
             "scores": {s.criterion: (str(s.score) if s.score is not None else None) for s in r.scores.all()}}
            for r in Review.objects.filter(assignment__evaluator__user=user)
            .select_related("assignment__application").prefetch_related("scores").order_by("pk")
        ],
        "notifications": [
            {"kind": n.kind, "subject": n.subject, "language": n.language, "status": n.status,
             "time": _iso(n.created_at)}
            for n in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "call_subscriptions": [
            {"call": c.call.title, "email": c.email, "language": c.language, "confirmed_at": _iso(c.confirmed_at),
             "notified_at": _iso(c.notified_at)}
            for c in CallSubscription.objects.filter(user=user).select_related("call").order_by("pk")
        ],
    }


def erase(user: Any) -> None:
    """Applications, reviews and scores stay (they are records of public funding decisions and
    point to the pseudonymous account); the e-mail log forgets the address and the text sent,
    and self-assessments are detached from the person."""
    Notification.objects.filter(recipient=user).update(email="", body="")
    Notification.objects.filter(recipient__isnull=True, email__iexact=user.email).update(email="", body="")
    SelfAssessment.objects.filter(user=user).update(user=None)
    CallSubscription.objects.filter(user=user).delete()
    CallSubscription.objects.filter(email__iexact=user.email).delete()


def purge(cutoff: Any) -> dict[str, int]:
    """Anonymous self-assessments older than the retention period that no application uses, and
    "notify me" subscriptions made before it whose notice is sent, never confirmed or no longer due
    (a subscription to a call announced long ahead still waits for its opening)."""
    from django.db.models import Q
    from django.utils import timezone

    expired = SelfAssessment.objects.filter(created_at__lt=cutoff, user__isnull=True, applications__isnull=True)
    subscriptions = CallSubscription.objects.filter(created_at__lt=cutoff).filter(
        Q(notified_at__isnull=False) | Q(confirmed_at__isnull=True) | Q(call__closes_at__lt=timezone.now()))
    return {"self_assessments": expired.delete()[0], "call_subscriptions": subscriptions.delete()[0]}
