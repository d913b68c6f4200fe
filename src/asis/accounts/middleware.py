"""Two-factor enforcement: a confirmed device must be verified in the session; staff must enrol
one when ASIS_MFA_REQUIRED_FOR_STAFF is on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from asis.accounts.access import has_staff_role

_ALLOWED_NAMES = {"accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout"}


class MandatoryTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request):
            if user_has_device(user, confirmed=True):
                if not user.is_verified():
                    return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.path}")
            elif settings.ASIS_MFA_REQUIRED_FOR_STAFF and has_staff_role(user):
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        path = request.path
        if path.startswith((settings.STATIC_URL, "/api/", "/i18n/")):
            return True
        match = getattr(request, "resolver_match", None)
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(path)
            except Resolver404:
                return True
        return match.view_name in _ALLOWED_NAMES
