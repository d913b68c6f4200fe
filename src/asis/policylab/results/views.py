"""Pages of the results part: a run's results, new comparison, the comparison (fan charts,
animated difference map, distributions, sensitivity), exports and the PDF brief.

Results and comparisons are read by whoever can read the scenario/comparison, or with its share
link (``?key=``); everyone else gets a 404 (nothing reveals that a private object exists)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.engines.simulation.errors import SimulationError
from asis.policylab import access, charts, runs
from asis.policylab.messages import error_message
from asis.policylab.results import brief, exports, selectors, services
from asis.policylab.results.forms import ComparisonEditForm, ComparisonForm, SensitivityForm


def _key(request: HttpRequest) -> str:
    return str(request.GET.get("key", ""))[:60]


def run_results(request: HttpRequest, run_id: str) -> HttpResponse:
    run = selectors.access_run(request.user, run_id, token=_key(request))
    context = selectors.run_results(run, outcome=str(request.GET.get("outcome", "")))
    return render(request, "policylab/results/run_results.html",
                  {"run": run, "scenario": run.scenario, "key": _key(request),
                   "can_compare": access.is_policy_officer(request.user), **context})


def run_export(request: HttpRequest, run_id: str, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Unknown format")
    run = selectors.access_run(request.user, run_id, token=_key(request))
    return exports.download(exports.run_sheets(run), title=run.scenario.name, stem="simulation", fmt=fmt)


@login_required
@require_http_methods(["GET", "POST"])
def compare_new(request: HttpRequest) -> HttpResponse:
    if not access.is_policy_officer(request.user):
        raise Http404("Not a policy officer")
    scenarios = selectors.comparable_scenarios(request.user)
    initial = {"reference": request.GET.get("reference")} if request.GET.get("reference") else None
    form = ComparisonForm(request.POST or None, scenarios=scenarios, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            comparison = services.comparison_create(user=request.user, name=data["name"],
                                                    visibility=data["visibility"], scenarios=data["ordered"])
        except services.ComparisonRefused as exc:
            error = str(exc)
        else:
            return redirect("policylab:comparison", comparison_id=comparison.pk)
    return render(request, "policylab/results/compare_new.html",
                  {"form": form, "error": error, "has_choices": scenarios.count() >= 2})


def comparison(request: HttpRequest, comparison_id: str) -> HttpResponse:
    key = _key(request)
    item = access.access_comparison(request.user, comparison_id, token=key)
    page = selectors.comparison_page(item, outcome=str(request.GET.get("outcome", "")),
                                     scenario=str(request.GET.get("scenario", "")), year=str(request.GET.get("year", "")))
    if page["ready"]:
        page["fan_svgs"] = [{**fan, "svg": charts.render(fan["chart"], chart_id=f"fan-{fan['name']}")}
                            for fan in page["fans"]]
        page["frame_svgs"] = [{"year": f["year"], "svg": charts.render(f["chart"], chart_id=f"frame-{f['year']}")}
                              for f in page["frames"]["frames"]]
        page["dist_svgs"] = [{**d, "svg": charts.render(d["chart"], chart_id=f"dist-{d['name']}")}
                             for d in page["distributions"]]
    can_edit = access.can_edit_comparison(request.user, item)
    share_url = ""
    if can_edit:
        share_url = request.build_absolute_uri(reverse("policylab:comparison", kwargs={"comparison_id": item.pk})
                                               + f"?key={item.share_token}")
    edit_form = ComparisonEditForm(initial={"name": item.name, "visibility": item.visibility}) if can_edit else None
    sensitivity_form = None
    if page["ready"] and access.is_policy_officer(request.user):
        sensitivity_form = SensitivityForm(
            scenarios=[(str(c.run.scenario_id), c.label) for c in page["items"]
                       if access.can_edit_scenario(request.user, c.run.scenario)])
        if not sensitivity_form.fields["scenario"].choices:
            sensitivity_form = None
    return render(request, "policylab/results/comparison.html", {
        "comparison": item, "key": key, "can_edit": can_edit, "share_url": share_url, "edit_form": edit_form,
        "sensitivity_form": sensitivity_form,
        "can_add_evidence": access.is_whitebook_editor(request.user) or access.is_policy_officer(request.user),
        **page})


@login_required
@require_POST
def comparison_update(request: HttpRequest, comparison_id: str) -> HttpResponse:
    item = access.access_comparison(request.user, comparison_id)
    if not access.can_edit_comparison(request.user, item):
        raise Http404("Cannot edit")
    form = ComparisonEditForm(request.POST)
    if form.is_valid():
        try:
            services.comparison_update(comparison=item, user=request.user, name=form.cleaned_data["name"],
                                       visibility=form.cleaned_data["visibility"])
        except services.ComparisonRefused as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, _("The comparison was saved."))
    else:
        flash.error(request, _("The comparison was not saved: give it a name and choose who can see it."))
    return redirect("policylab:comparison", comparison_id=item.pk)


@login_required
@require_POST
def comparison_sensitivity(request: HttpRequest, comparison_id: str) -> HttpResponse:
    """Start a sensitivity analysis of the levers around one of the compared scenarios."""
    item = access.access_comparison(request.user, comparison_id)
    if not access.is_policy_officer(request.user):
        raise Http404("Not a policy officer")
    items = selectors.compared(item)
    choices = [(str(c.run.scenario_id), c.label) for c in items if access.can_edit_scenario(request.user, c.run.scenario)]
    form = SensitivityForm(request.POST, scenarios=choices)
    if not form.is_valid():
        flash.error(request, _("Choose a scenario you may edit and an outcome."))
        return redirect("policylab:comparison", comparison_id=item.pk)
    scenario = next(c.run.scenario for c in items if str(c.run.scenario_id) == form.cleaned_data["scenario"])
    try:
        runs.sensitivity_start(scenario=scenario, user=request.user, outcome=form.cleaned_data["outcome"])
    except runs.SimulationRefused as exc:
        flash.error(request, str(exc))
    except SimulationError as exc:
        flash.error(request, error_message(exc))
    else:
        flash.success(request, _("The sensitivity analysis was started; its ranking appears here when it is done."))
    return redirect("policylab:comparison", comparison_id=item.pk)


def comparison_export(request: HttpRequest, comparison_id: str, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Unknown format")
    item = access.access_comparison(request.user, comparison_id, token=_key(request))
    return exports.download(exports.comparison_sheets(item), title=item.name, stem="comparison", fmt=fmt)


def comparison_pdf(request: HttpRequest, comparison_id: str) -> HttpResponse:
    item = access.access_comparison(request.user, comparison_id, token=_key(request))
    if len(selectors.compared(item)) < 2:
        raise Http404("Nothing to compare")
    pdf = brief.brief_pdf(item, outcome=str(request.GET.get("outcome", "")), scenario=str(request.GET.get("scenario", "")))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brief-{slugify(item.name)[:60] or "comparison"}.pdf"'
    return response
