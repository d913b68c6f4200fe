"""Two-factor enforcement on every page and on the API's session auth (the rule itself lives in
``asis.accounts.two_factor``).

A session that must still show a code may only reach the verify page (and log out); a staff user
who must enrol may only reach the set-up page. The set-up page is *not* open to a session that has
a confirmed device but has not verified it: that would let a password alone replace the owner's
authenticator.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from asis.accounts.two_factor import ENROL, VERIFY, session_refusal

_ALLOWED_NAMES = {
    VERIFY: {"accounts:two_factor_verify", "accounts:logout"},
    ENROL: {"accounts:two_factor_setup", "accounts:logout"},
}
API_PREFIX = "/api/"


class MandatoryTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(("/i18n/", settings.STATIC_URL)):
            return self.get_response(request)
        refusal = session_refusal(user)
        if refusal is None:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            # The API answers itself (a problem document, see asis.core.api_base); here the session
            # only stops counting as a login, so no endpoint, public ones included, acts on it.
            request.two_factor_refusal = refusal  # type: ignore[attr-defined]
            request.user = AnonymousUser()
            return self.get_response(request)
        try:
            view_name = resolve(request.path).view_name
        except Resolver404:
            return self.get_response(request)
        if view_name in _ALLOWED_NAMES[refusal]:
            return self.get_response(request)
        if refusal == VERIFY:
            return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
        return redirect("accounts:two_factor_setup")
