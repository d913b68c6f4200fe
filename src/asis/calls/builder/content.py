"""What a call's public page carries besides its rules: documents, FAQ, and the translations of the
checklist, the questions, the criteria, the FAQ and the document titles.

Documents go through the applicants' upload checks (``calls.apply.uploads.check_upload``: real
content, size, archive bombs) and live in private storage: the download view hands them out, to
everyone once the call is published, to its managers only while it is a draft. Every change is
audited; checklist, questions and criteria texts are part of the call's rules and, after
publication, write a new version through ``call_update``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from asis.calls.access import calls_managed_by, public_calls
from asis.calls.apply.uploads import check_upload
from asis.calls.builder import grid_edit
from asis.calls.models import Call, CallDocument, CallFAQ
from asis.core.audit import audit_record
from asis.core.i18n import item_text as core_item_text
from asis.core.storage import file_save_or_refuse

MAX_DOCUMENTS = 20
# Guidelines are documents to read, not images.
DOCUMENT_TYPES = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet")


def item_text(item: Mapping[str, Any], key: str, language: str) -> str:
    """A checklist item's ``text`` or a question's ``label`` in ``language`` (the original when it
    is not translated). Apply and review pages show these through the same rule (core.i18n)."""
    return core_item_text(item, key, language)


def rows_keep_translations(old: Sequence[Mapping[str, Any]], new: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """``new`` rows with the translations of the row of the same id, while its original text is
    unchanged (a changed text makes its translations wrong, so they go)."""
    before = {row.get("id"): row for row in old}
    for row in new:
        previous = before.get(row["id"])
        if previous and previous.get(key) == row[key] and previous.get("translations"):
            row["translations"] = dict(previous["translations"])
    return new


# --- documents ------------------------------------------------------------------------------------

def _lock(call: Call) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status not in (Call.Status.DRAFT, Call.Status.PUBLISHED):
        raise ValidationError(_("This call can no longer be changed."))
    return call


def document_add(*, actor: Any, call: Call, title: str, name: str, data: bytes) -> CallDocument:
    """Attach a checked document; allowed until the call closes (a guideline may be corrected)."""
    clean_name, content_type = check_upload(name, data)
    if content_type not in DOCUMENT_TYPES:
        raise ValidationError({"file": _("Call documents are PDF, DOCX, XLSX, ODT or ODS files.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the document a title.")})
    with transaction.atomic():
        call = _lock(call)
        if call.documents.count() >= MAX_DOCUMENTS:
            raise ValidationError({"file": _("A call can have at most %(count)s documents.") % {
                "count": MAX_DOCUMENTS}})
        document = CallDocument(call=call, title=title.strip(), original_language=call.original_language,
                                original_name=clean_name, content_type=content_type, size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(),
                                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
        file_save_or_refuse(document.file, clean_name, data)
        document.save()
        audit_record(action="asis.call.document_added", actor=actor, obj=call, organisation_id=call.organisation_id,
                     after={"document": document.pk, "title": document.title, "name": clean_name,
                            "sha256": document.sha256, "size": document.size})
    return document


def document_delete(*, actor: Any, call: Call, document_id: int) -> None:
    with transaction.atomic():
        call = _lock(call)
        document = CallDocument.objects.filter(call=call, pk=document_id).first()
        if document is None:
            raise ValidationError(_("This document does not belong to the call."))
        storage, path = document.file.storage, document.file.name
        info = {"document": document.pk, "title": document.title, "sha256": document.sha256}
        document.delete()
        audit_record(action="asis.call.document_deleted", actor=actor, obj=call,
                     organisation_id=call.organisation_id, before=info)
        transaction.on_commit(lambda: storage.delete(path))


def access_document(user: Any, call_id: int, document_id: int) -> CallDocument:
    """The document when its call is public, or when ``user`` manages the call; 404 otherwise."""
    calls = public_calls()
    if getattr(user, "is_authenticated", False):
        calls = calls | calls_managed_by(user)
    document = CallDocument.objects.filter(call__in=calls, call_id=call_id, pk=document_id).first()
    if document is None:
        raise Http404("No such document")
    return document


# --- contact --------------------------------------------------------------------------------------

CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


@transaction.atomic
def contact_save(*, actor: Any, call: Call, **fields: str) -> Call:
    """The call's contact; not a rule of the call, so it may change in every phase before results."""
    call = _lock(call)
    before = {k: getattr(call, k) for k in CONTACT_FIELDS}
    for name in CONTACT_FIELDS:
        setattr(call, name, (fields.get(name) or "").strip())
    call.full_clean(exclude=[f.name for f in Call._meta.fields if f.name not in CONTACT_FIELDS])
    after = {k: getattr(call, k) for k in CONTACT_FIELDS}
    if after != before:
        call.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
        audit_record(action="asis.call.contact_changed", actor=actor, obj=call, organisation_id=call.organisation_id,
                     before=before, after=after)
    return call


