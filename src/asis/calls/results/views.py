"""Views of the results part: results and what-if, exports, decisions and letters, reports,
funded projects. Managers' pages fetch the call through ``access_managed_call`` (404 for other
tenants); the applicant's letter through ``access_own_application``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from asis.calls import adapters
from asis.calls.access import (
    access_managed_application,
    access_managed_call,
    access_own_application,
)
from asis.calls.models import Application, Call, DecisionLetter
from asis.calls.results import charts as charts_results
from asis.calls.results import decisions as decision_svc
from asis.calls.results import exports as exports_results
from asis.calls.results import feedback, letters, readings, reports, wording
from asis.calls.results import services as result_svc
from asis.calls.results.forms import (
    DecisionsForm,
    LetterSettingsForm,
    LetterTemplatesForm,
    PrefillForm,
    language_choice,
)
from asis.calls.web import flash_errors
from asis.core.jobs import job_start
from asis.core.models import Job
from asis.engines.grids import Grid

PAGE_SIZE = 50
WHATIF_ROWS = 50


def _method_labels() -> dict[str, str]:
    return {k: str(v) for k, v in Call.RankingMethod.choices}


def _criterion_labels(data: dict[str, Any], language: str) -> list[dict[str, Any]]:
    return [{**c, "name": c["label"].get(language) or c["label"].get("en") or c["id"]} for c in data.get("criteria", [])]


# --- results ----------------------------------------------------------------------------------------

@login_required
@require_safe
def results(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    result = result_svc.latest_result_cached(call)
    job = result_svc.running_job(call)
    failed = None
    if job is None:
        last = result_svc.last_job(call)
        if last is not None and last.status == Job.Status.FAILED and (result is None or last.created_at >
                                                                       result.created_at):
            failed = last
    context: dict[str, Any] = {"call": call, "result": result, "job": job, "failed_job": failed,
                               "method_labels": _method_labels()}
    if result is not None:
        data = result.data
        language = get_language() or "en"
        methods = list(result.params.get("methods") or [result.params.get("method")])
        method = request.GET.get("method") if request.GET.get("method") in methods else methods[0]
        ordered = result_svc.derived(result, f"rows:{method}",
                                     lambda: charts_results.with_cumulative(result_svc.rows_by_method(data, method)))
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        ids = [c["id"] for c in data.get("criteria", [])]
        names = wording.criterion_names(data.get("criteria", []), language)
        page.object_list = [{**wording.worded(r, names), "m_rank": r["ranks"].get(method),
                             "m_score": r["scores"].get(method),
                             "values": [r["criterion_scores"].get(c) for c in ids]} for r in page.object_list]
        cands = decision_svc.candidates(call, result)
        rule_funded = decision_svc.proposal(call, cands)
        context.update({"funding_rule": call.get_funding_rule_display(),
                        "rule_funded_count": len(rule_funded), "rule_funded_total": sum(rule_funded.values()),
                        "rule_inversions": decision_svc.explain_inversions(call, cands, rule_funded)})
        context.update({
            "stale": result_svc.is_stale(call, result, cached=True), "methods": methods, "method": method,
            "page": page, "criteria": _criterion_labels(data, language), "excluded": data.get("excluded", []),
            "static_sections": _static_sections(call, result, language),
        })
    return render(request, "calls/results/results.html", context)


STATIC_SECTIONS_SECONDS = 3600


def _static_sections(call: Call, result: Any, language: str) -> str:
    """The sections that depend only on the (immutable) result set and the language — calibration,
    agreement, SMAA, portfolio, distribution, the what-if form — rendered once and cached, so a
    request renders only the ranking page it asks for."""
    key = f"asis.calls.results.services.static.{result.pk}.{result.inputs_digest}.{language}"
    html = cache.get(key)
    if html is not None:
        return mark_safe(html)  # noqa: S308  # nosec B308 B703  # our own template's output, escaped when rendered
    data = result.data
    criteria = _criterion_labels(data, language)
    by_id = result_svc.derived(result, "by_id", lambda: {r["id"]: r for r in data.get("applications", [])})
    portfolio = data.get("portfolio", {})
    distribution = charts_results.named_distribution(data.get("distribution", {}))
    html = render_to_string("calls/results/_static_sections.html", {
        "call": call, "result": result, "criteria": criteria,
        "agreement": data.get("agreement", {}), "evaluators": data.get("evaluators", []),
        "alpha_rows": readings.alpha_rows(data.get("agreement", {}), criteria),
        "icc_rows": readings.icc_rows(data.get("agreement", {})),
        "flagged": [wording.worded(by_id[i], wording.criterion_names(data.get("criteria", []), language))
                    for i in data.get("agreement", {}).get("flagged", []) if i in by_id][:50],
        "calibration_effect": result_svc.calibration_effect(data, result.params.get("method"))[:30],
        "calibration": result.params.get("calibration"),
        "acceptability": sorted((r for r in data.get("applications", []) if r["expected_rank"] is not None),
                                key=lambda r: r["expected_rank"])[:30],
        "portfolio": portfolio, "only_optimal": [by_id[i] for i in portfolio.get("only_optimal", []) if i in by_id],
        "only_greedy": [by_id[i] for i in portfolio.get("only_greedy", []) if i in by_id],
        "distribution": distribution,
        "region_chart": charts_results.amounts_chart(distribution.get("region", []), "funded"),
        "challenge_chart": charts_results.amounts_chart(distribution.get("challenge", []), "funded"),
        "weights": [{**c, "percent": round(result.params["weights"].get(c["id"], 0), 3)} for c in criteria],
        "method_labels": _method_labels(),
    })
    cache.set(key, html, STATIC_SECTIONS_SECONDS)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # render_to_string output: the template escaped every value


@login_required
@require_POST
def results_compute(request: HttpRequest, call_id: int) -> HttpResponseBase:
    call = access_managed_call(request.user, call_id)
    result_svc.results_job_start(actor=request.user, call=call)
    messages.success(request, _("The results are being computed."))
    return redirect("calls:results", call_id=call.pk)


@login_required
@require_safe
def results_whatif(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    result = result_svc.latest_result_cached(call)
    if result is None:
        raise Http404("No results yet")
    grid = Grid.from_dict(result.params["grid"])
    weights, errors = adapters.parse_weights(grid, request.GET)
    criteria = _criterion_labels(result.data, get_language() or "en")
    context: dict[str, Any] = {"call": call, "result": result, "errors": errors, "weights": [
        {**c, "percent": round(result.params["weights"].get(c["id"], 0), 3), "value": request.GET.get(c["id"], "")}
        for c in criteria]}
    if not errors:
        outcome = result_svc.whatif(result, weights)
        context.update({"rows": outcome["rows"][:WHATIF_ROWS], "whatif_portfolio": outcome["portfolio"],
                        "whatif_error": outcome["error"], "count": len(outcome["rows"]),
                        "total_weight": sum(weights.values())})
    template = "calls/results/_whatif.html" if request.headers.get("HX-Request") else "calls/results/whatif.html"
    return render(request, template, context)


@login_required
@require_safe
def results_export(request: HttpRequest, call_id: int, fmt: str) -> HttpResponseBase:
    call = access_managed_call(request.user, call_id)
    result = result_svc.latest_result(call)
    if result is None or fmt not in ("csv", "xlsx"):
        raise Http404("No results to export")
    return exports_results.results_response(result, fmt)


# --- decisions ----------------------------------------------------------------------------------------

DECISIONS_PAGE_SIZE = 100


def _decision_page(request: HttpRequest, call: Call) -> tuple[Any, dict[int, Any]]:
    """One page of the call's submitted applications in the order of the latest ranking (unranked
    last, then by reference), and the ranking rows by application id."""
    result = result_svc.latest_result_cached(call)
    by_id: dict[int, Any] = {}
    if result is not None:
        by_id = result_svc.derived(result, "by_id", lambda: {r["id"]: r for r in result.data.get("applications", [])})
    ids = list(decision_svc.decidable_applications(call).values_list("pk", "reference"))
    ids.sort(key=lambda pr: ((by_id.get(pr[0]) or {}).get("rank") is None,
                             (by_id.get(pr[0]) or {}).get("rank") or 0, pr[1]))
    page = Paginator([pk for pk, _ref in ids], DECISIONS_PAGE_SIZE).get_page(
        request.POST.get("page") or request.GET.get("page"))
    return page, by_id


def _decision_rows(form: DecisionsForm, by_id: dict[int, Any], sent: set[int]) -> list[dict[str, Any]]:
    rows = form.rows()
    for row in rows:
        row["result"] = by_id.get(row["application"].pk)
        row["sent"] = row["application"].pk in sent
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decisions(request: HttpRequest, call_id: int) -> HttpResponse:
    """Decisions, a page of the ranking at a time (a call may have thousands of applications);
    saving a page records that page's decisions, the budget is checked over the whole call."""
    call = access_managed_call(request.user, call_id)
    page, by_id = _decision_page(request, call)
    order = {pk: n for n, pk in enumerate(page.object_list)}
    applications = sorted(decision_svc.decidable_applications(call).filter(pk__in=list(page.object_list)),
                          key=lambda a: order[a.pk])
    form = DecisionsForm(applications, request.POST if request.method == "POST" else None)
    general_errors: list[str] = []
    justification = str(request.POST.get("justification", "") or "")[:decision_svc.JUSTIFICATION_MAX]
    justification_error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = decision_svc.decisions_record(actor=request.user, call=call, items=form.items,
                                                        justification=justification)
            except ValidationError as exc:
                for key, errs in exc.message_dict.items():
                    if key == "__all__":
                        general_errors.extend(errs)
                    elif key == "justification":
                        justification_error = " ".join(errs)
                        general_errors.extend(errs)
                        general_errors.extend(_proposed_inversions(call, form))
                    else:
                        form.errors.setdefault(key, []).extend(errs)
            else:
                messages.success(request, ngettext("%(count)s decision saved.", "%(count)s decisions saved.",
                                                   changed) % {"count": changed})
                return redirect(reverse("calls:decisions", args=[call.pk]) + f"?page={page.number}")
        if not general_errors:
            general_errors.append(_("Some decisions could not be saved: see the messages in the table."))
    submitted = decision_svc.decidable_applications(call)
    approved = submitted.filter(decision=Application.Decision.APPROVED).aggregate(total=Sum("granted_amount"))
    approved_total = approved["total"] or Decimal("0")
    job = Job.objects.filter(kind=decision_svc.SEND_JOB_KIND, params__call_id=call.pk).order_by("-created_at").first()
    cands = decision_svc.candidates(call)
    rule_proposal = decision_svc.proposal(call, cands) if by_id else {}
    return render(request, "calls/results/decisions.html", {
        "call": call, "rows": _decision_rows(form, by_id, decision_svc.sent_ids(call)), "page": page,
        "general_errors": general_errors, "justification": justification,
        "justification_error": justification_error,
        "inversions": decision_svc.explain_inversions(call, cands, decision_svc.funded_now(call)),
        "proposal_inversions": decision_svc.explain_inversions(call, cands, rule_proposal),
        "recorded_justification": (call.decision_justification or {}).get("text", ""),
        "funding_rule": call.get_funding_rule_display(),
        "outcome_choices": [c for c in Application.Decision.choices if c[0]], "approved_total": approved_total,
        "remaining": call.budget - approved_total,
        "undecided": submitted.filter(decision=Application.Decision.NONE).count(),
        "prefill_form": PrefillForm(), "has_result": bool(by_id), "send_job": job,
    }, status=400 if general_errors else 200)


