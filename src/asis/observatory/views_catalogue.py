"""Public observatory pages: the catalogue, initiative, organisation and region pages, the map."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from asis.accounts.models import Organisation
from asis.core import charts
from asis.observatory import filters, mapdata, search, selectors
from asis.observatory.filters import CatalogueQuery
from asis.observatory.models import Initiative
from asis.regions.loader import ATTRIBUTION as BOUNDARIES_ATTRIBUTION
from asis.regions.models import COUNTRIES

FACET_LEGENDS = {
    "q": gettext_lazy("Search"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "challenge": gettext_lazy("Societal challenge"),
    "axis": gettext_lazy("Intervention axis"),
    "stage": gettext_lazy("Stage"),
    "org_type": gettext_lazy("Organisation type"),
    "year": gettext_lazy("Start year"),
    "organisation": gettext_lazy("Organisation"),
}
SORT_LABELS = {
    "relevance": gettext_lazy("Best match"),
    "newest": gettext_lazy("Newest first"),
    "oldest": gettext_lazy("Oldest first"),
    "title": gettext_lazy("Title (A–Z)"),
    "start": gettext_lazy("Latest start date"),
    "reach": gettext_lazy("Most people reached"),
}
LICENCES = {
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
}
PAGE_SIZES = (20, 50, 100)


def _querystring(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...], **extra: Any) -> str:
    items = list(pairs) + [(k, str(v)) for k, v in extra.items() if v not in (None, "")]
    return urlencode(items)


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    query = CatalogueQuery.from_params(request.GET)
    page = selectors.paginate_ids(filters.ordered_ids(query), page=query.page, page_size=query.page_size)
    labels = selectors.facet_labels(query)
    legends = {key: str(label) for key, label in FACET_LEGENDS.items()}
    params = query.to_params()
    size = query.page_size if query.page_size != 20 else None
    return render(request, "observatory/catalogue.html", {
        "query": query,
        "page": page,
        "page_numbers": selectors.page_numbers(page),
        "groups": selectors.facet_groups(query, filters.facets(query), labels, legends),
        "active": [(f, _querystring(f.remove_params, page_size=size)) for f in
                   selectors.active_filters(query, labels, legends)],
        "sorts": [(k, v) for k, v in SORT_LABELS.items() if k != "relevance" or query.q],
        "page_sizes": PAGE_SIZES,
        "querystring": _querystring(params, page_size=size),
        "filters_querystring": _querystring([p for p in params if p[0] != "sort"]),
        **_search_notes(query, page.paginator.count, params),
    })


def _search_notes(query: CatalogueQuery, count: int, params: list[tuple[str, str]]) -> dict[str, Any]:
    """What the words found: the words to mark in results, the query searched instead when the
    typed words found nothing ("Showing results for"), or a "did you mean" for few results."""
    if not query.q:
        return {"highlight_terms": (), "corrected": "", "suggestion": "", "suggestion_querystring": ""}
    corrected = filters.correction(query)
    suggestion = filters.suggestion(query) if count < search.FEW_RESULTS and not corrected else ""
    others = [p for p in params if p[0] not in ("q", "sort")]
    return {
        "highlight_terms": filters.highlight_terms(query),
        "corrected": corrected,
        "suggestion": suggestion,
        "suggestion_querystring": _querystring([("q", suggestion), *others]) if suggestion else "",
    }


@require_GET
def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.initiative_access(user=request.user, initiative_id=initiative_id)
    if initiative is None:
        raise Http404("No such initiative")
    texts = {field: initiative.translated(field) for field in Initiative.TRANSLATABLE_FIELDS}
    pillars = [
        (_("A new answer to a need"), texts["pillar_need"]),
        (_("Built together"), texts["pillar_collaboration"]),
        (_("A lasting, measurable impact"), texts["pillar_impact"]),
    ]
    licence = LICENCES.get(initiative.licence, (initiative.licence, ""))
    return _allow_tiles(render(request, "observatory/initiative_detail.html", {
        **_map_settings(),
        "initiative": initiative,
        "t": texts,
        "pillars": pillars,
        "organisations_by_role": selectors.organisations_by_role(initiative),
        "links": selectors.initiative_links(initiative.links),
        "licence_name": licence[0],
        "licence_url": licence[1],
        "is_published": initiative.status == Initiative.Status.PUBLISHED,
        "can_edit": request.user.is_authenticated and (
            request.user.can_moderate or initiative.submitted_by_id == request.user.pk),
    }))


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    flt = selectors.OrganisationFilters.from_params(request.GET)
    page = selectors.paginate(selectors.organisation_directory(flt), page=request.GET.get("page"), page_size=25)
    return render(request, "observatory/organisation_list.html", {
        "filters": flt,
        "page": page,
        "page_numbers": selectors.page_numbers(page),
        "querystring": _querystring(flt.to_params()),
        "countries": COUNTRIES,
        "types": Organisation.Type.choices,
        "region_groups": selectors.region_choices(),
    })


@require_GET
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.organisation_public_get(organisation_id=organisation_id)
    if organisation is None:
        raise Http404("No such organisation")
    return render(request, "observatory/organisation_detail.html", {
        "organisation": organisation,
        "description": organisation.translated("description"),
        "website": selectors.safe_url(organisation.website),
        "initiatives": selectors.organisation_initiatives(organisation),
    })


@require_GET
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(code)
    if region is None:
        raise Http404("No such region")
    profile = selectors.region_profile(region)
    return render(request, "observatory/region_detail.html", {
        "region": region,
        "profile": profile,
        "challenge_chart": charts.bar_chart(profile.challenge_mix),
        "year_chart": charts.column_chart([(str(y), n) for y, n in profile.years]),
        "region_params": _querystring([("region", region.code)]),
    })


def tiles_origin(url: str) -> str:
    """The CSP source of a Leaflet tile URL template; ``{s}`` subdomains become a wildcard."""
    parts = urlsplit(url.replace("{s}.", "x-subdomain."))
    if parts.scheme not in {"http", "https"} or not parts.netloc or "{" in parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".replace("x-subdomain.", "*.")


def map_legend(classes: list[mapdata.ColourClass]) -> list[dict[str, Any]]:
    """The colour scale's classes with their bounds as the reader writes numbers."""
    legend = [{"colour": 0, "fill": mapdata.PALETTE[0], "label": _("none")}]
    for cls in classes:
        low, high = number_format(cls.low, force_grouping=True), number_format(cls.high, force_grouping=True)
        label = low if cls.low == cls.high else _("%(low)s–%(high)s") % {"low": low, "high": high}
        legend.append({"colour": cls.colour, "fill": cls.fill, "label": label})
    return legend


