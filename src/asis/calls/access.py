"""Permission-checked reads for calls. ``access_*`` fetch *with* the check and raise 404 otherwise
(another tenant's objects do not reveal they exist); views call only these.

Who sees what:
- programme managers of the call's organisation (and platform admins): the whole call, except
  applications never submitted: those they see only as counts, unless the applicant shared the
  draft with them (read-only);
- applicants and co-applicants: their own applications (never evaluator identities);
- evaluators: only applications assigned to them with no recorded conflict of interest;
- everyone: published calls (not drafts).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from asis.accounts.access import organisations_for
from asis.accounts.models import Role
from asis.calls.models import Application, Assignment, Call, Evaluator


def calls_managed_by(user: Any) -> QuerySet[Call]:
    if not user.is_authenticated:
        return Call.objects.none()
    if user.is_platform_admin:
        return Call.objects.all()
    return Call.objects.filter(organisation__in=organisations_for(user, [Role.PROGRAMME_MANAGER]))


def can_manage_call(user: Any, call: Call) -> bool:
    return calls_managed_by(user).filter(pk=call.pk).exists()


def access_managed_call(user: Any, call_id: int) -> Call:
    call = calls_managed_by(user).select_related("organisation").filter(pk=call_id).first()
    if call is None:
        raise Http404("No such call")
    return call


def public_calls() -> QuerySet[Call]:
    return Call.objects.exclude(status=Call.Status.DRAFT)


def access_public_call(call_id: int) -> Call:
    call = public_calls().select_related("organisation").filter(pk=call_id).first()
    if call is None:
        raise Http404("No such call")
    return call


def applications_of(user: Any) -> QuerySet[Application]:
    """Applications the user applies for (lead applicant or co-applicant)."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(Q(applicant=user) | Q(co_applicants__user=user)).distinct()


def access_own_application(user: Any, application_id: int) -> Application:
    application = (applications_of(user).select_related("call", "call__organisation", "organisation")
                   .filter(pk=application_id).first())
    if application is None:
        raise Http404("No such application")
    return application


def manager_visible(*, shared_drafts: bool = True) -> Q:
    """Applications a call's managers may see: submitted ones (also once withdrawn or decided), plus,
    with ``shared_drafts``, the drafts their applicants chose to share. A draft withdrawn without
    ever being submitted stays private."""
    never_submitted = (Q(status=Application.Status.DRAFT)
                       | Q(status=Application.Status.WITHDRAWN, submitted_at__isnull=True))
    visible = ~never_submitted
    if shared_drafts:
        visible |= Q(status=Application.Status.DRAFT, draft_shared_at__isnull=False)
    return visible


def access_managed_application(user: Any, application_id: int, *, shared_drafts: bool = False) -> Application:
    """An application of a call the user manages; drafts only where the applicant shared them and the
    caller asks for them (read-only pages), 404 otherwise."""
    application = (Application.objects.select_related("call", "call__organisation", "organisation", "applicant")
                   .filter(manager_visible(shared_drafts=shared_drafts), pk=application_id,
                           call__in=calls_managed_by(user)).first())
    if application is None:
        raise Http404("No such application")
    return application


def assignments_of(user: Any) -> QuerySet[Assignment]:
    """Assignments the user may work on: invitation not declined, no conflict recorded, submitted
    application."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return (Assignment.objects.filter(evaluator__user=user, application__status=Application.Status.SUBMITTED)
            .exclude(evaluator__status=Evaluator.Status.DECLINED)
            .exclude(application__conflicts__evaluator__user=user))


def access_assignment(user: Any, application_id: int) -> Assignment:
    assignment = (assignments_of(user)
                  .select_related("application", "application__call", "application__organisation", "evaluator")
                  .filter(application_id=application_id).first())
    if assignment is None:
        raise Http404("No such application")
    return assignment


def access_evaluator_invitation(user: Any, call_id: int) -> Evaluator:
    evaluator = (Evaluator.objects.select_related("call", "call__organisation")
                 .filter(call_id=call_id, user=user).first() if user.is_authenticated else None)
    if evaluator is None:
        raise Http404("No such invitation")
    return evaluator


def managed_call_of_job(job: Any) -> tuple[Any, Call] | None:
    """The owner and call of a calls job, if the owner still manages the call when the job runs."""
    owner = job.owner
    call = Call.objects.filter(pk=job.params.get("call_id")).first()
    if call is None or owner is None or not calls_managed_by(owner).filter(pk=call.pk).exists():
        return None
    return owner, call
