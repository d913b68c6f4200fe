"""Applications: services (writes) and selectors (reads) for applicants and screening managers.

Every write runs in one transaction with one audit entry. Drafts may be incomplete;
``submission_problems`` lists everything that must be fixed before ``application_submit``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from asis.accounts.models import Organisation, User
from asis.calls.access import applications_of, assignments_of, calls_managed_by, manager_visible
from asis.calls.models import (
    Application,
    ApplicationPartner,
    Call,
    CoApplicant,
    SelfAssessment,
)
from asis.calls.notifications import notify
from asis.core.audit import audit_record
from asis.core.i18n import item_text

CONTENT_FIELDS = ("title", "summary", "original_language", "region", "requested_amount", "total_cost",
                  "budget_lines", "logic_model", "answers")
LOGIC_MODEL_KEYS = ("problem", "activities", "outputs", "outcomes", "impact")

logger = logging.getLogger(__name__)

DECLARATION = _lazy("I declare that the information in this application is true and complete, that the lead "
                    "organisation agrees to apply, and I understand that the application cannot be changed "
                    "after submission.")


class SubmissionError(Exception):
    """The application cannot be submitted; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class AlreadySubmitted(SubmissionError):
    pass


# --- selectors -----------------------------------------------------------------------------------

def organisations_of_applicant(user: Any) -> QuerySet[Organisation]:
    """Organisations the user is a member of (any role): the possible lead organisations."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def my_applications(user: Any) -> QuerySet[Application]:
    return (applications_of(user).select_related("call", "organisation")
            .order_by("-created_at", "pk"))


def can_edit(user: Any, application: Application) -> bool:
    return applications_of(user).filter(pk=application.pk).exists() and application.is_editable


def access_applicant_application(user: Any, application_id: int) -> Application:
    """The user's own application (lead or co-applicant), 404 for anyone else."""
    application = (applications_of(user).select_related("call", "call__organisation", "organisation", "region")
                   .defer("region__geometry").filter(pk=application_id).first())
    if application is None:
        raise Http404("No such application")
    return application


def access_viewable_application(user: Any, application_id: int) -> Application:
    """Applicant, co-applicants, managers of the call and assigned, non-conflicted evaluators."""
    if not user.is_authenticated:
        raise Http404("No such application")
    visible = (Q(pk__in=applications_of(user).values("pk")) | (Q(call__in=calls_managed_by(user)) & manager_visible())
               | Q(pk__in=assignments_of(user).values("application_id")))
    application = Application.objects.select_related("call").filter(visible, pk=application_id).first()
    if application is None:
        raise Http404("No such application")
    return application


def applications_for_call(call: Call, *, status: str = "", eligibility: str = "") -> QuerySet[Application]:
    """The applications a call's managers list: never the drafts their applicants keep to themselves."""
    qs = (Application.objects.filter(manager_visible(), call=call).select_related("organisation", "region", "applicant")
          .defer("region__geometry", "organisation__description").order_by("reference"))
    if status:
        qs = qs.filter(status=status)
    if eligibility:
        qs = qs.filter(eligibility=eligibility)
    return qs


def screening_neighbours(application: Application) -> tuple[Application | None, Application | None]:
    """The submitted applications of the same call just before and after this one, by reference:
    the screening form's "previous" and "next"."""
    submitted = Application.objects.filter(call_id=application.call_id, status=Application.Status.SUBMITTED)
    previous = (submitted.filter(reference__lt=application.reference).order_by("-reference")
                .only("pk", "reference").first())
    following = (submitted.filter(reference__gt=application.reference).order_by("reference")
                 .only("pk", "reference").first())
    return previous, following


def application_counts(call: Call) -> dict[str, int]:
    """Counts per status and per eligibility of submitted applications, in one query."""
    submitted = Q(status=Application.Status.SUBMITTED)
    return Application.objects.filter(call=call).aggregate(
        total=Count("pk"),
        draft=Count("pk", filter=Q(status=Application.Status.DRAFT)),
        shared=Count("pk", filter=Q(status=Application.Status.DRAFT, draft_shared_at__isnull=False)),
        submitted=Count("pk", filter=submitted),
        withdrawn=Count("pk", filter=Q(status=Application.Status.WITHDRAWN)),
        pending=Count("pk", filter=submitted & Q(eligibility=Application.Eligibility.PENDING)),
        eligible=Count("pk", filter=submitted & Q(eligibility=Application.Eligibility.ELIGIBLE)),
        ineligible=Count("pk", filter=submitted & Q(eligibility=Application.Eligibility.INELIGIBLE)),
    )


