"""The REST API object shared by all apps: token or session auth, RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from asis.accounts.models import ApiToken
from asis.accounts.two_factor import ENROL, session_refusal, token_refusal
from asis.core.clientip import client_ip


class TwoFactorRequired(Exception):
    """A login that the two-factor rule does not let act yet (answered 403, see on_two_factor_required)."""

    def __init__(self, refusal: str) -> None:
        super().__init__(refusal)
        self.refusal = refusal


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if record is None or not record.user.is_active:
            return None
        refusal = token_refusal(record.user)
        if refusal is not None:
            raise TwoFactorRequired(refusal)
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


class VerifiedSession(SessionAuth):
    """The session cookie, under the same two-factor rule as the pages."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        # MandatoryTwoFactorMiddleware has already set a refused session's user to anonymous and
        # left the reason; asking the rule again covers a stack without that middleware.
        refusal = getattr(request, "two_factor_refusal", None) or session_refusal(request.user)
        if refusal is not None:
            raise TwoFactorRequired(refusal)
        return super().authenticate(request, key)


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
    auth=[BearerToken(), VerifiedSession()],
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


@api.exception_handler(TwoFactorRequired)
def on_two_factor_required(request: HttpRequest, exc: TwoFactorRequired) -> HttpResponse:
    if exc.refusal == ENROL:
        detail = _("Your role requires two-factor authentication: set it up on the web (My account, "
                   "Security) before using the API with this session or with a personal token.")
    else:
        detail = _("This session has not passed the two-factor check yet: enter a code from your "
                   "authenticator app on the web, or use a personal token.")
    return _problem(request, 403, _("Two-factor authentication required"), detail)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _problem(request, exc.status_code, str(exc.message) if hasattr(exc, "message") else str(exc))
