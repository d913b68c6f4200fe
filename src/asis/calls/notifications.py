"""E-mails of the calls module, rendered per language from templates, each logged.

``notify(kind=...)`` renders ``calls/email/<kind>_subject.txt`` and ``calls/email/<kind>.txt`` in
the recipient's preferred language (or ``language``), sends it and records a ``Notification``
row whatever happens (sent, failed, skipped), so managers can see what went out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from asis.calls.models import Application, Call, Notification
from asis.core.notify import notify_user
from asis.core.site import localised_path, site_url

logger = logging.getLogger(__name__)

# What each kind of e-mail is, as the e-mail log shows it (every template in calls/email has one).
KIND_LABELS: dict[str, Any] = {
    "application_co_applicant": _("Added as co-applicant"),
    "application_submitted": _("Application submitted"),
    "application_withdrawn": _("Application withdrawn"),
    "decision_letter": _("Decision letter"),
    "eligibility_decided": _("Eligibility decided"),
    "evaluator_assigned": _("Applications assigned to an evaluator"),
    "evaluator_invited": _("Evaluator invited"),
    "review_reopened": _("Review reopened"),
    "call_opened": _("Call open (notice to subscribers)"),
    "call_subscription_confirm": _("Confirmation of a call notice"),
    "indicator_decided": _("Proposed indicator approved or rejected"),
}


def kind_label(kind: str) -> str:
    """The kind's name in the reader's language (a kind without a label shows as itself)."""
    return str(KIND_LABELS.get(kind, kind))


def notify(*, kind: str, user: Any = None, email: str = "", language: str | None = None,
           context: dict[str, Any] | None = None, call: Call | None = None,
           application: Application | None = None,
           attachments: Sequence[tuple[str, bytes, str]] = ()) -> Notification:
    address = email or (getattr(user, "email", "") if user is not None else "")
    if user is not None and getattr(user, "anonymised_at", None):
        address = ""
    if not notify_user(kind=f"calls.{kind}", user=user, call=call, application=application, context=context):
        address = ""  # in-app only: the recipient switched this kind's e-mail off
    lang = language or getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    # Links reversed in the sender's language lead the recipient to pages in their own.
    context = {key: localised_path(value, lang) if key.endswith("_url") else value
               for key, value in (context or {}).items()}
    ctx = {**context, "user": user, "call": call, "application": application,
           "site_url": site_url(), "language": lang}
    with translation.override(lang):
        subject = " ".join(render_to_string(f"calls/email/{kind}_subject.txt", ctx).split())
        body = render_to_string(f"calls/email/{kind}.txt", ctx)
    record = Notification(recipient=user if getattr(user, "pk", None) else None, email=address, kind=kind,
                          language=lang, subject=subject[:300], body=body, call=call, application=application)
    if not address:
        record.status = Notification.Status.SKIPPED
    else:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        try:
            message.send()
            record.status = Notification.Status.SENT
        except Exception as exc:  # the log keeps the failure; the state change it reports stands
            logger.warning("notification %s to %s failed: %s", kind, address, exc)
            record.status = Notification.Status.FAILED
            record.error = str(exc)[:2000]
    record.save()
    return record
