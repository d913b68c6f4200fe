"""Views of the apply part: public self-assessment, applications (applicants) and screening (managers).

Thin: parse, call a service or selector from applications.py / selfassessment.py / uploads.py /
eligibility.py, render. Every object is fetched through a permission-checked ``access_*`` function.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.calls.access import access_managed_application, access_managed_call, access_public_call
from asis.calls.apply import selfassessment as sa
from asis.calls.apply import services as svc
from asis.calls.apply.budget import budget_rows
from asis.calls.apply.downloads import attachment_delivery
from asis.calls.apply.forms import (
    MAX_ROWS,
    ApplicationForm,
    AttachmentForm,
    CoApplicantForm,
    EligibilityForm,
    LeadOrganisationForm,
    PartnerForm,
    SelfAssessmentApplyForm,
    SelfAssessmentForm,
    open_calls,
)
from asis.calls.apply.uploads import attachment_add, attachment_delete, max_bytes, max_count
from asis.calls.models import Application, Call, SelfAssessment
from asis.calls.pdf import render_pdf
from asis.calls.review.eligibility import eligibility_record, latest_check
from asis.calls.web import current_language, form_add_errors
from asis.core.clientip import client_ip

# --- self-assessment ---------------------------------------------------------------------------

def _linked_call(value: Any) -> Call | None:
    try:
        return access_public_call(int(value))
    except (TypeError, ValueError, Http404):
        return None


def self_assessment(request: HttpRequest) -> HttpResponse:
    language = current_language()
    call = _linked_call(request.POST.get("call") if request.method == "POST" else request.GET.get("call"))
    form = SelfAssessmentForm(request.POST or None, grid=sa.grid(), language=language)
    if request.method == "POST" and form.is_valid():
        if sa.rate_limit_exceeded(client_ip(request)):
            return render(request, "calls/apply/rate_limited.html", status=429)
        try:
            assessment = sa.self_assessment_create(
                user=request.user, answers=form.answers(), notes=form.notes(),
                project_title=form.cleaned_data["project_title"], language=language, call=call,
                profile=form.profile())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return redirect("calls:self_assessment_result", token=assessment.token)
    return render(request, "calls/apply/self_assessment.html", {"form": form, "call": call},
                  status=400 if form.errors else 200)


def _assessment(token: Any) -> SelfAssessment:
    return get_object_or_404(SelfAssessment.objects.select_related("call"), token=token)


def _result_context(assessment: SelfAssessment) -> dict[str, Any]:
    result = sa.result_of(assessment, current_language())
    return {"assessment": assessment, "result": result, "radar": sa.radar(result),
            "fitting_calls": sa.fitting_calls(assessment)}


def self_assessment_result(request: HttpRequest, token: Any) -> HttpResponse:
    assessment = _assessment(token)
    context = _result_context(assessment)
    if request.user.is_authenticated:
        context["apply_form"] = _apply_form(request, assessment)
    return render(request, "calls/apply/self_assessment_result.html", context)


def self_assessment_pdf(request: HttpRequest, token: Any) -> HttpResponse:
    assessment = _assessment(token)
    pdf = render_pdf("calls/apply/self_assessment_pdf.html", _result_context(assessment), language=current_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="self-assessment.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _apply_calls(assessment: SelfAssessment) -> Any:
    calls = open_calls()
    if assessment.call_id and calls.filter(pk=assessment.call_id).exists():
        return calls.filter(pk=assessment.call_id)
    return calls


def _apply_form(request: HttpRequest, assessment: SelfAssessment) -> SelfAssessmentApplyForm:
    return SelfAssessmentApplyForm(request.POST if request.method == "POST" else None,
                                   calls=_apply_calls(assessment),
                                   organisations=svc.organisations_of_applicant(request.user))


@login_required
@require_POST
def self_assessment_apply(request: HttpRequest, token: Any) -> HttpResponse:
    assessment = _assessment(token)
    form = _apply_form(request, assessment)
    if form.is_valid():
        try:
            application = svc.application_from_self_assessment(
                actor=request.user, assessment=assessment, call=form.cleaned_data["call"],
                organisation=form.cleaned_data["organisation"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Your draft application was created from the self-assessment."))
            return redirect("calls:application_edit", application_id=application.pk)
    context = _result_context(assessment)
    context["apply_form"] = form
    return render(request, "calls/apply/self_assessment_result.html", context, status=400)


# --- applicants ---------------------------------------------------------------------------------

@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = svc.my_applications(request.user)
    # The other applications of the user's organisations: a new member sees what the organisation
    # is preparing (and whom to ask to be added as co-applicant), without being able to open it.
    of_organisations = (Application.objects.filter(organisation__in=svc.organisations_of_applicant(request.user))
                        .exclude(pk__in=applications.values("pk")).select_related("call", "organisation", "applicant")
                        .order_by("-created_at", "pk"))
    return render(request, "calls/apply/my_applications.html",
                  {"applications": applications, "organisation_applications": of_organisations})


@login_required
def application_start(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_public_call(call_id)
    organisations = svc.organisations_of_applicant(request.user)
    form = LeadOrganisationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and call.accepts_applications and form.is_valid():
        try:
            application = svc.application_start(actor=request.user, call=call,
                                                 organisation=form.cleaned_data["organisation"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Your draft application %(reference)s was created.") % {
                "reference": application.reference})
            return redirect("calls:application_edit", application_id=application.pk)
    return render(request, "calls/apply/application_start.html",
                  {"call": call, "form": form, "has_organisations": organisations.exists(),
                   "closes_local": svc.local_time(call, call.closes_at)},
                  status=400 if form.errors else 200)


def _edit_context(request: HttpRequest, application: Application, form: ApplicationForm,
                  **forms: Any) -> dict[str, Any]:
    return {
        "application": application, "call": application.call, "form": form,
        "co_applicants": application.co_applicants.select_related("user"),
        "partners": application.partners.select_related("organisation"),
        "attachments": application.attachments.all(),
        "co_form": forms.get("co_form") or CoApplicantForm(),
        "partner_form": forms.get("partner_form") or PartnerForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "problems": svc.submission_problems(application),
        "is_lead": application.applicant_id == request.user.pk,
        "closes_local": svc.local_time(application.call, application.call.closes_at),
        "max_bytes": max_bytes(), "max_count": max_count(),
        "budget_total": svc.budget_total(application), "max_rows": MAX_ROWS,
    }


def _editable_or_redirect(request: HttpRequest, application_id: int) -> Application | HttpResponse:
    application = svc.access_applicant_application(request.user, application_id)
    if not application.is_editable:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("calls:application_detail", application_id=application.pk)
    return application


def _save(request: HttpRequest, application: Application) -> tuple[ApplicationForm, bool]:
    form = ApplicationForm(request.POST, application=application)
    if not form.is_valid():
        return form, False
    try:
        svc.application_update(actor=request.user, application=application, fields=form.content(),
                               challenges=form.cleaned_data["challenges"])
    except ValidationError as error:
        form_add_errors(form, error)
        return form, False
    return form, True


@login_required
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _editable_or_redirect(request, application_id)
    if isinstance(application, HttpResponse):
        return application
    if request.method == "POST":
        form, saved = _save(request, application)
        if saved:
            messages.success(request, _("Your draft was saved."))
            return redirect("calls:application_edit", application_id=application.pk)
        application.refresh_from_db()
    else:
        form = ApplicationForm(application=application)
    return render(request, "calls/apply/application_edit.html", _edit_context(request, application, form),
                  status=400 if form.errors else 200)


@login_required
@require_POST
def application_autosave(request: HttpRequest, application_id: int) -> HttpResponse:
    application = svc.access_applicant_application(request.user, application_id)
    if not application.is_editable:
        return render(request, "calls/apply/_autosave_status.html",
                      {"error_list": [_("This application can no longer be changed.")]})
    form, saved = _save(request, application)
    if saved:
        saved_at = timezone.localtime(timezone.now(), application.call.tz)
        return render(request, "calls/apply/_autosave_status.html", {"saved_at": saved_at})
    error_list = [f"{form.fields[f].label if f in form.fields else ''}: {e}".lstrip(": ")
                  for f, errors in form.errors.items() for e in errors]
    return render(request, "calls/apply/_autosave_status.html", {"error_list": error_list})


def _owned_post(request: HttpRequest, application_id: int) -> Application | HttpResponse:
    return _editable_or_redirect(request, application_id)


def _rerender(request: HttpRequest, application: Application, **forms: Any) -> HttpResponse:
    form = ApplicationForm(application=application)
    return render(request, "calls/apply/application_edit.html",
                  _edit_context(request, application, form, **forms), status=400)


@login_required
@require_POST
def co_applicant_add(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _owned_post(request, application_id)
    if isinstance(application, HttpResponse):
        return application
    if application.applicant_id != request.user.pk:
        raise Http404("Only the lead applicant manages co-applicants")
    form = CoApplicantForm(request.POST)
    if form.is_valid():
        try:
            svc.co_applicant_add(actor=request.user, application=application, email=form.cleaned_data["email"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The co-applicant was added and informed by e-mail."))
            return redirect(reverse("calls:application_edit", args=[application.pk]) + "#people")
    return _rerender(request, application, co_form=form)


@login_required
@require_POST
def co_applicant_remove(request: HttpRequest, application_id: int, co_applicant_id: int) -> HttpResponse:
    application = _owned_post(request, application_id)
    if isinstance(application, HttpResponse):
        return application
    if application.applicant_id != request.user.pk:
        raise Http404("Only the lead applicant manages co-applicants")
    try:
        svc.co_applicant_remove(actor=request.user, application=application, co_applicant_id=co_applicant_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The co-applicant was removed."))
    return redirect(reverse("calls:application_edit", args=[application.pk]) + "#people")


@login_required
@require_POST
def partner_add(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _owned_post(request, application_id)
    if isinstance(application, HttpResponse):
        return application
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            svc.partner_add(actor=request.user, application=application,
                            organisation=form.cleaned_data["organisation"], role=form.cleaned_data["role"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The partner organisation was added."))
            return redirect(reverse("calls:application_edit", args=[application.pk]) + "#partners")
    return _rerender(request, application, partner_form=form)


@login_required
@require_POST
def partner_remove(request: HttpRequest, application_id: int, partner_id: int) -> HttpResponse:
    application = _owned_post(request, application_id)
    if isinstance(application, HttpResponse):
        return application
    try:
        svc.partner_remove(actor=request.user, application=application, partner_id=partner_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The partner organisation was removed."))
    return redirect(reverse("calls:application_edit", args=[application.pk]) + "#partners")


@login_required
@require_POST
def attachment_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _owned_post(request, application_id)
    if isinstance(application, HttpResponse):
        return application
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachment_add(actor=request.user, application=application, kind=form.cleaned_data["kind"],
                           name=upload.name, data=upload.read())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect(reverse("calls:application_edit", args=[application.pk]) + "#attachments")
    return _rerender(request, application, attachment_form=form)


@login_required
@require_POST
def attachment_delete_view(request: HttpRequest, application_id: int, attachment_id: int) -> HttpResponse:
    application = _owned_post(request, application_id)
    if isinstance(application, HttpResponse):
        return application
    try:
        attachment_delete(actor=request.user, application=application, attachment_id=attachment_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file was removed."))
    return redirect(reverse("calls:application_edit", args=[application.pk]) + "#attachments")


@login_required
def attachment_download(request: HttpRequest, application_id: int, attachment_id: int) -> HttpResponse:
    delivery = attachment_delivery(request.user, application_id, attachment_id)
    response = FileResponse(io.BytesIO(delivery.content), as_attachment=True, filename=delivery.name,
                            content_type=delivery.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _submit_page(request: HttpRequest, application: Application, *, errors: list[str] | None = None) -> HttpResponse:
    context = _read_context(application)
    context.update(problems=svc.submission_problems(application), declaration=svc.DECLARATION,
                   errors=errors or [], is_lead=application.applicant_id == request.user.pk)
    return render(request, "calls/apply/application_submit.html", context, status=400 if errors else 200)


@login_required
def application_submit(request: HttpRequest, application_id: int) -> HttpResponse:
    """GET: the final read-only review with the declaration; POST: the irreversible submission."""
    application = svc.access_applicant_application(request.user, application_id)
    if application.status != Application.Status.DRAFT:
        if request.method == "POST" and application.status == Application.Status.SUBMITTED:
            messages.info(request, _("This application was already submitted at %(time)s.") % {
                "time": svc.local_time(application.call, application.submitted_at)})
        return redirect("calls:application_detail", application_id=application.pk)
    if request.method != "POST":
        return _submit_page(request, application)
    try:
        svc.application_submit(actor=request.user, application=application,
                               declared=request.POST.get("declaration") == "on")
    except svc.AlreadySubmitted as error:
        messages.info(request, error.problems[0])
        return redirect("calls:application_detail", application_id=application.pk)
    except svc.SubmissionError as error:
        application.refresh_from_db()
        return _submit_page(request, application, errors=error.problems)
    messages.success(request, _("Your application was submitted. A receipt was sent to you by e-mail."))
    return redirect("calls:application_detail", application_id=application.pk)


@login_required
def application_receipt(request: HttpRequest, application_id: int) -> HttpResponse:
    """The receipt PDF of a submitted application, for its applicant and co-applicants only."""
    application = svc.access_applicant_application(request.user, application_id)
    pdf = svc.receipt_pdf(application, current_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"receipt-{application.reference}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    application = svc.access_applicant_application(request.user, application_id)
    if application.applicant_id != request.user.pk:
        raise Http404("Only the lead applicant withdraws")
    if application.status == Application.Status.WITHDRAWN:
        messages.info(request, _("This application was already withdrawn."))
        return redirect("calls:application_detail", application_id=application.pk)
    if request.method == "POST":
        try:
            svc.application_withdraw(actor=request.user, application=application)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your application was withdrawn."))
        return redirect("calls:application_detail", application_id=application.pk)
    return render(request, "calls/apply/application_withdraw.html", {"application": application})


def _read_context(application: Application) -> dict[str, Any]:
    return {
        "application": application, "call": application.call,
        "challenges": application.challenges.all(),
        "partners": application.partners.select_related("organisation"),
        "co_applicants": application.co_applicants.select_related("user"),
        "attachments": application.attachments.all(),
        "closes_local": svc.local_time(application.call, application.call.closes_at),
        "submitted_local": (svc.local_time(application.call, application.submitted_at)
                            if application.submitted_at else ""),
        "shared_local": (svc.local_time(application.call, application.draft_shared_at)
                         if application.draft_shared_at else ""),
        "budget_total": svc.budget_total(application),
        "budget_rows": budget_rows(application.budget_lines),
    }


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = svc.access_applicant_application(request.user, application_id)
    context = _read_context(application)
    context.update(check=latest_check(application), is_lead=application.applicant_id == request.user.pk,
                   can_withdraw=(application.status != Application.Status.WITHDRAWN and not application.decision
                                 and application.call.status == Call.Status.PUBLISHED))
    return render(request, "calls/apply/application_detail.html", context)


@login_required
@require_POST
def application_draft_share(request: HttpRequest, application_id: int) -> HttpResponse:
    application = svc.access_applicant_application(request.user, application_id)
    choice = request.POST.get("share", "")
    if choice not in ("on", "off"):
        messages.error(request, _("Choose whether to share the draft or to stop sharing it."))
        return redirect("calls:application_detail", application_id=application.pk)
    try:
        svc.application_draft_share(actor=request.user, application=application, shared=choice == "on")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The call's managers can now read this draft.") if choice == "on"
                         else _("The draft is no longer shared; the call's managers only count it."))
    return redirect("calls:application_detail", application_id=application.pk)


# --- managers: screening ------------------------------------------------------------------------

@login_required
def manage_applications(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    status = request.GET.get("status", "")
    eligibility = request.GET.get("eligibility", "")
    if status not in Application.Status.values:
        status = ""
    if eligibility not in Application.Eligibility.values:
        eligibility = ""
    page = Paginator(svc.applications_for_call(call, status=status, eligibility=eligibility),
                     MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "calls/apply/manage_applications.html", {
        "call": call, "applications": page.object_list, "page": page, "querystring": query.urlencode(),
        "counts": svc.application_counts(call), "status": status, "eligibility": eligibility,
        "statuses": Application.Status.choices, "eligibilities": Application.Eligibility.choices,
    })


MANAGE_PAGE_SIZE = 100


@login_required
def manage_application(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_managed_application(request.user, application_id, shared_drafts=True)
    form = EligibilityForm(request.POST or None, checklist=application.call.eligibility_checklist or [],
                           initial=EligibilityForm.initial_from(latest_check(application)))
    if request.method == "POST":
        if application.status != Application.Status.SUBMITTED:
            form.add_error(None, _("Only submitted applications can be screened."))
        elif form.is_valid():
            try:
                eligibility_record(actor=request.user, application=application, results=form.results(),
                                   outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, _("The screening was recorded and the applicant informed."))
                return redirect("calls:manage_application", application_id=application.pk)
    context = _read_context(application)
    previous, following = svc.screening_neighbours(application)
    context.update(form=form, checks=application.eligibility_checks.select_related("checked_by"),
                   checklist=application.call.eligibility_checklist or [], previous=previous, following=following)
    return render(request, "calls/apply/manage_application.html", context, status=400 if form.errors else 200)

