"""A real task worker killed (SIGKILL) in the middle of a chunk: the core sweeper requeues the
chunk's job, a new worker finishes the run, and the summary equals an uninterrupted run's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from asis.core.jobs import jobs_recover_stale
from asis.core.models import Job
from asis.engines.simulation import experiments
from asis.policylab import adapters, runs
from asis.policylab.models import RunChunk, SimulationRun
from tests.core.test_jobs import ROOT, _wait_for, _worker_env
from tests.policylab.runs_helpers import officer, scenario


def _mid_chunk(run: SimulationRun) -> RunChunk | None:
    """A chunk being computed right now, once at least one other chunk is done."""
    if not RunChunk.objects.filter(run=run, data__isnull=False).exists():
        return None
    return (RunChunk.objects.filter(run=run, data__isnull=True, job__status=Job.Status.RUNNING)
            .defer("data").first())


@pytest.mark.django_db(transaction=True)
def test_killed_worker_mid_run_still_gives_the_uninterrupted_summary(settings):
    settings.ASIS_JOB_LEASE_SECONDS = 2
    settings.ASIS_SIM_CHUNK_RUNS = 20
    user = officer()
    # 100 runs of 20,000 potential initiatives over 20 years: five chunks of about a second each.
    sc = scenario(user, agents=20_000, horizon_years=20, n_runs=100, seed=11)
    run = runs.run_start(scenario=sc, user=user)
    worker = subprocess.Popen([sys.executable, "-m", "asis.cli", "worker"], env=_worker_env(), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: _mid_chunk(run) is not None, timeout=120, ), "the worker never got mid-run"
        victim = _mid_chunk(run)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    run.refresh_from_db()
    victim.refresh_from_db()
    assert run.status == SimulationRun.Status.RUNNING and victim.data is None
    assert victim.job.status == Job.Status.RUNNING  # what the killed worker left behind
    done_before = RunChunk.objects.filter(run=run, data__isnull=False).count()
    assert 1 <= done_before < 5
    progress = runs.run_progress(run)
    assert progress["status"] == "running" and 20 <= progress["runs_done"] < 100

    time.sleep(2.5)  # the dead worker's heartbeat is now older than the lease
    recovered = jobs_recover_stale()
    assert victim.job_id in [job.pk for job in recovered]
    finish = subprocess.run([sys.executable, "-m", "asis.cli", "worker", "--batch"],
                            env={**_worker_env(), "ASIS_JOB_LEASE_SECONDS": "60"}, cwd=ROOT,
                            capture_output=True, timeout=300)
    assert finish.returncode == 0, finish.stderr.decode()[-2000:]
    run.refresh_from_db()
    victim.refresh_from_db()
    assert run.status == SimulationRun.Status.SUCCEEDED, run.error
    assert victim.job.attempts == 2 and victim.job.status == Job.Status.SUCCEEDED
    # the same seed, run in one piece in this process without any worker
    spec = adapters.runspec(run.spec)
    uninterrupted = adapters.summarise_result(experiments.run_chunk(spec, 0, 100))
    assert run.summary == uninterrupted
    assert runs.run_progress(run)["runs_done"] == 100