# --- FAQ ------------------------------------------------------------------------------------------

@transaction.atomic
def faq_save(*, actor: Any, call: Call, rows: Sequence[Mapping[str, Any]]) -> None:
    """Replace the FAQ by ``rows`` (id for existing entries, question, answer), in that order.
    An entry whose original text changed keeps its translations, marked outdated."""
    call = _lock(call)
    existing = {faq.pk: faq for faq in call.faqs.all()}
    before = [{"question": f.question, "answer": f.answer} for f in existing.values()]
    kept: set[int] = set()
    for position, row in enumerate(rows):
        faq = existing.get(row.get("id") or 0) or CallFAQ(call=call, original_language=call.original_language)
        faq.position, faq.question, faq.answer = position, row["question"].strip(), row["answer"].strip()
        faq.full_clean()
        faq.save()
        kept.add(faq.pk)
    CallFAQ.objects.filter(call=call).exclude(pk__in=kept).delete()
    after = [{"question": f.question, "answer": f.answer} for f in call.faqs.order_by("position", "pk")]
    if before != after:
        audit_record(action="asis.call.faq_changed", actor=actor, obj=call, organisation_id=call.organisation_id,
                     before={"faq": before}, after={"faq": after})


# --- translations of the call's other texts -------------------------------------------------------

def translation_entries(call: Call, language: str) -> list[tuple[str, str, str, str, bool]]:
    """(field, label, original, current translation, multiline) for every text besides the title
    and description; the current translation is empty when there is none."""
    original = call.original_language
    entries: list[tuple[str, str, str, str, bool]] = []
    for n, item in enumerate(call.eligibility_checklist, start=1):
        entries.append((f"check__{item['id']}", _("Checklist item %(n)s") % {"n": n}, item.get("text", ""),
                        (item.get("translations") or {}).get(language, ""), False))
    for n, question in enumerate(call.custom_questions, start=1):
        entries.append((f"question__{question['id']}", _("Question %(n)s") % {"n": n}, question.get("label", ""),
                        (question.get("translations") or {}).get(language, ""), False))
    for criterion in (call.grid or {}).get("criteria", []):
        label, description = criterion.get("label", {}), criterion.get("description", {})
        name = label.get(original, criterion["id"])
        entries.append((f"crit_label__{criterion['id']}", _("Criterion “%(name)s”: name") % {"name": name}, name,
                        label.get(language, "") if grid_edit.is_translated(label, language, original) else "",
                        False))
        entries.append((f"crit_description__{criterion['id']}",
                        _("Criterion “%(name)s”: description") % {"name": name}, description.get(original, ""),
                        description.get(language, "")
                        if grid_edit.is_translated(description, language, original) else "", True))
    for faq in call.faqs.all():
        for field, multiline in (("question", False), ("answer", True)):
            entry = (faq.translations.get(language, {}).get(field) or {}).get("text", "")
            label = _("FAQ “%(question)s”: question") if field == "question" else _("FAQ “%(question)s”: answer")
            entries.append((f"faq_{field}__{faq.pk}", label % {"question": faq.question}, getattr(faq, field),
                            entry, multiline))
    for document in call.documents.all():
        entry = (document.translations.get(language, {}).get("title") or {}).get("text", "")
        entries.append((f"doc_title__{document.pk}", _("Title of the document “%(title)s”") % {
            "title": document.title}, document.title, entry, False))
    return entries


