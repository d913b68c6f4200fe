"""Pages of the call builder (programme managers) and the public call pages (everyone).

Managers reach a call only through ``access_managed_call`` (404 for another tenant's call); the
public reaches published calls only through ``access_public_call`` (drafts are 404).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import BaseFormSet, Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from asis.accounts.models import Organisation
from asis.calls.access import access_managed_call, access_public_call, manager_visible
from asis.calls.builder import services as builder
from asis.calls.builder.forms import (
    CallCreateForm,
    ChecklistFormSet,
    EvaluationForm,
    GridForm,
    GridTemplateForm,
    GroupFormSet,
    GroupLimitForm,
    MoneyForm,
    PortfolioForm,
    QuestionForm,
    QuestionFormSet,
    ScopeForm,
    TextsForm,
    TimelineForm,
    TranslationForm,
)
from asis.calls.models import Application, Call
from asis.calls.web import flash_errors, form_add_errors
from asis.regions.models import COUNTRIES, Region

SECTIONS: tuple[tuple[str, Any], ...] = (
    ("texts", gettext_lazy("Texts")),
    ("translations", gettext_lazy("Translations")),
    ("money", gettext_lazy("Money")),
    ("scope", gettext_lazy("Eligibility scope")),
    ("timeline", gettext_lazy("Timeline")),
    ("grid", gettext_lazy("Criteria grid")),
    ("checklist", gettext_lazy("Eligibility checklist")),
    ("questions", gettext_lazy("Questions to applicants")),
    ("evaluation", gettext_lazy("Evaluation")),
    ("portfolio", gettext_lazy("Portfolio")),
)
SECTION_NAMES = {name for name, _label in SECTIONS}
STATES = (("", gettext_lazy("All")), ("open", gettext_lazy("Open")), ("upcoming", gettext_lazy("Upcoming")),
          ("closed", gettext_lazy("Closed")))


def _require_manager(request: HttpRequest) -> None:
    if not builder.managed_organisations(request.user).exists():
        raise PermissionDenied(_("Only programme managers build calls."))


# --- manager pages --------------------------------------------------------------------------------

@login_required
@require_safe
def manage_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    calls = list(builder.manager_call_list(request.user))
    return render(request, "calls/builder/manage_list.html", {"calls": calls})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = CallCreateForm(request.POST or None, user=request.user,
                          initial={"original_language": (get_language() or "en").split("-")[0]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation: Organisation = data.pop("organisation")
        try:
            call = builder.call_create(actor=request.user, organisation=organisation, **data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The call was created as a draft. Complete its configuration, then "
                                        "publish it."))
            return redirect("calls:edit", call_id=call.pk)
    status = 400 if form.errors else 200
    return render(request, "calls/builder/create.html", {"form": form}, status=status)


@login_required
@require_safe
def manage_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    return render(request, "calls/builder/manage_detail.html", {
        "call": call, "counts": builder.call_dashboard(call),
        "problems": builder.publication_problems(call) if call.status == Call.Status.DRAFT else [],
        "title": call.translated("title"),
    })


@login_required
@require_POST
def publish(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    try:
        call = builder.call_publish(actor=request.user, call=call)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The call is published (version %(version)s).") % {"version": call.version})
    return redirect("calls:manage_detail", call_id=call.pk)


@login_required
@require_safe
def versions(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    rows = []
    previous: dict[str, Any] | None = None
    for version in call.versions.select_related("created_by").order_by("number"):
        changes = [] if previous is None else [
            {"key": key, "old": _short(old), "new": _short(new)}
            for key, old, new in builder.snapshot_changes(previous, version.snapshot)
            if key not in ("version", "updated_at")]
        rows.append({"version": version, "changes": changes,
                     "snapshot": json.dumps(version.snapshot, indent=2, ensure_ascii=False, sort_keys=True)})
        previous = version.snapshot
    rows.reverse()
    return render(request, "calls/builder/versions.html", {"call": call, "rows": rows})


def _short(value: Any, limit: int = 400) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "…"


# --- the edit page: one section at a time ---------------------------------------------------------

def _section_url(call: Call, section: str, **extra: str) -> str:
    query = "&".join([f"section={section}", *(f"{k}={v}" for k, v in extra.items())])
    return f"{reverse('calls:edit', kwargs={'call_id': call.pk})}?{query}"


def _save(request: HttpRequest, call: Call, form: Form | BaseFormSet, section: str, **fields: Any) -> HttpResponse | None:
    try:
        builder.call_update(actor=request.user, call=call, **fields)
    except ValidationError as exc:
        form_add_errors(form, exc)
        return None
    messages.success(request, _("Saved."))
    return redirect(_section_url(call, section))


def _texts(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    form = TextsForm(post, initial={"title": call.title, "description": call.description,
                                    "original_language": call.original_language})
    if post is not None and form.is_valid():
        return {"form": form}, _save(request, call, form, "texts", **form.cleaned_data)
    return {"form": form}, None


def _translation_forms(call: Call, post: Any, language: str | None) -> list[tuple[str, str, TranslationForm]]:
    forms_ = []
    for code, name in settings.LANGUAGES:
        if code == call.original_language:
            continue
        entry = call.translations.get(code, {})
        initial = {field: (entry.get(field) or {}).get("text", "") for field in ("title", "description")}
        bound = post if language == code else None
        forms_.append((code, name, TranslationForm(bound, prefix=code, initial=initial)))
    return forms_


def _translations(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    language = request.GET.get("language")
    forms_ = _translation_forms(call, post, language)
    status = {code: {f: call.translation_status(code, f) for f in ("title", "description")}
              for code, _n, _f in forms_}
    context = {"translation_forms": [(code, name, form, status[code]) for code, name, form in forms_]}
    if post is None:
        return context, None
    form = next((f for code, _n, f in forms_ if code == language), None)
    if form is None:
        messages.error(request, _("Choose a language to translate into."))
        return context, redirect(_section_url(call, "translations"))
    if form.is_valid():
        try:
            builder.call_translation_save(actor=request.user, call=call, language=language or "",
                                          **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Translation saved."))
            return context, redirect(_section_url(call, "translations"))
    return context, None


def _money(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    form = MoneyForm(post, initial={k: getattr(call, k) for k in ("budget", "min_grant", "max_grant",
                                                                    "cofunding_rate")})
    if post is not None and form.is_valid():
        return {"form": form}, _save(request, call, form, "money", **form.cleaned_data)
    return {"form": form}, None


def _scope(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    form = ScopeForm(post, initial={"eligible_regions": list(call.eligible_regions.values_list("code", flat=True)),
                                    "applicant_types": call.applicant_types,
                                    "challenges": list(call.challenges.values_list("pk", flat=True))})
    if post is not None and form.is_valid():
        regions = Region.objects.filter(code__in=form.cleaned_data["eligible_regions"])
        return {"form": form}, _save(request, call, form, "scope", regions=regions,
                                     challenges=form.cleaned_data["challenges"],
                                     applicant_types=form.cleaned_data["applicant_types"])
    return {"form": form}, None


def _timeline(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    form = TimelineForm(post, tz_name=call.timezone, initial={
        k: getattr(call, k) for k in ("timezone", "opens_at", "closes_at", "evaluation_ends_on", "decision_on")})
    if post is not None and form.is_valid():
        return {"form": form}, _save(request, call, form, "timeline", **form.cleaned_data)
    return {"form": form}, None


def _grid(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    action = request.GET.get("action", "")
    template_form = GridTemplateForm(post if action == "template" else None,
                                     initial={"grid_template": call.grid_template})
    language = (get_language() or "en").split("-")[0]
    grid_form = (GridForm(post if action != "template" else None, grid=call.grid, language=language)
                 if call.grid else None)
    context = {"template_form": template_form, "grid_form": grid_form}
    if post is None:
        return context, None
    if action == "template":
        if template_form.is_valid():
            name = template_form.cleaned_data["grid_template"]
            return context, _save(request, call, template_form, "grid", grid_template=name,
                                  grid=builder.grid_from_template(name))
        return context, None
    if grid_form is not None and grid_form.is_valid():
        try:
            grid = builder.grid_with_settings(call.grid, weights=grid_form.weights(),
                                              thresholds=grid_form.thresholds())
        except ValidationError as exc:
            form_add_errors(grid_form, exc)
            return context, None
        return context, _save(request, call, grid_form, "grid", grid=grid)
    return context, None


def _checklist(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    formset = ChecklistFormSet(post, prefix="checklist", initial=[
        {"id": item.get("id", ""), "text": item.get("text", "")} for item in call.eligibility_checklist])
    if post is not None and formset.is_valid():
        items = [{"id": row["id"], "text": row["text"].strip()} for row in formset.kept()]
        return {"formset": formset}, _save(request, call, formset, "checklist", eligibility_checklist=items)
    return {"formset": formset}, None


def _questions(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    formset = QuestionFormSet(post, prefix="questions", initial=[
        {"id": q.get("id", ""), "label": q.get("label", ""), "kind": q.get("kind", "text"),
         "required": q.get("required", False), "choices": "\n".join(q.get("choices") or [])}
        for q in call.custom_questions])
    if post is not None and formset.is_valid():
        questions = [{"id": row["id"], "label": row["label"].strip(), "kind": row["kind"],
                      "required": bool(row["required"]), "choices": row["choice_list"]} for row in formset.kept()]
        return {"formset": formset}, _save(request, call, formset, "questions", custom_questions=questions)
    return {"formset": formset}, None


def _evaluation(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    keys = ("evaluators_per_application", "aggregation", "calibration", "ranking_methods", "primary_method",
            "smaa_draws", "blind", "hide_scores_until_submitted", "regional_conflict_rule")
    form = EvaluationForm(post, initial={k: getattr(call, k) for k in keys})
    if post is not None and form.is_valid():
        return {"form": form}, _save(request, call, form, "evaluation", **form.cleaned_data)
    return {"form": form}, None


def _portfolio(request: HttpRequest, call: Call, post: Any) -> tuple[dict[str, Any], HttpResponse | None]:
    constraints = call.portfolio_constraints or {}
    form = PortfolioForm(post, initial={"funding_rule": call.funding_rule, "min_score": constraints.get("min_score"),
                                        "allow_partial": constraints.get("allow_partial", False),
                                        "min_fraction": constraints.get("min_fraction", 1.0)})
    formset = GroupFormSet(post, prefix="groups", initial=constraints.get("groups") or [])
    context = {"form": form, "formset": formset}
    if post is not None and form.is_valid() and formset.is_valid():
        value = {"min_score": form.cleaned_data["min_score"], "allow_partial": form.cleaned_data["allow_partial"],
                 "min_fraction": form.cleaned_data["min_fraction"], "groups": formset.kept()}
        return context, _save(request, call, form, "portfolio", portfolio_constraints=value,
                              funding_rule=form.cleaned_data["funding_rule"] or call.funding_rule)
    return context, None


HANDLERS: dict[str, Callable[[HttpRequest, Call, Any], tuple[dict[str, Any], HttpResponse | None]]] = {
    "texts": _texts, "translations": _translations, "money": _money, "scope": _scope, "timeline": _timeline,
    "grid": _grid, "checklist": _checklist, "questions": _questions, "evaluation": _evaluation,
    "portfolio": _portfolio,
}


@login_required
def edit(request: HttpRequest, call_id: int) -> HttpResponse:
    """One section of the call's configuration; once the call is frozen, a read-only view plus the
    translations (which stay editable)."""
    call = access_managed_call(request.user, call_id)
    section = request.GET.get("section", "texts")
    if section not in SECTION_NAMES:
        section = "texts"
    editable = not call.is_frozen and call.status in (Call.Status.DRAFT, Call.Status.PUBLISHED)
    post = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {"call": call, "section": section, "sections": SECTIONS, "editable": editable,
                               "title": call.translated("title"),
                               "section_label": dict(SECTIONS)[section]}
    if not editable and section != "translations":
        context.update(_readonly_context(call))
        if post is not None:
            messages.error(request, _("This call is open: its configuration is frozen and cannot be changed."))
            return render(request, "calls/builder/edit.html", context, status=409)
        return render(request, "calls/builder/edit.html", context)
    extra, response = HANDLERS[section](request, call, post)
    if response is not None:
        return response
    context.update(extra)
    if section == "scope":
        context["region_widgets"] = _grouped_widgets(extra["form"])
    status = 400 if post is not None else 200
    return render(request, "calls/builder/edit.html", context, status=status)


def _grouped_widgets(form: ScopeForm) -> list[tuple[str, list[Any]]]:
    """The region checkboxes grouped by country (a fieldset each in the template)."""
    widgets = list(form["eligible_regions"])
    groups, start = [], 0
    for label, options in form.fields["eligible_regions"].choices:
        groups.append((label, widgets[start:start + len(options)]))
        start += len(options)
    return groups


# --- read-only and public presentation ------------------------------------------------------------

def _criteria(call: Call, language: str) -> list[dict[str, Any]]:
    grid = call.grid or {}
    criteria = grid.get("criteria", [])
    total = sum(float(c.get("weight") or 0) for c in criteria) or 1.0
    scales = {s["id"]: s for s in grid.get("scales", [])}

    def text(mapping: dict[str, str]) -> str:
        return mapping.get(language) or mapping.get("en") or next(iter(mapping.values()), "")

    rows = []
    for c in criteria:
        scale = scales.get(c.get("scale"), {})
        anchors = [(int(level), text(t)) for level, t in sorted(scale.get("anchors", {}).items(),
                                                                 key=lambda kv: int(kv[0]))]
        rows.append({"id": c["id"], "label": text(c.get("label", {})), "description": text(c.get("description", {})),
                     "weight": c.get("weight"), "share": round(100 * float(c.get("weight") or 0) / total, 1),
                     "threshold": c.get("threshold"), "group": c.get("group"), "anchors": anchors,
                     "scale_min": scale.get("min"), "scale_max": scale.get("max")})
    return rows


def _readonly_context(call: Call) -> dict[str, Any]:
    language = (get_language() or "en").split("-")[0]
    regions = list(call.eligible_regions.order_by("country", "code"))
    countries = dict(COUNTRIES)
    region_groups = []
    for code, label in countries.items():
        members = [r for r in regions if r.country == code]
        if members:
            region_groups.append((label, members))
    types = dict(Organisation.Type.choices)
    constraints = call.portfolio_constraints or {}
    dimensions = dict(GroupLimitForm.base_fields["dimension"].choices)
    kinds = dict(QuestionForm.base_fields["kind"].choices)
    return {
        "criteria": _criteria(call, language),
        "region_groups": region_groups,
        "applicant_type_labels": [types.get(t, t) for t in call.applicant_types],
        "challenge_list": [str(c.translated("name", language)) for c in call.challenges.order_by("position", "code")],
        "methods": [dict(Call.RankingMethod.choices).get(m, m) for m in call.ranking_methods],
        "constraints": constraints,
        "groups": [{**g, "dimension_label": dimensions.get(g.get("dimension"), g.get("dimension"))}
                   for g in constraints.get("groups") or []],
        "questions": [{**q, "kind_label": kinds.get(q.get("kind"), q.get("kind"))} for q in call.custom_questions],
    }


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in dict(STATES):
        state = ""
    country = request.GET.get("country", "")
    if country not in dict(COUNTRIES):
        country = ""
    calls = list(builder.public_call_list(state=state, country=country))
    language = (get_language() or "en").split("-")[0]
    rows = [{"call": c, "title": c.translated("title", language)} for c in calls]
    return render(request, "calls/builder/public_list.html", {
        "rows": rows, "states": STATES, "state": state, "countries": COUNTRIES, "country": country,
        "can_manage": request.user.is_authenticated and builder.managed_organisations(request.user).exists(),
    })


@require_safe
def public_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_public_call(call_id)
    language = (get_language() or "en").split("-")[0]
    context = {"call": call, "title": call.translated("title", language),
               "description": call.translated("description", language), **_readonly_context(call)}
    return render(request, "calls/builder/public_detail.html", context)


@login_required
@require_safe
def notifications(request: HttpRequest, call_id: int) -> HttpResponse:
    """The log of every e-mail the call sent (or failed to send), newest first, with filters."""
    from django.core.paginator import Paginator

    from asis.calls.models import Notification

    call = access_managed_call(request.user, call_id)
    # E-mails about a draft (a co-applicant added) would name the people behind it: hidden like the draft.
    sent = Notification.objects.filter(Q(application__isnull=True) | Q(application__in=Application.objects.filter(
        manager_visible())), call=call)
    rows = sent.select_related("application").order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if status in Notification.Status.values:
        rows = rows.filter(status=status)
    kinds = sorted(sent.values_list("kind", flat=True).distinct())
    if kind in kinds:
        rows = rows.filter(kind=kind)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "calls/builder/notifications.html", {
        "call": call, "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "statuses": Notification.Status.choices, "kinds": kinds, "status": status, "kind": kind,
        "querystring": query.urlencode(),
    })
