"""How the API knows its caller: a personal token or the session cookie, both under the
two-factor rule of the pages. Named in the setting ``API_AUTHENTICATION_CLASSES``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from asis.accounts.models import ApiToken
from asis.accounts.two_factor import session_refusal, token_refusal


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
