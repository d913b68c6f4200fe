from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.core.jobs import job_start
from asis.core.models import AuditEntry, Job
from asis.core.sections import SECTIONS, SECTIONS_BY_SLUG


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"sections": SECTIONS})


def section(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        current = SECTIONS_BY_SLUG[slug]
    except KeyError as exc:
        raise Http404("No such section") from exc
    return render(request, "core/section.html", {"section": current})


def _access_job(request: HttpRequest, job_id: str) -> Job:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (request.user.is_platform_admin or job.owner_id == request.user.pk):
        raise Http404("No such job")
    return job


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _access_job(request, job_id)
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(owner=request.user).order_by("-created_at")[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


def _audit_scope(request: HttpRequest) -> list[int] | None:
    """Organisation ids whose audit entries the user may read, ``None`` for all of them; raises
    Http404 for a user who may read none (the rule lives in the app named by AUDIT_LOG_SCOPE)."""
    scope = import_string(settings.AUDIT_LOG_SCOPE)(request.user)
    if scope == []:
        raise Http404("No such page")
    return None if scope is None else list(scope)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    org_ids = _audit_scope(request)
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")
    if org_ids is not None:
        entries = entries.filter(organisation_id__in=org_ids)
    action = request.GET.get("action", "").strip()
    object_type = request.GET.get("object_type", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if actor.isdigit():
        entries = entries.filter(actor_id=int(actor))
    elif actor:
        entries = entries.filter(Q(actor__email__icontains=actor) | Q(actor__full_name__icontains=actor))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {
        "page": page,
        "filters": {"action": action, "object_type": object_type, "actor": actor},
        "querystring": query.urlencode(),
    })


@login_required
@require_POST
def audit_verify_start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_platform_admin:
        raise Http404("No such page")
    job = job_start(kind="audit.verify", owner=request.user)
    return redirect("core:job_detail", job_id=job.pk)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", {"title": _("Bad request")}, status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {"title": _("Access denied")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", {"title": _("Page not found")}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", {"title": _("Server error")}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", {"title": _("Form expired")}, status=403)
