"""Monte Carlo runs of scenarios in chunks: same seed, same summary for any chunking; refusals in
words; cancel, resume, failure; progress; audit; warnings; sensitivity analyses."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from asis.core.audit import AuditEntry
from asis.core.models import Job
from asis.engines.simulation import experiments
from asis.engines.simulation.model import INDICATORS
from asis.policylab import adapters, runs
from asis.policylab.models import RunChunk, SensitivityAnalysis, SimulationRun
from tests.policylab.runs_helpers import direct_summary, execute_all, officer, scenario

pytestmark = pytest.mark.django_db


def test_same_seed_same_summary_for_one_chunk_and_many(settings):
    user = officer()
    sc = scenario(user)
    settings.ASIS_SIM_CHUNK_RUNS = 1000
    one = execute_all(runs.run_start(scenario=sc, user=user))
    settings.ASIS_SIM_CHUNK_RUNS = 5
    many = execute_all(runs.run_start(scenario=sc, user=user))
    assert one.chunks.count() == 1 and many.chunks.count() == 3  # 12 runs: 5 + 5 + 2
    assert one.status == many.status == SimulationRun.Status.SUCCEEDED
    assert one.summary == many.summary == direct_summary(sc)
    # the summary really depends on the seed (the test could fail)
    sc.seed = 8
    sc.save()
    other = execute_all(runs.run_start(scenario=sc, user=user))
    assert other.summary != one.summary


def test_summary_numbers_match_an_independent_computation(settings):
    settings.ASIS_SIM_CHUNK_RUNS = 4
    user = officer()
    sc = scenario(user)
    run = execute_all(runs.run_start(scenario=sc, user=user))
    spec = adapters.runspec(run.spec)
    raw = experiments.run_chunk(spec, 0, sc.n_runs).data["active"]  # (runs, years, regions)
    totals = raw.sum(axis=2)
    active = run.summary["indicators"]["active"]
    assert np.allclose(active["total_mean"], totals.mean(axis=0))
    assert np.allclose(active["horizon_runs"], totals[:, -1])
    assert np.allclose(active["total_bands"][2], np.median(totals, axis=0))
    assert run.summary["n_runs"] == 12 and len(run.summary["years"]) == 3
    assert set(run.summary["indicators"]) == set(INDICATORS)


def test_start_freezes_the_spec_creates_chunks_jobs_and_audits(settings):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    sc = scenario(user)
    run = runs.run_start(scenario=sc, user=user)
    chunks = list(run.chunks.all())
    assert [(c.start, c.stop) for c in chunks] == [(0, 5), (5, 10), (10, 12)]
    assert all(c.job.kind == runs.JOB_KIND_CHUNK and c.job.params == {"chunk_id": c.pk} for c in chunks)
    assert run.spec["levers"]["budget_eur_per_year"] == 30e6 and run.spec["n_runs"] == 12
    assert sum(run.spec["agents"].values()) == 420 and len(run.spec["agents"]) == 42
    entry = AuditEntry.objects.get(action="asis.policylab.run.started")
    assert entry.object_id == str(run.pk) and entry.actor_id == user.pk
    # editing the scenario afterwards does not change the run
    sc.levers = {"budget_eur_per_year": 1.0}
    sc.save()
    run.refresh_from_db()
    assert run.spec["levers"]["budget_eur_per_year"] == 30e6


def test_progress_counts_finished_runs_and_the_running_job(settings):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    run = runs.run_start(scenario=scenario(user), user=user)
    assert runs.run_progress(run)["runs_done"] == 0
    first = run.chunks.get(index=0)
    runs.chunk_execute(chunk_id=first.pk, report=lambda f, m: None)
    second = run.chunks.get(index=1)
    Job.objects.filter(pk=second.job_id).update(status=Job.Status.RUNNING, progress=0.4)
    with translation.override("de"):
        progress = runs.run_progress(run)
    assert progress["runs_done"] == 5 + 2 and progress["runs_total"] == 12
    assert progress["chunks_done"] == 1 and progress["chunks_total"] == 3
    assert progress["fraction"] == pytest.approx(7 / 12)
    assert progress["status"] == "running"
    assert "7" in progress["message"] and "12" in progress["message"]


def test_too_large_runs_are_refused_in_words(settings):
    user = officer()
    settings.ASIS_SIM_MAX_RUNS = 10
    with pytest.raises(runs.SimulationRefused) as refused:
        runs.run_start(scenario=scenario(user), user=user)
    assert "12" in str(refused.value) and "10" in str(refused.value)
    settings.ASIS_SIM_MAX_RUNS = 2000
    settings.ASIS_SIM_MAX_AGENT_MONTHS = 100_000  # 12 x 420 x 36 = 181,440
    with translation.override("en"), pytest.raises(runs.SimulationRefused) as refused:
        runs.run_start(scenario=scenario(user), user=user)
    assert "too large" in str(refused.value) and "181,440" in str(refused.value)
    assert not SimulationRun.objects.exists() and not Job.objects.exists() and not RunChunk.objects.exists()


@pytest.mark.parametrize(("levers", "expected"), [
    ({"budget_eur_per_year": -5}, "budget cannot be negative"),
    ({"social_weight": 1.5}, "Weight of social criteria must lie between"),
    ({"training_intensity": -0.1}, "Training of evaluators and applicants must lie between"),
    ({"calls_per_year": 5}, "Calls per year must be one of"),
    ({"budget_eur_per_year": "lots"}, "not numbers"),
])
def test_impossible_levers_are_refused(levers, expected):
    user = officer()
    with translation.override("en"), pytest.raises(runs.SimulationRefused) as refused:
        runs.run_start(scenario=scenario(user, levers=levers), user=user)
    assert expected in str(refused.value)
    assert "_" not in str(refused.value)  # no field names
    assert not SimulationRun.objects.exists()


def test_probability_above_one_in_parameters_is_refused():
    user = officer()
    sc = scenario(user, params={"apply_probability": 1.2})
    with translation.override("en"), pytest.raises(runs.SimulationRefused) as refused:
        runs.run_start(scenario=sc, user=user)
    assert "Probability that an initiative applies is a probability" in str(refused.value)


def test_refusal_is_translated():
    user = officer()
    with translation.override("de"), pytest.raises(runs.SimulationRefused) as refused_de:
        runs.run_start(scenario=scenario(user, levers={"budget_eur_per_year": -5}), user=user)
    with translation.override("en"), pytest.raises(runs.SimulationRefused) as refused_en:
        runs.run_start(scenario=scenario(user, levers={"budget_eur_per_year": -5}), user=user)
    assert str(refused_de.value) and str(refused_en.value)
    assert "-5" in str(refused_en.value) or "−5" in str(refused_en.value)


def test_concurrent_runs_per_person_are_limited(settings):
    settings.ASIS_SIM_MAX_CONCURRENT_RUNS = 2
    user = officer()
    sc = scenario(user)
    runs.run_start(scenario=sc, user=user)
    second = runs.run_start(scenario=sc, user=user)
    with translation.override("en"), pytest.raises(runs.SimulationRefused) as refused:
        runs.run_start(scenario=sc, user=user)
    assert "already have 2 simulations" in str(refused.value)
    runs.run_cancel(run=second, user=user)
    runs.run_start(scenario=sc, user=user)  # room again
    assert SimulationRun.objects.count() == 3


def test_cancel_then_resume_finishes_with_the_same_summary(settings):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    sc = scenario(user)
    run = runs.run_start(scenario=sc, user=user)
    first = run.chunks.get(index=0)
    runs.chunk_execute(chunk_id=first.pk, report=lambda f, m: None)
    runs.run_cancel(run=run, user=user)
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.CANCELLED and run.cancelled_by == user
    # the queued jobs start after the cancel and do nothing
    for chunk in run.chunks.filter(index__gt=0):
        assert runs.chunk_execute(chunk_id=chunk.pk, report=lambda f, m: None)["skipped"]
    assert run.chunks.filter(data__isnull=False).count() == 1
    with translation.override("en"):
        assert "5 of 12 runs are kept" in runs.run_progress(run)["message"]
    with pytest.raises(runs.SimulationRefused):
        runs.run_cancel(run=run, user=user)
    # those skipped jobs finished: resume queues new jobs for the two missing chunks only
    for chunk in run.chunks.select_related("job"):
        Job.objects.filter(pk=chunk.job_id).update(status=Job.Status.SUCCEEDED)
    old_jobs = set(run.chunks.values_list("job_id", flat=True))
    runs.run_resume(run=run, user=user)
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.QUEUED
    new_jobs = set(run.chunks.values_list("job_id", flat=True))
    assert len(new_jobs - old_jobs) == 2
    run = execute_all(run)
    assert run.status == SimulationRun.Status.SUCCEEDED
    assert run.summary == direct_summary(sc)
    actions = list(AuditEntry.objects.filter(object_id=str(run.pk)).order_by("pk").values_list("action", flat=True))
    assert actions == ["asis.policylab.run.started", "asis.policylab.run.cancelled", "asis.policylab.run.resumed",
                       "asis.policylab.run.finished"]


def test_resume_keeps_jobs_still_waiting(settings):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    run = runs.run_start(scenario=scenario(user), user=user)
    runs.run_cancel(run=run, user=user)
    before = list(run.chunks.values_list("job_id", flat=True))
    runs.run_resume(run=run, user=user)
    assert list(run.chunks.values_list("job_id", flat=True)) == before  # their jobs have not run yet
    assert execute_all(run).status == SimulationRun.Status.SUCCEEDED


def test_a_failed_chunk_fails_the_run_in_words_and_resume_repairs_it(settings, monkeypatch):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    sc = scenario(user)
    run = runs.run_start(scenario=sc, user=user)
    real = experiments.run_chunk

    def broken(spec, start, stop, **kwargs):
        if start == 5:
            raise MemoryError("out of memory")
        return real(spec, start, stop, **kwargs)

    monkeypatch.setattr(experiments, "run_chunk", broken)
    from asis.core.jobs import JobError

    with translation.override("en"):
        runs.chunk_execute(chunk_id=run.chunks.get(index=0).pk, report=lambda f, m: None)
        with pytest.raises(JobError) as failed:
            runs.chunk_execute(chunk_id=run.chunks.get(index=1).pk, report=lambda f, m: None)
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.FAILED
    assert run.error == str(failed.value)
    assert "Runs 6 to 10 stopped on an unexpected error" in run.error and "MemoryError" not in run.error
    assert runs.run_progress(run)["message"] == run.error
    # the third chunk's job still runs: it keeps its outputs but does not finish the failed run
    assert runs.chunk_execute(chunk_id=run.chunks.get(index=2).pk, report=lambda f, m: None)["skipped"]
    monkeypatch.setattr(experiments, "run_chunk", real)
    Job.objects.filter(pk__in=run.chunks.values("job_id")).update(status=Job.Status.FAILED)
    runs.run_resume(run=run, user=user)
    run = execute_all(run)
    assert run.status == SimulationRun.Status.SUCCEEDED and run.error == ""
    assert run.summary == direct_summary(sc)
    assert AuditEntry.objects.filter(action="asis.policylab.run.failed", object_id=str(run.pk)).count() == 1


def test_a_chunk_the_sweeper_gave_up_on_fails_the_run(settings):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    run = runs.run_start(scenario=scenario(user), user=user)
    chunk = run.chunks.get(index=1)
    Job.objects.filter(pk=chunk.job_id).update(status=Job.Status.FAILED,
                                               error="The worker stopped 3 times while running this job.")
    with translation.override("en"):
        progress = runs.run_progress(run)
    assert progress["status"] == "failed"
    assert progress["message"] == ("Runs 6 to 10 could not be computed: The worker stopped 3 times while "
                                   "running this job.")


def test_jobs_of_a_run_run_on_the_worker(transactional_db, settings):
    """The chunk jobs go through the real task queue (database backend, ``db_worker``)."""
    from django.core.management import call_command

    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    sc = scenario(user)
    run = runs.run_start(scenario=sc, user=user)
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.SUCCEEDED
    assert run.summary == direct_summary(sc)
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}


def test_warning_when_the_budget_per_call_funds_no_project_in_some_regions():
    user = officer()
    # 420 agents in 42 regions: 10 each, equal shares; 2.4 M / 4 calls / 42 regions = 14,286 per region
    # and call, below a grant of 150,000 x (1 - 0.2) = 120,000: no region gets a project.
    sc = scenario(user, levers={"budget_eur_per_year": 2.4e6, "calls_per_year": 4})
    with translation.override("en"):
        [warning] = runs.scenario_warnings(sc)
    assert "no project in any region" in warning
    # 6 regions get the whole budget, the others none
    split = {code: (1 / 6 if i < 6 else 0.0) for i, code in enumerate(adapters.region_codes())}
    sc.levers = {"budget_eur_per_year": 2.4e6, "calls_per_year": 1, "regional_split": split}
    with translation.override("en"):
        [warning] = runs.scenario_warnings(sc)
    assert "no project in 36 of 42 regions" in warning
    sc.levers = {"budget_eur_per_year": 42 * 120_000.0}  # exactly one grant per region
    assert runs.scenario_warnings(sc) == []
    sc.levers = {"budget_eur_per_year": 42 * 120_000.0 - 1}
    assert len(runs.scenario_warnings(sc)) == 1
    # a warning only: the run still starts
    assert runs.run_start(scenario=sc, user=user).status == SimulationRun.Status.QUEUED


def test_sensitivity_analysis_ranks_levers():
    user = officer()
    sc = scenario(user, agents=4200, horizon_years=5)
    analysis = runs.sensitivity_start(scenario=sc, user=user, outcome="funded")
    assert analysis.job.kind == runs.JOB_KIND_SENSITIVITY
    assert [r["lever"] for r in analysis.ranges] == list(runs.SENSITIVITY_LEVERS)
    assert analysis.ranges[0] == {"lever": "budget_eur_per_year", "low": 15e6, "high": 45e6}
    reports = []
    result = runs.sensitivity_execute(analysis_id=analysis.pk, report=lambda f, m: reports.append(f))
    analysis.refresh_from_db()
    res = analysis.result
    assert result["evaluations"] == 120 == res["evaluations"]
    assert reports[-1] == 1.0 and reports == sorted(reports)
    assert res["levers"] == list(runs.SENSITIVITY_LEVERS)
    assert len(res["mu_star"]) == len(res["sigma"]) == 5
    assert sorted(res["ranking"]) == sorted(runs.SENSITIVITY_LEVERS)
    assert res["ranking"][0] == res["levers"][int(np.argmax(res["mu_star"]))]
    # funded projects depend on the budget much more than on the training of evaluators
    mu = dict(zip(res["levers"], res["mu_star"], strict=True))
    assert mu["budget_eur_per_year"] > 5 * mu["training_intensity"]
    assert res["agents_reduced"] is False and res["agents_used"] == 4200
    assert AuditEntry.objects.filter(action__startswith="asis.policylab.sensitivity.").count() == 2


def test_sensitivity_reduces_agents_for_large_scenarios_and_says_so():
    user = officer()
    sc = scenario(user, agents=100_000, horizon_years=20)
    analysis = runs.sensitivity_start(scenario=sc, user=user, outcome="active")
    assert analysis.spec["agents_used"] < 100_000
    points = 20 * 6
    assert analysis.spec["agents_used"] * points * 4 * 240 <= runs.SENSITIVITY_AGENT_MONTHS


def test_sobol_sensitivity_gives_indices_and_a_ranking():
    user = officer()
    sc = scenario(user, agents=840, horizon_years=4)
    analysis = runs.sensitivity_start(scenario=sc, user=user, outcome="grants_eur", method="sobol",
                                      ranges=[{"lever": "budget_eur_per_year", "low": 5e6, "high": 40e6},
                                              {"lever": "training_intensity", "low": 0, "high": 1}])
    runs.sensitivity_execute(analysis_id=analysis.pk, report=lambda f, m: None)
    analysis.refresh_from_db()
    res = analysis.result
    assert res["evaluations"] == 16 * (2 * 2 + 2) and res["levers"] == ["budget_eur_per_year", "training_intensity"]
    # the money granted is the budget spent: the budget explains nearly all of its variance
    assert res["ranking"] == ["budget_eur_per_year", "training_intensity"]
    # (16 base samples: rough estimates, but the order of magnitude is clear)
    assert res["S1"][0] > 0.5 and res["ST"][0] > 10 * res["ST"][1]
    assert len(res["S1_conf"]) == len(res["ST_conf"]) == 2
    # a second execution of the same job does nothing
    assert runs.sensitivity_execute(analysis_id=analysis.pk, report=lambda f, m: None) == {"skipped": True}


@pytest.mark.parametrize("ranges", [
    [{"lever": "budget_eur_per_year", "low": -1, "high": 5}],
    [{"lever": "social_weight", "low": 0.5, "high": 0.2}],
    [{"lever": "social_weight", "low": 0.0, "high": 1.5}],
    [{"lever": "seed", "low": 0, "high": 1}],
    [{"lever": "social_weight"}],
    [],
])
def test_sensitivity_refuses_impossible_ranges(ranges):
    user = officer()
    with pytest.raises(runs.SimulationRefused):
        runs.sensitivity_start(scenario=scenario(user), user=user, outcome="active", ranges=ranges)
    with pytest.raises(runs.SimulationRefused):
        runs.sensitivity_start(scenario=scenario(user), user=user, outcome="no such thing")
    assert not SensitivityAnalysis.objects.exists()


def test_a_chunk_the_engine_refuses_fails_the_run_with_the_engines_reason(settings):
    from asis.core.jobs import JobError

    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    run = runs.run_start(scenario=scenario(user), user=user)
    spec = dict(run.spec)
    spec["levers"] = {**spec["levers"], "budget_eur_per_year": -1.0}  # e.g. a spec edited in the database
    SimulationRun.objects.filter(pk=run.pk).update(spec=spec)
    with translation.override("en"), pytest.raises(JobError) as failed:
        runs.chunk_execute(chunk_id=run.chunks.get(index=0).pk, report=lambda f, m: None)
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.FAILED and run.error == str(failed.value)
    assert run.error.startswith("Runs 1 to 5 were refused by the simulation: The budget cannot be negative")


def test_progress_within_a_chunk_and_a_cancel_that_stops_it_mid_chunk(settings, monkeypatch):
    """The bar moves with the months of a chunk being computed, and a cancel stops that chunk
    within a month (nothing half-stored); resume recomputes it to the same summary."""
    settings.ASIS_SIM_CHUNK_RUNS = 1000
    monkeypatch.setattr(runs, "CANCEL_CHECK_SECONDS", 0.0)
    user = officer()
    sc = scenario(user)
    run = runs.run_start(scenario=sc, user=user)
    chunk = run.chunks.get()
    seen = []

    def report(fraction, message):
        seen.append(fraction)
        if len(seen) == 10:  # start (0.0) and months 1-9: the person presses "Cancel" now
            runs.run_cancel(run=run, user=user)

    result = runs.chunk_execute(chunk_id=chunk.pk, report=report)
    assert result == {"skipped": True, "runs": 0, "stopped": True}
    months = seen[1:-1]
    assert months == sorted(months) and 0 < months[0] < months[-1] < 1  # the months, not 0 then 1
    assert len(months) == 9  # stopped at the check right after the cancel, not at the chunk's end (36)
    chunk.refresh_from_db()
    assert chunk.data is None
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.CANCELLED
    Job.objects.filter(pk=chunk.job_id).update(status=Job.Status.SUCCEEDED)
    runs.run_resume(run=run, user=user)
    run = execute_all(run)
    assert run.status == SimulationRun.Status.SUCCEEDED and run.summary == direct_summary(sc)
