from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from asis.core.jobs import JobError, job_start, jobs_recover_stale
from asis.core.models import Job

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _test_handlers(settings):
    settings.ASIS_JOB_MODULES = ["tests.core.job_fixtures"]


def _run_worker_batch():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_job_runs_and_reports_progress(world):
    job = job_start(kind="test.slow", owner=world.users["member"], params={"steps": 5})
    assert job.status == Job.Status.QUEUED
    job.refresh_from_db()
    assert job.task_id, "the task is enqueued when the transaction commits"
    _run_worker_batch()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress == 1.0 and job.result == {"steps": 5}
    assert job.attempts == 1 and job.finished_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("kind", "message"), [
    ("test.fails", "The input file has no rows."),
    # A crash is told in words its owner can act on; the exception goes to the server log only.
    ("test.crashes", "The job stopped on an unexpected error."),
])
def test_failed_job_keeps_a_clear_error(kind, message):
    job = job_start(kind=kind)
    _run_worker_batch()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith(message) and "ZeroDivisionError" not in job.error


@pytest.mark.django_db
def test_job_messages_and_results_are_in_the_owners_language():
    from django.utils import translation

    from asis.core.jobs import result_rows, run_job
    from tests.factories import UserFactory

    owner = UserFactory(preferred_language="de")
    job = job_start(kind="audit.verify", owner=owner)
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    with translation.override("en"):
        rows = dict(result_rows(job))
    assert rows["Entries checked"] and rows["Chain intact"] == "yes"
    assert "checked" not in rows and "first_bad_seq" not in rows


def test_unknown_kind_is_refused(db):
    with pytest.raises(JobError):
        job_start(kind="no.such.job")
    assert Job.objects.count() == 0


def test_stale_job_fails_after_max_attempts(db, settings):
    settings.ASIS_JOB_MAX_ATTEMPTS = 2
    old = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(kind="test.slow", status=Job.Status.RUNNING, attempts=2, heartbeat_at=old)
    fresh = Job.objects.create(kind="test.slow", status=Job.Status.RUNNING, attempts=1, heartbeat_at=timezone.now())
    recovered = jobs_recover_stale()
    assert [j.pk for j in recovered] == [job.pk]
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == Job.Status.FAILED and "2 times" in job.error
    assert fresh.status == Job.Status.RUNNING


def _worker_env():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "asis.settings.dev",
        "ASIS_DATABASE_URL": url,
        "ASIS_JOB_MODULES": "tests.core.job_fixtures",
        "ASIS_JOB_LEASE_SECONDS": "2",
        # src first: the venv's editable install may point at another checkout of the code.
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    })
    return env


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_job_retryable(settings):
    """SIGKILL a real worker mid-job: the job must not stay RUNNING forever."""
    settings.ASIS_JOB_LEASE_SECONDS = 2
    job = job_start(kind="test.slow", params={"steps": 120, "delay": 0.05})
    worker = subprocess.Popen([sys.executable, "-m", "asis.cli", "worker"], env=_worker_env(), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: Job.objects.get(pk=job.pk).progress > 0.02), "worker never started the job"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # what the killed worker left behind
    first_task = job.task_id
    time.sleep(2.5)  # the heartbeat is now older than the lease
    recovered = jobs_recover_stale()
    assert [j.pk for j in recovered] == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    assert DBTaskResult.objects.get(pk=first_task).status == "FAILED"
    assert job.task_id != first_task

    finish = subprocess.run([sys.executable, "-m", "asis.cli", "worker", "--batch"], env={
        **_worker_env(), "ASIS_JOB_LEASE_SECONDS": "60"}, cwd=ROOT, capture_output=True, timeout=120)
    assert finish.returncode == 0, finish.stderr.decode()[-2000:]
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_jobs_run_on_the_redis_backend():
    """ASIS_TASKS_BACKEND=rq: enqueue through RQ on a real Redis, run with an RQ worker."""
    redis_url = os.environ.get("ASIS_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("no Redis for this run (scripts/test starts one and sets ASIS_TEST_REDIS_URL)")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    env = {**_worker_env(), "ASIS_TASKS_BACKEND": "rq", "ASIS_REDIS_URL": redis_url}
    code = ("from asis.core.jobs import job_start; "
            "print(job_start(kind='test.slow', params={'steps': 3}).pk)")
    started = subprocess.run([sys.executable, "-m", "asis.cli", "manage", "shell", "-c", code], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr[-2000:]
    job = Job.objects.get(pk=started.stdout.strip().splitlines()[-1])
    assert job.status == Job.Status.QUEUED and job.task_id
    assert not DBTaskResult.objects.exists(), "the task went to Redis, not to the database queue"
    worked = subprocess.run([sys.executable, "-m", "asis.cli", "worker", "--batch"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert worked.returncode == 0, worked.stderr[-2000:]
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {"steps": 3}
