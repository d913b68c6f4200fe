"""Attachments of applications: checked by their real content (magic bytes), not by their name.

Accepted: PDF, PNG, JPEG and the ZIP-based office formats DOCX, XLSX (Office Open XML: the
``[Content_Types].xml`` entry names the document's main part) and ODT, ODS (OpenDocument: the
first entry ``mimetype`` holds the media type). A file whose content does not match its extension
(an executable renamed ``.pdf``) is refused.

Office files are zips: they are opened through :mod:`asis.core.archives`, which refuses a
decompression bomb (too many members, members or a total too large once inflated, an absurd
compression ratio) before anything is inflated into memory, and reads the two small members
looked at here under a byte cap.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from asis.calls.apply.services import audit_organisation_of, lock_editable
from asis.calls.models import Application, Attachment
from asis.core.archives import (
    ArchiveDamaged,
    ArchiveLimits,
    ArchiveRefused,
    open_checked,
    read_member,
)
from asis.core.audit import audit_record
from asis.core.storage import file_save_or_refuse

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_COUNT = 20

OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
ODF_MIMETYPE = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    **ODF_MIMETYPE,
}
# Office documents may embed other documents (an XLSX in a DOCX), which are never opened here.
ARCHIVE_LIMITS = ArchiveLimits(max_members=2000, max_member_bytes=64 * 1024 * 1024,
                               max_total_bytes=128 * 1024 * 1024, allow_nested=True)
MAX_TYPES_BYTES = 1024 * 1024
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpg", "jpeg": "jpg", "docx": "docx", "xlsx": "xlsx",
              "odt": "odt", "ods": "ods"}


def max_bytes() -> int:
    return int(getattr(settings, "ASIS_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_count() -> int:
    return int(getattr(settings, "ASIS_ATTACHMENT_MAX_COUNT", DEFAULT_MAX_COUNT))


def sanitise_name(name: str) -> str:
    """A safe display name: no path, no control characters, only word characters, dots and dashes."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ]+", "_", name, flags=re.UNICODE).strip(" .")
    name = re.sub(r"\s+", " ", name)
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 120 - len(ext) - 1] + dot + ext) if dot else name[:120]
    return name or "file"


def _zip_kind(data: bytes) -> str | None:
    """The office kind of a zip; ``ArchiveRefused`` (not ``ArchiveDamaged``) for a bomb."""
    try:
        with open_checked(data, ARCHIVE_LIMITS) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mimetype = read_member(archive, "mimetype", max_bytes=256).decode("ascii", "replace").strip()
                return next((kind for kind, expected in ODF_MIMETYPE.items() if mimetype == expected), None)
            if "[Content_Types].xml" in names:
                types = read_member(archive, "[Content_Types].xml", max_bytes=MAX_TYPES_BYTES)
                return next((kind for kind, main in OOXML_MAIN.items() if main.encode() in types), None)
    except ArchiveDamaged:
        return None
    return None


def sniff(data: bytes) -> str | None:
    """The real kind of the content (pdf, png, jpg, docx, xlsx, odt, ods), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def check_upload(name: str, data: bytes) -> tuple[str, str]:
    """Validate an upload; return (sanitised name, content type) or raise a field-level ValidationError."""
    clean_name = sanitise_name(name)
    extension = EXTENSIONS.get(clean_name.rpartition(".")[2].lower()) if "." in clean_name else None
    if extension is None:
        raise ValidationError({"file": _("Only PDF, DOCX, XLSX, ODT, ODS, PNG and JPEG files are accepted.")})
    if len(data) > max_bytes():
        raise ValidationError({"file": _("The file is %(size)s; the largest accepted size is %(max)s.") % {
            "size": filesizeformat(len(data)), "max": filesizeformat(max_bytes())}})
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    try:
        real = sniff(data)
    except ArchiveRefused as refused:
        raise ValidationError({"file": _("“%(name)s” is refused: %(reason)s") % {
            "name": clean_name, "reason": refused.message}}) from refused
    if real != extension:
        raise ValidationError({"file": _("The content of “%(name)s” is not a valid %(type)s file. Upload the "
                                         "document itself, saved in that format.") % {
            "name": clean_name, "type": extension.upper()}})
    return clean_name, CONTENT_TYPES[extension]


def attachment_add(*, actor: Any, application: Application, kind: str, name: str, data: bytes) -> Attachment:
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": _("Choose the type of the document.")})
    clean_name, content_type = check_upload(name, data)
    with transaction.atomic():
        application = lock_editable(application)
        if application.attachments.count() >= max_count():
            raise ValidationError({"file": _("An application can have at most %(count)s attachments.") % {
                "count": max_count()}})
        attachment = Attachment(application=application, kind=kind, original_name=clean_name,
                                content_type=content_type, size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
        file_save_or_refuse(attachment.file, clean_name, data)
        attachment.save()
        audit_record(action="asis.application.attachment_added", actor=actor, obj=application,
                     organisation_id=audit_organisation_of(application),
                     after={"attachment": attachment.pk, "name": clean_name, "sha256": attachment.sha256,
                            "size": attachment.size})
    return attachment


def attachment_delete(*, actor: Any, application: Application, attachment_id: int) -> None:
    with transaction.atomic():
        application = lock_editable(application)
        attachment = Attachment.objects.filter(application=application, pk=attachment_id).first()
        if attachment is None:
            raise ValidationError(_("This attachment does not belong to the application."))
        storage, path = attachment.file.storage, attachment.file.name
        info = {"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256}
        attachment.delete()
        audit_record(action="asis.application.attachment_deleted", actor=actor, obj=application,
                     organisation_id=audit_organisation_of(application), before=info)
        transaction.on_commit(lambda: storage.delete(path))
