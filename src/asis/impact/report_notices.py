"""E-mails of the reporting workflow, each in its recipient's language, mirrored in the
notification centre (``asis.core.notify``; the kinds are registered below, when the app starts).

- submitted: to the programme managers of the funding organisation;
- returned, validated, unlocked: to the project's holders (lead applicant and co-applicants);
- reminders (``asis.impact.reminders``): to the holders, before and after the due date.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.accounts.models import Role, User
from asis.calls.models import FundedProject
from asis.core.formatting import long_date
from asis.core.notify import notify_user
from asis.core.site import site_url
from asis.impact.models import ReportEvent, ReportingPeriod

logger = logging.getLogger(__name__)


def holders_of(project: FundedProject) -> list[Any]:
    application = project.application
    people = [application.applicant, *User.objects.filter(co_applications__application=application).order_by("pk")]
    unique = {person.pk: person for person in people if person is not None}
    return list(unique.values())


def staff_of(project: FundedProject) -> list[Any]:
    return list(User.objects.filter(memberships__organisation_id=project.application.call.organisation_id,
                                    memberships__role=Role.PROGRAMME_MANAGER, is_active=True)
                .distinct().order_by("pk"))


def send(*, kind: str, user: Any, context: dict[str, Any], objects: dict[str, Any]) -> bool:
    """Record the in-app notification and send the e-mail in ``user``'s language; True if sent."""
    if not notify_user(kind=f"impact.{kind}", user=user, **objects):
        return False
    if not user.email or getattr(user, "anonymised_at", None):
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        ctx = {**context, "user": user, "site_url": site_url()}
        if "report" in objects:
            ctx["url"] = reverse("impact:report_detail", args=[objects["report"].pk])
        if "period" in objects:
            period = objects["period"]
            ctx["url"] = reverse("impact:report_edit", args=[period.project_id, period.pk])
            ctx["due"] = long_date(period.due_on)
        subject = " ".join(render_to_string(f"impact/email/{kind}_subject.txt", ctx).split())
        body = render_to_string(f"impact/email/{kind}.txt", ctx)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as exc:  # the workflow step stands; the log keeps the failure
        logger.warning("impact e-mail %s to user %s failed: %s", kind, user.pk, exc)
        return False
    return True


def report_event_notify(event: ReportEvent) -> int:
    """E-mail the other side of a workflow step; the number of e-mails sent."""
    report = event.report
    project = report.project
    recipients = staff_of(project) if event.action == ReportEvent.Action.SUBMITTED else holders_of(project)
    context = {"project": project, "application": project.application, "period": report.period,
               "comment": event.comment, "version": event.version}
    sent = 0
    for user in recipients:
        if event.actor_id and user.pk == event.actor_id:
            continue
        sent += send(kind=f"report_{event.action}", user=user, context=context, objects={"report": report})
    return sent


# --- the notification centre's kinds ---------------------------------------------------------------

def _collect(objects: dict[str, Any]) -> dict[str, Any]:
    report = objects.get("report")
    period: ReportingPeriod | None = objects.get("period") or (report.period if report is not None else None)
    params: dict[str, Any] = {}
    if report is not None:
        params["report"] = report.pk
    if period is not None:
        params.update(project=period.project_id, period=period.pk, number=period.number,
                      reference=period.project.application.reference, due=period.due_on.isoformat())
    if "reminder" in objects:
        params["reminder"] = objects["reminder"]
    return params


def _ref(params: dict[str, Any]) -> dict[str, Any]:
    return {"reference": params.get("reference", ""), "number": params.get("number", "")}


def _to_report(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    return ("impact:report_detail", {"report_id": params["report"]}) if "report" in params else None


def _to_form(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    if "project" in params and "period" in params:
        return "impact:report_edit", {"project_id": params["project"], "period_id": params["period"]}
    return None


def _reminder_text(params: dict[str, Any], titles: dict[int, str]) -> str:
    from datetime import date

    due = long_date(date.fromisoformat(params["due"])) if params.get("due") else ""
    values = {**_ref(params), "due": due}
    if params.get("reminder") == "late":
        return _("The report for period %(number)s of %(reference)s is late (it was due on %(due)s)") % values
    if params.get("reminder") == "due_today":
        return _("The report for period %(number)s of %(reference)s is due today") % values
    return _("The report for period %(number)s of %(reference)s is due on %(due)s") % values


def register_kinds() -> None:
    from asis.dashboard.kinds import Kind, register

    register(Kind("impact.report_submitted", gettext_lazy("Reports submitted by funded projects"),
                  lambda p, t: _("Report for period %(number)s of %(reference)s submitted") % _ref(p),
                  _to_report, _collect))
    register(Kind("impact.report_returned", gettext_lazy("Reports returned to you for correction"),
                  lambda p, t: _("Report for period %(number)s of %(reference)s returned for correction") % _ref(p),
                  _to_report, _collect))
    register(Kind("impact.report_validated", gettext_lazy("Reports of yours that were validated"),
                  lambda p, t: _("Report for period %(number)s of %(reference)s validated") % _ref(p),
                  _to_report, _collect))
    register(Kind("impact.report_unlocked", gettext_lazy("Validated reports unlocked for changes"),
                  lambda p, t: _("Report for period %(number)s of %(reference)s unlocked") % _ref(p),
                  _to_report, _collect))
    register(Kind("impact.report_reminder", gettext_lazy("Reminders of report due dates"), _reminder_text,
                  _to_form, _collect))
