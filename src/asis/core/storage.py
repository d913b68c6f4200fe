"""Saving uploaded files when the disk is full or failing: a message for the user, no half-written file.

``FieldFile.save`` raises ``OSError`` (ENOSPC, EDQUOT, EIO, a read-only mount) from the storage;
uncaught, that is a server error and leaves a truncated file behind. Called inside the service's
transaction, the ``ValidationError`` raised here also rolls back the row and its audit entry.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def file_save_or_refuse(field: FieldFile, name: str, data: bytes, *, error_key: str = "file") -> None:
    """``field.save(name, data, save=False)``, refusing with a form error when the storage fails."""
    storage = field.storage
    # The target is named here, not inside FieldFile.save, so that a partial file can be found.
    target = field.field.generate_filename(field.instance, name)
    fresh = not storage.exists(target)
    try:
        stored = storage.save(target, ContentFile(data), max_length=field.field.max_length)
    except OSError as exc:
        logger.warning("An upload could not be stored (%s: %s)", type(exc).__name__, exc)
        if fresh and storage.exists(target):
            try:
                storage.delete(target)
            except OSError:
                logger.warning("The partial file %s could not be removed", target)
        raise ValidationError({error_key: _(
            "The file could not be stored: the server's storage is full or unavailable. "
            "Nothing was saved; please try again later."
        )}) from exc
    # What FieldFile.save does after storing.
    field.name = stored
    setattr(field.instance, field.field.attname, stored)
    field._committed = True
