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
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from asis.accounts.models import Organisation
from asis.calls.access import access_managed_call, access_public_call, manager_visible
from asis.calls.builder import content, notify, sections
from asis.calls.builder import services as builder
from asis.calls.builder.forms import (
    CallCreateForm,
    ChecklistFormSet,
    EvaluationForm,
    GridForm,
    GridTemplateForm,
    GroupFormSet,
    MoneyForm,
    PortfolioForm,
    PublishForm,
    QuestionForm,
    QuestionFormSet,
    ScopeForm,
    SubscribeForm,
    TextsForm,
    TimelineForm,
    TranslationForm,
    group_choices,
)
from asis.calls.models import Application, Call, CallSubscription
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
    ("criteria", gettext_lazy("Criteria and levels")),
    ("contact", gettext_lazy("Contact")),
    ("documents", gettext_lazy("Documents")),
    ("faq", gettext_lazy("Questions and answers")),
)
# Texts the public reads beside the rules: they stay editable after the call opens.
ALWAYS_EDITABLE = frozenset({"translations", "contact", "documents", "faq"})
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
def publish(request: HttpRequest, call_id: int) -> HttpResponse:
    """The public page as it will look, what becomes public and what freezes, and a confirmation
    box: nothing is published without it."""
    call = access_managed_call(request.user, call_id)
    if call.status != Call.Status.DRAFT:
        messages.info(request, _("The call is already published."))
        return redirect("calls:manage_detail", call_id=call.pk)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            call = builder.call_publish(actor=request.user, call=call)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The call is published (version %(version)s).") % {"version": call.version})
            return redirect("calls:manage_detail", call_id=call.pk)
    context = {**_public_context(call), "form": form, "preview": True,
               "problems": builder.publication_problems(call)}
    status = 400 if request.method == "POST" else 200
    return render(request, "calls/builder/publish.html", context, status=status)


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

