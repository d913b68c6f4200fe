"""Emails to the people who proposed an initiative or an organisation, in their own language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from asis.accounts.models import Organisation
from asis.core.notify import notify_user
from asis.core.site import site_url
from asis.observatory.models import Initiative


def _send(*, user: Any, template: str, context: dict[str, Any]) -> None:
    if not notify_user(kind=f"observatory.{template}", user=user, **context):
        return
    if not user.email or getattr(user, "anonymised_at", None):
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {**context, "user": user, "site_url": site_url(),
                   "my_url": reverse("observatory:my_proposals")}
        subject = " ".join(render_to_string(f"observatory/email/{template}_subject.txt", context).split())
        body = render_to_string(f"observatory/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def notify_initiative_decision(initiative: Initiative) -> None:
    if initiative.submitted_by is None:
        return
    with translation.override(initiative.submitted_by.preferred_language or settings.LANGUAGE_CODE):
        url = initiative.get_absolute_url() if initiative.status == Initiative.Status.PUBLISHED else None
    _send(user=initiative.submitted_by, template="initiative_decision",
          context={"initiative": initiative, "published": initiative.status == Initiative.Status.PUBLISHED,
                   "url": url})


def notify_organisation_decision(organisation: Organisation) -> None:
    if organisation.submitted_by is None:
        return
    _send(user=organisation.submitted_by, template="organisation_decision",
          context={"organisation": organisation,
                   "published": organisation.status == Organisation.Status.PUBLISHED})
