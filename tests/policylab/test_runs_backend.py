"""Simulation jobs on the GPU backend (ASIS_SIM_BACKEND=cupy): same summary as on NumPy through the
strict CPU stand-in of CuPy (tests/engines/strict_device.py); a worker without CuPy fails the run
in words and the run resumes once the setting is fixed; ``asis manage check`` refuses a backend
the machine cannot import."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.utils import translation

from asis.core.jobs import JobError
from asis.core.models import Job
from asis.engines.simulation import experiments
from asis.policylab import runs
from asis.policylab.models import SimulationRun
from tests.engines import strict_device
from tests.policylab.runs_helpers import direct_summary, execute_all, officer, scenario

pytestmark = pytest.mark.django_db


def test_runs_and_sensitivity_on_the_gpu_backend_give_the_numpy_numbers(settings, monkeypatch):
    settings.ASIS_SIM_CHUNK_RUNS = 5
    user = officer()
    sc = scenario(user)
    expected = direct_summary(sc)
    calls = []
    real = experiments.run_chunk
    monkeypatch.setattr(experiments, "run_chunk",
                        lambda *a, **kw: calls.append(kw["backend"]) or real(*a, **kw))
    strict_device.install(monkeypatch)
    settings.ASIS_SIM_BACKEND = "cupy"
    run = execute_all(runs.run_start(scenario=sc, user=user))
    assert run.status == SimulationRun.Status.SUCCEEDED
    assert calls == ["cupy"] * 3  # every chunk on the device path
    assert run.summary == expected


def test_a_worker_without_cupy_fails_the_run_in_words_and_resume_repairs_it(settings, monkeypatch):
    settings.ASIS_SIM_CHUNK_RUNS = 20
    user = officer()
    sc = scenario(user)
    run = runs.run_start(scenario=sc, user=user)
    strict_device.install(monkeypatch, missing=True)
    settings.ASIS_SIM_BACKEND = "cupy"
    with translation.override("de"), pytest.raises(JobError) as failed:
        runs.chunk_execute(chunk_id=run.chunks.get().pk, report=lambda f, m: None)
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.FAILED and run.error == str(failed.value)
    assert "ASIS_SIM_BACKEND" in run.error and "Grafikkarte" in run.error
    settings.ASIS_SIM_BACKEND = "numpy"
    Job.objects.filter(pk__in=run.chunks.values("job_id")).update(status=Job.Status.FAILED)
    runs.run_resume(run=run, user=user)
    run = execute_all(run)
    assert run.status == SimulationRun.Status.SUCCEEDED and run.summary == direct_summary(sc)


def test_check_refuses_a_backend_this_machine_cannot_use(settings, monkeypatch):
    def ids():
        return {m.id for m in run_checks() if m.id in ("asis.E030", "asis.E031")}

    assert ids() == set()  # numpy
    settings.ASIS_SIM_BACKEND = "tpu"
    assert ids() == {"asis.E030"}
    settings.ASIS_SIM_BACKEND = "cupy"
    strict_device.install(monkeypatch, missing=True)
    assert ids() == {"asis.E031"}
    monkeypatch.undo()
    strict_device.install(monkeypatch)
    assert ids() == set()
