"""Logging filters. Refusals (403) are routine and must not bury real errors under tracebacks."""

from __future__ import annotations

import logging


class ShortForbidden(logging.Filter):
    """Turn a 403 record of ``django.request`` into one line: path, user id, reason; no traceback.

    Django logs ``PermissionDenied`` with the exception attached, so every refusal printed a full
    traceback at WARNING. Errors (5xx) pass unchanged, traceback included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403 or getattr(record, "asis_short", False):
            return True  # a record passes every handler's filter: shorten it once
        record.asis_short = True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = user.pk if getattr(user, "is_authenticated", False) else "-"
        reason = ""
        if record.exc_info and record.exc_info[1] is not None:
            reason = str(record.exc_info[1])
        if not reason:
            reason = record.getMessage().split(":", 1)[0]
        record.msg = "Forbidden: path=%s user=%s reason=%s"
        record.args = (getattr(request, "path", "?"), user_id, " ".join(reason.split())[:200] or "permission denied")
        record.exc_info = None
        record.exc_text = None
        return True
