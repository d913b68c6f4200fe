"""Open-data REST API of the observatory (``/api/v1/``).

Reads of published data need no authentication. Writes need a token (or a session): any user
may propose an initiative (it arrives as *submitted*); editors and platform admins
(``user.can_moderate``) may publish, and may change any initiative; the submitter may change
their own proposal until it is published. Every write goes through ``initiative_save`` /
``initiative_set_status``, so the API, the web forms and the imports validate, audit and index
identically. Validation errors are 422 problem details with one entry per field.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from asis.accounts.models import Organisation
from asis.core.api_base import ProblemOut, api
from asis.core.links import MAX_LINK_LENGTH, Link
from asis.observatory import exports
from asis.observatory.filters import apply, facets
from asis.observatory.models import Axis, Challenge, Initiative
from asis.observatory.services import initiative_save, initiative_set_status
from asis.regions.models import Region

Language = Literal["en", "fr", "de", "it", "sl"]
Country = Literal["AT", "CH", "DE", "FR", "IT", "LI", "SI"]
StageName = Literal["idea", "pilot", "implementation", "scaling", "ended"]
OrgType = Literal["public_authority", "business_support", "sectoral_agency", "university",
                  "social_enterprise", "ngo", "company", "other"]
Sort = Literal["newest", "oldest", "title", "start", "reach"]
Code = Annotated[str, Field(min_length=1, max_length=60)]
TAGS = ["observatory"]


class PointOut(Schema):
    latitude: float
    longitude: float


class OrganisationLinkOut(Schema):
    id: int
    name: str
    role: str


class InitiativeOut(Schema):
    id: int
    url: str | None = Field(None, description="The initiative's page in the requested language.")
    title: str
    summary: str
    language: str = Field(description="Language of the returned texts (the requested one, or the "
                                      "fallback used when no translation exists).")
    original_language: str
    stage: str
    status: str
    start_date: date | None = None
    end_date: date | None = None
    regions: list[str] = Field(description="NUTS 2021 level-2 codes.")
    countries: list[str]
    challenges: list[str]
    axes: list[str]
    organisations: list[OrganisationLinkOut]
    point: PointOut | None = None
    budget_eur: Decimal | None = None
    people_reached: int | None = None
    links: list[str]
    licence: str
    published_at: datetime | None = None


class InitiativeDetailOut(InitiativeOut):
    description: str
    results: str
    pillar_need: str
    pillar_collaboration: str
    pillar_impact: str
    target_groups: str
    funding_sources: str


class InitiativePage(Schema):
    count: int
    page: int
    page_size: int
    licence: str = exports.LICENCE
    attribution: str = exports.ATTRIBUTION
    items: list[InitiativeOut]
    facets: dict[str, dict[str, int]] | None = None


class InitiativeFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Full-text search in every language.")
    country: list[Country] = Field(default_factory=list)
    region: list[Code] = Field(default_factory=list, description="NUTS-2 codes.")
    challenge: list[Code] = Field(default_factory=list)
    axis: list[Code] = Field(default_factory=list)
    stage: list[StageName] = Field(default_factory=list)
    org_type: list[OrgType] = Field(default_factory=list)
    year: list[Annotated[int, Field(ge=1000, le=9999)]] = Field(default_factory=list,
                                                                 description="Start year.")
    organisation: list[Annotated[int, Field(ge=1, le=10**15)]] = Field(default_factory=list)
    sort: Sort = "newest"
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)
    lang: Language | None = Field(None, description="Language of the texts (default: each one's original).")
    facets: bool = Field(False, description="Also return the facet counts (as in the catalogue).")


def _catalogue_params(filters: InitiativeFilters) -> dict[str, Any]:
    data = filters.dict(exclude={"lang", "facets"})
    return {key: value for key, value in data.items() if value not in (None, [], "")}


@api.get("/initiatives", auth=None, response={200: InitiativePage, 422: ProblemOut}, tags=TAGS,
         summary="Published initiatives (the catalogue, with its filters)")
def initiative_list(request: HttpRequest, filters: Query[InitiativeFilters]) -> dict[str, Any]:
    query = exports.catalogue_query(_catalogue_params(filters))
    queryset = apply(query)
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    page = exports.with_relations(queryset)[start:start + query.page_size]
    url = exports.UrlMaker(filters.lang or "en")
    items = []
    for initiative in page:
        lang = filters.lang or initiative.original_language
        items.append(exports.initiative_record(initiative, lang, url))
    return {"count": count, "page": query.page, "page_size": query.page_size, "items": items,
            "facets": facets(query) if filters.facets else None}


def _published_or_404(initiative_id: int) -> Initiative:
    initiative = exports.with_relations(Initiative.objects.filter(
        pk=initiative_id, status=Initiative.Status.PUBLISHED)).first()
    if initiative is None:
        raise HttpError(404, _("No such published initiative"))
    return initiative


@api.get("/initiatives/{initiative_id}", auth=None, response={200: InitiativeDetailOut, 404: ProblemOut,
                                                               422: ProblemOut},
         tags=TAGS, summary="One published initiative")
def initiative_detail(request: HttpRequest, initiative_id: Annotated[int, Field(ge=1, le=10**15)],
                      lang: Language | None = None) -> dict[str, Any]:
    initiative = _published_or_404(initiative_id)
    language = lang or initiative.original_language
    return exports.initiative_record(initiative, language, exports.UrlMaker(lang or "en"), detail=True)


class RegionOut(Schema):
    code: str
    name: str
    country: str
    initiatives: int = Field(description="Published initiatives taking place in the region.")


@api.get("/regions", auth=None, response=list[RegionOut], tags=TAGS,
         summary="The NUTS-2 regions of the Alpine Space, with their number of initiatives")
def region_list(request: HttpRequest) -> Any:
    published = Q(initiatives__status=Initiative.Status.PUBLISHED)
    rows = (Region.objects.order_by("code").annotate(n=Count("initiatives", filter=published))
            .values("code", "name", "country", "n"))
    return [{"code": r["code"], "name": r["name"], "country": r["country"], "initiatives": r["n"]} for r in rows]


class TermOut(Schema):
    code: str
    name: dict[str, str] = Field(description="Name in every platform language.")
    description: dict[str, str]
    sdgs: list[int] = Field(description="UN Sustainable Development Goals (1-17).")
    from_asis: bool


class TaxonomiesOut(Schema):
    challenges: list[TermOut]
    axes: list[TermOut]


def _terms(model: type[Challenge] | type[Axis]) -> list[dict[str, Any]]:
    from django.conf import settings

    return [
        {"code": term.code,
         "name": {lang: term.translated("name", lang).text for lang in settings.LANGUAGE_CODES},
         "description": {lang: term.translated("description", lang).text for lang in settings.LANGUAGE_CODES},
         "sdgs": [g for g in term.sdgs or [] if isinstance(g, int)],
         "from_asis": term.from_asis}
        for term in model.objects.filter(active=True).order_by("position", "code")
    ]


@api.get("/taxonomies", auth=None, response=TaxonomiesOut, tags=TAGS,
         summary="Societal challenges and intervention axes, in every language, with their SDGs")
def taxonomy_list(request: HttpRequest) -> dict[str, Any]:
    return {"challenges": _terms(Challenge), "axes": _terms(Axis)}


class DirectoryOrganisationOut(Schema):
    id: int
    name: str
    type: str
    country: str
    region: str
    website: str
    description: str
    language: str
    initiatives: int


class DirectoryPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[DirectoryOrganisationOut]


class DirectoryFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Part of the name.")
    country: list[Country] = Field(default_factory=list)
    type: list[OrgType] = Field(default_factory=list)
    region: list[Code] = Field(default_factory=list)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)
    lang: Language | None = None


@api.get("/directory/organisations", auth=None, response={200: DirectoryPage, 422: ProblemOut}, tags=TAGS,
         summary="Published organisations of the observatory directory")
def directory_organisation_list(request: HttpRequest, filters: Query[DirectoryFilters]) -> dict[str, Any]:
    queryset = Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
    if filters.q and filters.q.strip():  # control characters never get here (asis.core.input_middleware)
        queryset = queryset.filter(name__icontains=filters.q.strip())
    if filters.country:
        queryset = queryset.filter(country__in=filters.country)
    if filters.type:
        queryset = queryset.filter(type__in=filters.type)
    if filters.region:
        queryset = queryset.filter(region__code__in=[c.upper() for c in filters.region])
    count = queryset.count()
    start = (filters.page - 1) * filters.page_size
    published = Q(initiatives__status=Initiative.Status.PUBLISHED)
    page = (queryset.select_related("region").defer("region__geometry")
            .annotate(n_initiatives=Count("initiatives", filter=published, distinct=True))
            .order_by("name", "pk")[start:start + filters.page_size])
    items = []
    for organisation in page:
        description = organisation.translated("description", filters.lang or organisation.original_language)
        items.append({"id": organisation.pk, "name": organisation.name, "type": organisation.type,
                      "country": organisation.country, "region": organisation.region.code,
                      "website": organisation.website, "description": description.text,
                      "language": description.language, "initiatives": organisation.n_initiatives})
    return {"count": count, "page": filters.page, "page_size": filters.page_size, "items": items}


# --- writes ------------------------------------------------------------------------------------

class OrganisationRoleIn(Schema):
    id: int = Field(ge=1, le=10**15)
    role: Literal["lead", "partner", "funder"] = "partner"


Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Text500 = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(max_length=20_000)]
Url = Annotated[Link, Field(min_length=1, max_length=MAX_LINK_LENGTH)]


class InitiativeIn(Schema):
    title: Text200
    summary: Text500
    description: LongText = ""
    language: Language = "en"
    regions: list[Code] = Field(min_length=1, max_length=50, description="NUTS-2 codes.")
    stage: StageName = "idea"
    start_date: date | None = None
    end_date: date | None = None
    challenges: list[Code] = Field(default_factory=list, max_length=30)
    axes: list[Code] = Field(default_factory=list, max_length=30)
    organisations: list[OrganisationRoleIn] = Field(default_factory=list, max_length=30)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    budget_eur: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    people_reached: int | None = Field(None, ge=0, le=2_147_483_647)
    links: list[Url] = Field(default_factory=list, max_length=20)
    status: Literal["submitted", "published"] = Field(
        "submitted", description="Only editors and platform admins may publish directly.")


class InitiativePatch(Schema):
    title: Text200 | None = None
    summary: Text500 | None = None
    description: LongText | None = None
    language: Language | None = None
    regions: list[Code] | None = Field(None, min_length=1, max_length=50)
    stage: StageName | None = None
    start_date: date | None = None
    end_date: date | None = None
    challenges: list[Code] | None = Field(None, max_length=30)
    axes: list[Code] | None = Field(None, max_length=30)
    organisations: list[OrganisationRoleIn] | None = Field(None, max_length=30)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    budget_eur: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    people_reached: int | None = Field(None, ge=0, le=2_147_483_647)
    links: list[Url] | None = Field(None, max_length=20)
    status: Literal["draft", "submitted", "published", "rejected", "archived"] | None = Field(
        None, description="Editors and platform admins only.")
    moderation_reason: LongText | None = None


def _invalid(errors: dict[str, list[str]]) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["body", "payload", field], "msg": str(message), "type": "value_error"}
                                 for field, messages in errors.items() for message in messages])


def _resolve_relations(data: dict[str, Any]) -> dict[str, Any]:
    """Codes and ids -> objects; unknown ones are field errors."""
    errors: dict[str, list[str]] = {}
    resolved: dict[str, Any] = {}
    if data.get("regions") is not None:
        codes = list(dict.fromkeys(c.upper() for c in data["regions"]))
        found = {r.code: r for r in Region.objects.filter(code__in=codes).only("id", "code", "country")}
        if missing := [c for c in codes if c not in found]:
            errors["regions"] = [_("Unknown NUTS-2 region: %(code)s") % {"code": c} for c in missing]
        resolved["regions"] = list(found.values())
    for key, model in (("challenges", Challenge), ("axes", Axis)):
        if data.get(key) is not None:
            codes = list(dict.fromkeys(data[key]))
            found_terms = {t.code: t for t in model.objects.filter(code__in=codes, active=True)}
            if missing := [c for c in codes if c not in found_terms]:
                errors[key] = [_("Unknown code: %(code)s") % {"code": c} for c in missing]
            resolved[key] = list(found_terms.values())
    if data.get("organisations") is not None:
        ids = [o["id"] for o in data["organisations"]]
        orgs = Organisation.objects.filter(pk__in=ids, status=Organisation.Status.PUBLISHED).in_bulk()
        if missing_ids := [i for i in ids if i not in orgs]:
            errors["organisations"] = [_("Unknown organisation: %(id)s") % {"id": i} for i in missing_ids]
        pairs = list(dict.fromkeys((orgs[o["id"]], o["role"]) for o in data["organisations"] if o["id"] in orgs))
        resolved["organisations"] = pairs
    if errors:
        raise _invalid(errors)
    return resolved


SCALARS = ("title", "summary", "description", "stage", "start_date", "end_date", "latitude", "longitude",
           "budget_eur", "people_reached", "links")


def _save(*, actor: Any, initiative: Initiative, data: dict[str, Any], status: str | None,
          reason: str = "") -> Initiative:
    relations = _resolve_relations(data)
    for key in SCALARS:
        if key in data:
            setattr(initiative, key, data[key])
    if data.get("language"):
        initiative.original_language = data["language"]
    if (initiative.latitude is None) != (initiative.longitude is None):
        raise _invalid({"latitude": [_("Give both latitude and longitude, or neither.")]})
    try:
        with transaction.atomic():
            initiative_save(actor=actor, initiative=initiative, note="API", **relations)
            if status and status != initiative.status:
                initiative_set_status(actor=actor, initiative=initiative, status=status, reason=reason)
    except DjangoValidationError as exc:
        raise _invalid(exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}) from exc
    return initiative


def _detail(initiative_id: int, lang: str | None = None) -> dict[str, Any]:
    initiative = exports.with_relations(Initiative.objects.filter(pk=initiative_id)).get()
    return exports.initiative_record(initiative, lang or initiative.original_language,
                                     exports.UrlMaker(lang or "en"), detail=True)


@api.post("/initiatives", response={201: InitiativeDetailOut, 400: ProblemOut, 401: ProblemOut, 403: ProblemOut,
                                    422: ProblemOut},
          tags=TAGS, summary="Propose an initiative (editors may publish it directly)")
def initiative_create(request: HttpRequest, payload: InitiativeIn) -> Status[dict[str, Any]]:
    user = request.user
    if payload.status == Initiative.Status.PUBLISHED and not user.can_moderate:
        raise HttpError(403, _("Only editors may publish an initiative"))
    data = payload.dict()
    status = data.pop("status")
    initiative = Initiative(status=Initiative.Status.SUBMITTED, submitted_by=user,
                            original_language=data["language"])
    _save(actor=user, initiative=initiative, data=data, status=status)
    return Status(201, _detail(initiative.pk))


@api.patch("/initiatives/{initiative_id}", response={200: InitiativeDetailOut, 400: ProblemOut, 401: ProblemOut,
                                                     403: ProblemOut, 404: ProblemOut, 422: ProblemOut},
           tags=TAGS, summary="Change an initiative (editors; the submitter until it is published)")
def initiative_update(request: HttpRequest, initiative_id: Annotated[int, Field(ge=1, le=10**15)],
                      payload: InitiativePatch) -> dict[str, Any]:
    user = request.user
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    own = initiative is not None and initiative.submitted_by_id == user.pk
    if initiative is None or not (user.can_moderate or own
                                  or initiative.status == Initiative.Status.PUBLISHED):
        raise HttpError(404, _("No such initiative"))
    if not user.can_moderate and not (own and initiative.status != Initiative.Status.PUBLISHED):
        raise HttpError(403, _("You may not change this initiative"))
    data = payload.dict(exclude_unset=True)
    status = data.pop("status", None)
    reason = data.pop("moderation_reason", None) or ""
    if status is not None and not user.can_moderate:
        raise HttpError(403, _("Only editors may change the status of an initiative"))
    for key in ("title", "summary", "description", "language", "stage", "links", "regions"):
        if key in data and data[key] is None:
            raise _invalid({key: [_("This field may not be null.")]})
    _save(actor=user, initiative=initiative, data=data, status=status, reason=reason)
    return _detail(initiative.pk)

