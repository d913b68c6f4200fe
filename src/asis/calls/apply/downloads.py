"""Attachment downloads: one decision of what each audience gets.

Applicants, co-applicants and managers of the call get the file as it was uploaded, under its
name. An evaluator of a blind call gets ``attachment-<n>.<ext>`` and the document without the
author fields of its metadata (:mod:`asis.core.docmeta`), whichever route they ask through; an
evaluator of an open call gets the file as uploaded. Both download routes call
``attachment_delivery``, so no route can forget the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from asis.calls.access import applications_of, calls_managed_by
from asis.calls.apply.services import access_viewable_application
from asis.calls.apply.uploads import CONTENT_TYPES
from asis.calls.models import Attachment
from asis.core.docmeta import strip_metadata

_KIND_OF_TYPE = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}


@dataclass(frozen=True)
class Delivery:
    name: str
    content_type: str
    content: bytes


def _sees_identity(user: Any, application: Any) -> bool:
    return (not application.call.blind
            or applications_of(user).filter(pk=application.pk).exists()
            or calls_managed_by(user).filter(pk=application.call_id).exists())


def attachment_delivery(user: Any, application_id: int, attachment_id: int) -> Delivery:
    """The name and bytes ``user`` may download; 404 unless they may see the application."""
    application = access_viewable_application(user, application_id)
    attachments = list(Attachment.objects.filter(application=application).order_by("uploaded_at", "pk"))
    position = next((n for n, a in enumerate(attachments, start=1) if a.pk == attachment_id), None)
    if position is None:
        raise Http404("No such attachment")
    attachment = attachments[position - 1]
    # read and close at once (attachments are size-limited): no file handle outlives the request
    with attachment.file.open("rb") as handle:
        content = handle.read()
    if _sees_identity(user, application):
        return Delivery(attachment.original_name, attachment.content_type, content)
    name = attachment.original_name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    blind_name = f"attachment-{position}.{extension if extension.isalnum() else 'bin'}"
    kind = _KIND_OF_TYPE.get(attachment.content_type, "")
    return Delivery(blind_name, attachment.content_type, strip_metadata(kind, content).content)
