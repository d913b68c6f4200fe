"""The policy-lab demo step: public scenarios with finished runs, a public comparison, edition 1 of
the white book adopted (texts in five languages, recommendations along every axis with evidence,
one frozen region profile per region) and edition 2 started as a draft. Deterministic and fast."""

from __future__ import annotations

import time

import pytest

from asis.demo import generator
from asis.demo.generator import DemoSize, demo_generate
from asis.observatory.models import Axis
from asis.policylab import adapters, demo
from asis.policylab.models import Comparison, RunChunk, Scenario, SimulationRun, Visibility
from asis.policylab.models_whitebook import Chapter, Edition, Evidence, Paragraph
from asis.regions.models import Region

SIZE = DemoSize(organisations_per_region=2, members_per_organisation=1, initiatives=300)
LANGUAGES = ("en", "fr", "de", "it", "sl")


@pytest.mark.django_db
def test_demo_step(monkeypatch):
    monkeypatch.setattr(generator, "DEMO_STEPS", tuple(s for s in generator.DEMO_STEPS if s != "asis.policylab.demo"))
    demo_generate(seed=5, size=SIZE)
    started = time.perf_counter()
    counts = demo.generate(rng=None, size=SIZE, progress=None)
    seconds = time.perf_counter() - started
    print(f"policylab demo step: {seconds:.1f} s")  # noqa: T201 (the report quotes it)
    assert seconds < 30
    assert counts == {"policylab_scenarios": 4, "policylab_comparisons": 1, "whitebook_editions": 2}
    assert demo.generate(rng=None, size=SIZE, progress=None) == {"policylab_scenarios": 0}  # once only

    # scenarios: public, each with one finished run in chunks that add up to the summary
    scenarios = list(Scenario.objects.order_by("created_at"))
    assert [s.name for s in scenarios] == [name for _key, name, _levers in demo.SCENARIOS]
    assert {s.visibility for s in scenarios} == {Visibility.PUBLIC}
    for scenario in scenarios:
        run = scenario.runs.get()
        assert run.status == SimulationRun.Status.SUCCEEDED and run.summary["n_runs"] == demo.N_RUNS
        assert sum(c.stop - c.start for c in RunChunk.objects.filter(run=run, data__isnull=False)) == demo.N_RUNS
    # deterministic: the stored summary is what the engine gives for the frozen specification
    from asis.engines.simulation.experiments import run_chunk

    run = scenarios[1].runs.get()
    assert adapters.summarise_result(run_chunk(adapters.runspec(run.spec), 0, run.n_runs)) == run.summary
    # the levers make a difference the comparison can show
    totals = {s.name: s.runs.get().summary["indicators"]["active"]["total_mean"][-1] for s in scenarios}
    assert totals["Training and cooperation"] > totals["Current policy"]
    comparison = Comparison.objects.get()
    assert comparison.visibility == Visibility.PUBLIC and comparison.runs.count() == 4
    assert comparison.baseline.scenario.name == "Current policy"

    # edition 1 adopted, edition 2 a draft with the same lineages
    first, second = Edition.objects.order_by("number")
    assert (first.status, second.status) == (Edition.Status.ADOPTED, Edition.Status.DRAFT)
    assert second.previous_id == first.pk
    assert set(Paragraph.objects.filter(chapter__edition=first).values_list("lineage", flat=True)) == set(
        Paragraph.objects.filter(chapter__edition=second).values_list("lineage", flat=True))
    kinds = list(first.chapters.order_by("position").values_list("kind", flat=True))
    assert kinds == [Chapter.Kind.TEXT, Chapter.Kind.RECOMMENDATIONS, Chapter.Kind.REGION_PROFILES, Chapter.Kind.TEXT]
    # every text in five languages
    for obj, field in [(first, "title"), (first, "introduction")] + [
            (c, "title") for c in first.chapters.all()] + [
            (p, "text") for p in Paragraph.objects.filter(chapter__edition=first)]:
        assert {lang: obj.translation_status(lang, field) for lang in LANGUAGES} == {
            "en": "original", **dict.fromkeys(LANGUAGES[1:], "current")}, (obj, field)
    # two recommendations per axis, each with evidence; every kind of evidence appears
    recommendations = Paragraph.objects.filter(chapter__edition=first, kind=Paragraph.Kind.RECOMMENDATION)
    assert sorted(recommendations.values_list("axis__code", flat=True)) == sorted(
        2 * list(Axis.objects.values_list("code", flat=True)))
    assert all(p.evidence.exists() for p in recommendations)
    assert set(Evidence.objects.filter(paragraph__chapter__edition=first).values_list("kind", flat=True)) == set(
        Evidence.Kind.values)
    # one region profile per region, figures frozen, with the simulation from the public comparison
    profiles = Paragraph.objects.filter(chapter__edition=first, kind=Paragraph.Kind.REGION_PROFILE)
    assert profiles.count() == Region.objects.count() == 42
    assert not profiles.filter(figures__isnull=True).exists()
    figures = profiles.get(region__code="AT33").figures
    assert [p["scenario"] for p in figures["simulation"]["projections"]][0] == "Current policy"
    assert figures["observatory"]["initiatives"] > 0
    assert sum(p.figures["calls"]["funded"] for p in profiles) > 0
    # the draft's profiles are live again
    assert not Paragraph.objects.filter(chapter__edition=second, kind=Paragraph.Kind.REGION_PROFILE,
                                        figures__isnull=False).exists()
    # clearing the demo calls clears the white book and the scenarios that cite them first
    from asis.calls.demo import clear

    monkeypatch.undo()  # the policy-lab step is back among the demo steps
    clear()
    assert not Edition.objects.exists() and not Scenario.objects.exists() and not Comparison.objects.exists()
    assert not Evidence.objects.exists() and not SimulationRun.objects.exists()
