"""Catalogue filters shared by the web catalogue, the map, the API and the exports.

``CatalogueQuery.from_params`` parses URL parameters (repeated keys for several values, so URLs
are shareable); ``apply`` narrows a queryset; ``facets`` counts each facet's values under all the
*other* filters (disjunctive facets), one grouped query per facet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import ExtractYear

from asis.observatory import search
from asis.observatory.models import Initiative, InitiativeOrganisation
from asis.observatory.search import filter_by_text

# Empty values sort last on every database (PostgreSQL puts NULLs first in descending order).
# "relevance" (the default when there are words to search for) orders by search.relevance, newest
# first among equals; where only a queryset can be ordered (API, exports) it falls back to newest.
SORTS = {
    "relevance": (F("published_at").desc(nulls_last=True), "-pk"),
    "newest": (F("published_at").desc(nulls_last=True), "-pk"),
    "oldest": (F("published_at").asc(nulls_last=True), "pk"),
    "title": ("title", "pk"),
    "start": (F("start_date").desc(nulls_last=True), "-pk"),
    "reach": (F("people_reached").desc(nulls_last=True), "-pk"),
}
FACETS = ("country", "region", "challenge", "axis", "stage", "org_type", "year")
MAX_PAGE_SIZE = 100


def _many(params: Mapping[str, Any], key: str) -> tuple[str, ...]:
    getlist = getattr(params, "getlist", None)
    values = getlist(key) if getlist else ([params[key]] if key in params else [])
    flat: list[str] = []
    for value in values:
        if isinstance(value, list | tuple):
            flat.extend(str(v) for v in value)
        else:
            flat.extend(v for v in str(value).split(",") if v)
    return tuple(dict.fromkeys(v.strip() for v in flat if v.strip()))


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


@dataclass(frozen=True)
class CatalogueQuery:
    q: str = ""
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    challenge: tuple[str, ...] = ()
    axis: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    org_type: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    sort: str = "newest"
    page: int = 1
    page_size: int = 20
    errors: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CatalogueQuery:
        q = str(params.get("q") or "")[:200].strip()
        sort = str(params.get("sort") or "")
        if sort not in SORTS or (sort == "relevance" and not q):
            sort = "relevance" if q else "newest"
        years = tuple(y for y in _many(params, "year") if y.isascii() and y.isdigit() and len(y) == 4)
        return cls(
            q=q,
            country=tuple(c.upper() for c in _many(params, "country"))[:10],
            region=tuple(c.upper() for c in _many(params, "region"))[:50],
            challenge=_many(params, "challenge")[:30],
            axis=_many(params, "axis")[:30],
            stage=_many(params, "stage")[:10],
            org_type=_many(params, "org_type")[:10],
            year=years[:30],
            organisation=tuple(o for o in _many(params, "organisation")
                               if o.isascii() and o.isdigit() and len(o) <= 12)[:20],
            sort=sort,
            page=_int(params.get("page"), 1, 1, 100_000),
            page_size=_int(params.get("page_size"), 20, 1, MAX_PAGE_SIZE),
        )

    def without(self, facet: str) -> CatalogueQuery:
        return replace(self, **{facet: ()})

    def to_params(self) -> list[tuple[str, str]]:
        """Back to URL parameters (for links that keep the current filters)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for key in (*FACETS, "organisation"):
            pairs.extend((key, value) for value in getattr(self, key))
        if self.sort != self.default_sort:
            pairs.append(("sort", self.sort))
        return pairs

    @property
    def default_sort(self) -> str:
        return "relevance" if self.q else "newest"

    @property
    def facet_filters(self) -> int:
        """Number of chosen facet values (the "Filters (3)" button)."""
        return sum(len(getattr(self, key)) for key in (*FACETS, "organisation"))

    @property
    def active_filters(self) -> int:
        return sum(len(getattr(self, key)) for key in (*FACETS, "organisation")) + (1 if self.q else 0)


def published() -> QuerySet[Initiative]:
    return Initiative.objects.filter(status=Initiative.Status.PUBLISHED)


def _exists(model: Any, **conditions: Any) -> Exists:
    return Exists(model.objects.filter(initiative_id=OuterRef("pk"), **conditions))


def apply(query: CatalogueQuery, queryset: QuerySet[Initiative] | None = None) -> QuerySet[Initiative]:
    """Initiatives matching ``query``. Many-valued relations are tested with EXISTS, so rows are
    never multiplied and no DISTINCT or nested IN is needed (planners handle this shape well)."""
    qs = published() if queryset is None else queryset
    regions = Initiative.regions.through
    if query.country:
        qs = qs.filter(_exists(regions, region__country__in=query.country))
    if query.region:
        qs = qs.filter(_exists(regions, region__code__in=query.region))
    if query.challenge:
        qs = qs.filter(_exists(Initiative.challenges.through, challenge__code__in=query.challenge))
    if query.axis:
        qs = qs.filter(_exists(Initiative.axes.through, axis__code__in=query.axis))
    if query.stage:
        qs = qs.filter(stage__in=query.stage)
    if query.org_type:
        qs = qs.filter(_exists(InitiativeOrganisation, organisation__type__in=query.org_type))
    if query.year:
        qs = qs.filter(start_date__year__in=[int(y) for y in query.year])
    if query.organisation:
        qs = qs.filter(_exists(InitiativeOrganisation, organisation_id__in=[int(o) for o in query.organisation]))
    if query.q:
        qs = filter_by_text(qs, query.q)
    return qs.order_by(*SORTS[query.sort])


