"""Reads for the public observatory pages: catalogue pages, initiative and organisation pages,
region profiles and the map layers.

Every read that depends on who is asking is named ``*_access``: it returns ``None`` when the
user may not see the object, so a view cannot forget the check. Query counts do not grow with
the number of rows shown (prefetches), which the tests pin down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.text import Truncator

from asis.accounts.models import Organisation
from asis.core.links import is_safe_link
from asis.observatory import filters, mapdata
from asis.observatory.filters import CatalogueQuery
from asis.observatory.models import Axis, Challenge, Initiative, InitiativeOrganisation
from asis.regions.models import COUNTRIES, Region

POINTS_CAP = 5000
LATEST_IN_REGION = 10
ORGANISATIONS_IN_REGION = 50


# --- shared helpers -----------------------------------------------------------------------------


def safe_url(url: Any) -> str:
    """The URL if it is an absolute http(s) address, else ``""`` (no ``javascript:`` links)."""
    text = str(url or "").strip()
    return text if is_safe_link(text) else ""


@dataclass(frozen=True)
class Link:
    url: str
    label: str


def initiative_links(raw: Any) -> list[Link]:
    """An initiative's ``links`` JSON (strings or ``{"url", "label"|"title"}`` objects) as safe links."""
    links: list[Link] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping):
            url = safe_url(item.get("url"))
            label = str(item.get("label") or item.get("title") or url)
        else:
            url = safe_url(item)
            label = url
        if url:
            links.append(Link(url, label))
    return links


def _region_light() -> QuerySet[Region]:
    return Region.objects.defer("geometry")


def _lead_links() -> Prefetch:
    return Prefetch(
        "organisation_links",
        queryset=InitiativeOrganisation.objects.filter(role=InitiativeOrganisation.Role.LEAD)
        .select_related("organisation").order_by("organisation__name"),
        to_attr="lead_links",
    )


