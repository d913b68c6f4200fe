"""Background jobs on the Django Tasks API, with a user-visible record and progress.

A job is a ``Job`` row plus a task (``run_job``) on whatever TASKS backend is configured
(database by default, RQ on Redis by setting). Handlers register with ``@job_handler``.
Workers send a heartbeat with every progress report; ``jobs_recover_stale`` puts jobs whose
worker died (heartbeat older than the lease) back in the queue, up to ``ASIS_JOB_MAX_ATTEMPTS``.
``StaleJobSweeper`` runs that recovery in every worker and outlives database outages: a lost
connection is dropped, logged once per failure in a line, and retried with back-off.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from asis.core.models import Job

logger = logging.getLogger(__name__)

Reporter = Callable[[float, str], None]
Handler = Callable[[Job, Reporter], Any]

_HANDLERS: dict[str, Handler] = {}
_DEFAULT_HANDLER_MODULES = ("asis.core.job_handlers", "asis.observatory.imports", "asis.calls.jobs",
                            "asis.impact.counterfactual.jobs", "asis.impact.sroi.jobs",
                            "asis.policylab.calibration", "asis.policylab.jobs")


# A lost or refused connection, as opposed to a query the database rejected (IntegrityError, ...).
CONNECTION_ERRORS = (OperationalError, InterfaceError)


class JobError(Exception):
    """Raised by handlers for an expected failure; its message is shown to the user."""


_RESULT_LABELS: dict[str, Mapping[str, Any]] = {}


def job_handler(kind: str, *, result_labels: Mapping[str, Any] | None = None) -> Callable[[Handler], Handler]:
    """Register a handler. ``result_labels`` names the keys of the dict it returns (lazy
    translations), so the job page shows "Entries checked", not "checked"."""
    def decorator(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        if result_labels:
            _RESULT_LABELS[kind] = result_labels
        return func

    return decorator


def result_rows(job: Job) -> list[tuple[str, str]]:
    """The job's result as (label, value) pairs in the reader's language and number format."""
    from asis.core.formatting import number

    _load_handlers()
    labels = _RESULT_LABELS.get(job.kind, {})
    rows = []
    for key, value in (job.result or {}).items() if isinstance(job.result, dict) else ():
        if value is None or value == "" or value == []:
            shown = "–"
        elif isinstance(value, bool):
            shown = str(_("yes") if value else _("no"))
        elif isinstance(value, (int, float)):
            shown = number(value)
        else:
            shown = str(value)
        rows.append((str(labels.get(key, key)), shown))
    return rows


def owner_language(job: Job) -> str:
    """Messages a job writes are read by its owner: written in the owner's language."""
    owner = getattr(job, "owner", None)
    return getattr(owner, "preferred_language", "") or settings.LANGUAGE_CODE


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
        # A missed beat only ages the heartbeat; a thread that died on one database error would let
        # the sweeper requeue a job that is still running, and it would then run twice.
        try:
            while not self._stop_event.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now())
                except DatabaseError as exc:
                    _drop_connection("Heartbeat of job %s", self.job_id, exc)
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
        lease = timedelta(seconds=settings.ASIS_JOB_LEASE_SECONDS)
        if job.status == Job.Status.RUNNING and job.heartbeat_at and job.heartbeat_at > timezone.now() - lease:
            return "skipped"  # a live worker runs it (a requeued task arrived twice)
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "error"])
    heartbeat = _Heartbeat(job.pk, settings.ASIS_JOB_LEASE_SECONDS / 4)
    heartbeat.start()
    try:
        handler = get_handler(job.kind)
        with translation.override(owner_language(job)):
            result = handler(job, _ProgressWriter(job))
    except CONNECTION_ERRORS as exc:
        # The database went away under the job: not the job's fault, so it is not marked failed.
        # It stays RUNNING without a heartbeat and the sweeper requeues it once the lease expires.
        _drop_connection("Job %s lost its database connection", job.pk, exc)
        return "interrupted"
    except JobError as exc:
        _finish(job, Job.Status.FAILED, error=str(exc))
        return "failed"
    except Exception:
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        with translation.override(owner_language(job)):
            error = _("The job stopped on an unexpected error. The details are in the server log "
                      "(job %(job)s); please tell the platform's administrators.") % {"job": job.pk}
        _finish(job, Job.Status.FAILED, error=error)
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
                with translation.override(owner_language(job)):
                    job.error = ngettext("The worker stopped %(count)d time while running this job.",
                                         "The worker stopped %(count)d times while running this job.",
                                         job.attempts) % {"count": job.attempts}
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
            else:
                job.status = Job.Status.QUEUED
                with translation.override(owner_language(job)):
                    job.message = _("The worker was lost; the job was put back in the queue.")
                job.save(update_fields=["status", "message"])
                _enqueue(job)
            recovered.append(job)
        recovered += _requeue_lost_tasks(cutoff, just_requeued=[job.pk for job in stale])
    return recovered


