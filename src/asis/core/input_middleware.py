"""One gate for control characters in requests, and problem details for every API error.

Web pages (everything outside ``/api/``): control characters (``asis.core.control_chars``) are
*dropped* from query parameters and from the text fields of form bodies before any view, form or
filter sees them. They are invisible and meaningless in search boxes and text fields, so a
visitor who pasted one still gets their search or their saved form; nothing the user meant is
lost, and NUL, which PostgreSQL refuses in text, never reaches the database. A control character
in the *path* is refused with the translated 400 page: a path names a resource, and dropping a
character would silently name another one.

The REST API (``/api/``): a control character in a query parameter or a JSON/form body is
*refused* with 422 problem details naming the parameter or field (``loc`` as in the schema
errors); in the path it is a 404 problem (no resource has such a name). A machine client must learn that its data was not stored as sent rather than have it
changed silently. Every error answer under ``/api/`` that is not already problem details (Django's
404 and 500 pages, ninja's 404/405/parse errors) is turned into ``application/problem+json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from asis.core.control_chars import control_paths, has_controls, strip_controls

PROBLEM = "application/problem+json"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _problem(status: int, title: str, detail: str | None = None, **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)


def _control_errors(where: str, paths: list[tuple[Any, ...]]) -> HttpResponse:
    message = _("The value contains control characters.")
    errors = [{"loc": [where, *path], "msg": message, "type": "value_error"} for path in paths]
    return _problem(422, _("Invalid input"), _("Remove the control characters and send the request again."),
                    errors=errors)


def _cleaned(data: QueryDict) -> QueryDict | None:
    """A copy without control characters, or ``None`` when there were none."""
    if not any(has_controls(k) or any(has_controls(v) for v in vs) for k, vs in data.lists()):
        return None
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(strip_controls(key), [strip_controls(v) for v in values])
    clean._mutable = False
    return clean


def _query_paths(data: QueryDict) -> list[tuple[Any, ...]]:
    return [(strip_controls(k),) for k, vs in data.lists() if has_controls(k) or any(has_controls(v) for v in vs)]


class InputNormalisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith("/api/")
        self._drop_bad_cookies(request)
        response = self._api_gate(request) if api else self._web_gate(request)
        if response is None:
            response = self.get_response(request)
        if api and response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM):
            response = self._as_problem(response)
        return response

    @staticmethod
    def _drop_bad_cookies(request: HttpRequest) -> None:
        """A cookie is never typed by a person: one with a control character is forged, and is
        ignored as if absent (a session key with NUL would otherwise reach the database)."""
        bad = [name for name, value in request.COOKIES.items() if has_controls(name) or has_controls(value)]
        if not bad:
            return
        for name in bad:
            del request.COOKIES[name]
        session = getattr(request, "session", None)
        if session is not None and has_controls(session.session_key or ""):
            request.session = type(session)()

    # --- web pages ------------------------------------------------------------------------------

    def _web_gate(self, request: HttpRequest) -> HttpResponse | None:
        if has_controls(request.path_info):
            from asis.core.views import error_400

            return error_400(request)
        if (clean := _cleaned(request.GET)) is not None:
            request.GET = clean  # type: ignore[assignment]  # immutable, as Django's own
            request.META["QUERY_STRING"] = clean.urlencode()
        # Parsing the form here rather than in the view: a too large body raises the same 400 it
        # would raise later, and the upload handlers are the default ones either way.
        if (request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in _FORM_TYPES
                and (clean := _cleaned(request.POST)) is not None):
            request.POST = clean  # type: ignore[assignment]
        return None

    # --- REST API -------------------------------------------------------------------------------

    def _api_gate(self, request: HttpRequest) -> HttpResponse | None:
        if has_controls(request.path_info):
            # Like a path that matches no route: it names no resource (404 is documented for
            # every operation with a path parameter).
            return _problem(404, _("Not found"), _("The path contains control characters."))
        if paths := _query_paths(request.GET):
            return _control_errors("query", paths)
        if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") and not request.META.get("CONTENT_LENGTH"):
            return None
        try:
            if request.content_type in _FORM_TYPES:
                # Read the body first: the API's parser reads ``request.body`` itself, which
                # Django refuses once the form parser has consumed the stream.
                request.body  # noqa: B018
                if paths := _query_paths(request.POST):
                    return _control_errors("form", paths)
            elif "json" in (request.content_type or ""):
                try:
                    data = json.loads(request.body)
                except ValueError:
                    return None  # the API's own parser answers malformed JSON
                if paths := control_paths(data):
                    return _control_errors("body", paths)
        except RequestDataTooBig:
            return _problem(413, _("Request too large"))
        except (SuspiciousOperation, BadRequest, MultiPartParserError, OSError):
            return _problem(400, _("Bad request"))
        return None

    def _as_problem(self, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        detail = None
        if response.get("Content-Type", "").startswith("application/json") and not getattr(response, "streaming", False):
            try:
                body = json.loads(response.content)
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("detail"), str):
                detail = body["detail"]
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = _("Error")
        problem = _problem(status, title, detail)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                problem[header] = response[header]
        return problem
