"""SROI pages: the list, the impact map editor, the results (tornado, Monte Carlo), the run, the PDF
and the price index import. Managers edit and run; project holders read their projects' analyses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.calls.access import calls_managed_by
from asis.calls.pdf import render_pdf
from asis.calls.web import current_language
from asis.core.models import Job
from asis.impact.access import projects_managed_by
from asis.impact.models import ProjectIndicator
from asis.impact.models_sroi import PriceIndex, SroiAnalysis
from asis.impact.sroi import access, adapters, charts, forms, services


@login_required
def sroi_list(request: HttpRequest) -> HttpResponse:
    analyses = access.analyses_visible_to(request.user).select_related(
        "project__application", "call").order_by("-updated_at")
    projects = projects_managed_by(request.user).select_related("application").order_by("application__reference")
    calls = calls_managed_by(request.user).order_by("-pk")
    form = forms.SroiCreateForm(projects=projects, calls=calls) if (projects.exists() or calls.exists()) else None
    return render(request, "impact/sroi/list.html", {"analyses": analyses, "form": form})


@login_required
@require_POST
def sroi_create(request: HttpRequest) -> HttpResponse:
    projects = projects_managed_by(request.user).select_related("application")
    calls = calls_managed_by(request.user)
    if not (projects.exists() or calls.exists()):
        raise Http404("No project or call to analyse")
    form = forms.SroiCreateForm(request.POST, projects=projects, calls=calls)
    if not form.is_valid():
        analyses = access.analyses_visible_to(request.user)
        return render(request, "impact/sroi/list.html", {"analyses": analyses, "form": form}, status=400)
    kind, _sep, pk = form.cleaned_data["target"].partition(":")
    target = {"project": projects.get(pk=pk)} if kind == "project" else {"call": calls.get(pk=pk)}
    analysis = services.sroi_create(actor=request.user, title=form.cleaned_data["title"],
                                    report_year=form.cleaned_data["report_year"],
                                    investment=form.cleaned_data["investment"], **target)
    messages.success(request, _("The analysis was created: add its outcomes."))
    return redirect("impact:sroi_edit", analysis_id=analysis.pk)


def _indicators(analysis: SroiAnalysis) -> Any:
    qs = ProjectIndicator.objects.select_related("indicator", "project__application")
    if analysis.project_id:
        return qs.filter(project_id=analysis.project_id)
    return qs.filter(project__application__call_id=analysis.call_id)


@login_required
def sroi_edit(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = access.access_managed_analysis(request.user, analysis_id)
    indicators = _indicators(analysis)
    kwargs = {"instance": analysis, "form_kwargs": {"indicators": indicators}, "prefix": "rows",
              "queryset": analysis.outcomes.all()}
    if request.method == "POST":
        form = forms.SroiAnalysisForm(request.POST, instance=analysis)
        formset = forms.OutcomeFormSet(request.POST, **kwargs)
        if form.is_valid() and formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE") and (f.has_changed() or f.instance.pk)]
            try:
                services.sroi_save(actor=request.user, analysis=analysis, fields=form.cleaned_data, rows=rows)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The impact map was saved."))
                return redirect("impact:sroi_detail", analysis_id=analysis.pk)
        status = 400
    else:
        form = forms.SroiAnalysisForm(instance=analysis)
        formset = forms.OutcomeFormSet(**kwargs)
        status = 200
    monitored = {pi.pk: adapters.monitored_quantity(pi) for pi in indicators}
    return render(request, "impact/sroi/edit.html", {"analysis": analysis, "form": form, "formset": formset,
                                                      "monitored": monitored}, status=status)


def results_context(analysis: SroiAnalysis) -> dict[str, Any]:
    """What the results page and the PDF show: the current result and tornado, and the latest run."""
    context: dict[str, Any] = {"analysis": analysis, "error": None, "run": analysis.runs.first()}
    rows = list(analysis.outcomes.select_related("project_indicator__indicator", "proxy"))
    try:
        computed = services.sroi_compute(analysis)
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return context
    data = adapters.result_data(computed.impact, computed.result, computed.tornado, None)
    context["result"] = data
    context["rows"] = [(row, adapters.monitored_quantity(row.project_indicator), out["present_value"])
                       for row, out in zip(rows, data["outcomes"], strict=True)]
    context["tornado"] = charts.tornado_chart(data["tornado"], data["outcomes"], data["ratio"])
    run = context["run"]
    if run is not None and "monte_carlo" in run.result:
        context["mc"] = run.result["monte_carlo"]
        context["histogram"] = charts.histogram_chart(run.result["monte_carlo"]["histogram"])
        context["run_outdated"] = run.inputs != adapters.inputs_data(computed.impact)
    return context


@login_required
def sroi_detail(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = access.access_analysis(request.user, analysis_id)
    context = results_context(analysis)
    context["can_manage"] = access.can_manage_analysis(request.user, analysis)
    if context["can_manage"]:
        context["run_form"] = forms.RunForm()
    job_id = request.GET.get("job")
    if job_id:
        job = Job.objects.filter(pk=job_id, owner=request.user, kind=services.JOB_KIND,
                                 params__analysis_id=analysis.pk).first() if _is_uuid(job_id) else None
        context["job"] = job
    return render(request, "impact/sroi/detail.html", context)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_POST
def sroi_run(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = access.access_managed_analysis(request.user, analysis_id)
    form = forms.RunForm(request.POST)
    if form.is_valid():
        try:
            job = services.sroi_run_start(actor=request.user, analysis=analysis, draws=form.cleaned_data["draws"],
                                          seed=form.cleaned_data["seed"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            detail = reverse("impact:sroi_detail", kwargs={"analysis_id": analysis.pk})
            return redirect(f"{detail}?job={job.pk}#run")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("impact:sroi_detail", analysis_id=analysis.pk)


@login_required
def sroi_pdf(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = access.access_analysis(request.user, analysis_id)
    pdf = render_pdf("impact/sroi/report_pdf.html", results_context(analysis), language=current_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sroi-{analysis.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def price_index(request: HttpRequest) -> HttpResponse:
    """The price index table; platform admins import values (it serves every organisation)."""
    if not request.user.is_platform_admin:
        raise Http404("No such page")
    report = None
    if request.method == "POST":
        form = forms.PriceIndexImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = services.price_index_import(actor=request.user, text=form.cleaned_data["text"])
            if report.ok:
                messages.success(request, _("%(count)s index values were imported.") % {"count": report.saved})
                return redirect("impact:sroi_price_index")
    else:
        form = forms.PriceIndexImportForm()
    values = PriceIndex.objects.all()
    return render(request, "impact/sroi/price_index.html", {"form": form, "report": report, "values": values},
                  status=400 if report is not None and not report.ok else 200)