@require_GET
def map_view(request: HttpRequest) -> HttpResponse:
    query = CatalogueQuery.from_params(request.GET)
    labels = selectors.facet_labels(query)
    legends = {key: str(label) for key, label in FACET_LEGENDS.items()}
    rows = selectors.region_table(query)
    params = query.to_params()
    return _allow_tiles(render(request, "observatory/map.html", {
        **_map_settings(),
        "query": query,
        "rows": rows,
        "legend": map_legend(mapdata.class_breaks(r.count for r in rows)),
        "total": filters.apply(query).count(),
        "active": [(f, _querystring(f.remove_params)) for f in selectors.active_filters(query, labels, legends)],
        "querystring": _querystring(params),
    }))


def _map_settings() -> dict[str, str]:
    return {"tiles_url": settings.ASIS_MAP_TILES_URL or "",
            "tiles_attribution": settings.ASIS_MAP_TILES_ATTRIBUTION or "",
            "boundaries_attribution": BOUNDARIES_ATTRIBUTION}


def _allow_tiles(response: HttpResponse) -> HttpResponse:
    origin = tiles_origin(settings.ASIS_MAP_TILES_URL or "")
    if origin:  # the tile server is the one image source outside the site
        response._csp_update = {"img-src": [origin]}  # type: ignore[attr-defined]
    return response


@require_GET
def map_regions(request: HttpRequest) -> JsonResponse:
    data = selectors.regions_geojson(CatalogueQuery.from_params(request.GET))
    for feature in data["features"]:  # the texts the map shows and reads out, in the page's language
        props = feature["properties"]
        props["label"] = ngettext("%(name)s (%(code)s): %(count)s initiative",
                                  "%(name)s (%(code)s): %(count)s initiatives", props["count"]) % props
        props["action_label"] = _("%(label)s. Open the profile of the region.") % props
    data["legend"] = map_legend([mapdata.ColourClass(**c) for c in data["classes"]])
    names = dict(COUNTRIES)
    for country in data["countries"]:
        country["name"] = str(names.get(country["code"], country["code"]))
    return JsonResponse(data, content_type="application/geo+json")


@require_GET
def map_points(request: HttpRequest) -> JsonResponse:
    data = selectors.initiative_points(CatalogueQuery.from_params(request.GET))
    return JsonResponse(data, content_type="application/geo+json")