def audit_organisation_of(application: Application) -> int | None:
    """Whose managers read an application's audit entries. Until it is first submitted the draft is
    the applicant's own: its history (texts, files, co-applicants) belongs to no organisation, so
    only platform admins read it; the call's managers see only counts of drafts (the lead
    organisation may be the call's own, so it cannot hold the entries either)."""
    return application.call.organisation_id if application.submitted_at else None


def local_time(call: Call, moment: Any) -> str:
    """A moment in the call's time zone, with the zone named (deadlines are read by people far apart)."""
    local = timezone.localtime(moment, call.tz)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({call.timezone})"


# --- content and digest --------------------------------------------------------------------------

def application_content(application: Application) -> dict[str, Any]:
    """The canonical content of an application (what the receipt digest covers)."""
    return {
        "reference": application.reference,
        "call": application.call_id,
        "organisation": application.organisation_id,
        "title": application.title,
        "summary": application.summary,
        "language": application.original_language,
        "region": application.region.code if application.region_id else None,
        "challenges": sorted(application.challenges.values_list("code", flat=True)),
        "requested_amount": None if application.requested_amount is None else str(application.requested_amount),
        "total_cost": None if application.total_cost is None else str(application.total_cost),
        "budget_lines": application.budget_lines,
        "logic_model": application.logic_model,
        "answers": application.answers,
        "partners": sorted([p.organisation_id, p.role] for p in application.partners.all()),
        "co_applicants": sorted(application.co_applicants.values_list("user_id", flat=True)),
        "attachments": sorted([a.original_name, a.sha256] for a in application.attachments.all()),
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
    }


def content_digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def budget_total(application: Application) -> Decimal:
    return sum((_amount(line.get("amount")) or Decimal("0") for line in application.budget_lines), Decimal("0"))


def money_errors(call: Call, requested: Decimal | None, total: Decimal | None) -> dict[str, str]:
    """The call's money rules: min_grant <= requested <= max_grant, requested <= total * rate / 100."""
    errors: dict[str, str] = {}
    if requested is not None:
        if requested < call.min_grant or requested > call.max_grant:
            errors["requested_amount"] = _("The requested grant must be between %(min)s and %(max)s EUR.") % {
                "min": formats.number_format(call.min_grant, 2), "max": formats.number_format(call.max_grant, 2)}
        elif total is not None and requested > total * call.cofunding_rate / 100:
            errors["requested_amount"] = _(
                "The requested grant may cover at most %(rate)s %% of the total cost (%(limit)s EUR).") % {
                "rate": formats.number_format(call.cofunding_rate, 0),
                "limit": formats.number_format(total * call.cofunding_rate / 100, 2)}
    if total is not None and requested is not None and total < requested:
        errors["total_cost"] = _("The total cost cannot be smaller than the requested grant.")
    return errors


def region_allowed(call: Call, region: Any) -> bool:
    restricted = list(call.eligible_regions.values_list("pk", flat=True))
    return not restricted or region is None or region.pk in restricted


def submission_problems(application: Application) -> list[str]:
    """Every item that must be fixed before submission (empty: ready to submit)."""
    call = application.call
    problems: list[str] = []
    if not application.title.strip():
        problems.append(_("The project title is missing."))
    if not application.summary.strip():
        problems.append(_("The summary is missing."))
    if application.region_id is None:
        problems.append(_("Choose the region of the project."))
    elif not region_allowed(call, application.region):
        problems.append(_("The region of the project is not eligible in this call."))
    if application.requested_amount is None:
        problems.append(_("The requested grant is missing."))
    if application.total_cost is None:
        problems.append(_("The total project cost is missing."))
    problems.extend(money_errors(call, application.requested_amount, application.total_cost).values())
    if not application.budget_lines:
        problems.append(_("The budget table has no line."))
    elif application.total_cost is not None and budget_total(application) != application.total_cost:
        problems.append(_("The budget lines add up to %(sum)s EUR, not to the total cost of %(total)s EUR.") % {
            "sum": formats.number_format(budget_total(application), 2),
            "total": formats.number_format(application.total_cost, 2)})
    logic = application.logic_model or {}
    labels = {"problem": _("problem"), "activities": _("activities"), "outputs": _("outputs"),
              "outcomes": _("outcomes"), "impact": _("impact")}
    for key in LOGIC_MODEL_KEYS:
        if not str(logic.get(key, "")).strip():
            problems.append(_("Logic model: the %(part)s part is missing.") % {"part": labels[key]})
    if not logic.get("indicators"):
        problems.append(_("Logic model: name at least one indicator."))
    for question in call.custom_questions or []:
        if question.get("required") and str(application.answers.get(question.get("id"), "")).strip() == "":
            problems.append(_("The question “%(question)s” is required.") % {"question": item_text(question, "label")})
    return problems


