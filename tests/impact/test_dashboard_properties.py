"""Property tests of the adapter between per-project figures and the engine: units never mixed,
each rule applied, every excluded figure named (no database: unsaved indicators)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from asis.impact.models import Indicator
from asis.impact.rollups import ProjectFacts, ProjectFigure, rollup_indicator

figures = st.lists(st.tuples(st.integers(1, 8), st.sampled_from(["persons", "persons", "hours", "eur"]),
                             st.floats(0, 1e6, allow_nan=False), st.sampled_from(["", "sex=female", "sex=male"])),
                   min_size=1, max_size=40)


def _figures(rows: list[tuple[int, str, float, str]]) -> list[ProjectFigure]:
    return [ProjectFigure(p, 1, unit, dis, v, None, date(2025, 12, 31), 1) for p, unit, v, dis in rows]


FACTS = {p: ProjectFacts(p, f"REF-{p}", "AT33" if p % 2 else "ITC1", 1, ("ageing",)) for p in range(1, 9)}


@settings(max_examples=60, deadline=None)
@given(figures, st.sampled_from(["sum", "mean", "max", "last"]))
def test_only_compatible_units_are_rolled_up_and_the_rest_is_named(rows, rule):
    indicator = Indicator(code="prop", name="Persons", unit="persons", aggregation=rule, values_mode="per_period")
    result = rollup_indicator(indicator, _figures(rows), FACTS, dimensions=("region", "sex"))
    totals = [(p, v) for p, unit, v, dis in rows if unit == "persons" and not dis]
    per_project: dict[int, float] = {}
    for p, v in totals:
        per_project[p] = per_project.get(p, 0.0) + v
    expected = {"sum": sum, "last": sum, "max": max,
                "mean": lambda xs: sum(xs) / len(xs)}[rule](list(per_project.values())) if per_project else None
    if expected is None:
        assert result.total.value is None
    else:
        assert abs(result.total.value - expected) <= 1e-6 * max(1.0, abs(expected))
    assert result.total.n_projects == len(per_project)
    wrong = sorted((p, unit) for p, unit, _v, dis in rows if unit != "persons" and not dis)
    assert sorted((e.project_id, e.params["unit"]) for e in result.excluded) == wrong
    assert all(e.code == "incompatible_unit" for e in result.excluded)
    region_projects = sum(f.n_projects for f in result.breakdowns.get("region", ()))
    assert region_projects == len(per_project)  # each project in exactly one region
