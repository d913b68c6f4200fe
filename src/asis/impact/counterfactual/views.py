"""Pages of counterfactual policy tests: panels (import, from an indicator), studies (new, result,
PDF). Only the programme managers of the owning organisation get through (404 for others)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from asis.calls.pdf import render_pdf
from asis.impact.counterfactual import access, messages, presentation, services
from asis.impact.counterfactual.forms import IndicatorPanelForm, PanelImportForm, StudyForm
from asis.impact.models import Indicator


def _analyst(request: HttpRequest) -> None:
    if not access.is_analyst(request.user):
        raise Http404("Not an analyst")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    panels = access.panels_for(request.user).select_related("organisation")
    studies = access.studies_for(request.user).select_related("panel")
    return render(request, "impact/counterfactual/index.html", {"panels": panels, "studies": studies})


@login_required
@require_http_methods(["GET", "POST"])
def panel_import(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    organisations = access.analyst_organisations(request.user)
    form = PanelImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    problems: list[dict[str, object]] = []
    more = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            panel = services.panel_import_csv(
                actor=request.user, organisation=data["organisation"], name=data["name"],
                outcome_label=data["outcome_label"], text=data["file"],
                source_note=request.FILES["file"].name[:300])
        except services.PanelImportError as exc:
            problems = [{"row": e.row, "text": messages.csv_error_text(e.code, {
                "column": e.column, "value": e.value, "other_row": e.other_row})} for e in exc.errors]
            more = exc.count - len(exc.errors)
        else:
            flash.success(request, _("The panel was imported with %(rows)s rows.") % {"rows": panel.row_count})
            return redirect("impact:counterfactual:panel_detail", panel_id=panel.pk)
    return render(request, "impact/counterfactual/panel_import.html",
                  {"form": form, "problems": problems, "more": more})


@login_required
@require_http_methods(["GET", "POST"])
def panel_indicator(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    organisations = access.analyst_organisations(request.user)
    choices: dict[str, Indicator] = {}
    for organisation in organisations:
        for indicator in services.indicator_choices(organisation):
            choices[str(indicator.pk)] = indicator
    form = IndicatorPanelForm(request.POST or None, organisations=organisations,
                              indicators=[(k, str(v.name)) for k, v in choices.items()])
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.panel_from_indicator(actor=request.user,
                                                  organisation=form.cleaned_data["organisation"],
                                                  indicator=choices[form.cleaned_data["indicator"]])
        except services.StudyInputError as exc:
            error = messages.error_text(exc.code, exc.params)
        else:
            return redirect("impact:counterfactual:panel_detail", panel_id=panel.pk)
    return render(request, "impact/counterfactual/panel_indicator.html",
                  {"form": form, "error": error, "has_choices": bool(choices)})


@login_required
def panel_detail(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = access.access_panel(request.user, panel_id)
    return render(request, "impact/counterfactual/panel_detail.html", {
        "panel": panel, "units": services.panel_units(panel), "periods": services.panel_periods(panel),
        "preview": panel.rows.all()[:12], "studies": panel.studies.all()})


@login_required
@require_http_methods(["GET", "POST"])
def study_new(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = access.access_panel(request.user, panel_id)
    units, periods = services.panel_units(panel), services.panel_periods(panel)
    form = StudyForm(request.POST or None, units=units, periods=periods)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            study = services.study_create(
                actor=request.user, panel=panel, name=data["name"], method=data["method"],
                treated=list(data["treated"]), comparison=list(data["comparison"]),
                treatment_start=data["treatment_start"], period_from=data["period_from"],
                period_to=data["period_to"], confidence=data["confidence"])
        except services.StudyInputError as exc:
            error = messages.error_text(exc.code, exc.params)
        else:
            return redirect("impact:counterfactual:study_detail", study_id=study.pk)
    return render(request, "impact/counterfactual/study_new.html",
                  {"panel": panel, "form": form, "error": error})


@login_required
def study_detail(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    return render(request, "impact/counterfactual/study_detail.html",
                  {"study": study, **presentation.result_context(study)})


@login_required
def study_pdf(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    context = presentation.result_context(study)
    if not context["ready"]:
        raise Http404("No result yet")
    pdf = render_pdf("impact/counterfactual/study_pdf.html", {"study": study, **context})
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(study.name) or "study"
    response["Content-Disposition"] = f'attachment; filename="counterfactual-{name}.pdf"'
    return response
