"""The REST API object shared by all apps: RFC 9457 problem details, rate limits.

Who may call it is decided by the authentication classes named in the setting
``API_AUTHENTICATION_CLASSES`` (the accounts app provides personal tokens and the session under
the two-factor rule), so the core knows no app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from asis.core.clientip import client_ip


class ProblemOut(Schema):
    """RFC 9457 problem details, as every error of the API is answered."""

    type: str
    title: str
    status: int
    detail: Any = None
    errors: list[Any] | None = None


class _SettingRate:
    """A throttle whose rate is read from a setting at each request (empty: no limit)."""

    setting = ""

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, self.setting, None)
        if not rate:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)  # type: ignore[attr-defined]
        return bool(super().allow_request(request))  # type: ignore[misc]

    def get_ident(self, request: HttpRequest) -> str:
        # Not ninja's own, which believes any forwarding header: the platform's trusted-proxy rule.
        return client_ip(request) or "unknown"


class AnonymousRate(_SettingRate, AnonRateThrottle):
    setting = "ASIS_API_RATE_ANONYMOUS"


class UserRate(_SettingRate, AuthRateThrottle):
    setting = "ASIS_API_RATE_AUTHENTICATED"


api = NinjaAPI(
    title="ASIS API",
    version="1",
    description="Open data and integrations of the ASIS platform. Reads of public data need no "
    "authentication; everything else needs a personal token (Authorization: Bearer ...).",
    urls_namespace="api",
    auth=[import_string(path)() for path in settings.API_AUTHENTICATION_CLASSES],
    throttle=[AnonymousRate("1/s"), UserRate("1/s")],  # real rates come from the settings
)


def problem(request: HttpRequest, status: int, title: str, detail: Any = None, **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(request, 422, "Invalid input", "The request does not match the schema.", errors=exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "Authentication required", "Send a personal token: Authorization: Bearer <token>.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc.message) if hasattr(exc, "message") else str(exc))