def _requeue_lost_tasks(cutoff: Any, *, just_requeued: list[Any]) -> list[Job]:
    """Requeue QUEUED jobs whose task will never run: a worker killed after taking the task but
    before ``run_job`` marked the job RUNNING (the task shows running or failed), or a task that
    was never sent or has vanished. A task still waiting in the queue is left alone."""
    lost = []
    candidates = Job.objects.select_for_update().filter(status=Job.Status.QUEUED, created_at__lt=cutoff)
    for job in candidates.exclude(pk__in=just_requeued)[:200]:
        if _task_waiting(job.task_id):
            continue
        _abandon_task_row(job.task_id)
        with translation.override(owner_language(job)):
            job.message = _("The task of this job was lost; it was put back in the queue.")
        job.save(update_fields=["message"])
        _enqueue(job)
        lost.append(job)
    return lost


def _task_waiting(task_id: str) -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    if not task_id:
        return False
    try:
        return run_job.get_result(task_id).status == TaskResultStatus.READY
    except TaskResultDoesNotExist:
        return False


def _abandon_task_row(task_id: str) -> None:
    """Mark the database backend's row of a dead worker as failed, so it is not RUNNING forever."""
    # Only the database backend has such rows; an RQ task id is no UUID and would not even parse.
    if not task_id or settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="asis.core.jobs.WorkerLost",
        traceback="The worker process ended without finishing this task.",
    )


def _drop_connection(what: str, subject: Any, exc: BaseException) -> None:
    """Log a database error in one line and close this thread's connection, so the next query
    opens a fresh one instead of failing on the dead one for ever."""
    first_line = (str(exc).strip().splitlines() or [""])[0][:200]
    logger.warning(what + ": %s: %s", subject, type(exc).__name__, first_line)
    with contextlib.suppress(DatabaseError):  # closing what the server already dropped may fail too
        connection.close()


class StaleJobSweeper(threading.Thread):
    """Calls ``jobs_recover_stale`` every ``interval`` seconds until stopped.

    A database error (server restarted, connections terminated, network cut) must not end the
    thread: the job a dead worker left RUNNING would then wait for the next worker start.
    On an error the connection is closed and the next try waits twice as long, up to
    ``max_backoff`` seconds; the first success goes back to the normal interval.
    """

    def __init__(self, interval: float, *, max_backoff: float = 60.0,
                 also: Sequence[Callable[[], None]] = ()) -> None:
        super().__init__(daemon=True, name="stale-job-sweeper")
        self.also = tuple(also)  # other periodic upkeep of a worker, run after each sweep
        self.interval = max(interval, 0.05)
        self.max_backoff = max(max_backoff, self.interval)
        self.sweeps = 0
        self.failures = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        delay = self.interval
        try:
            while not self._stop_event.wait(delay):
                try:
                    jobs_recover_stale()
                    for upkeep in self.also:
                        upkeep()
                except DatabaseError as exc:
                    self.failures += 1
                    delay = min(delay * 2, self.max_backoff)
                    _drop_connection("Stale-job sweep failed (next try in %.1f s)", delay, exc)
                except Exception:  # any other bug must not end recovery for good either
                    self.failures += 1
                    delay = min(delay * 2, self.max_backoff)
                    logger.exception("Stale-job sweep failed (next try in %.1f s)", delay)
                else:
                    self.sweeps += 1
                    delay = self.interval
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def worker_run(run_once: Callable[[], None], *, max_backoff: float = 60.0, stable_after: float = 60.0) -> None:
    """Run a worker loop (``db_worker``, ``rqworker``) again after a database error instead of exiting.

    django-tasks-db's loop raises on a lost connection (only a locked SQLite database is retried),
    which would end the process. The task it held stays RUNNING and the sweeper requeues its job.
    """
    delay = 1.0
    while True:
        started = time.monotonic()
        try:
            run_once()
            return
        except DatabaseError as exc:
            if time.monotonic() - started >= stable_after:
                delay = 1.0
            _drop_connection("Task worker loop stopped (restarting in %.0f s)", delay, exc)
            time.sleep(delay)
            delay = min(delay * 2, max_backoff)
