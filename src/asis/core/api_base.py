"""The REST API object shared by all apps: token or session auth, RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from asis.accounts.models import ApiToken
from asis.core.clientip import client_ip


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if record is None or not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user




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
    auth=[BearerToken(), django_auth],
    throttle=[AnonymousRate("1/s"), UserRate("1/s")],  # real rates come from the settings
)


def _problem(request: HttpRequest, status: int, title: str, detail: Any = None, **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _problem(request, 422, "Invalid input", "The request does not match the schema.", errors=exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _problem(request, 401, "Authentication required", "Send a personal token: Authorization: Bearer <token>.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _problem(request, exc.status_code, str(exc.message) if hasattr(exc, "message") else str(exc))
