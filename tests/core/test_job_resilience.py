"""Background jobs keep running through database outages and dead workers.

The database is really broken under the code (PostgreSQL: ``pg_terminate_backend`` from another
connection; SQLite: the sweeper's sqlite3 connection closed under it) and the worker really
killed (SIGKILL of the process), never mocked.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.utils import timezone

from asis.cli.supervise import ChildSpec, Supervisor
from asis.core.jobs import StaleJobSweeper, job_start
from asis.core.models import Job
from tests.core.test_jobs import ROOT, _wait_for, _worker_env


@pytest.fixture(autouse=True)
def _test_handlers(settings):
    settings.ASIS_JOB_MODULES = ["tests.core.job_fixtures"]


def _terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _stale_job() -> Job:
    return Job.objects.create(kind="test.slow", status=Job.Status.RUNNING, attempts=1, params={"steps": 2},
                              heartbeat_at=timezone.now() - timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
def test_sweeper_recovers_a_stale_job_after_losing_its_connection(settings):
    settings.ASIS_JOB_LEASE_SECONDS = 1
    opened = []

    def remember(sender, connection, **kwargs):
        if threading.current_thread().name == "stale-job-sweeper":
            opened.append(connection)

    connection_created.connect(remember)
    sweeper = StaleJobSweeper(0.05, max_backoff=0.2)
    try:
        sweeper.start()
        assert _wait_for(lambda: sweeper.sweeps >= 1 and opened, timeout=30)
        broken = opened[-1]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [broken.connection.info.backend_pid])
        else:
            broken.connection.close()  # the sqlite3 handle itself: the next query fails
        assert _wait_for(lambda: sweeper.failures >= 1, timeout=30), "the broken connection was never used"
        job = _stale_job()
        assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.QUEUED, timeout=30), (
            "the sweeper stopped recovering stale jobs after a database error")
        assert sweeper.is_alive()
        assert len(opened) >= 2, "the sweeper reconnected"
    finally:
        connection_created.disconnect(remember)
        sweeper.stop()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_survives_terminated_connections(settings):
    """Terminate every connection of a live worker twice (idle, then mid-job): it keeps working,
    the interrupted job is run again and a job left stale meanwhile is recovered."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend exists only on PostgreSQL")
    settings.ASIS_JOB_LEASE_SECONDS = 2
    worker = subprocess.Popen([sys.executable, "-m", "asis.cli", "worker"], env=_worker_env(), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        first = job_start(kind="test.slow", params={"steps": 2})
        assert _wait_for(lambda: Job.objects.get(pk=first.pk).status == Job.Status.SUCCEEDED), "worker never ran"
        assert _terminate_other_backends() >= 1

        stale = _stale_job()
        long = job_start(kind="test.slow", params={"steps": 100, "delay": 0.05})
        assert _wait_for(lambda: Job.objects.get(pk=long.pk).progress > 0.05), "worker stopped after the cut"
        assert _terminate_other_backends() >= 1  # now mid-job: heartbeat, progress and worker loop

        done = (Job.Status.SUCCEEDED, Job.Status.FAILED)
        assert _wait_for(lambda: Job.objects.get(pk=long.pk).status in done, timeout=120)
        assert _wait_for(lambda: Job.objects.get(pk=stale.pk).status in done, timeout=120)
        assert worker.poll() is None, "the worker process died"
    finally:
        worker.terminate()
        _out, err = worker.communicate(timeout=30)
    long.refresh_from_db()
    stale.refresh_from_db()
    assert (long.status, long.result) == (Job.Status.SUCCEEDED, {"steps": 100})
    assert long.attempts in (1, 2)  # 2 when the cut fell inside the handler (the usual case)
    assert (stale.status, stale.attempts) == (Job.Status.SUCCEEDED, 2)
    assert err.count(b"Traceback") == 0, err.decode()[-3000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            children += [int(child) for child in handle.read().split()]
    return children


def _worker_children(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
        except FileNotFoundError:
            continue
        if b"worker" in argv:
            found.append(child)
    return found


@pytest.mark.django_db(transaction=True)
def test_serve_restarts_a_killed_worker():
    """SIGKILL the task worker of ``asis serve``: a new one starts and runs the next job."""
    serve = subprocess.Popen(
        [sys.executable, "-m", "asis.cli", "serve", "--port", str(_free_port()), "--workers", "1"],
        env={**_worker_env(), "ASIS_JOB_LEASE_SECONDS": "60"}, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = bytearray()
    reader = threading.Thread(target=lambda: [output.extend(line) for line in serve.stdout], daemon=True)
    reader.start()
    try:
        assert _wait_for(lambda: len(_worker_children(serve.pid)) == 1), "serve started no worker"
        [killed] = _worker_children(serve.pid)
        first = job_start(kind="test.slow", params={"steps": 2})
        assert _wait_for(lambda: Job.objects.get(pk=first.pk).status == Job.Status.SUCCEEDED)
        os.kill(killed, signal.SIGKILL)

        job = job_start(kind="test.slow", params={"steps": 3})
        assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED, timeout=120), (
            f"nothing ran the job after the worker was killed: {output.decode(errors='replace')}")
        assert killed not in _worker_children(serve.pid)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        reader.join(timeout=10)
        serve.stdout.close()
    text = output.decode(errors="replace")
    assert f"task worker (pid {killed}) exited with signal SIGKILL" in text and "restart #1 in 1 s" in text, text


def test_crash_loop_backs_off_and_stop_ends_the_children():
    """A worker that always crashes is restarted after 0.05, 0.1, 0.2, 0.2 ... s (doubling, capped)."""
    lines: list[str] = []
    crashing = ChildSpec(name="crasher", argv=[sys.executable, "-c", "raise SystemExit(3)"])
    steady = ChildSpec(name="steady", argv=[sys.executable, "-c", "import time; time.sleep(600)"])
    supervisor = Supervisor([crashing, steady], initial_backoff=0.05, max_backoff=0.2, stable_after=600,
                            poll=0.01, say=lines.append)
    runner = threading.Thread(target=lambda: lines.append(f"result {supervisor.run(install_signals=False)}"))
    runner.start()
    try:
        assert _wait_for(lambda: sum("restart #" in line for line in lines) >= 5, timeout=60), lines
    finally:
        supervisor.stop()
        runner.join(timeout=30)
    restarts = [line for line in lines if "restart #" in line]
    assert [line.rsplit(" in ", 1)[1] for line in restarts[:5]] == ["0.05 s.", "0.1 s.", "0.2 s.", "0.2 s.", "0.2 s."]
    assert all("exited with code 3" in line for line in restarts)
    steady_pid = supervisor.children[1].pids[0]
    assert supervisor.children[1].pids == [steady_pid], "the steady child was never restarted"
    assert not os.path.exists(f"/proc/{steady_pid}/cmdline") or _is_zombie_or_gone(steady_pid)
    assert lines[-1] == "result 0"


def _is_zombie_or_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


@pytest.mark.django_db(transaction=True)
def test_job_whose_task_a_killed_worker_took_is_requeued(settings):
    """A worker SIGKILLed between taking the task and starting the job leaves the job QUEUED and the
    task RUNNING (what ``claim`` wrote): the sweeper must requeue it, and the job then runs."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.ASIS_JOB_LEASE_SECONDS = 60
    taken = job_start(kind="test.slow", params={"steps": 2})
    waiting = job_start(kind="test.slow", params={"steps": 2})
    taken.refresh_from_db()
    waiting.refresh_from_db()
    DBTaskResult.objects.filter(pk=taken.task_id).update(status="RUNNING", worker_ids=["killed"])
    Job.objects.filter(pk__in=[taken.pk, waiting.pk]).update(created_at=timezone.now() - timedelta(hours=1))
    from asis.core.jobs import jobs_recover_stale

    assert [job.pk for job in jobs_recover_stale()] == [taken.pk]
    old_task = taken.task_id
    taken.refresh_from_db()
    assert taken.status == Job.Status.QUEUED and taken.task_id != old_task
    assert DBTaskResult.objects.get(pk=old_task).status == "FAILED"
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    taken.refresh_from_db()
    waiting.refresh_from_db()
    assert (taken.status, taken.attempts) == (Job.Status.SUCCEEDED, 1)
    assert (waiting.status, waiting.attempts) == (Job.Status.SUCCEEDED, 1), "a waiting task was not duplicated"


@pytest.mark.django_db(transaction=True)
def test_the_worker_sweep_anchors_the_audit_chain(settings):
    """The worker's sweeper also writes the audit checkpoint outside the database (what `asis
    worker` passes it), and an upkeep that raises does not end the sweeps."""
    from asis.core.audit import audit_record
    from asis.core.audit_anchor import anchor_file, audit_anchor_due

    settings.ASIS_AUDIT_ANCHOR_SECONDS = 0
    calls = []

    def broken_upkeep() -> None:
        calls.append(1)
        raise RuntimeError("upkeep bug")

    audit_record(action="asis.test.anchored", after={"n": 1})
    sweeper = StaleJobSweeper(0.05, max_backoff=0.1, also=(audit_anchor_due, broken_upkeep))
    try:
        sweeper.start()
        assert _wait_for(lambda: anchor_file().exists() and len(calls) >= 2, timeout=30)
        assert sweeper.is_alive()
    finally:
        sweeper.stop()
    assert '"seq"' in anchor_file().read_text()
