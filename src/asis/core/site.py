"""The platform's public address for links that leave the page: API responses, exports, e-mails.

``ASIS_SITE_URL`` wins when it is set (production requires it). Without it, the address is the
one the current request came in on (``SiteUrlMiddleware`` keeps it for the request's duration, so
an e-mail sent while handling a request links back to the host the user is on, not to a default
that may not exist). Outside a request (a background worker, the CLI) the development address is
the last resort. The request's host has passed ``ALLOWED_HOSTS`` before it is used here.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

DEVELOPMENT_URL = "http://127.0.0.1:8000"

_request_base: ContextVar[str | None] = ContextVar("asis_request_base", default=None)


def request_base(request: HttpRequest) -> str | None:
    """``scheme://host[:port]`` of ``request``, or ``None`` when its host is not allowed."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return None


def site_url(request: HttpRequest | None = None) -> str:
    """The site's address without a trailing slash."""
    configured = (getattr(settings, "SITE_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    base = request_base(request) if request is not None else _request_base.get()
    return base or DEVELOPMENT_URL


def localised_path(path: str, language: str) -> str:
    """``path`` with its language prefix replaced by ``language`` (``/fr/calls/`` -> ``/de/calls/``).

    Links in e-mails are often reversed while the sender's language is active; the recipient
    should land on the page in their own language. Paths without a language prefix are kept.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        return path
    head, sep, rest = path[1:].partition("/")
    if sep and head in settings.LANGUAGE_CODES and language in settings.LANGUAGE_CODES:
        return f"/{language}/{rest}"
    return path


class SiteUrlMiddleware:
    """Remembers the request's address for ``site_url()`` while the request is handled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_base.set(request_base(request))
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
