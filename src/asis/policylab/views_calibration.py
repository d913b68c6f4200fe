"""Calibration page: the data used, the fitted values with their standard errors and diagnostics,
the history of calibrations; recompute (policy officers) and put in force (platform admins)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.core.models import Job
from asis.policylab import access
from asis.policylab import calibration as service
from asis.policylab.charts_calibration import observed_vs_fitted_svg
from asis.policylab.messages import FIELD_NAMES, message
from asis.policylab.models_calibration import Calibration
from asis.regions.models import COUNTRIES


def _officer(request: HttpRequest) -> None:
    if not access.can_calibrate(request.user):
        raise Http404


def _part_context(part: dict[str, Any]) -> dict[str, Any]:
    error = part.get("error")
    rows = [{"year": y, "observed": o, "fitted": f, "residual": r}
            for y, o, f, r in zip(part.get("years", []), part.get("series", []), part.get("fitted", []) or
                                  [None] * len(part.get("years", [])),
                                  part.get("residuals", []) or [None] * len(part.get("years", [])), strict=True)]
    return {"fit": part.get("fit"), "rows": rows, "error": message(error["code"], error["params"]) if error else "",
            "total": sum(part.get("series", []))}


def _posterior(abc: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**p, "label": str(FIELD_NAMES.get(p["name"], p["name"]))} for p in abc.get("posterior", [])]


def calibration_context(selected: Calibration | None) -> dict[str, Any]:
    context: dict[str, Any] = {"selected": selected}
    if selected is None:
        return context
    diag = selected.diagnostics or {}
    bass = diag.get("bass", {})
    all_part = bass.get("all", {})
    country_names = dict(COUNTRIES)
    context.update({
        "data": diag.get("data", {}),
        "all": _part_context(all_part),
        "chart": observed_vs_fitted_svg(all_part),  # safe HTML from charts.render
        "countries": [{"code": code, "name": str(country_names.get(code, code)), **_part_context(part)}
                      for code, part in sorted(bass.get("countries", {}).items())],
        "abc": diag.get("abc", {}),
        "posterior": _posterior(diag.get("abc", {})),
        "overrides": [{"name": name, "label": str(FIELD_NAMES.get(name, name)), "value": value}
                      for name, value in sorted((selected.params or {}).items())],
    })
    return context


@login_required
def calibration(request: HttpRequest) -> HttpResponse:
    _officer(request)
    history = Calibration.objects.select_related("created_by", "enacted_by")[:50]
    selected_id = request.GET.get("calibration", "")
    selected = None
    if selected_id.isdigit():
        selected = Calibration.objects.filter(pk=int(selected_id)).first()
    if selected is None:
        selected = service.calibration_in_force() or Calibration.objects.first()
    context = calibration_context(selected)
    context.update({"history": history, "can_enact": access.can_enact_calibration(request.user),
                    "default_draws": service.DEFAULT_DRAWS, "max_draws": service.MAX_DRAWS,
                    "in_force": service.calibration_in_force()})
    job_id = request.GET.get("job", "")
    if job_id:
        try:
            uuid.UUID(job_id)
        except ValueError:
            job_id = ""
        context["job"] = Job.objects.filter(pk=job_id, owner=request.user, kind=service.JOB_KIND).first() \
            if job_id else None
    return render(request, "policylab/calibration/page.html", context)


@login_required
@require_POST
def calibration_run(request: HttpRequest) -> HttpResponse:
    _officer(request)
    raw = request.POST.get("draws", str(service.DEFAULT_DRAWS)).strip()
    if not raw.isdigit() or not 10 <= int(raw) <= service.MAX_DRAWS:
        messages.error(request, _("The number of simulations must be a whole number from 10 to %(max)s.")
                       % {"max": service.MAX_DRAWS})
        return redirect("policylab:calibration")
    job = service.calibration_start(actor=request.user, draws=int(raw))
    messages.success(request, _("The calibration is being computed. It appears in the history when done."))
    return redirect(f"{reverse('policylab:calibration')}?job={job.pk}#recompute")


@login_required
@require_POST
def calibration_enact(request: HttpRequest, calibration_id: int) -> HttpResponse:
    _officer(request)
    if not access.can_enact_calibration(request.user):
        raise Http404
    target = Calibration.objects.filter(pk=calibration_id).first()
    if target is None:
        raise Http404
    service.calibration_enact(actor=request.user, calibration=target)
    messages.success(request, _("This calibration is now in force: new scenarios use its parameters."))
    return redirect(f"{reverse('policylab:calibration')}?calibration={target.pk}")
