"""API endpoints of the platform core: health, the current user, jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError

from asis.core.api_base import ProblemOut, api
from asis.core.models import Job


class HealthOut(Schema):
    status: str
    version: str


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    progress: float
    message: str
    result: Any = None
    error: str
    created_at: datetime
    finished_at: datetime | None = None


@api.get("/health", auth=None, throttle=[], response=HealthOut, tags=["platform"], summary="Service health")
def health(request: HttpRequest) -> dict[str, str]:
    from asis import __version__

    return {"status": "ok", "version": __version__}


@api.get("/jobs/{job_id}", response={200: JobOut, 401: ProblemOut, 404: ProblemOut, 422: ProblemOut}, tags=["platform"], summary="A background job of yours")
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> Job:
    user = request.user
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (user.is_platform_admin or job.owner_id == user.pk):
        raise HttpError(404, "No such job")
    return job
