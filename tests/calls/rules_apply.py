"""Permission rules of the apply part (self-assessment, applications, screening), merged into the matrix.

The applications belong to the world's project holder (a member of ``world.org``); the calls are
calls of ``world.org``, so its programme manager screens them and the other tenant's manager may not.
"""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ALL, AUTHENTICATED, Rule

HOLDER = frozenset({"project_holder"})
MANAGERS = frozenset({"manager", "platform_admin"})
READERS = frozenset({"project_holder", "manager", "platform_admin", "evaluator"})


def _call(w: Any) -> Any:
    from asis.calls.models import Call
    from tests.calls.helpers import make_call

    return Call.objects.filter(title="Rules: apply call").first() or make_call(w.org, title="Rules: apply call")


def _application(w: Any, *, submitted: bool) -> Any:
    from tests.calls.helpers import make_application

    return make_application(_call(w), w.users["project_holder"], w.org, submitted=submitted)


def _token(w: Any) -> dict[str, Any]:
    from asis.calls.apply.selfassessment import grid
    from asis.calls.models import SelfAssessment

    answers = {c.id: 1 if c.id == "programme_relevance" else 3 for c in grid().criteria}
    return {"token": SelfAssessment.objects.create(project_title="Rules", answers=answers).token}


def _call_id(w: Any) -> dict[str, Any]:
    return {"call_id": _call(w).pk}


def _draft(w: Any) -> dict[str, Any]:
    return {"application_id": _application(w, submitted=False).pk}


def _submitted(w: Any) -> dict[str, Any]:
    return {"application_id": _application(w, submitted=True).pk}


def _co_applicant(w: Any) -> dict[str, Any]:
    from asis.calls.models import CoApplicant

    application = _application(w, submitted=False)
    link = CoApplicant.objects.create(application=application, user=w.users["member"])
    return {"application_id": application.pk, "co_applicant_id": link.pk}


def _partner(w: Any) -> dict[str, Any]:
    from asis.calls.models import ApplicationPartner

    application = _application(w, submitted=False)
    partner = ApplicationPartner.objects.create(application=application, organisation=w.other_org, role="Pilot")
    return {"application_id": application.pk, "partner_id": partner.pk}


def _attachment(application: Any) -> Any:
    from django.core.files.base import ContentFile

    from asis.calls.models import Attachment

    attachment = Attachment(application=application, kind="other", original_name="plan.pdf",
                            content_type="application/pdf", size=9, sha256="0" * 64)
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


def _draft_attachment(w: Any) -> dict[str, Any]:
    application = _application(w, submitted=False)
    return {"application_id": application.pk, "attachment_id": _attachment(application).pk}


def _assigned_attachment(w: Any) -> dict[str, Any]:
    """A submitted application assigned to the world's evaluator (who may then read its files)."""
    from tests.calls.helpers import assign, make_evaluator

    application = _application(w, submitted=True)
    assign(make_evaluator(application.call, w.users["evaluator"]), application)
    return {"application_id": application.pk, "attachment_id": _attachment(application).pk}


def _receipted(w: Any) -> dict[str, Any]:
    application = _application(w, submitted=True)
    type(application).objects.filter(pk=application.pk).update(receipt_digest="0" * 64)
    return {"application_id": application.pk}


RULES: dict[str, Rule] = {
    "calls:self_assessment": Rule(ALL),
    "calls:self_assessment_result": Rule(ALL, kwargs=_token),
    "calls:self_assessment_pdf": Rule(ALL, kwargs=_token),
    "calls:self_assessment_apply": Rule(AUTHENTICATED, "POST", kwargs=_token),
    "calls:my_applications": Rule(AUTHENTICATED),
    "calls:application_start": Rule(AUTHENTICATED, kwargs=_call_id),
    "calls:application_detail": Rule(HOLDER, kwargs=_submitted),
    "calls:application_edit": Rule(HOLDER, kwargs=_draft),
    "calls:application_autosave": Rule(HOLDER, "POST", kwargs=_draft),
    "calls:application_submit": Rule(HOLDER, "POST", kwargs=_draft),
    "calls:application_withdraw": Rule(HOLDER, "POST", kwargs=_submitted),
    "calls:application_draft_share": Rule(HOLDER, "POST", kwargs=_draft, data={"share": "on"}),
    "calls:application_co_applicant_add": Rule(HOLDER, "POST", kwargs=_draft),
    "calls:application_co_applicant_remove": Rule(HOLDER, "POST", kwargs=_co_applicant),
    "calls:application_partner_add": Rule(HOLDER, "POST", kwargs=_draft),
    "calls:application_partner_remove": Rule(HOLDER, "POST", kwargs=_partner),
    "calls:attachment_upload": Rule(HOLDER, "POST", kwargs=_draft),
    "calls:attachment_delete": Rule(HOLDER, "POST", kwargs=_draft_attachment),
    "calls:attachment_download": Rule(READERS, kwargs=_assigned_attachment),
    "calls:manage_applications": Rule(MANAGERS, kwargs=_call_id),
    "calls:manage_application": Rule(MANAGERS, kwargs=_submitted),
    # issue 10: the receipt PDF, for the applicant (and co-applicants) only
    "calls:application_receipt": Rule(HOLDER, kwargs=_receipted),
}