_section_url = sections.section_url


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
    content_forms = sections.content_translation_forms(
        call, post if request.GET.get("part") == "content" else None, language)
    context = {"translation_forms": [(code, name, form, status[code], content_forms[code])
                                     for code, name, form in forms_]}
    if post is None:
        return context, None
    if request.GET.get("part") == "content":
        if language not in content_forms:
            messages.error(request, _("Choose a language to translate into."))
            return context, redirect(_section_url(call, "translations"))
        return context, sections.content_translation(request, call, content_forms[language], language)
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
    grid_form = (GridForm(post if action not in ("template", "ahp") else None, grid=call.grid, language=language)
                 if call.grid else None)
    context = {"template_form": template_form, "grid_form": grid_form,
               "ahp_form": sections.ahp_form(call, None), "weighting": (call.grid or {}).get("weighting")}
    if post is None:
        return context, None
    if action == "ahp":
        return context, sections.ahp(request, call, post, context)
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
        items = content.rows_keep_translations(
            call.eligibility_checklist, [{"id": row["id"], "text": row["text"].strip()} for row in formset.kept()],
            "text")
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
        questions = content.rows_keep_translations(call.custom_questions, questions, "label")
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
    "portfolio": _portfolio, "criteria": sections.criteria, "contact": sections.contact,
    "documents": sections.documents, "faq": sections.faq,
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
    context["always_editable"] = ALWAYS_EDITABLE
    if not editable and section not in ALWAYS_EDITABLE:
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
    context["weights_total"] = sum(float(c.get("weight") or 0) for c in (call.grid or {}).get("criteria", []))
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
    names = {value: label for _group, options in group_choices(language) for value, label in options}
    kinds = dict(QuestionForm.base_fields["kind"].choices)
    return {
        "criteria": _criteria(call, language),
        "region_groups": region_groups,
        "applicant_type_labels": [types.get(t, t) for t in call.applicant_types],
        "challenge_list": [str(c.translated("name", language)) for c in call.challenges.order_by("position", "code")],
        "methods": [dict(Call.RankingMethod.choices).get(m, m) for m in call.ranking_methods],
        "constraints": constraints,
        "groups": [{**g, "name": names.get(f"{g.get('dimension')}:{g.get('group')}", g.get("group"))}
                   for g in constraints.get("groups") or []],
        "questions": [{**q, "kind_label": kinds.get(q.get("kind"), q.get("kind")),
                       "text": content.item_text(q, "label", language)} for q in call.custom_questions],
        "checklist": [content.item_text(item, "text", language) for item in call.eligibility_checklist],
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


def _public_context(call: Call) -> dict[str, Any]:
    language = (get_language() or "en").split("-")[0]
    return {"call": call, "title": call.translated("title", language),
            "description": call.translated("description", language), **_readonly_context(call),
            "documents": [(d, d.translated("title", language)) for d in call.documents.all()],
            "faqs": [(f.translated("question", language), f.translated("answer", language)) for f in call.faqs.all()],
            "can_subscribe": call.status == Call.Status.PUBLISHED and call.phase == Call.Phase.ANNOUNCED}


@require_safe
def public_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_public_call(call_id)
    context = {**_public_context(call), "subscribe_form": SubscribeForm()}
    if request.user.is_authenticated:
        context["subscribed"] = CallSubscription.objects.filter(call=call, user=request.user).exists()
    return render(request, "calls/builder/public_detail.html", context)


@require_safe
def document_download(request: HttpRequest, call_id: int, document_id: int) -> HttpResponse:
    """A call document: to everyone once the call is published, to its managers while a draft."""
    document = content.access_document(request.user, call_id, document_id)
    with document.file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def subscribe(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_public_call(call_id)
    form = SubscribeForm(request.POST)
    signed_in = request.user.is_authenticated and not request.POST.get("email")
    language = (get_language() or "en").split("-")[0]
    if signed_in or form.is_valid():
        try:
            _sub, mailed = notify.subscription_start(
                call=call, email="" if signed_in else form.cleaned_data["email"], user=request.user,
                language=language)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if mailed:
                messages.success(request, _("Almost done: open the link in the e-mail we sent you to confirm."))
            else:
                messages.success(request, _("You will get an e-mail when the call opens."))
            return redirect("calls:public_detail", call_id=call.pk)
    context = {**_public_context(call), "subscribe_form": form}
    return render(request, "calls/builder/public_detail.html", context, status=400)


def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks, POST confirms: a mail scanner that follows links confirms nothing."""
    subscription = CallSubscription.objects.select_related("call").filter(token=token).first()
    if request.method == "POST":
        try:
            subscription = notify.subscription_confirm(token=token)
        except ValidationError as exc:
            flash_errors(request, exc)
            return render(request, "calls/builder/subscription.html", {"mode": "invalid"}, status=404)
        messages.success(request, _("Confirmed: you will get an e-mail when the call opens."))
        return redirect("calls:public_detail", call_id=subscription.call_id)
    if subscription is None:
        return render(request, "calls/builder/subscription.html", {"mode": "invalid"}, status=404)
    return render(request, "calls/builder/subscription.html", {
        "mode": "confirm", "title": subscription.call.translated("title")})


def subscription_end(request: HttpRequest, token: str) -> HttpResponse:
    subscription = CallSubscription.objects.select_related("call").filter(token=token).first()
    if subscription is None:
        return render(request, "calls/builder/subscription.html", {"mode": "invalid"}, status=404)
    if request.method == "POST":
        notify.subscription_end(token=token)
        return render(request, "calls/builder/subscription.html", {"mode": "ended",
                                                                   "title": subscription.call.translated("title")})
    return render(request, "calls/builder/subscription.html", {
        "mode": "end", "title": subscription.call.translated("title")})


@login_required
@require_safe
def notifications(request: HttpRequest, call_id: int) -> HttpResponse:
    """The log of every e-mail the call sent (or failed to send), newest first, with filters."""
    from django.core.paginator import Paginator
    from django.utils.translation import get_language_info

    from asis.calls.models import Notification
    from asis.calls.notifications import kind_label

    call = access_managed_call(request.user, call_id)
    # E-mails about a draft (a co-applicant added) would name the people behind it: hidden like the draft.
    sent = Notification.objects.filter(Q(application__isnull=True) | Q(application__in=Application.objects.filter(
        manager_visible())), call=call)
    rows = sent.select_related("application").order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if status in Notification.Status.values:
        rows = rows.filter(status=status)
    kinds = sorted(((k, kind_label(k)) for k in sent.values_list("kind", flat=True).distinct()),
                   key=lambda pair: pair[1])
    if kind in dict(kinds):
        rows = rows.filter(kind=kind)
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.kind_label = kind_label(row.kind)
        row.language_name = get_language_info(row.language)["name_local"] if row.language else ""
    return render(request, "calls/builder/notifications.html", {
        "call": call, "page": page,
        "statuses": Notification.Status.choices, "kinds": kinds, "status": status, "kind": kind,
        "querystring": query.urlencode(),
    })