@transaction.atomic
def content_translation_save(*, actor: Any, call: Call, language: str, values: Mapping[str, str]) -> Call:
    """Save the translations of the checklist, questions, criteria, FAQ and document titles into
    ``language``. Before the call opens a change of the checklist, questions or criteria goes through
    ``call_update`` (a new version once published); after, only their translations change, as the
    title's may, and the audit log records them."""
    from asis.calls.builder.services import call_update

    if language not in settings.LANGUAGE_CODES or language == call.original_language:
        raise ValidationError({"language": _("Choose a language to translate into.")})
    call = Call.objects.select_for_update().get(pk=call.pk)
    original = call.original_language

    def text(name: str) -> str:
        return str(values.get(name) or "").strip()

    checklist = [dict(item) for item in call.eligibility_checklist]
    for item in checklist:
        _set_item_translation(item, language, text(f"check__{item['id']}"))
    questions = [dict(q) for q in call.custom_questions]
    for question in questions:
        _set_item_translation(question, language, text(f"question__{question['id']}"))
    grid = grid_edit.grid_with_translations(call.grid, language=language, original=original, values={
        criterion["id"]: (text(f"crit_label__{criterion['id']}"), text(f"crit_description__{criterion['id']}"))
        for criterion in (call.grid or {}).get("criteria", [])}) if call.grid else call.grid
    if not call.is_frozen and call.status in (Call.Status.DRAFT, Call.Status.PUBLISHED):
        call = call_update(actor=actor, call=call, eligibility_checklist=checklist, custom_questions=questions,
                           grid=grid, note=_("Translation changed"))
    else:
        # Once open only the other languages' texts may change (as for the title): the original
        # wording, weights, thresholds and items, which the rules consist of, are the same.
        before = {"eligibility_checklist": call.eligibility_checklist, "custom_questions": call.custom_questions,
                  "grid": call.grid}
        after = {"eligibility_checklist": checklist, "custom_questions": questions, "grid": grid}
        changed = [key for key in before if before[key] != after[key]]
        if changed:
            for key in changed:
                setattr(call, key, after[key])
            call.save(update_fields=[*changed, "updated_at"])
            audit_record(action="asis.call.translated", actor=actor, obj=call, organisation_id=call.organisation_id,
                         before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    for faq in call.faqs.all():
        before = dict(faq.translations)
        for field in ("question", "answer"):
            faq.set_translation(language, field, text(f"faq_{field}__{faq.pk}"))
        if faq.translations != before:
            faq.save(update_fields=["translations"])
            audit_record(action="asis.call.translated", actor=actor, obj=call, organisation_id=call.organisation_id,
                         before={"faq": faq.pk, language: before.get(language)},
                         after={"faq": faq.pk, language: faq.translations.get(language)})
    for document in call.documents.all():
        before = dict(document.translations)
        document.set_translation(language, "title", text(f"doc_title__{document.pk}"))
        if document.translations != before:
            document.save(update_fields=["translations"])
            audit_record(action="asis.call.translated", actor=actor, obj=call, organisation_id=call.organisation_id,
                         before={"document": document.pk, language: before.get(language)},
                         after={"document": document.pk, language: document.translations.get(language)})
    return call


def _set_item_translation(item: dict[str, Any], language: str, text: str) -> None:
    translations = dict(item.get("translations") or {})
    if text:
        translations[language] = text
    else:
        translations.pop(language, None)
    if translations:
        item["translations"] = translations
    else:
        item.pop("translations", None)
