"""Switching the interface language: the same page under the other language prefix.

Django's ``set_language`` translates ``next`` by resolving it under the language that is active
for the switch request itself, which LocaleMiddleware takes from the cookie (``/i18n/`` has no
prefix). Once the cookie and the page's prefix differ, ``/fr/...`` does not resolve under ``de``,
the URL comes back untranslated, and the visitor stays on the French page. Here the page is
resolved under the language of its own prefix, so the cookie plays no part.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def _prefix_language(path: str) -> str | None:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in settings.LANGUAGE_CODES else None


def url_in_language(url: str, language: str) -> str:
    """``url`` (a local path with its query string) as the same page in ``language``.

    A path without a language prefix (``/api/...``, ``/i18n/...``) is returned unchanged.
    """
    parts = urlsplit(url)
    source = _prefix_language(parts.path)
    if source is None or language not in settings.LANGUAGE_CODES:
        return url
    with translation.override(source):
        translated = translate_url(url, language)
    if translated != url or source == language:
        return translated
    # Not a known route (a 404 page, say): the prefix still says which language to show it in.
    rest = parts.path.lstrip("/").split("/", 1)[1:]
    path = f"/{language}/{rest[0] if rest else ''}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def language_cookie_set(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def redirect_in_language(response: HttpResponse, language: str) -> HttpResponse:
    """Send a redirect's target in ``language`` and remember the language in the cookie (after
    login, after a change of the preferred language)."""
    if language not in settings.LANGUAGE_CODES:
        return response
    if isinstance(response, HttpResponseRedirect):
        response["Location"] = url_in_language(response["Location"], language)
    language_cookie_set(response, language)
    return response


def _safe_next(request: HttpRequest) -> str:
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            url=candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(candidate)
            return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return "/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch in the page header: the same page (query string kept) in the chosen
    language. An unknown language leaves the page and the cookie as they are."""
    target = _safe_next(request)
    language = request.POST.get("language", "")
    if language not in settings.LANGUAGE_CODES:
        return HttpResponseRedirect(target)
    response = HttpResponseRedirect(url_in_language(target, language))
    language_cookie_set(response, language)
    return response
