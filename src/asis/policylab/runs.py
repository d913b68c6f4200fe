"""Monte Carlo runs of scenarios as chunks of background jobs: start, progress, cancel, resume.

INTERFACE ONLY -- implemented by the runs work package; other parts call exactly these.
"""

from __future__ import annotations

from typing import Any

from asis.policylab.models import Scenario, SimulationRun


def run_start(*, scenario: Scenario, user: Any) -> SimulationRun:
    """Freeze the scenario's specification, create the run and its chunks, queue one job per chunk.
    Raises ``SimulationRefused`` (message in the reader's language) for impossible or too large runs."""
    raise NotImplementedError


def run_progress(run: SimulationRun) -> dict[str, Any]:
    """{"status", "status_label", "runs_done", "runs_total", "fraction", "chunks_done", "chunks_total",
    "message"} for the progress bar."""
    raise NotImplementedError


def run_cancel(*, run: SimulationRun, user: Any) -> SimulationRun:
    raise NotImplementedError


def run_resume(*, run: SimulationRun, user: Any) -> SimulationRun:
    """Queue again the chunks of a failed or cancelled run that have no outputs yet."""
    raise NotImplementedError


class SimulationRefused(Exception):
    """An impossible scenario or a run too large for the configured limits; str() is the message."""