def initiative_list_prefetch(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """What a list of initiatives shows: regions, stage, lead organisation (two extra queries)."""
    return queryset.prefetch_related(Prefetch("regions", queryset=_region_light()), _lead_links())


class _KnownCountPaginator(Paginator):
    def __init__(self, *args: Any, known_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = known_count  # pre-fills the cached_property


class _IdResults(Sequence[Initiative]):
    """Initiatives by a list of ordered ids, fetched (with list prefetches) one page at a time."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, slice):
            chunk = self.ids[item]
            found = {i.pk: i for i in initiative_list_prefetch(Initiative.objects.filter(pk__in=chunk))}
            return [found[pk] for pk in chunk if pk in found]
        return self[item:item + 1][0]


def paginate_ids(ids: list[int], *, page: Any, page_size: int) -> Page:
    return Paginator(_IdResults(ids), page_size).get_page(page)


def paginate(queryset: Any, *, page: Any, page_size: int, count: int | None = None) -> Page:
    if count is None:
        return Paginator(queryset, page_size).get_page(page)
    return _KnownCountPaginator(queryset, page_size, known_count=count).get_page(page)


def page_numbers(page: Page, *, around: int = 2) -> list[int | None]:
    """Page numbers to link to: first, last and ``around`` either side of the current one;
    ``None`` marks a gap."""
    last = page.paginator.num_pages
    keep = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers: list[int | None] = []
    for n in sorted(k for k in keep if 1 <= k <= last):
        if numbers and numbers[-1] is not None and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


# --- catalogue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class FacetGroup:
    key: str
    legend: str
    options: tuple[FacetOption, ...]


def facet_labels(query: CatalogueQuery | None = None) -> dict[str, dict[str, str]]:
    """Display label of every facet value, in the active language (three small queries, and one
    more for the names of the organisations a query is restricted to)."""
    organisations = {}
    if query is not None and query.organisation:
        organisations = {str(pk): name for pk, name in Organisation.objects.filter(
            pk__in=[int(o) for o in query.organisation]).values_list("pk", "name")}
    regions = {code: f"{name} ({code})" for code, name in Region.objects.values_list("code", "name")}
    return {
        "country": {code: str(name) for code, name in COUNTRIES},
        "region": regions,
        "challenge": {c.code: str(c.translated("name")) for c in Challenge.objects.all()},
        "axis": {a.code: str(a.translated("name")) for a in Axis.objects.all()},
        "stage": {value: str(label) for value, label in Initiative.Stage.choices},
        "org_type": {value: str(label) for value, label in Organisation.Type.choices},
        "year": {},
        "organisation": organisations,
    }


def facet_groups(query: CatalogueQuery, counts: Mapping[str, Mapping[str, int]],
                 labels: Mapping[str, Mapping[str, str]], legends: Mapping[str, str]) -> list[FacetGroup]:
    """Checkbox groups: values with results, plus the checked ones (even at zero), in a stable order."""
    groups = []
    for key in filters.FACETS:
        facet_counts = counts.get(key, {})
        chosen = set(getattr(query, key))
        known = labels.get(key, {})
        values = [v for v in known if facet_counts.get(v) or v in chosen]
        values += sorted(v for v in {*facet_counts, *chosen} if v not in known
                         and (facet_counts.get(v) or v in chosen))
        if key == "year":
            values.sort(reverse=True)
        options = tuple(FacetOption(v, known.get(v, v), facet_counts.get(v, 0), v in chosen) for v in values)
        groups.append(FacetGroup(key, legends[key], options))
    return groups


@dataclass(frozen=True)
class ActiveFilter:
    key: str
    legend: str
    label: str
    remove_params: tuple[tuple[str, str], ...]


def active_filters(query: CatalogueQuery, labels: Mapping[str, Mapping[str, str]],
                   legends: Mapping[str, str]) -> list[ActiveFilter]:
    """Each active filter with the parameters of the same search without it."""
    params = query.to_params()
    active = []
    for key, value in params:
        if key == "sort":
            continue
        remaining = list(params)
        remaining.remove((key, value))
        label = value if key == "q" else labels.get(key, {}).get(value, value)
        active.append(ActiveFilter(key, legends.get(key, key), label, tuple(remaining)))
    return active


# --- initiative page ----------------------------------------------------------------------------


def initiative_access(*, user: Any, initiative_id: int) -> Initiative | None:
    """A published initiative with everything its page shows (six queries, whatever the number of
    related rows); editors and platform admins also get unpublished ones."""
    queryset = Initiative.objects.prefetch_related(
        Prefetch("organisation_links",
                 queryset=InitiativeOrganisation.objects.select_related("organisation")
                 .order_by("organisation__name")),
        Prefetch("regions", queryset=_region_light()),
        "challenges",
        "axes",
        "images",
    )
    if not getattr(user, "can_moderate", False):
        queryset = queryset.filter(status=Initiative.Status.PUBLISHED)
    return queryset.filter(pk=initiative_id).first()


def organisations_by_role(initiative: Initiative) -> list[tuple[str, list[Organisation]]]:
    """(role label, organisations) for each role that has any, lead first. Uses the prefetch."""
    by_role: dict[str, list[Organisation]] = {}
    for link in initiative.organisation_links.all():
        by_role.setdefault(link.role, []).append(link.organisation)
    return [(str(label), by_role[value]) for value, label in InitiativeOrganisation.Role.choices if value in by_role]


# --- organisations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    country: str = ""
    type: str = ""
    region: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> OrganisationFilters:
        country = str(params.get("country") or "").upper()
        org_type = str(params.get("type") or "")
        return cls(
            q=str(params.get("q") or "")[:200].strip(),
            country=country if country in dict(COUNTRIES) else "",
            type=org_type if org_type in Organisation.Type.values else "",
            region=str(params.get("region") or "").upper()[:8],
        )

    def to_params(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in (("q", self.q), ("country", self.country), ("type", self.type),
                                    ("region", self.region)) if v]


def _published_initiatives_count() -> Count:
    return Count("initiative_links__initiative",
                 filter=Q(initiative_links__initiative__status=Initiative.Status.PUBLISHED), distinct=True)


def organisation_directory(flt: OrganisationFilters) -> QuerySet[Organisation]:
    """Published organisations matching the filters, with their number of published initiatives."""
    qs = Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
    if flt.q:
        qs = qs.filter(name__icontains=flt.q)
    if flt.country:
        qs = qs.filter(country=flt.country)
    if flt.type:
        qs = qs.filter(type=flt.type)
    if flt.region:
        qs = qs.filter(region__code=flt.region)
    return (qs.select_related("region").defer("region__geometry")
            .annotate(initiative_count=_published_initiatives_count()).order_by("name", "pk"))


def organisation_public_get(*, organisation_id: int) -> Organisation | None:
    """A published organisation (the public page); ``None`` for any other."""
    return (Organisation.objects.filter(status=Organisation.Status.PUBLISHED, pk=organisation_id)
            .select_related("region").defer("region__geometry").first())


def organisation_initiatives(organisation: Organisation) -> list[Initiative]:
    """The organisation's published initiatives, newest first, each with ``roles`` (labels)."""
    links = (InitiativeOrganisation.objects.filter(organisation=organisation,
                                                   initiative__status=Initiative.Status.PUBLISHED)
             .values_list("initiative_id", "role"))
    roles: dict[int, list[str]] = {}
    role_labels = dict(InitiativeOrganisation.Role.choices)
    for initiative_id, role in links:
        roles.setdefault(initiative_id, []).append(str(role_labels.get(role, role)))
    initiatives = list(initiative_list_prefetch(
        filters.published().filter(pk__in=list(roles)).order_by(*filters.SORTS["newest"])))
    for initiative in initiatives:
        initiative.roles = roles[initiative.pk]  # type: ignore[attr-defined]
    return initiatives


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Regions grouped by country, for a ``<select>`` with ``<optgroup>``s."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, name, country in Region.objects.order_by("country", "code").values_list("code", "name", "country"):
        grouped.setdefault(country, []).append((code, f"{name} ({code})"))
    names = dict(COUNTRIES)
    return [(str(names.get(country, country)), regions) for country, regions in grouped.items()]


# --- region profile -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionProfile:
    region: Region
    initiative_count: int
    organisation_count: int
    people_reached: int
    challenge_mix: tuple[tuple[str, int], ...]
    years: tuple[tuple[int, int], ...]
    organisations: tuple[Organisation, ...]
    more_organisations: bool
    latest: tuple[Initiative, ...]


def region_get(code: str) -> Region | None:
    return _region_light().filter(code=str(code).upper()[:8]).first()


def fill_years(counts: Mapping[int, int]) -> tuple[tuple[int, int], ...]:
    """Counts per year from the first to the last year with any, zeros in between."""
    if not counts:
        return ()
    return tuple((year, counts.get(year, 0)) for year in range(min(counts), max(counts) + 1))


def region_profile(region: Region) -> RegionProfile:
    """Figures of one region's page (six queries)."""
    in_region = filters.published().filter(regions=region)
    ids = in_region.values("pk")
    totals = filters.published().filter(pk__in=ids).aggregate(n=Count("pk"), people=Sum("people_reached"))
    mix = [
        (str(c.translated("name")), c.n)
        for c in Challenge.objects.filter(initiatives__in=ids).annotate(n=Count("initiatives", distinct=True))
        .order_by("-n", "position", "code")
    ]
    year_rows = (filters.published().filter(pk__in=ids, start_date__isnull=False)
                 .annotate(year=ExtractYear("start_date")).values("year")
                 .annotate(n=Count("pk", distinct=True)).order_by())
    organisations = list(Organisation.objects.filter(status=Organisation.Status.PUBLISHED, region=region)
                         .order_by("name")[: ORGANISATIONS_IN_REGION + 1])
    organisation_count = (len(organisations) if len(organisations) <= ORGANISATIONS_IN_REGION else
                          Organisation.objects.filter(status=Organisation.Status.PUBLISHED, region=region).count())
    latest = list(initiative_list_prefetch(in_region.order_by(*filters.SORTS["newest"]))[:LATEST_IN_REGION])
    return RegionProfile(
        region=region,
        initiative_count=totals["n"] or 0,
        organisation_count=organisation_count,
        people_reached=totals["people"] or 0,
        challenge_mix=tuple(mix),
        years=fill_years({r["year"]: r["n"] for r in year_rows if r["year"] is not None}),
        organisations=tuple(organisations[:ORGANISATIONS_IN_REGION]),
        more_organisations=len(organisations) > ORGANISATIONS_IN_REGION,
        latest=tuple(latest),
    )


# --- map ----------------------------------------------------------------------------------------

_SHAPES: dict[str, Any] = {}


def region_shapes() -> list[dict[str, Any]]:
    """Code, name, country and geometry of every region, read once per process (the shapes only
    change with a data migration; ``region_shapes_clear`` forgets them)."""
    if "features" not in _SHAPES:
        _SHAPES["features"] = [
            {"code": code, "name": name, "country": country, "geometry": geometry}
            for code, name, country, geometry in Region.objects.order_by("code")
            .values_list("code", "name", "country", "geometry")
        ]
    return _SHAPES["features"]


def region_shapes_clear() -> None:
    _SHAPES.clear()


def _region_url_template() -> str:
    return reverse("observatory:region_detail", kwargs={"code": "REGIONCODE"})


def map_layers() -> dict[str, Any]:
    """Borders, country and region label points, derived once per process from the shapes."""
    if "layers" not in _SHAPES:
        shapes = region_shapes()
        _SHAPES["layers"] = {
            "borders": mapdata.borders(shapes),
            "countries": mapdata.country_points(shapes),
            "labels": {s["code"]: mapdata.label_point(s["geometry"])[1] for s in shapes},
        }
    return _SHAPES["layers"]


def regions_geojson(query: CatalogueQuery) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the regions with the number of initiatives matching
    ``query`` and their colour class (one grouped query; shapes and borders from memory)."""
    counts = filters.region_counts(query)
    url = _region_url_template()
    layers = map_layers()
    classes = mapdata.class_breaks(counts.values())
    features = [
        {
            "type": "Feature",
            "id": shape["code"],
            "properties": {
                "code": shape["code"], "name": shape["name"], "country": shape["country"],
                "count": counts.get(shape["code"], 0), "url": url.replace("REGIONCODE", shape["code"]),
                "colour": mapdata.colour_of(counts.get(shape["code"], 0), classes),
                "label_point": layers["labels"][shape["code"]],
            },
            "geometry": shape["geometry"],
        }
        for shape in region_shapes()
    ]
    return {"type": "FeatureCollection", "features": features,
            "max_count": max(counts.values(), default=0), "total": sum(counts.values()),
            "classes": [{"low": c.low, "high": c.high, "colour": c.colour} for c in classes],
            "palette": list(mapdata.PALETTE), "borders": layers["borders"],
            "countries": [{"code": code, "point": point} for code, point in sorted(layers["countries"].items())]}


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    country: str
    count: int


def region_table(query: CatalogueQuery) -> list[RegionRow]:
    """The map's table alternative: every region with its count under ``query``, busiest first."""
    counts = filters.region_counts(query)
    countries = dict(COUNTRIES)
    rows = [RegionRow(s["code"], s["name"], str(countries.get(s["country"], s["country"])),
                      counts.get(s["code"], 0)) for s in region_shapes()]
    return sorted(rows, key=lambda r: (-r.count, r.code))


POPUP_SUMMARY_CHARS = 180


def initiative_points(query: CatalogueQuery, *, cap: int = POINTS_CAP) -> dict[str, Any]:
    """Initiatives with a point, as a GeoJSON FeatureCollection (at most ``cap`` features)."""
    qs = (filters.apply(query).filter(latitude__isnull=False, longitude__isnull=False)
          .only("pk", "title", "summary", "stage", "original_language", "translations", "latitude", "longitude"))
    rows = list(qs[: cap + 1])
    # The popup names the lead organisation: one query for all the points shown.
    leads: dict[int, str] = {}
    for initiative_id, name in (InitiativeOrganisation.objects
                                .filter(initiative_id__in=[i.pk for i in rows[:cap]],
                                        role=InitiativeOrganisation.Role.LEAD)
                                .order_by("organisation__name").values_list("initiative_id", "organisation__name")):
        leads.setdefault(initiative_id, name)
    url = reverse("observatory:initiative_detail", kwargs={"initiative_id": 987654321})
    features = []
    for initiative in rows[:cap]:
        title = initiative.translated("title")
        summary = initiative.translated("summary")
        features.append({
            "type": "Feature",
            "id": initiative.pk,
            "properties": {"title": title.text, "lang": title.language,
                           "summary": Truncator(summary.text).chars(POPUP_SUMMARY_CHARS),
                           "summary_lang": summary.language,
                           "stage": str(initiative.get_stage_display()) if initiative.stage else "",
                           "organisation": leads.get(initiative.pk, ""),
                           "url": url.replace("987654321", str(initiative.pk))},
            "geometry": {"type": "Point", "coordinates": [initiative.longitude, initiative.latitude]},
        })
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > cap}