# --- services ------------------------------------------------------------------------------------

def _new_reference(call: Call) -> str:
    return f"C{call.pk}-{secrets.randbelow(100000):05d}"


def _is_member(user: Any, organisation: Organisation) -> bool:
    return organisations_of_applicant(user).filter(pk=organisation.pk).exists()


def application_start(*, actor: Any, call: Call, organisation: Organisation, title: str = "",
                      self_assessment: SelfAssessment | None = None,
                      logic_model: dict[str, Any] | None = None) -> Application:
    """Create a draft application with a unique reference ``C<call>-<5 digits>``."""
    if not call.accepts_applications:
        raise ValidationError(_("This call does not accept applications now."))
    if not _is_member(actor, organisation):
        raise ValidationError({"organisation": _("You can apply only for an organisation you are a member of.")})
    language = getattr(actor, "preferred_language", "en") or "en"
    for _attempt in range(20):
        application = Application(call=call, applicant=actor, organisation=organisation, reference=_new_reference(call),
                                  title=(title or _("Untitled project"))[:200], original_language=language,
                                  self_assessment=self_assessment, logic_model=logic_model or {})
        try:
            with transaction.atomic():
                application.save()
                audit_record(action="asis.application.created", actor=actor, obj=application,
                             organisation_id=audit_organisation_of(application),
                             after={"call": call.pk, "organisation": organisation.pk,
                                    "self_assessment": self_assessment.pk if self_assessment else None})
        except IntegrityError:  # the random reference exists already: draw again
            continue
        return application
    raise ValidationError(_("No free application reference could be found; please try again."))


def application_from_self_assessment(*, actor: Any, assessment: SelfAssessment, call: Call,
                                     organisation: Organisation) -> Application:
    """A draft prefilled from a self-assessment: title, and the notes mapped into the logic model."""
    notes = assessment.notes or {}
    problem = "\n\n".join(n for n in (notes.get("social_need"), notes.get("newness")) if n)
    impact = "\n\n".join(n for n in (notes.get("local_impact"), notes.get("ecology")) if n)
    activities = "\n\n".join(n for n in (notes.get("method"), notes.get("co_creation")) if n)
    logic_model = {"problem": problem, "activities": activities, "outputs": "", "outcomes": "",
                   "impact": impact, "indicators": []}
    if notes.get("measurability"):
        logic_model["outcomes"] = notes["measurability"]
    return application_start(actor=actor, call=call, organisation=organisation, title=assessment.project_title,
                             self_assessment=assessment, logic_model=logic_model)


def _snapshot(application: Application) -> dict[str, Any]:
    data = {f: getattr(application, f) for f in CONTENT_FIELDS if f != "region"}
    data["region"] = application.region.code if application.region_id else None
    data["challenges"] = sorted(application.challenges.values_list("code", flat=True))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def lock_editable(application: Application, *related: str) -> Application:
    """The application row, locked for this transaction, if it is still an editable draft."""
    locked = (Application.objects.select_for_update(of=("self",)).select_related("call", *related)
              .get(pk=application.pk))
    _require_editable(locked)
    return locked


def _require_editable(application: Application) -> None:
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("This application has been submitted or withdrawn and can no longer be changed."))
    if not application.call.accepts_applications:
        raise ValidationError(_("The call closed at %(time)s; the application can no longer be changed.") % {
            "time": local_time(application.call, application.call.closes_at)})


