"""Builders for the results part's tests: a call in evaluation with scored, eligible applications."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from asis.calls.models import Application
from asis.engines.grids import load_builtin
from tests.calls.helpers import assign, make_application, make_call, make_evaluator
from tests.calls.helpers import score_review as _score_review
from tests.conftest import make_user

CRITERIA = load_builtin("asis").criterion_ids
ORDINAL = [c for c in CRITERIA if c != "programme_relevance"]


def full_scores(level: float, **overrides: float) -> dict[str, float]:
    scores = dict.fromkeys(ORDINAL, level)
    scores["programme_relevance"] = 1
    scores.update(overrides)
    return scores


def scored_call(world: Any, levels: list[list[float]], *, requested: list[Decimal] | None = None,
                **call_fields: Any) -> tuple[Any, list[Application], list[Any]]:
    """A call in evaluation; application i gets, from evaluator j, ``levels[i][j]`` on every criterion."""
    call = make_call(world.org, phase="evaluation", **call_fields)
    n_eval = max(len(row) for row in levels)
    evaluators = [make_evaluator(call, make_user(f"results-eval{j}-{call.pk}@example.org"))
                  for j in range(n_eval)]
    apps = []
    for i, row in enumerate(levels):
        app = make_application(call, world.users["project_holder"], world.org,
                               eligibility=Application.Eligibility.ELIGIBLE, title=f"Project {chr(65 + i)}",
                               requested=(requested[i] if requested else Decimal("50000")))
        for j, level in enumerate(row):
            _score_review(assign(evaluators[j], app), full_scores(level))
        apps.append(app)
    return call, apps, evaluators