def _proposed_inversions(call: Call, form: DecisionsForm) -> list[str]:
    """Why the decisions being saved need a justification, in plain words."""
    funded = decision_svc.funded_now(call)
    amounts = {a.pk: a.requested_amount or Decimal("0") for a in form.applications}
    for item in form.items:
        funded.pop(item.application_id, None)
        if item.outcome == Application.Decision.APPROVED:
            funded[item.application_id] = item.amount if item.amount is not None else amounts[item.application_id]
    return decision_svc.explain_inversions(call, decision_svc.candidates(call), funded)


@login_required
@require_POST
def decisions_prefill(request: HttpRequest, call_id: int) -> HttpResponseBase:
    call = access_managed_call(request.user, call_id)
    result = result_svc.latest_result(call)
    form = PrefillForm(request.POST)
    if result is None:
        messages.error(request, _("Compute the results first: the decisions are prefilled from the ranking."))
    elif not form.is_valid():
        messages.error(request, _("Choose what happens to the applications outside the portfolio."))
    else:
        try:
            changed = decision_svc.decisions_prefill(
                actor=request.user, call=call, result=result, rest=form.cleaned_data["rest"],
                justification=str(request.POST.get("justification", "") or ""))
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, ngettext("%(count)s decision prefilled from the call's funding rule.",
                                               "%(count)s decisions prefilled from the call's funding rule.",
                                               changed) % {"count": changed})
    return redirect("calls:decisions", call_id=call.pk)