def application_update(*, actor: Any, application: Application, fields: dict[str, Any],
                       challenges: Any = None) -> Application:
    """Save draft content (all or some of ``CONTENT_FIELDS``); validates the call's rules for what is given."""
    with transaction.atomic():
        application = lock_editable(application, "region")
        before = _snapshot(application)
        unknown = set(fields) - set(CONTENT_FIELDS)
        if unknown:
            raise ValueError(f"not application content: {sorted(unknown)}")
        for name, value in fields.items():
            setattr(application, name, value)
        errors: dict[str, Any] = dict(money_errors(application.call, application.requested_amount,
                                                   application.total_cost))
        if application.region_id and not region_allowed(application.call, application.region):
            errors["region"] = _("This region is not eligible in this call.")
        if errors:
            raise ValidationError(errors)
        application.full_clean(exclude=["reference"])
        application.save()
        if challenges is not None:
            allowed = set(application.call.challenges.values_list("pk", flat=True))
            chosen = list(challenges)
            if allowed and any(c.pk not in allowed for c in chosen):
                raise ValidationError({"challenges": _("Choose among the challenges of the call.")})
            application.challenges.set(chosen)
        after = _snapshot(application)
        changed = sorted(k for k in after if after[k] != before.get(k))
        if changed:
            audit_record(action="asis.application.changed", actor=actor, obj=application,
                         organisation_id=audit_organisation_of(application),
                         before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})
    return application


def co_applicant_add(*, actor: Any, application: Application, email: str) -> CoApplicant:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True, anonymised_at__isnull=True).first()
    if user is None:
        raise ValidationError({"email": _("No account uses this e-mail address. Ask the person to create an "
                                          "account first.")})
    with transaction.atomic():
        application = lock_editable(application)
        if user.pk == application.applicant_id:
            raise ValidationError({"email": _("This person is the lead applicant.")})
        if CoApplicant.objects.filter(application=application, user=user).exists():
            raise ValidationError({"email": _("This person is already a co-applicant.")})
        link = CoApplicant.objects.create(application=application, user=user)
        audit_record(action="asis.application.co_applicant_added", actor=actor, obj=application,
                     organisation_id=audit_organisation_of(application), after={"user": user.pk})
    notify(kind="application_co_applicant", user=user, call=application.call, application=application,
           context={"inviter": getattr(actor, "display_name", "")})
    return link


def co_applicant_remove(*, actor: Any, application: Application, co_applicant_id: int) -> None:
    with transaction.atomic():
        application = lock_editable(application)
        link = CoApplicant.objects.filter(application=application, pk=co_applicant_id).first()
        if link is None:
            raise ValidationError(_("This co-applicant does not belong to the application."))
        link.delete()
        audit_record(action="asis.application.co_applicant_removed", actor=actor, obj=application,
                     organisation_id=audit_organisation_of(application), before={"user": link.user_id})


def partner_add(*, actor: Any, application: Application, organisation: Organisation, role: str) -> ApplicationPartner:
    with transaction.atomic():
        application = lock_editable(application)
        if organisation.pk == application.organisation_id:
            raise ValidationError({"organisation": _("The lead organisation cannot also be a partner.")})
        if ApplicationPartner.objects.filter(application=application, organisation=organisation).exists():
            raise ValidationError({"organisation": _("This organisation is already a partner.")})
        partner = ApplicationPartner(application=application, organisation=organisation, role=role[:200])
        partner.full_clean()
        partner.save()
        audit_record(action="asis.application.partner_added", actor=actor, obj=application,
                     organisation_id=audit_organisation_of(application),
                     after={"organisation": organisation.pk, "role": partner.role})
    return partner


def partner_remove(*, actor: Any, application: Application, partner_id: int) -> None:
    with transaction.atomic():
        application = lock_editable(application)
        partner = ApplicationPartner.objects.filter(application=application, pk=partner_id).first()
        if partner is None:
            raise ValidationError(_("This partner does not belong to the application."))
        partner.delete()
        audit_record(action="asis.application.partner_removed", actor=actor, obj=application,
                     organisation_id=audit_organisation_of(application), before={"organisation": partner.organisation_id})


def _receipt_pdf(application: Application, content: dict[str, Any], language: str) -> bytes:
    from django.utils import translation

    from asis.calls.apply.budget import budget_rows
    from asis.calls.pdf import render_pdf

    with translation.override(language):
        # the times and category names are written in the receipt's language, not the request's
        context = {
            "application": application, "call": application.call, "content": content,
            "submitted_local": local_time(application.call, application.submitted_at),
            "declared_local": (local_time(application.call, application.declared_at)
                               if application.declared_at else ""),
            "budget_rows": budget_rows(content.get("budget_lines")),
            "digest": application.receipt_digest}
    return render_pdf("calls/apply/receipt_pdf.html", context, language=language)


