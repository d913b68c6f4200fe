from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from asis.dashboard.selectors import roles_of


def role_nav(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's roles and unread count for the header, queried (once) only when a
    template shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"asis_roles": SimpleLazyObject(lambda: roles_of(user))}