LETTER_KINDS = (("funded", gettext_lazy("Funded")), ("not_funded", gettext_lazy("Not funded")),
                ("ineligible", gettext_lazy("Not eligible or below a minimum score")),
                ("reserve", gettext_lazy("Waiting list")))


def _letter_kind(application: Application, facts: dict[str, Any]) -> str:
    if application.decision == Application.Decision.APPROVED:
        return "funded"
    if application.decision == Application.Decision.WAITLISTED:
        return "reserve"
    return "ineligible" if facts.get("kind") in ("ineligible", "knocked_out") else "not_funded"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decisions_send(request: HttpRequest, call_id: int) -> HttpResponseBase:
    """GET: a preview of each kind of letter and the confirmation with the count; POST (with the
    count confirmed): send them as a background job."""
    call = access_managed_call(request.user, call_id)
    undecided = decision_svc.undecided_count(call)
    done = decision_svc.sent_ids(call)
    pending = [a for a in decision_svc.decidable_applications(call) if a.pk not in done]
    if request.method == "POST":
        if undecided:
            messages.error(request, decision_svc.undecided_message(undecided))
        elif Job.objects.filter(kind=decision_svc.SEND_JOB_KIND, params__call_id=call.pk,
                                status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists():
            messages.info(request, _("The letters are already being sent."))
        elif request.POST.get("count") != str(len(pending)):
            messages.error(request, _("The decisions changed since the preview: check the letters again."))
            return redirect("calls:decisions_send", call_id=call.pk)
        else:
            job_start(kind=decision_svc.SEND_JOB_KIND, owner=request.user, params={"call_id": call.pk})
            messages.success(request, _("The letters are being written and sent."))
        return redirect("calls:decisions", call_id=call.pk)
    facts = decision_svc.decision_facts(call, decision_svc.candidates(call), decision_svc.funded_now(call))
    samples: dict[str, Any] = {}
    counts: dict[str, int] = dict.fromkeys(dict(LETTER_KINDS), 0)
    for app in pending:
        if app.decision == Application.Decision.NONE:
            continue
        kind = _letter_kind(app, facts.get(app.pk, {}))
        counts[kind] += 1
        if kind not in samples:
            samples[kind] = {"application": app, "text": decision_svc.preview_letter(app, facts)}
    previews = [{"kind": kind, "label": label, "count": counts[kind], **samples[kind]}
                for kind, label in LETTER_KINDS if kind in samples]
    return render(request, "calls/results/send_preview.html", {
        "call": call, "previews": previews, "count": len(pending), "undecided": undecided,
        "undecided_message": decision_svc.undecided_message(undecided) if undecided else ""})


@login_required
@require_safe
def decision_letters(request: HttpRequest, call_id: int) -> HttpResponse:
    """Every application of the call with its letter: sent, or a preview of what would be sent."""
    call = access_managed_call(request.user, call_id)
    sent = {letter.application_id: letter for letter in DecisionLetter.objects.filter(application__call=call)}
    rows = [{"application": a, "letter": sent.get(a.pk)} for a in decision_svc.decidable_applications(call)]
    page = Paginator(rows, DECISIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "calls/results/decision_letters.html", {"call": call, "page": page})


@login_required
@require_safe
def manager_letter(request: HttpRequest, application_id: int) -> HttpResponseBase:
    """The letter of one application as its applicant reads it (a preview while it is not sent)."""
    application = access_managed_application(request.user, application_id)
    call = application.call
    sent = DecisionLetter.objects.filter(application=application).order_by("-sent_at").first()
    if sent is not None and request.GET.get("format") == "pdf":
        response = HttpResponse(decision_svc.letter_pdf(sent), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="decision-{application.reference}.pdf"'
        return response
    preview = None
    if sent is None and application.decision != Application.Decision.NONE:
        facts = decision_svc.decision_facts(call, decision_svc.candidates(call), decision_svc.funded_now(call))
        preview = decision_svc.preview_letter(application, facts)
    return render(request, "calls/results/manager_letter.html", {
        "call": call, "application": application, "letter": sent, "preview": preview})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def letter_templates(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    language = language_choice(request.POST.get("language") or request.GET.get("language") or get_language())
    existing = letters.templates_of(call)
    initial = {}
    for outcome in letters.OUTCOMES:
        subject, body, _lang = letters.template_text(call, outcome, language, existing)
        initial[outcome] = (subject, body)
    post = request.POST if request.method == "POST" else None
    form = LetterTemplatesForm(post, initial_texts=initial)
    settings_form = LetterSettingsForm(post, prefix="settings", initial={
        "signatory_name": call.signatory_name, "signatory_function": call.signatory_function,
        "legal_remedy": call.translated("legal_remedy", language).text,
        "share_scores": call.share_scores})
    if post is not None and form.is_valid() and settings_form.is_valid():
        with transaction.atomic():
            letters.letter_template_save(actor=request.user, call=call, language=language, texts=form.texts())
            letters.letter_settings_save(actor=request.user, call=call, language=language,
                                         data=settings_form.cleaned_data)
        messages.success(request, _("The letter templates are saved."))
        return redirect(f"{request.path}?language={language}")
    return render(request, "calls/results/letter_templates.html", {
        "call": call, "form": form, "settings_form": settings_form, "language": language,
        "languages": settings.LANGUAGES,
        "placeholders": letters.PLACEHOLDERS},
        status=400 if form.is_bound and (form.errors or settings_form.errors) else 200)


@login_required
@require_safe
def letter(request: HttpRequest, application_id: int) -> HttpResponseBase:
    application = access_own_application(request.user, application_id)
    sent = DecisionLetter.objects.filter(application=application).order_by("-sent_at").first()
    if sent is not None and request.GET.get("format") == "pdf":
        response = HttpResponse(decision_svc.letter_pdf(sent), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="decision-{application.reference}.pdf"'
        return response
    return render(request, "calls/results/letter.html", {
        "application": application, "letter": sent, "call": application.call,
        "feedback": feedback.feedback_for(application, get_language() or "en") if sent else None})


# --- reports --------------------------------------------------------------------------------------------

def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_safe
def call_report_pdf(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    return _pdf(reports.call_report_pdf(call, get_language() or "en"), f"call-{call.pk}-report.pdf")


@login_required
@require_safe
def application_report_pdf(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_managed_application(request.user, application_id)
    return _pdf(reports.application_report_pdf(application, get_language() or "en"),
                f"{application.reference}-report.pdf")


# --- funded projects (public) ----------------------------------------------------------------------------

@require_safe
def funded_list(request: HttpRequest) -> HttpResponse:
    language = get_language() or "en"
    page = Paginator(exports_results.funded_projects(), PAGE_SIZE).get_page(request.GET.get("page"))
    records = [exports_results.funded_record(p, language) for p in page.object_list]
    from asis.core.opendata import ATTRIBUTION, LICENCE_URL

    return render(request, "calls/results/funded_list.html", {"page": page, "records": records,
                                                              "licence_url": LICENCE_URL, "attribution": ATTRIBUTION})


@require_safe
def funded_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    return exports_results.funded_response(fmt, get_language() or "en")
