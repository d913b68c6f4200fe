"""Pages of the indicator library, a project's monitoring set-up and its theory of change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.calls.access import access_managed_call
from asis.impact import access, library, setup, theory
from asis.impact.disaggregations import label as breakdown_label
from asis.impact.forms_library import (
    AddIndicatorForm,
    DecisionForm,
    IndicatorForm,
    ProposeIndicatorForm,
    TargetsForm,
    TheoryForm,
)
from asis.impact.models import Indicator, ProjectIndicator
from asis.impact.setup import Baseline
from asis.impact.units import UNIT_CHOICES
from asis.observatory.models import Challenge


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the library ----------------------------------------------------------------------------------

def library_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    query = library.LibraryQuery(q=get.get("q", "")[:200], source=get.get("source", ""),
                                 challenge=get.get("challenge", ""), sdg=get.get("sdg", ""), unit=get.get("unit", ""))
    rows = library.library_search(request.user, query)
    return render(request, "impact/library/list.html", {
        "rows": rows, "query": query, "sources": Indicator.Source.choices, "units": UNIT_CHOICES,
        "challenges": Challenge.objects.filter(active=True).order_by("position"),
        "goals": [str(n) for n in range(1, 18)],
        "can_create": request.user.is_authenticated and request.user.is_platform_admin,
        "to_review": list(library.indicators_to_review(request.user)) if request.user.is_authenticated else [],
    })


def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = library.access_indicator(request.user, indicator_id)
    return render(request, "impact/library/detail.html", {
        "indicator": indicator, "usage": library.indicator_usage(indicator), "definition": indicator.translated("definition"),
        "data_source": library.data_source_label(indicator.data_source),
        "breakdowns": [str(dict(_dimensions()).get(d, d)) for d in indicator.disaggregations or []],
        "challenges": indicator.challenges.all(),
        "can_edit": library.can_edit_indicator(request.user, indicator),
        "can_review": library.can_review_indicator(request.user, indicator)
        and indicator.status == Indicator.Status.PROPOSED,
    })


def _dimensions() -> list[tuple[str, Any]]:
    from asis.impact.disaggregations import DIMENSIONS

    return DIMENSIONS


def _save_indicator_form(request: HttpRequest, form: IndicatorForm, save: Any) -> Indicator | None:
    if not form.is_valid():
        return None
    indicator = form.apply_texts(form.save(commit=False))
    try:
        return save(indicator, list(form.cleaned_data.get("challenges") or []))  # type: ignore[no-any-return]
    except ValidationError as exc:
        _errors_to_form(form, exc)
        return None


@login_required
def indicator_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_platform_admin:
        raise Http404("No such page")
    form = IndicatorForm(request.POST or None, initial={"original_language": get_language()})
    if request.method == "POST":
        def save(indicator: Indicator, challenges: list[Any]) -> Indicator:
            indicator.created_by = request.user
            return library.indicator_save(actor=request.user, indicator=indicator, challenges=challenges,
                                          action="asis.impact.indicator.created")
        indicator = _save_indicator_form(request, form, save)
        if indicator is not None:
            messages.success(request, _("Indicator saved."))
            return redirect("impact:indicator_detail", indicator_id=indicator.pk)
    return render(request, "impact/library/edit.html", {"form": form, "title": _("New library indicator")})


@login_required
def indicator_edit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = library.access_editable_indicator(request.user, indicator_id)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST":
        saved = _save_indicator_form(request, form, lambda i, c: library.indicator_save(
            actor=request.user, indicator=i, challenges=c))
        if saved is not None:
            messages.success(request, _("Indicator saved."))
            return redirect("impact:indicator_detail", indicator_id=saved.pk)
    return render(request, "impact/library/edit.html", {"form": form, "indicator": indicator,
                                                        "title": _("Edit the indicator")})


@login_required
def call_indicators(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    form = IndicatorForm(request.POST or None, initial={"original_language": get_language(), "kind": "result"})
    if request.method == "POST":
        saved = _save_indicator_form(request, form, lambda i, c: library.call_indicator_create(
            actor=request.user, call=call, indicator=i, challenges=c))
        if saved is not None:
            messages.success(request, _("The indicator was added to the call; its projects must report on it."))
            return redirect("impact:call_indicators", call_id=call.pk)
    return render(request, "impact/library/call_indicators.html", {
        "call": call, "form": form, "indicators": Indicator.objects.filter(call=call).order_by("code")})


@login_required
def indicator_propose(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_held_project(request.user, project_id)
    form = ProposeIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        indicator = form.apply(form.save(commit=False), (get_language() or "en").split("-")[0])
        try:
            library.indicator_propose(actor=request.user, project=project, indicator=indicator)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Your indicator was sent to the funding organisation for approval."))
            return redirect("impact:project_setup", project_id=project.pk)
    return render(request, "impact/library/propose.html", {"project": project, "form": form})


@login_required
def indicator_review(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = library.access_reviewable_indicator(request.user, indicator_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            library.indicator_decide(actor=request.user, indicator=indicator,
                                     approve=form.cleaned_data["decision"] == "approve",
                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Decision recorded; the project holder is told."))
            return redirect("impact:indicator_detail", indicator_id=indicator.pk)
    return render(request, "impact/library/review.html", {
        "indicator": indicator, "form": form, "usage": library.indicator_usage(indicator)})


# --- monitoring set-up ----------------------------------------------------------------------------

@login_required
def project_setup(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    indicators = project.monitored_indicators.select_related("indicator").prefetch_related("targets__period")
    rows = [{"pi": pi, "targets": [(t, breakdown_label(t.disaggregation)) for t in pi.targets.all()]}
            for pi in indicators]
    return render(request, "impact/library/setup.html", {
        "project": project, "application": project.application, "rows": rows,
        "periods": project.periods.order_by("number"),
        "add_form": AddIndicatorForm(choices=setup.addable_indicators(project)),
        "is_holder": access.can_hold_project(request.user, project),
    })


@login_required
def project_targets(request: HttpRequest, project_id: int, pi_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    pi = ProjectIndicator.objects.select_related("indicator").filter(project=project, pk=pi_id).first()
    if pi is None:
        raise Http404("No such indicator")
    form = TargetsForm(request.POST or None, project_indicator=pi)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        rows = form.target_rows()
        try:
            setup.targets_save(actor=request.user, project_indicator=pi,
                               baseline=Baseline(c.get("baseline_value"), c.get("baseline_denominator"),
                                                 c.get("baseline_date"), c.get("baseline_source") or ""),
                               targets=[row for _i, row in rows])
        except setup.TargetsInvalid as exc:
            if exc.baseline:
                form.add_error("baseline_value", exc.baseline)
            for n, message in exc.rows.items():
                form.add_error(f"t{rows[n][0]}-value", message)
        else:
            messages.success(request, _("Baseline and targets saved."))
            return redirect("impact:project_setup", project_id=project.pk)
    return render(request, "impact/library/targets.html", {"project": project, "pi": pi, "form": form,
                                                           "indicator": pi.indicator})


@login_required
@require_POST
def project_indicator_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    form = AddIndicatorForm(request.POST, choices=setup.addable_indicators(project))
    if form.is_valid():
        try:
            setup.project_indicator_add(actor=request.user, project=project, indicator=form.cleaned_data["indicator"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Indicator added."))
    else:
        messages.error(request, _("Choose an indicator from the list."))
    return redirect("impact:project_setup", project_id=project.pk)


@login_required
@require_POST
def project_indicator_remove(request: HttpRequest, project_id: int, pi_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    pi = ProjectIndicator.objects.select_related("indicator").filter(project=project, pk=pi_id).first()
    if pi is None:
        raise Http404("No such indicator")
    try:
        setup.project_indicator_remove(actor=request.user, project_indicator=pi)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Indicator removed."))
    return redirect("impact:project_setup", project_id=project.pk)


# --- theory of change -----------------------------------------------------------------------------

@login_required
def theory_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    current = theory.current_theory(project)
    return render(request, "impact/theory/detail.html", {
        "project": project, "application": project.application, "theory": current,
        "diagram": theory.theory_svg(current) if current else None, "steps": theory.steps(current) if current else [],
        "versions": project.theories.select_related("created_by"),
        "is_holder": access.can_hold_project(request.user, project),
    })


@login_required
def theory_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_held_project(request.user, project_id)
    current = theory.current_theory(project)
    initial = {f: getattr(current, f) for f in theory.TheoryOfChange.FIELDS} if current else {}
    form = TheoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            theory.theory_save(actor=request.user, project=project, note=c.get("note", ""),
                               texts={f: c.get(f, "") for f in theory.TheoryOfChange.FIELDS})
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("A new version of the theory of change was saved."))
            return redirect("impact:theory", project_id=project.pk)
    return render(request, "impact/theory/edit.html", {"project": project, "form": form, "theory": current})


@login_required
def theory_history(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    versions = list(project.theories.select_related("created_by").order_by("-version"))
    by_number = {v.version: v for v in versions}

    def pick(name: str, default: Any) -> Any:
        try:
            return by_number.get(int(request.GET.get(name, "")), default)
        except ValueError:
            return default

    newer = pick("b", versions[0] if versions else None)
    older = pick("a", versions[1] if len(versions) > 1 else newer)
    if older is not None and newer is not None and older.version > newer.version:
        older, newer = newer, older
    diff = theory.theory_diff(older, newer) if older is not None and newer is not None else []
    return render(request, "impact/theory/history.html", {"project": project, "versions": versions,
                                                          "older": older, "newer": newer, "diff": diff})


@login_required
def theory_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    current = theory.current_theory(project)
    if current is None:
        raise Http404("No theory of change")
    response = HttpResponse(theory.theory_pdf(current), content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="theory-of-change-{project.application.reference}-'
                                       f'v{current.version}.pdf"')
    return response
