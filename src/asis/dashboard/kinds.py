"""The kinds of notification: what each keeps, how it reads, where it leads, whether it may be muted.

A notification stores its kind and a few parameters (references, ids, an event name), never a
sentence: the text is written here at display time, in the reader's language. The sentences reuse
the e-mails' own subjects where they exist, so the two say the same thing in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

Params = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # lazy text: the kind's name on the preferences page
    text: Callable[[Params, dict[int, str]], str]  # (params, call titles by id) -> sentence
    link: Callable[[Params], tuple[str, dict[str, Any]] | None]
    collect: Callable[[dict[str, Any]], Params]
    always_email: bool = False  # security and official letters: the e-mail cannot be switched off


def _call_title(params: Params, titles: dict[int, str]) -> str:
    return titles.get(params.get("call") or 0) or str(params.get("call_title", ""))


def _calls_objects(objects: dict[str, Any]) -> Params:
    call, application = objects.get("call"), objects.get("application")
    params: Params = {}
    if call is not None:
        params.update(call=call.pk, call_title=call.title)
    if application is not None:
        params.update(application=application.pk, reference=application.reference,
                      eligible=application.eligibility == "eligible")
        if call is None:
            params.update(call=application.call_id)
    context = objects.get("context") or {}
    if "count" in context:
        params["count"] = int(context["count"])
    return params


def _to_application(params: Params) -> tuple[str, dict[str, Any]] | None:
    return ("calls:application_detail", {"application_id": params["application"]}) if "application" in params else None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.key] = kind


for _kind in (
    Kind("calls.application_co_applicant", gettext_lazy("You were added to an application as co-applicant"),
         lambda p, t: _("You were added to application %(reference)s") % {"reference": p.get("reference", "")},
         _to_application, _calls_objects),
    Kind("calls.application_submitted", gettext_lazy("Your application was received"),
         lambda p, t: _("Application %(reference)s received") % {"reference": p.get("reference", "")},
         _to_application, _calls_objects),
    Kind("calls.application_withdrawn", gettext_lazy("Your application was withdrawn"),
         lambda p, t: _("Application %(reference)s withdrawn") % {"reference": p.get("reference", "")},
         _to_application, _calls_objects),
    Kind("calls.eligibility_decided", gettext_lazy("The eligibility check of your application"),
         lambda p, t: (_("Application %(reference)s is eligible") if p.get("eligible")
                       else _("Application %(reference)s is not eligible")) % {"reference": p.get("reference", "")},
         _to_application, _calls_objects),
    Kind("calls.decision_letter", gettext_lazy("Decision letters"),
         lambda p, t: _("The decision on application %(reference)s was sent to you") % {
             "reference": p.get("reference", "")},
         lambda p: ("calls:letter", {"application_id": p["application"]}) if "application" in p else None,
         _calls_objects, always_email=True),
    Kind("calls.evaluator_invited", gettext_lazy("Invitations to evaluate a call"),
         lambda p, t: _("Invitation to evaluate: %(title)s") % {"title": _call_title(p, t)},
         lambda p: ("calls:invitation", {"call_id": p["call"]}) if "call" in p else None, _calls_objects),
    Kind("calls.evaluator_assigned", gettext_lazy("Applications assigned to you for review"),
         lambda p, t: ngettext("%(count)s application to evaluate: %(title)s",
                               "%(count)s applications to evaluate: %(title)s", p.get("count", 1)) % {
             "count": p.get("count", 1), "title": _call_title(p, t)},
         lambda p: ("calls:review_list", {}), _calls_objects),
    Kind("calls.review_reopened", gettext_lazy("A review of yours was reopened"),
         lambda p, t: _("Your review of %(ref)s was reopened") % {"ref": p.get("reference", "")},
         lambda p: ("calls:review", {"application_id": p["application"]}) if "application" in p else None,
         _calls_objects),
    Kind("calls.call_opened", gettext_lazy("Calls you asked to hear about are open"),
         lambda p, t: _("The call “%(title)s” is open") % {"title": _call_title(p, t)},
         lambda p: ("calls:public_detail", {"call_id": p["call"]}) if "call" in p else None, _calls_objects),
    # The confirmation of a notice is what the person just asked for: always e-mailed.
    Kind("calls.call_subscription_confirm", gettext_lazy("Confirmations of call notices"),
         lambda p, t: _("Confirm: notice when “%(title)s” opens") % {"title": _call_title(p, t)},
         lambda p: ("calls:public_detail", {"call_id": p["call"]}) if "call" in p else None, _calls_objects,
         always_email=True),
    Kind("observatory.initiative_decision", gettext_lazy("Decisions on the initiatives you proposed"),
         lambda p, t: (_('Your initiative "%(title)s" is published') if p.get("published")
                       else _('Your initiative "%(title)s" was not accepted')) % {"title": p.get("title", "")},
         lambda p: ("observatory:my_proposals", {}),
         lambda o: {"title": o["initiative"].title, "published": o["initiative"].status == "published"}),
    Kind("observatory.organisation_decision", gettext_lazy("Decisions on the organisations you proposed"),
         lambda p, t: (_('The organisation "%(name)s" is published') if p.get("published")
                       else _('The organisation "%(name)s" was not accepted')) % {"name": p.get("name", "")},
         lambda p: ("observatory:my_proposals", {}),
         lambda o: {"name": o["organisation"].name, "published": o["organisation"].status == "published"}),
):
    register(_kind)


def _two_factor_text(params: Params, titles: dict[int, str]) -> str:
    event = params.get("event")
    if event == "replaced":
        return _("The authenticator app of your ASIS account was replaced by a new one, and new recovery codes "
                 "were made.")
    if event == "disabled":
        return _("Two-factor authentication was turned off for your ASIS account.")
    if event == "recovery_codes_generated":
        return _("New recovery codes were made for your ASIS account. The earlier codes no longer work.")
    if event == "recovery_code_used":
        left = int(params.get("left") or 0)
        return ngettext("A recovery code was used to sign in to your ASIS account. %(left)s code is left.",
                        "A recovery code was used to sign in to your ASIS account. %(left)s codes are left.",
                        left) % {"left": left}
    return _("Someone who knows your password entered several wrong two-factor codes for your ASIS account.")


for _kind in (
    Kind("accounts.two_factor", gettext_lazy("Two-factor authentication changes"), _two_factor_text,
         lambda p: ("accounts:profile", {}),
         lambda o: {"event": str(o.get("event", "")), "left": o.get("left")}, always_email=True),
    Kind("accounts.login_unlock", gettext_lazy("Login confirmation links"),
         lambda p, t: _("A link to confirm your browser for logging in was sent to your e-mail address."),
         lambda p: None, lambda o: {}, always_email=True),
    Kind("accounts.password_reset", gettext_lazy("Password resets"),
         lambda p, t: _("A link to reset your password was sent to your e-mail address."),
         lambda p: ("accounts:profile", {}), lambda o: {}, always_email=True),
):
    register(_kind)


def link_of(kind: Kind | None, params: Params) -> str:
    """The notification's page in the active language, or "" when it has none (any more)."""
    target = kind.link(params) if kind is not None else None
    if target is None:
        return ""
    try:
        return reverse(target[0], kwargs=target[1])
    except NoReverseMatch:  # a route renamed since the notification was written: show it without a link
        return ""


def mutable_kinds() -> list[Kind]:
    """The kinds whose e-mail a person may switch off, in a stable order."""
    return [k for k in KINDS.values() if not k.always_email]
