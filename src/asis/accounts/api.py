"""API endpoints for accounts: who am I, which organisations can I see."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError

from asis.accounts.access import access_organisation, organisations_for
from asis.accounts.api_auth import TwoFactorRequired
from asis.accounts.models import Organisation
from asis.accounts.two_factor import ENROL
from asis.core.api_base import ProblemOut, api, problem


class MembershipOut(Schema):
    organisation_id: int
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    preferred_language: str
    is_platform_admin: bool
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    type: str
    country: str
    region: str
    website: str

    @staticmethod
    def resolve_region(obj: Organisation) -> str:
        return obj.region.code


@api.get("/me", response={200: MeOut, 401: ProblemOut}, tags=["accounts"], summary="The authenticated user")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "is_platform_admin": user.is_platform_admin,
        "memberships": list(user.memberships.values("organisation_id", "role")),
    }


class MeIn(Schema):
    full_name: str | None = Field(default=None, max_length=200)
    preferred_language: Literal["en", "fr", "de", "it", "sl"] | None = None


@api.patch("/me", response={200: MeOut, 400: ProblemOut, 401: ProblemOut, 403: ProblemOut, 422: ProblemOut}, tags=["accounts"], summary="Change your name or language")
def me_update(request: HttpRequest, payload: MeIn) -> dict[str, object]:
    user = request.user
    changes = payload.dict(exclude_none=True)
    for key, value in changes.items():
        setattr(user, key, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes) or None)
    return me(request)


@api.get("/organisations", response={200: list[OrganisationOut], 401: ProblemOut}, tags=["accounts"],
         summary="Organisations whose data you may see")
def organisation_list(request: HttpRequest) -> object:
    return organisations_for(request.user).select_related("region").order_by("name")


@api.get("/organisations/{organisation_id}",
         response={200: OrganisationOut, 401: ProblemOut, 404: ProblemOut, 422: ProblemOut}, tags=["accounts"],
         summary="One organisation you may see")
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    try:
        return access_organisation(request.user, organisation_id)
    except Exception as exc:
        raise HttpError(404, "No such organisation") from exc


@api.exception_handler(TwoFactorRequired)
def on_two_factor_required(request: HttpRequest, exc: TwoFactorRequired) -> HttpResponse:
    if exc.refusal == ENROL:
        detail = _("Your role requires two-factor authentication: set it up on the web (My account, "
                   "Security) before using the API with this session or with a personal token.")
    else:
        detail = _("This session has not passed the two-factor check yet: enter a code from your "
                   "authenticator app on the web, or use a personal token.")
    return problem(request, 403, _("Two-factor authentication required"), detail)