def receipt_pdf(application: Application, language: str) -> bytes:
    """The receipt of a submitted application, as e-mailed at submission (the same digest)."""
    if application.status == Application.Status.DRAFT or not application.receipt_digest:
        raise Http404("No receipt before submission")
    return _receipt_pdf(application, application_content(application), language)


def application_submit(*, actor: Any, application: Application, declared: bool) -> Application:
    """Submit before the deadline (server clock); a second submission changes nothing and says so.

    ``declared``: the applicant ticked the declaration on the final review page; its time is
    recorded with the submission (and printed on the receipt)."""
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",)).select_related("call", "region", "applicant")
                       .get(pk=application.pk))
        call = application.call
        if application.status == Application.Status.SUBMITTED:
            raise AlreadySubmitted([_("This application was already submitted at %(time)s.") % {
                "time": local_time(call, application.submitted_at)}])
        if application.status == Application.Status.WITHDRAWN:
            raise SubmissionError([_("This application was withdrawn and cannot be submitted.")])
        now = timezone.now()
        if now >= call.closes_at:
            raise SubmissionError([_("The call closed at %(time)s. Your draft is kept but can no longer be "
                                     "submitted.") % {"time": local_time(call, call.closes_at)}])
        if now < call.opens_at or call.status != Call.Status.PUBLISHED:
            raise SubmissionError([_("This call does not accept applications now.")])
        problems = submission_problems(application)
        if not declared:
            problems.append(_("Confirm the declaration to submit the application."))
        if problems:
            raise SubmissionError(problems)
        application.status = Application.Status.SUBMITTED
        application.submitted_at = now
        application.declared_at = now
        content = application_content(application)
        application.receipt_digest = content_digest(content)
        application.save(update_fields=["status", "submitted_at", "declared_at", "receipt_digest", "updated_at"])
        audit_record(action="asis.application.submitted", actor=actor, obj=application,
                     organisation_id=call.organisation_id, before={"status": Application.Status.DRAFT},
                     after={"status": application.status, "submitted_at": now, "declared_at": now,
                            "declaration": str(DECLARATION),
                            "receipt_digest": application.receipt_digest})
    language = application.applicant.preferred_language or "en"
    try:
        attachments = [(f"receipt-{application.reference}.pdf", _receipt_pdf(application, content, language),
                        "application/pdf")]
    except Exception:  # the submission stands; the e-mail still carries the time and the digest
        logger.exception("receipt PDF of application %s could not be rendered", application.reference)
        attachments = []
    notify(kind="application_submitted", user=application.applicant, call=call, application=application,
           context={"submitted_local": local_time(call, application.submitted_at),
                    "digest": application.receipt_digest},
           attachments=attachments)
    return application


def application_draft_share(*, actor: Any, application: Application, shared: bool) -> Application:
    """Share a draft with the call's managers (read-only for them), or stop sharing it. Only the
    applicant or a co-applicant may do it, and only while the application is a draft."""
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",)).select_related("call")
                       .filter(pk__in=applications_of(actor).values("pk"), pk=application.pk).first())
        if application is None:
            raise Http404("No such application")
        if application.status != Application.Status.DRAFT:
            raise ValidationError(_("Only a draft can be shared; the call's managers see submitted applications."))
        before = application.draft_shared_at
        if shared == (before is not None):
            return application
        application.draft_shared_at = timezone.now() if shared else None
        application.save(update_fields=["draft_shared_at", "updated_at"])
        audit_record(action="asis.application.draft_shared" if shared else "asis.application.draft_unshared",
                     actor=actor, obj=application, organisation_id=audit_organisation_of(application),
                     before={"draft_shared_at": before}, after={"draft_shared_at": application.draft_shared_at})
    return application


def application_withdraw(*, actor: Any, application: Application) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("call", "applicant").get(
            pk=application.pk)
        if application.status == Application.Status.WITHDRAWN:
            raise ValidationError(_("This application was already withdrawn."))
        if application.decision or application.call.status in (Call.Status.RESULTS, Call.Status.ARCHIVED):
            raise ValidationError(_("A decision has been taken; the application can no longer be withdrawn."))
        before = application.status
        application.status = Application.Status.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit_record(action="asis.application.withdrawn", actor=actor, obj=application,
                     organisation_id=audit_organisation_of(application), before={"status": before},
                     after={"status": application.status, "withdrawn_at": application.withdrawn_at})
    notify(kind="application_withdrawn", user=application.applicant, call=application.call,
           application=application,
           context={"withdrawn_local": local_time(application.call, application.withdrawn_at)})
    return application
