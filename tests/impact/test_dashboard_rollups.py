"""The dashboards' figures equal an independent computation from the raw rows, for every
aggregation rule and a ratio; incompatible units are left out and named; unvalidated reports never count."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from django.urls import reverse

from asis.calls.models import FundedProject
from asis.impact import rollups
from asis.impact.models import Report, ReportValue
from tests.impact.dashboard_data import value
from tests.impact.helpers import make_indicator, make_project, monitor

RULES = [
    ("sum", "per_period", False, "persons"),
    ("mean", "per_period", False, "persons"),
    ("weighted_mean", "cumulative", False, "score"),
    ("last", "per_period", False, "jobs"),
    ("max", "cumulative", False, "eur"),
    ("sum", "per_period", True, "percent"),
]


def independent(rule: str, mode: str, is_ratio: bool, rows: list[tuple[int, int, float, float | None]]) -> float:
    """From (project, period, value, denominator) rows of validated totals, without the engine."""
    latest: dict[int, int] = {}
    for p, n, _v, _d in rows:
        latest[p] = max(latest.get(p, 0), n)
    use = [r for r in rows if not (mode == "cumulative" or rule == "last") or r[1] == latest[r[0]]]
    values: dict[int, float] = defaultdict(float)
    dens: dict[int, float] = defaultdict(float)
    for p, _n, v, d in use:
        values[p] += v
        dens[p] += d or 0.0
    if is_ratio:
        return sum(values.values()) / sum(dens.values()) * 100
    if rule in ("sum", "last"):
        return sum(values.values())
    if rule == "mean":
        return sum(values.values()) / len(values)
    if rule == "max":
        return max(values.values())
    return sum(dens[p] * values[p] for p in values) / sum(dens.values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dashboard_equals_an_independent_computation(world, seed):
    rng = random.Random(seed)
    indicators = [make_indicator(name=f"Rule {rule} {mode}", unit=unit, aggregation=rule, values_mode=mode,
                                 is_ratio=is_ratio) for rule, mode, is_ratio, unit in RULES]
    raw: dict[int, list[tuple[int, int, float, float | None]]] = defaultdict(list)
    for k in range(4):
        project = make_project(world.org, world.users["project_holder"], title=f"P{seed}-{k}", periods=3)
        for indicator in indicators:
            pi = monitor(project, indicator)
            for number in range(1, rng.randint(1, 3) + 1):
                amount = round(rng.uniform(0, 500), 2)
                den = round(rng.uniform(1, 50), 2) if indicator.is_ratio or indicator.aggregation == "weighted_mean" \
                    else None
                if indicator.is_ratio:
                    amount = round(rng.uniform(0, den), 2)
                value(project, pi, number, amount, denominator=den)
                raw[indicator.pk].append((project.pk, number, amount, den))
        # A submitted (not validated) report's values never count.
        if project.periods.filter(report__isnull=True).exists():
            free = project.periods.filter(report__isnull=True).first().number
            value(project, project.monitored_indicators.first(), free, 99999, status=Report.Status.SUBMITTED)
    dash = rollups.dashboard(FundedProject.objects.filter(application__call__organisation=world.org), scope="t")
    got = {r.indicator_id: r.total for r in dash.rollups}
    for indicator, (rule, mode, is_ratio, _unit) in zip(indicators, RULES, strict=True):
        expected = independent(rule, mode, is_ratio, raw[indicator.pk])
        assert got[indicator.pk].value == pytest.approx(expected, rel=1e-9), indicator.name
        assert got[indicator.pk].n_projects == len({p for p, *_r in raw[indicator.pk]})


def test_an_incompatible_unit_is_left_out_and_named(world):
    indicator = make_indicator(name="People trained", unit="persons")
    a = make_project(world.org, world.users["project_holder"], title="A", periods=2)
    b = make_project(world.org, world.users["project_holder"], title="B", periods=2)
    value(a, monitor(a, indicator), 1, 10)
    pi_b = monitor(b, indicator)
    value(b, pi_b, 1, 5)
    value(b, pi_b, 2, 40, unit="hours")
    dash = rollups.dashboard(FundedProject.objects.filter(pk__in=[a.pk, b.pk]), scope="u")
    (result,) = dash.rollups
    assert result.total.value == 15 and result.total.n_projects == 2
    assert [(e.project_id, e.code) for e in result.excluded] == [(b.pk, "incompatible_unit")]
    page = world.client_for("manager").get(reverse("impact:programme_dashboard", args=[world.org.pk]))
    text = page.content.decode()
    assert b.application.reference in text and "hours" in text and "cannot be added" in text


def test_breakdowns_by_sex_region_and_challenge(world):
    from asis.observatory.models import Challenge

    indicator = make_indicator(name="Participants", unit="persons", disaggregations=["sex"])
    projects = [make_project(world.org, world.users["project_holder"], title=f"S{k}", periods=1) for k in range(2)]
    challenge = Challenge.objects.first()
    if challenge is not None:
        projects[0].application.challenges.add(challenge)
    for k, project in enumerate(projects):
        pi = monitor(project, indicator)
        value(project, pi, 1, 10 + k)
        value(project, pi, 1, 6, disaggregation="sex=female")
        value(project, pi, 1, 4 + k, disaggregation="sex=male")
    dash = rollups.dashboard(FundedProject.objects.filter(pk__in=[p.pk for p in projects]), scope="s")
    (result,) = dash.rollups
    assert result.total.value == 21
    sex = {f.group: (f.value, f.n_projects) for f in result.breakdowns["sex"]}
    assert sex == {"female": (12, 2), "male": (9, 2)}
    region = projects[0].application.region.code
    assert {f.group: f.value for f in result.breakdowns["region"]} == {region: 21}
    if challenge is not None:
        assert {f.group: f.value for f in result.breakdowns["challenge"]} == {challenge.code: 10}


def test_sql_hands_the_engine_per_project_figures(world):
    indicator = make_indicator(name="Flows", unit="persons")
    cumulative = make_indicator(name="Levels", unit="jobs", values_mode="cumulative")
    project = make_project(world.org, world.users["project_holder"], title="F", periods=3)
    pi, pc = monitor(project, indicator), monitor(project, cumulative)
    for n in (1, 2, 3):
        value(project, pi, n, n)
        value(project, pc, n, 10 * n)
    figures = rollups.project_figures(FundedProject.objects.filter(pk=project.pk))
    by = {f.indicator_id: f for f in figures}
    assert len(figures) == 2  # one row per project and indicator, not one per value
    assert (by[indicator.pk].value, by[indicator.pk].n_values) == (6, 3)
    assert (by[cumulative.pk].value, by[cumulative.pk].n_values) == (30, 1)
    assert ReportValue.objects.count() == 6
