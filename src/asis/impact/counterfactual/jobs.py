"""The background job that runs a counterfactual study (registered with ``@job_handler``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.core.jobs import JobError, Reporter, job_handler
from asis.core.models import Job
from asis.impact.counterfactual import access, messages
from asis.impact.counterfactual.services import JOB_KIND, study_run
from asis.impact.models_counterfactual import CounterfactualStudy


@job_handler(JOB_KIND, result_labels={"study": gettext_lazy("Study"),
                                       "status": gettext_lazy("Status")})
def counterfactual_job(job: Job, report: Reporter) -> dict[str, Any]:
    """Run the study for the job's owner, who must still analyse its organisation when it runs."""
    study = CounterfactualStudy.objects.filter(pk=job.params.get("study_id")).first()
    if study is None or job.owner is None or not access.studies_for(job.owner).filter(pk=study.pk).exists():
        raise JobError(_("The study does not exist or you no longer analyse its organisation."))
    study = study_run(actor=job.owner, study=study, report=report)
    if study.status == CounterfactualStudy.Status.FAILED:
        return {"study": study.name,
                "status": messages.error_text(study.error_code, study.error_params)}
    return {"study": study.name, "status": str(study.get_status_display())}
