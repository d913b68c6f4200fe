"""Small helpers the calls views share."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation


def current_language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def form_add_errors(form: Any, error: ValidationError) -> None:
    """A service's ValidationError onto the form: per field where the form has it, else non-field
    (for a formset: its non-form errors)."""
    if not hasattr(form, "fields"):
        form._non_form_errors.extend(error.messages)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
