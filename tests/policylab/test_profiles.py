"""Region profiles: figures against counts made independently in Python over the test data, the
simulation band against the engine's own runs, frozen figures returned as stored, a fixed number of
queries for a chapter of 42 profiles, and the partial (chart + table) rendered in German."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import numpy as np
import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from asis.accounts.models import Organisation
from asis.calls.models import Application, FundedProject
from asis.core.formatting import number
from asis.engines.simulation.experiments import run_chunk
from asis.impact.models import Report, ReportingPeriod
from asis.observatory.models import Challenge, Initiative
from asis.policylab import adapters, demo
from asis.policylab.models import Comparison, Visibility
from asis.policylab.models_whitebook import Chapter, Paragraph
from asis.policylab.whitebook.profiles import profile_figures, profiles_figures
from asis.regions.models import Region
from tests.impact.helpers import make_project
from tests.policylab.evidence_helpers import make_edition, make_scenario

pytestmark = pytest.mark.django_db
CODES = ("AT33", "FRK2", "ITC1")


def _initiatives() -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in=CODES)}
    challenges = list(Challenge.objects.order_by("pk")[:3])
    stages = list(Initiative.Stage.values)
    for n in range(12):
        status = Initiative.Status.PUBLISHED if n % 4 else Initiative.Status.SUBMITTED
        initiative = Initiative.objects.create(title=f"I{n}", summary="s", status=status, stage=stages[n % 5],
                                               people_reached=10 * n)
        initiative.regions.set([regions[CODES[n % 3]]] + ([regions["ITC1"]] if n % 5 == 0 else []))
        initiative.challenges.set(challenges[: 1 + n % 3])


def _funding(world) -> None:
    holder = world.users["project_holder"]
    p1 = make_project(world.org, holder, grant=Decimal("40000"), periods=2)
    p2 = make_project(world.org, holder, grant=Decimal("25000.50"), periods=1)
    make_project(world.org, holder, grant=Decimal("10000"))
    Application.objects.filter(pk=p2.application_id).update(region=Region.objects.get(code="FRK2"))
    for project, statuses in ((p1, ["validated", "validated"]), (p2, ["submitted"])):
        for period, status in zip(ReportingPeriod.objects.filter(project=project).order_by("number"), statuses,
                                  strict=True):
            Report.objects.create(project=project, period=period, status=status, validated_at=timezone.now())


def _expected(code: str) -> dict:
    """The same figures counted in Python, object by object."""
    published = [i for i in Initiative.objects.prefetch_related("regions", "challenges")
                 if i.status == "published" and code in {r.code for r in i.regions.all()}]
    stages = Counter(i.stage for i in published)
    challenges = Counter(c.code for i in published for c in i.challenges.all())
    projects = [p for p in FundedProject.objects.select_related("application__region")
                if p.application.region and p.application.region.code == code]
    reports = [r for r in Report.objects.select_related("project__application__region")
               if r.status == "validated" and r.project.application.region.code == code]
    return {
        "initiatives": len(published), "people": sum(i.people_reached or 0 for i in published),
        "stages": dict(stages.items()), "challenges": dict(challenges),
        "organisations": sum(1 for o in Organisation.objects.select_related("region")
                             if o.status == "published" and o.region and o.region.code == code),
        "applications": sum(1 for a in Application.objects.select_related("region")
                            if a.status == "submitted" and a.region and a.region.code == code),
        "funded": len(projects), "granted": float(sum(p.grant for p in projects)),
        "projects_reporting": len({r.project_id for r in reports}), "validated_reports": len(reports),
    }


def _profiles(edition, codes):
    chapter = Chapter.objects.create(edition=edition, position=3, kind=Chapter.Kind.REGION_PROFILES, title="Regions")
    return [Paragraph.objects.create(chapter=chapter, position=n, kind=Paragraph.Kind.REGION_PROFILE,
                                     region=Region.objects.get(code=code)) for n, code in enumerate(codes, start=1)]


def test_figures_match_independent_counts(world):
    _initiatives()
    _funding(world)
    paragraphs = _profiles(make_edition(), CODES)
    for paragraph in paragraphs:
        code = paragraph.region.code
        figures = profile_figures(paragraph)
        expected = _expected(code)
        obs, calls, impact = figures["observatory"], figures["calls"], figures["impact"]
        assert obs["initiatives"] == expected["initiatives"], code
        assert obs["people_reached"] == expected["people"], code
        assert {s["key"]: s["n"] for s in obs["by_stage"]} == expected["stages"], code
        assert {c["key"]: c["n"] for c in obs["by_challenge"]} == expected["challenges"], code
        assert obs["organisations"] == expected["organisations"], code
        assert calls["applications"] == expected["applications"], code
        assert calls["funded"] == expected["funded"], code
        assert calls["granted_eur"] == pytest.approx(expected["granted"]), code
        assert impact == {"projects_reporting": expected["projects_reporting"],
                          "validated_reports": expected["validated_reports"]}, code
        assert figures["simulation"] is None
    # the data really differ between regions (the test could fail)
    assert _expected("AT33")["funded"] == 2 and _expected("FRK2")["funded"] == 1
    assert _expected("ITC1")["initiatives"] > _expected("AT33")["initiatives"]


def test_simulation_band_from_the_public_comparison(world):
    manager = world.users["manager"]
    runs = []
    for name, levers in (("Base", {}), ("Social", {"social_weight": 0.7})):
        scenario = make_scenario(manager, world.org, name=name, visibility=Visibility.PUBLIC,
                                 levers=levers, n_runs=6, horizon_years=3, agents=420)
        runs.append(demo.simulate_scenario(scenario, timezone.now()))
    comparison = Comparison.objects.create(name="Pair", owner=manager, visibility=Visibility.PUBLIC,
                                           baseline=runs[1])
    comparison.runs.set(runs)
    # a newer private comparison is not used
    Comparison.objects.create(name="Private", owner=manager, visibility=Visibility.PRIVATE).runs.set(runs[:1])
    (paragraph,) = _profiles(make_edition(), ["AT33"])
    simulation = profile_figures(paragraph)["simulation"]
    assert simulation["comparison_name"] == "Pair" and simulation["horizon_years"] == 3
    assert [p["scenario"] for p in simulation["projections"]] == ["Social", "Base"]  # reference first
    for projection, run in zip(simulation["projections"], runs[::-1], strict=True):
        result = run_chunk(adapters.runspec(run.spec), 0, run.n_runs)  # recomputed by the engine
        column = result.codes.index("AT33")
        values = result.data["active"][:, -1, column]
        assert projection["median"] == pytest.approx(np.percentile(values, 50), abs=0.01)
        assert projection["low"] == pytest.approx(np.percentile(values, 5), abs=0.01)
        assert projection["high"] == pytest.approx(np.percentile(values, 95), abs=0.01)
        assert projection["mean"] == pytest.approx(values.mean(), abs=0.01)
    with translation.override("de"):
        html = render_to_string("policylab/whitebook/_profile.html",
                                {"paragraph": paragraph, "figures": profile_figures(paragraph)})
        mean = number(simulation["projections"][0]["mean"], 1)
    assert "<svg" in html and '<th scope="row">Social</th>' in html and '<th scope="row">Base</th>' in html
    assert 'role="img"' in html and 'id="profile-chart-AT33"' in html
    assert "aria-roledescription" not in html and "aria-label=" not in html  # no English Vega ARIA texts
    assert f"<td>{mean}</td>" in html and ("," in mean or "." not in mean)  # German decimal mark


def test_frozen_figures_are_returned_as_stored(world):
    (paragraph,) = _profiles(make_edition(), ["AT33"])
    Paragraph.objects.filter(pk=paragraph.pk).update(figures={"version": 1, "frozen": True})
    paragraph.refresh_from_db()
    assert profile_figures(paragraph) == {"version": 1, "frozen": True}


def test_chapter_of_42_profiles_has_a_fixed_query_count(world, django_assert_max_num_queries):
    _initiatives()
    _funding(world)
    paragraphs = _profiles(make_edition(), list(Region.objects.order_by("code").values_list("code", flat=True)))
    assert len(paragraphs) == 42
    with django_assert_max_num_queries(16):
        figures = profiles_figures(paragraphs)
    assert len(figures) == 42 and figures[paragraphs[0].pk]["region"]["code"] == paragraphs[0].region.code
    assert sum(f["observatory"]["initiatives"] for f in figures.values()) == sum(
        _expected(c)["initiatives"] for c in CODES)
    # one paragraph at a time, as a page looping over its chapter does: still a fixed count
    chapter = Chapter.objects.prefetch_related("paragraphs").get(pk=paragraphs[0].chapter_id)
    with django_assert_max_num_queries(18):
        one_by_one = {p.pk: profile_figures(p) for p in chapter.paragraphs.all()}
    assert one_by_one == figures
