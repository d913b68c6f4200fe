"""Background jobs of the policy lab (registered with ``@job_handler``): one chunk of a Monte Carlo
run, and a sensitivity analysis. The work itself lives in ``asis.policylab.runs``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _lazy

from asis.core.jobs import Reporter, job_handler
from asis.core.models import Job
from asis.policylab import runs


@job_handler(runs.JOB_KIND_CHUNK, result_labels={
    "runs": _lazy("Runs simulated"), "completed": _lazy("Last chunk of the simulation"),
    "skipped": _lazy("Nothing to do (cancelled or already computed)")})
def run_chunk_job(job: Job, report: Reporter) -> dict[str, Any]:
    return runs.chunk_execute(chunk_id=job.params.get("chunk_id"), report=report)


@job_handler(runs.JOB_KIND_SENSITIVITY, result_labels={
    "evaluations": _lazy("Lever settings simulated"), "most_influential": _lazy("Most influential lever"),
    "skipped": _lazy("Nothing to do (cancelled or already computed)")})
def sensitivity_job(job: Job, report: Reporter) -> dict[str, Any]:
    return runs.sensitivity_execute(analysis_id=job.params.get("analysis_id"), report=report)
