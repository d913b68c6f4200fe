"""Scenario explorer pages: the policy lab's home, scenarios (new, from a call, edit, duplicate,
delete, detail), the live preview fragment, and a Monte Carlo run's progress (cancel, resume).

Reading a scenario: ``access.access_scenario`` (404 for people who may not see it; a share link
``?key=`` lets anyone read). Changing it: ``access.can_edit_scenario`` (owner, the policy officers of
its organisation, platform admins). Building scenarios is for policy officers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asis.calls.access import calls_managed_by, public_calls
from asis.calls.models import Call
from asis.engines.simulation.errors import SimulationError
from asis.policylab import access, runs
from asis.policylab.explorer import services
from asis.policylab.explorer.forms import ScenarioForm
from asis.policylab.explorer.presentation import lever_rows, run_progress_of
from asis.policylab.explorer.preview import build_preview
from asis.policylab.messages import error_message
from asis.policylab.models import Scenario, SimulationRun, Visibility


def _officer(request: HttpRequest) -> None:
    if not access.is_policy_officer(request.user):
        raise PermissionDenied


def _editable(request: HttpRequest, scenario_id: Any) -> Scenario:
    scenario = access.access_scenario(request.user, scenario_id)
    if not access.can_edit_scenario(request.user, scenario):
        raise Http404
    return scenario


def run_results_url(run: SimulationRun) -> str:
    return reverse("policylab:run_results", kwargs={"run_id": run.pk})


# --- home ------------------------------------------------------------------------------------------

@require_GET
def index(request: HttpRequest) -> HttpResponse:
    officer = access.is_policy_officer(request.user)
    context: dict[str, Any] = {"officer": officer}
    if officer:
        user = request.user
        visible = access.scenarios_visible_to(user).select_related("owner", "organisation")
        context["my_scenarios"] = visible.filter(owner=user)
        context["org_scenarios"] = visible.exclude(owner=user).filter(
            organisation__in=access.officer_organisations(user))
        context["comparisons"] = access.comparisons_visible_to(user).filter(
            Q(owner=user) | Q(organisation__in=access.officer_organisations(user)))[:20]
    context["public_scenarios"] = Scenario.objects.filter(visibility=Visibility.PUBLIC).select_related("organisation")[:30]
    return render(request, "policylab/explorer/index.html", context)


# --- create / edit ---------------------------------------------------------------------------------

def _form_page(request: HttpRequest, form: ScenarioForm, scenario: Scenario | None, *, status: int = 200) -> HttpResponse:
    """The form with its preview (computed here too, so that the page works without script)."""
    result, errors = None, []
    if form.is_bound and form.is_valid() or not form.is_bound:
        try:
            if not form.is_bound:
                check = ScenarioForm(form.initial, preview=True)
                spec = check.spec() if check.is_valid() else None
            else:
                spec = form.spec()
            result = build_preview(spec) if spec else None
        except SimulationError as exc:
            errors = [error_message(exc)]
    return render(request, "policylab/explorer/scenario_form.html",
                  {"form": form, "scenario": scenario, "preview": result, "errors": errors}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_new(request: HttpRequest) -> HttpResponse:
    _officer(request)
    organisations = access.officer_organisations(request.user)
    if request.method == "POST":
        form = ScenarioForm(request.POST, organisations=organisations)
        if "update_preview" not in request.POST and form.is_valid():
            scenario = services.scenario_create(actor=request.user, data=form.scenario_data())
            flash.success(request, _("The scenario was saved."))
            return redirect("policylab:scenario_detail", scenario_id=scenario.pk)
        return _form_page(request, form, None, status=200 if form.is_valid() else 400)
    initial = ScenarioForm.initial_for(None)
    initial["organisation"] = organisations.first()
    return _form_page(request, ScenarioForm(initial=initial, organisations=organisations), None)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    scenario = _editable(request, scenario_id)
    organisations = access.officer_organisations(request.user)
    if scenario.organisation_id:
        organisations = organisations | type(scenario.organisation).objects.filter(pk=scenario.organisation_id)
    if request.method == "POST":
        form = ScenarioForm(request.POST, organisations=organisations.distinct())
        if "update_preview" not in request.POST and form.is_valid():
            services.scenario_update(actor=request.user, scenario=scenario, data=form.scenario_data())
            flash.success(request, _("The scenario was saved."))
            return redirect("policylab:scenario_detail", scenario_id=scenario.pk)
        return _form_page(request, form, scenario, status=200 if form.is_valid() else 400)
    form = ScenarioForm(initial=ScenarioForm.initial_for(scenario), organisations=organisations.distinct())
    return _form_page(request, form, scenario)


@login_required
@require_POST
def scenario_duplicate(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    _officer(request)
    scenario = access.access_scenario(request.user, scenario_id)
    copy = services.scenario_duplicate(actor=request.user, scenario=scenario,
                                       organisation=access.officer_organisations(request.user).first())
    flash.success(request, _("A copy of the scenario was made: change it as you like."))
    return redirect("policylab:scenario_edit", scenario_id=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    scenario = _editable(request, scenario_id)
    if request.method == "POST":
        services.scenario_delete(actor=request.user, scenario=scenario)
        flash.success(request, _("The scenario was deleted."))
        return redirect("policylab:index")
    return render(request, "policylab/explorer/scenario_delete.html",
                  {"scenario": scenario, "run_count": scenario.runs.count()})


# --- from a real call ------------------------------------------------------------------------------

def calls_for_scenarios(user: Any) -> Any:
    """Calls a policy officer may build a scenario from: those they manage and published ones."""
    return (calls_managed_by(user) | public_calls()).distinct().order_by("-opens_at", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def scenario_from_call(request: HttpRequest) -> HttpResponse:
    _officer(request)
    calls = list(calls_for_scenarios(request.user))
    by_id = {call.pk: call for call in calls}
    raw = request.POST.get("call") if request.method == "POST" else request.GET.get("call")
    chosen: Call | None = None
    if raw not in (None, ""):
        try:
            chosen = by_id.get(int(raw))
        except (TypeError, ValueError):
            chosen = None
        if chosen is None:
            raise Http404
    mapping = services.call_levers(chosen) if chosen else None
    if request.method == "POST" and chosen is not None:
        scenario = services.scenario_from_call(actor=request.user, call=chosen,
                                               organisation=access.officer_organisations(request.user).first())
        flash.success(request, _("The scenario was built from the call: check and change its levers."))
        return redirect("policylab:scenario_edit", scenario_id=scenario.pk)
    return render(request, "policylab/explorer/from_call.html",
                  {"calls": calls, "chosen": chosen, "mapping": mapping,
                   "rows": lever_rows(mapping.levers) if mapping else []})


# --- live preview ----------------------------------------------------------------------------------

@login_required
@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    """The preview fragment for the levers in the query (the scenario form's fields)."""
    _officer(request)
    form = ScenarioForm(request.GET, preview=True)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return render(request, "policylab/explorer/_preview.html", {"errors": errors})
    try:
        result = build_preview(form.spec())
    except SimulationError as exc:
        return render(request, "policylab/explorer/_preview.html", {"errors": [error_message(exc)]})
    return render(request, "policylab/explorer/_preview.html", {"preview": result})


# --- detail ----------------------------------------------------------------------------------------

@require_GET
def scenario_detail(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    key = request.GET.get("key", "")
    scenario = access.access_scenario(request.user, scenario_id, token=key)
    can_edit = access.can_edit_scenario(request.user, scenario)
    warnings: list[str] = []
    try:
        warnings = runs.scenario_warnings(scenario)
    except SimulationError as exc:
        warnings = [error_message(exc)]
    scenario_runs = list(scenario.runs.select_related("created_by"))
    share_url = request.build_absolute_uri(
        reverse("policylab:scenario_detail", kwargs={"scenario_id": scenario.pk}) + f"?key={scenario.share_token}")
    return render(request, "policylab/explorer/scenario_detail.html", {
        "scenario": scenario, "can_edit": can_edit, "officer": access.is_policy_officer(request.user),
        "warnings": warnings, "levers": lever_rows(scenario.levers), "share_url": share_url,
        "runs": [(run, run_results_url(run) if run.status == SimulationRun.Status.SUCCEEDED else "")
                 for run in scenario_runs],
        "key": key if key == scenario.share_token else "",
    })


@login_required
@require_POST
def run_start(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    scenario = _editable(request, scenario_id)
    try:
        run = runs.run_start(scenario=scenario, user=request.user)
    except runs.SimulationRefused as exc:
        flash.error(request, str(exc))
        return redirect("policylab:scenario_detail", scenario_id=scenario.pk)
    except SimulationError as exc:
        flash.error(request, error_message(exc))
        return redirect("policylab:scenario_detail", scenario_id=scenario.pk)
    return redirect("policylab:run_detail", run_id=run.pk)


# --- a run's progress ------------------------------------------------------------------------------

def _run(request: HttpRequest, run_id: Any) -> SimulationRun:
    try:
        run = SimulationRun.objects.select_related("scenario").get(pk=run_id)
    except (SimulationRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    access.access_scenario(request.user, run.scenario_id, token=request.GET.get("key", ""))
    return run


@require_GET
def run_detail(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = _run(request, run_id)
    progress = run_progress_of(run)
    return render(request, "policylab/explorer/run_detail.html", {
        "run": run, "scenario": run.scenario, "progress": progress,
        "can_edit": access.can_edit_scenario(request.user, run.scenario),
        "results_url": run_results_url(run) if run.status == SimulationRun.Status.SUCCEEDED else ""})


@require_GET
def run_progress(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = _run(request, run_id)
    response = render(request, "policylab/explorer/_run_progress.html", {
        "run": run, "progress": run_progress_of(run),
        "results_url": run_results_url(run) if run.status == SimulationRun.Status.SUCCEEDED else ""})
    if run.is_finished and request.headers.get("HX-Request"):
        # The page reloads once so that its buttons and links match the finished run.
        response["HX-Refresh"] = "true"
    return response


def _run_action(request: HttpRequest, run_id: Any, action: Any, done: str) -> HttpResponse:
    run = _run(request, run_id)
    if not access.can_edit_scenario(request.user, run.scenario):
        raise Http404
    try:
        action(run=run, user=request.user)
    except runs.SimulationRefused as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, done)
    return redirect("policylab:run_detail", run_id=run.pk)


@login_required
@require_POST
def run_cancel(request: HttpRequest, run_id: Any) -> HttpResponse:
    return _run_action(request, run_id, runs.run_cancel, _("The run was cancelled; finished runs are kept."))


@login_required
@require_POST
def run_resume(request: HttpRequest, run_id: Any) -> HttpResponse:
    return _run_action(request, run_id, runs.run_resume, _("The run goes on with the runs that are missing."))
