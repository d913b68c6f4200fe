"""Decision letters: default texts, the managers' templates per outcome and language, rendering.

Templates use ``{{ placeholder }}`` variables only, rendered by a Django template engine that
loads no template files and no tag libraries, on a context of plain strings (the applicant's
name, the project title, the reference, the amount, the call title, the reason). Nothing else
of the application (and nothing about evaluators) is reachable from a letter template.
The letter text is plain text: autoescape is off for it, and the HTML pages and the PDF escape it
when they show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.calls.models import Application, Call, DecisionLetterTemplate
from asis.core.audit import audit_record
from asis.core.i18n import fallback_chain

PLACEHOLDERS = ("applicant_name", "project_title", "reference", "amount", "call_title", "reason")
OUTCOMES = (Application.Decision.APPROVED, Application.Decision.REJECTED, Application.Decision.WAITLISTED)

DEFAULT_SUBJECTS = {
    Application.Decision.APPROVED: gettext_lazy("Your application {{ reference }} is approved"),
    Application.Decision.REJECTED: gettext_lazy("Decision on your application {{ reference }}"),
    Application.Decision.WAITLISTED: gettext_lazy("Your application {{ reference }} is on the waiting list"),
}
DEFAULT_BODIES = {
    Application.Decision.APPROVED: gettext_lazy(
        "Dear {{ applicant_name }},\n\n"
        "We are pleased to inform you that your project “{{ project_title }}” ({{ reference }}), submitted to "
        "the call “{{ call_title }}”, has been selected for funding.\n\n"
        "Grant awarded: {{ amount }}.\n\n{{ reason }}\n\n"
        "We will contact you shortly about the grant agreement and the monitoring of your project.\n\n"
        "Kind regards,\nThe programme team"),
    Application.Decision.REJECTED: gettext_lazy(
        "Dear {{ applicant_name }},\n\n"
        "Thank you for submitting your project “{{ project_title }}” ({{ reference }}) to the call "
        "“{{ call_title }}”. We regret to inform you that it has not been selected for funding.\n\n"
        "{{ reason }}\n\n"
        "We encourage you to apply again to a future call.\n\n"
        "Kind regards,\nThe programme team"),
    Application.Decision.WAITLISTED: gettext_lazy(
        "Dear {{ applicant_name }},\n\n"
        "Your project “{{ project_title }}” ({{ reference }}), submitted to the call “{{ call_title }}”, has "
        "been placed on the waiting list. Should funds become available, we will contact you.\n\n"
        "{{ reason }}\n\n"
        "Kind regards,\nThe programme team"),
}

_ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=False, string_if_invalid="")


@dataclass(frozen=True)
class LetterText:
    subject: str
    body: str
    language: str


def render_text(text: str, context: dict[str, str]) -> str:
    """Fill the ``{{ placeholders }}`` of ``text`` (plain strings only, no autoescape)."""
    safe = {key: str(context.get(key, "")) for key in PLACEHOLDERS}
    return _ENGINE.from_string(text).render(Context(safe, autoescape=False))


_VARIABLE = re.compile(r"{{(.*?)}}", re.S)


def validate_text(text: str, field: str) -> None:
    """Only ``{{ placeholder }}`` of :data:`PLACEHOLDERS`: no tags, no filters, no other variable."""
    if "{%" in text or "{#" in text:
        raise ValidationError({field: _("Only placeholders such as {{ reference }} are allowed, no tags.")})
    for match in _VARIABLE.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            raise ValidationError({field: _("Unknown placeholder “%(name)s”. Allowed: %(allowed)s.")
                                   % {"name": name, "allowed": ", ".join(PLACEHOLDERS)}})
    try:
        render_text(text, dict.fromkeys(PLACEHOLDERS, "x"))
    except TemplateSyntaxError as exc:
        raise ValidationError({field: _("The template cannot be read: %(error)s") % {"error": exc}}) from exc


def default_text(outcome: str, language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(DEFAULT_SUBJECTS[outcome]), str(DEFAULT_BODIES[outcome])


def templates_of(call: Call) -> dict[str, DecisionLetterTemplate]:
    return {t.outcome: t for t in DecisionLetterTemplate.objects.filter(call=call)}


def template_text(call: Call, outcome: str, language: str,
                  templates: dict[str, DecisionLetterTemplate] | None = None) -> tuple[str, str, str]:
    """(subject, body, language) for an outcome: the managers' text in ``language`` when written,
    else their text in the nearest language of the fallback chain, else the built-in default."""
    template = (templates if templates is not None else templates_of(call)).get(outcome)
    if template is None:
        return (*default_text(outcome, language), language)
    for code in fallback_chain(language, template.original_language):
        if template.translation_status(code, "body") != "missing":
            subject = template.translated("subject", code)
            body = template.translated("body", code)
            return subject.text, body.text, body.language
    return (*default_text(outcome, language), language)


def applicant_language(application: Application) -> str:
    preferred = getattr(application.applicant, "preferred_language", "") or ""
    return preferred if preferred in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE


def letter_context(application: Application, language: str, reason: str) -> dict[str, str]:
    with translation.override(language):
        amount = ""
        if application.granted_amount is not None:
            amount = _("%(amount)s EUR") % {"amount": formats.number_format(
                Decimal(application.granted_amount), decimal_pos=2, use_l10n=True, force_grouping=True)}
        return {
            "applicant_name": application.applicant.display_name if application.applicant_id else "",
            "project_title": application.translated("title", language).text,
            "reference": application.reference,
            "amount": amount,
            "call_title": application.call.translated("title", language).text,
            "reason": reason,
        }


def closing(call: Call, language: str) -> str:
    """What follows every letter of the call: its legal-remedy paragraph (in ``language`` or the
    nearest one written) and the named signatory."""
    parts = []
    remedy = call.translated("legal_remedy", language).text.strip()
    if remedy:
        parts.append(remedy)
    signature = "\n".join(p for p in (call.signatory_name.strip(), call.signatory_function.strip()) if p)
    if signature:
        parts.append(signature)
    return "\n\n".join(parts)


def letter_for(application: Application, *, reason: str | Callable[[str], str],
               templates: dict[str, DecisionLetterTemplate] | None = None) -> LetterText:
    """The letter of the application's decision, in its applicant's language (with fallbacks).

    ``reason``: the text, or a function giving it in the letter's language."""
    subject, body, language = template_text(application.call, application.decision, applicant_language(application),
                                             templates)
    context = letter_context(application, language, reason(language) if callable(reason) else reason)
    text = "\n\n".join(p for p in (render_text(body, context).strip(), closing(application.call, language)) if p)
    return LetterText(" ".join(render_text(subject, context).split())[:300], text, language)


