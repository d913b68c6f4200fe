"""The SROI Monte Carlo as a background job (registered with ``@job_handler``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from asis.core.jobs import JobError, Reporter, job_handler
from asis.core.models import Job
from asis.impact.sroi import services
from asis.impact.sroi.access import analyses_managed_by


@job_handler(services.JOB_KIND, result_labels={
    "analysis": _lazy("Analysis"), "ratio": _lazy("SROI ratio"), "mean": _lazy("Mean ratio (Monte Carlo)"),
    "probability_above_one": _lazy("Probability that the ratio exceeds 1"), "draws": _lazy("Draws")})
def sroi_run_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Run the analysis for the job's owner, who must still manage it when the job runs."""
    owner = job.owner
    analysis = analyses_managed_by(owner).filter(pk=job.params.get("analysis_id")).first() if owner else None
    if analysis is None:
        raise JobError(_("The analysis does not exist or you no longer manage it."))
    try:
        run = services.sroi_run(actor=owner, analysis=analysis, draws=int(job.params.get("draws", 0)),
                                seed=int(job.params.get("seed", 0)), job=job, report=report)
    except ValidationError as exc:
        raise JobError(" ".join(exc.messages)) from exc
    mc = run.result["monte_carlo"]
    return {"analysis": analysis.title, "ratio": round(run.result["ratio"], 2), "mean": round(mc["mean"], 2),
            "probability_above_one": round(mc["probability_above_one"], 3), "draws": run.draws}
