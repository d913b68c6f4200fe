"""Background jobs on the Django Tasks API, with a user-visible record and progress.

A job is a ``Job`` row plus a task (``run_job``) on whatever TASKS backend is configured
(database by default, RQ on Redis by setting). Handlers register with ``@job_handler``.
Workers send a heartbeat with every progress report; ``jobs_recover_stale`` puts jobs whose
worker died (heartbeat older than the lease) back in the queue, up to ``ASIS_JOB_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from asis.core.models import Job

logger = logging.getLogger(__name__)

Reporter = Callable[[float, str], None]
Handler = Callable[[Job, Reporter], Any]

_HANDLERS: dict[str, Handler] = {}
_DEFAULT_HANDLER_MODULES = ("asis.core.job_handlers", "asis.observatory.imports", "asis.calls.jobs")


class JobError(Exception):
    """Raised by handlers for an expected failure; its message is shown to the user."""


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def decorator(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return decorator


def _load_handlers() -> None:
    extra = getattr(settings, "ASIS_JOB_MODULES", ())
    for module in (*_DEFAULT_HANDLER_MODULES, *extra):
        importlib.import_module(module)


def get_handler(kind: str) -> Handler:
    _load_handlers()
    try:
        return _HANDLERS[kind]
    except KeyError as exc:
        raise JobError(f"Unknown job kind {kind!r}") from exc


def _enqueue(job: Job) -> None:
    def send() -> None:
        result = run_job.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(send)


def job_start(*, kind: str, owner: Any = None, params: dict[str, Any] | None = None) -> Job:
    get_handler(kind)  # fail fast on an unknown kind
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, owner=owner if owner and owner.is_authenticated else None, params=params or {}
        )
        _enqueue(job)
    return job


class _ProgressWriter:
    """Writes progress and heartbeat, at most every ``interval`` seconds (always the last)."""

    def __init__(self, job: Job, interval: float = 0.5) -> None:
        self.job = job
        self.interval = interval
        self._last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        fraction = min(max(float(fraction), 0.0), 1.0)
        if now - self._last < self.interval and fraction < 1.0:
            return
        self._last = now
        Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING).update(
            progress=fraction, message=message[:300], heartbeat_at=timezone.now()
        )


class _Heartbeat(threading.Thread):
    """Touches ``heartbeat_at`` while the handler runs, so only a dead worker goes stale."""

    def __init__(self, job_id: Any, interval: float) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.job_id = job_id
        self.interval = max(interval, 0.05)
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.wait(self.interval):
                Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


@task()
def run_job(job_id: str) -> str:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return "skipped"
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "error"])
    heartbeat = _Heartbeat(job.pk, settings.ASIS_JOB_LEASE_SECONDS / 4)
    heartbeat.start()
    try:
        handler = get_handler(job.kind)
        result = handler(job, _ProgressWriter(job))
    except JobError as exc:
        _finish(job, Job.Status.FAILED, error=str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    finally:
        heartbeat.stop()
    _finish(job, Job.Status.SUCCEEDED, result=result)
    return "succeeded"


def _finish(job: Job, status: str, *, result: Any = None, error: str = "") -> None:
    fields: dict[str, Any] = {
        "status": status,
        "result": result,
        "error": error,
        "finished_at": timezone.now(),
        "heartbeat_at": timezone.now(),
    }
    if status == Job.Status.SUCCEEDED:
        fields["progress"] = 1.0
    Job.objects.filter(pk=job.pk).update(**fields)


def jobs_recover_stale(*, now: Any = None) -> list[Job]:
    """Requeue RUNNING jobs whose heartbeat is older than the lease; fail them after max attempts."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.ASIS_JOB_LEASE_SECONDS)
    max_attempts = getattr(settings, "ASIS_JOB_MAX_ATTEMPTS", 3)
    recovered: list[Job] = []
    with transaction.atomic():
        stale = list(
            Job.objects.select_for_update().filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
        )
        for job in stale:
            _abandon_task_row(job.task_id)
            if job.attempts >= max_attempts:
                job.status = Job.Status.FAILED
                job.error = f"The worker stopped {job.attempts} times while running this job."
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
            else:
                job.status = Job.Status.QUEUED
                job.message = "Worker lost; the job was put back in the queue."
                job.save(update_fields=["status", "message"])
                _enqueue(job)
            recovered.append(job)
    return recovered


def _abandon_task_row(task_id: str) -> None:
    """Mark the database backend's row of a dead worker as failed, so it is not RUNNING forever."""
    if not task_id or "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="asis.core.jobs.WorkerLost",
        traceback="The worker process ended without finishing this task.",
    )
