"""Job handlers used only by the tests (loaded through ASIS_JOB_MODULES / settings)."""

from __future__ import annotations

import time

from asis.core.jobs import JobError, job_handler


@job_handler("test.slow")
def slow(job, report):
    steps = int(job.params.get("steps", 10))
    delay = float(job.params.get("delay", 0.0))
    for i in range(steps):
        time.sleep(delay)
        report((i + 1) / steps, f"step {i + 1} of {steps}")
    return {"steps": steps}


@job_handler("test.fails")
def fails(job, report):
    raise JobError("The input file has no rows.")


@job_handler("test.crashes")
def crashes(job, report):
    return 1 / 0
