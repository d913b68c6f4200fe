"""Permission rules of the results part (run results, comparisons, exports, the brief), merged
into the matrix. The world's objects are private to the programme manager of w.org: only they and
platform admins get through; everybody else gets a 404. Share keys and policy-officer
memberships are proven in tests/policylab/test_results.py."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import Rule

OWNER = frozenset({"manager", "platform_admin"})
OFFICERS = frozenset({"manager", "other_manager", "platform_admin"})


def world_comparison(w: Any) -> Any:
    from asis.policylab.models import Comparison
    from tests.policylab.results_helpers import make_comparison, make_run

    comparison = Comparison.objects.filter(organisation=w.org, name="Rules: comparison").first()
    if comparison is None:
        manager = w.users["manager"]
        runs = [make_run(owner=manager, organisation=w.org, name="Rules: reference", budget=1_000_000.0),
                make_run(owner=manager, organisation=w.org, name="Rules: more budget", budget=4_000_000.0)]
        comparison = make_comparison(owner=manager, organisation=w.org, runs=runs, name="Rules: comparison")
    return comparison


def _run(w: Any, **extra: Any) -> dict[str, Any]:
    return {"run_id": world_comparison(w).baseline_id, **extra}


def _comparison(w: Any, **extra: Any) -> dict[str, Any]:
    return {"comparison_id": world_comparison(w).pk, **extra}


RULES = {
    "policylab:run_results": Rule(OWNER, kwargs=_run),
    "policylab:run_export": Rule(OWNER, kwargs=lambda w: _run(w, fmt="csv")),
    "policylab:compare_new": Rule(OFFICERS),
    "policylab:comparison": Rule(OWNER, kwargs=_comparison),
    "policylab:comparison_update": Rule(OWNER, method="POST", kwargs=_comparison,
                                        data={"name": "Rules: comparison", "visibility": "private"}),
    "policylab:comparison_sensitivity": Rule(OWNER, method="POST", kwargs=_comparison,
                                             data={"scenario": "", "outcome": "active"}),
    "policylab:comparison_export": Rule(OWNER, kwargs=lambda w: _comparison(w, fmt="xlsx")),
    "policylab:comparison_pdf": Rule(OWNER, kwargs=_comparison),
}
