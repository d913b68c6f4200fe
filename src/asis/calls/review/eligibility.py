"""Eligibility screening of submitted applications by the call's managers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from asis.calls.models import Application, EligibilityCheck
from asis.calls.notifications import notify
from asis.core.audit import audit_record

OUTCOMES = (Application.Eligibility.ELIGIBLE, Application.Eligibility.INELIGIBLE)


def latest_check(application: Application) -> EligibilityCheck | None:
    return application.eligibility_checks.order_by("-checked_at", "-pk").first()


def eligibility_record(*, actor: Any, application: Application, results: dict[str, bool], outcome: str,
                       reason: str) -> EligibilityCheck:
    """Record a screening: one answer per checklist item, the outcome and (when anything fails) the reason.

    Writes an ``EligibilityCheck``, sets ``Application.eligibility``, audits and e-mails the applicant.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",)).select_related("call", "applicant")
                       .get(pk=application.pk))
        if application.status != Application.Status.SUBMITTED:
            raise ValidationError(_("Only submitted applications can be screened."))
        checklist_ids = [str(item.get("id")) for item in application.call.eligibility_checklist or []]
        errors: dict[str, Any] = {}
        if set(results) != set(checklist_ids) or any(not isinstance(v, bool) for v in results.values()):
            errors["__all__"] = _("Answer every item of the checklist with yes or no.")
        if outcome not in OUTCOMES:
            errors["outcome"] = _("Choose eligible or not eligible.")
        failed = [item_id for item_id, ok in results.items() if ok is False]
        if (failed or outcome == Application.Eligibility.INELIGIBLE) and not reason:
            errors["reason"] = _("Give the reason when an item is not met or the application is not eligible.")
        if errors:
            raise ValidationError(errors)
        before = application.eligibility
        check = EligibilityCheck.objects.create(application=application, results=results, outcome=outcome,
                                                reason=reason, checked_by=actor)
        application.eligibility = outcome
        application.save(update_fields=["eligibility", "updated_at"])
        audit_record(action="asis.application.screened", actor=actor, obj=application,
                     organisation_id=application.call.organisation_id, before={"eligibility": before},
                     after={"eligibility": outcome, "results": results, "reason": reason, "check": check.pk})
    notify(kind="eligibility_decided", user=application.applicant, call=application.call, application=application,
           context={"outcome": outcome, "eligible": outcome == Application.Eligibility.ELIGIBLE, "reason": reason})
    return check
