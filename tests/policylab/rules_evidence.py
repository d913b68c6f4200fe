"""Permission rules of the white book's evidence pages: editors (platform admins in the matrix) and
policy officers (programme managers count as policy officers); 404 for everybody else."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import Rule

OFFICERS = frozenset({"manager", "other_manager", "platform_admin"})


def world_recommendation(w: Any) -> Any:
    from asis.policylab.models_whitebook import Edition, Paragraph
    from tests.policylab.evidence_helpers import make_edition, make_recommendation

    paragraph = Paragraph.objects.filter(text="Rules: recommendation").first()
    if paragraph is None:
        number = (Edition.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        paragraph = make_recommendation(make_edition(number), text="Rules: recommendation")
    return paragraph


def world_comparison(w: Any) -> Any:
    from asis.policylab.models import Comparison, Visibility
    from tests.policylab.evidence_helpers import make_comparison

    comparison = Comparison.objects.filter(name="Rules: public comparison").first()
    return comparison or make_comparison(w.users["manager"], w.org, name="Rules: public comparison",
                                         visibility=Visibility.PUBLIC)


RULES = {
    "policylab:whitebook_evidence": Rule(OFFICERS, kwargs=lambda w: {"paragraph_id": world_recommendation(w).pk}),
    "policylab:comparison_to_evidence": Rule(OFFICERS, kwargs=lambda w: {"comparison_id": world_comparison(w).pk}),
}