def letter_template_save(*, actor: Any, call: Call, language: str, texts: dict[str, tuple[str, str]]) -> None:
    """Save the managers' subject and body per outcome in ``language`` (one audit entry)."""
    if language not in settings.LANGUAGE_CODES:
        raise ValidationError({"language": _("Unknown language.")})
    for outcome, (subject, body) in texts.items():
        validate_text(subject, f"{outcome}_subject")
        validate_text(body, f"{outcome}_body")
    changed = []
    with transaction.atomic():
        existing = templates_of(call)
        for outcome, (subject, body) in texts.items():
            template = existing.get(outcome)
            if template is None:
                template = DecisionLetterTemplate(call=call, outcome=outcome, subject=subject, body=body,
                                                  original_language=language)
            else:
                template.set_translation(language, "subject", subject)
                template.set_translation(language, "body", body)
            template.full_clean()
            template.save()
            changed.append(outcome)
        audit_record(action="asis.letter_template.changed", actor=actor, obj=call,
                     after={"language": language, "outcomes": changed}, organisation_id=call.organisation_id)


def letter_settings_save(*, actor: Any, call: Call, language: str, data: dict[str, Any]) -> None:
    """Save the signatory, the legal remedy in ``language`` and the sharing of scores (audited)."""
    if language not in settings.LANGUAGE_CODES:
        raise ValidationError({"language": _("Unknown language.")})
    before = {"signatory_name": call.signatory_name, "signatory_function": call.signatory_function,
              "legal_remedy": call.translated("legal_remedy", language).text, "share_scores": call.share_scores}
    call.signatory_name = data["signatory_name"].strip()
    call.signatory_function = data["signatory_function"].strip()
    call.share_scores = bool(data["share_scores"])
    call.set_translation(language, "legal_remedy", data["legal_remedy"].strip())
    after = {"signatory_name": call.signatory_name, "signatory_function": call.signatory_function,
             "legal_remedy": data["legal_remedy"].strip(), "share_scores": call.share_scores}
    if before == after:
        return
    call.save(update_fields=["signatory_name", "signatory_function", "share_scores", "legal_remedy",
                             "translations", "updated_at"])
    audit_record(action="asis.call.letter_settings_changed", actor=actor, obj=call, before=before,
                 after={**after, "language": language}, organisation_id=call.organisation_id)