_FACET_FIELDS = {
    "country": "regions__country",
    "region": "regions__code",
    "challenge": "challenges__code",
    "axis": "axes__code",
    "stage": "stage",
    "org_type": "organisation_links__organisation__type",
}


def facet_counts(query: CatalogueQuery, facet: str) -> dict[str, int]:
    """Number of initiatives per value of ``facet`` under every filter except the facet's own."""
    index = _index()
    if index is not None:
        return index.facet_counts(index.masks(query), facet)
    return sql_facet_counts(query, facet)


def sql_facet_counts(query: CatalogueQuery, facet: str) -> dict[str, int]:
    """The same counts computed by the database (the reference for the in-memory index)."""
    base = apply(query.without(facet)).order_by()
    if facet == "year":
        rows = (base.filter(start_date__isnull=False).annotate(value=ExtractYear("start_date"))
                .values("value").annotate(n=Count("pk", distinct=True)))
        return {str(r["value"]): r["n"] for r in rows}
    path = _FACET_FIELDS[facet]
    rows = base.values(path).annotate(n=Count("pk", distinct=True)).order_by()
    return {str(r[path]): r["n"] for r in rows if r[path] is not None}


def facets(query: CatalogueQuery) -> dict[str, dict[str, int]]:
    return _cached("facets", query, lambda: _facets(query))


def _facets(query: CatalogueQuery) -> dict[str, dict[str, int]]:
    index = _index()
    if index is None:
        return {facet: sql_facet_counts(query, facet) for facet in FACETS}
    masks = index.masks(query)  # the text search runs once for all facets
    return {facet: index.facet_counts(masks, facet) for facet in FACETS}


def result_count(query: CatalogueQuery) -> int:
    """Number of results of ``query`` (cached like the facets)."""
    return _cached("count", query, lambda: _count(query))


def _count(query: CatalogueQuery) -> int:
    index = _index()
    return index.count(index.masks(query)) if index is not None else apply(query).count()


def ordered_ids(query: CatalogueQuery) -> list[int]:
    """Ids of all results in the catalogue's order (from the in-memory index when enabled)."""
    index = _index()
    if index is None:
        ids = list(apply(query).values_list("pk", flat=True))
    else:
        ids = index.ordered_ids(index.masks(query), "newest" if query.sort == "relevance" else query.sort).tolist()
    if query.sort == "relevance" and query.q:
        scores = relevance(query)
        ids.sort(key=lambda pk: -scores.get(pk, 0.0))  # stable: newest first among equal scores
    return ids


def relevance(query: CatalogueQuery) -> dict[int, float]:
    """Relevance score per matching initiative for the query's words (cached like the facets)."""
    return _cached("relevance", CatalogueQuery(q=query.q), lambda: search.relevance(query.q))


def correction(query: CatalogueQuery) -> str:
    """The query searched instead when the typed words matched nothing ("" when none)."""
    return _cached("correction", CatalogueQuery(q=query.q), lambda: _correction(query.q)) if query.q else ""


def _correction(text: str) -> str:
    found = search.plan(text)
    return found.corrected if found is not None else ""


def highlight_terms(query: CatalogueQuery) -> tuple[str, ...]:
    return _cached("terms", CatalogueQuery(q=query.q), lambda: search.highlight_terms(query.q)) if query.q else ()


def suggestion(query: CatalogueQuery) -> str:
    """A "did you mean" query for few results ("" when none)."""
    return _cached("suggestion", CatalogueQuery(q=query.q), lambda: search.suggestion(query.q)) if query.q else ""


_PINNED: ContextVar[Any] = ContextVar("catalogue_index", default=None)


def _index() -> Any:
    pinned = _PINNED.get()
    if pinned is not None:  # inside ``_cached``: the index its key names
        return pinned
    from django.conf import settings

    if not getattr(settings, "ASIS_FACET_INDEX", True):
        return None
    from asis.observatory.facet_index import get_index

    return get_index()


# --- caching -------------------------------------------------------------------------------------
# Counts are cached per filter combination under a catalogue version that every write bumps
# (search.index_initiatives and the status service call ``catalogue_changed``). With Redis as the
# cache the version is shared by all processes; with the per-process local-memory cache another
# process may show counts up to CACHE_SECONDS old.
CACHE_SECONDS = 60
_VERSION_KEY = "observatory:catalogue-version"


def catalogue_version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(_VERSION_KEY, version, None)
    return int(version)


def catalogue_changed() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, None)


def _cached(kind: str, query: CatalogueQuery, compute: Any) -> Any:
    params = [p for p in query.to_params() if p[0] != "sort"]
    digest = hashlib.sha1(repr(sorted(params)).encode("utf-8"), usedforsecurity=False).hexdigest()
    # The index's own version too: a process whose index is still catching up (in the background)
    # must not store its older counts under the newer catalogue version.
    index = _index()
    key = f"observatory:{kind}:{catalogue_version()}:{index.version if index is not None else 0}:{digest}"
    value = cache.get(key)
    if value is None:
        token = _PINNED.set(index)
        try:
            value = compute()
        finally:
            _PINNED.reset(token)
        cache.set(key, value, CACHE_SECONDS)
    return value


def region_counts(query: CatalogueQuery) -> dict[str, int]:
    """Initiatives per NUTS-2 region under the current filters (for the choropleth)."""
    return _cached("regions", query, lambda: _region_counts(query))


def _region_counts(query: CatalogueQuery) -> dict[str, int]:
    return facet_counts(replace(query, region=()), "region") if not query.region else {
        code: n for code, n in facet_counts(replace(query, region=()), "region").items() if code in query.region
    }
