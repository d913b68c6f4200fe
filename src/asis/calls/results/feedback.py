"""What an applicant may see of the evaluation of their application: the aggregated score per
criterion and the evaluators' comments without their names -- only when the call shares them
(``Call.share_scores``) and only once the decision letter was sent."""

from __future__ import annotations

from typing import Any

from asis.calls.models import Application, DecisionLetter, ResultSet, Review
from asis.calls.results.reasons import criterion_names


def feedback_for(application: Application, language: str) -> dict[str, Any] | None:
    """The scores and anonymised comments of ``application`` in ``language``, or None when the
    applicant may not see them (the call does not share them, or the decision is not sent)."""
    call = application.call
    if not call.share_scores or not DecisionLetter.objects.filter(application=application).exists():
        return None
    names = criterion_names(call, language)
    result = ResultSet.objects.filter(call=call).order_by("-created_at", "-pk").first()
    row = next((r for r in (result.data.get("applications", []) if result else []) if r["id"] == application.pk),
               None)
    scales = {c["id"]: c for c in (result.data.get("criteria", []) if result else [])}
    scores = [{"name": names.get(key, ""), "value": value, "max": scales.get(key, {}).get("max")}
              for key, value in (row or {}).get("criterion_scores", {}).items() if key in names]
    # No evaluator, assignment or review id reaches the page: only the texts, in a fixed order.
    reviews = (Review.objects.filter(assignment__application=application, status=Review.Status.SUBMITTED)
               .prefetch_related("scores").order_by("submitted_at", "pk"))
    comments: list[str] = []
    justifications: list[dict[str, str]] = []
    for review in reviews:
        if review.comment.strip():
            comments.append(review.comment.strip())
        for score in review.scores.all():  # type: ignore[attr-defined]
            if score.justification.strip() and score.criterion in names:
                justifications.append({"criterion": names[score.criterion], "text": score.justification.strip()})
    justifications.sort(key=lambda j: j["criterion"])
    return {"scores": scores, "score": (row or {}).get("score"), "rank": (row or {}).get("rank"),
            "comments": comments, "justifications": justifications}
