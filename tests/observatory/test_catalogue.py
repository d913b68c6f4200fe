"""The public catalogue: multilingual search, disjunctive facets against an independent count,
combined filters, the page itself (active filters, pagination, empty state) and its query count."""

from __future__ import annotations

from datetime import date
from itertools import cycle

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from asis.accounts.models import Organisation
from asis.observatory import filters
from asis.observatory.filters import CatalogueQuery
from asis.observatory.models import Axis, Challenge, InitiativeOrganisation
from tests.factories import OrganisationFactory
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db


def _url(**params):
    from urllib.parse import urlencode

    with translation.override("en"):
        base = reverse("observatory:catalogue")
    return base + ("?" + urlencode(params, doseq=True) if params else "")


@pytest.fixture
def taxonomy():
    challenges = [Challenge.objects.create(code=f"t-ch-{i}", name=f"Test challenge {i}", sdgs=[i + 1], position=900 + i)
                  for i in range(3)]
    axes = [Axis.objects.create(code=f"t-ax-{i}", name=f"Test axis {i}", position=900 + i) for i in range(2)]
    return challenges, axes


@pytest.fixture
def orgs():
    return [
        OrganisationFactory(name="Alpha municipality", type=Organisation.Type.PUBLIC_AUTHORITY, code="AT33"),
        OrganisationFactory(name="Beta cooperative", type=Organisation.Type.SOCIAL_ENTERPRISE, code="ITC2"),
        OrganisationFactory(name="Gamma university", type=Organisation.Type.UNIVERSITY, code="FRK2"),
    ]


@pytest.fixture
def dataset(taxonomy, orgs):
    """Eighteen initiatives spread over regions, challenges, axes, stages, lead types and years,
    each described by a plain dict for the independent count."""
    challenges, axes = taxonomy
    region_sets = cycle([("AT33",), ("ITC2",), ("FRK2", "ITC2"), ("DE21",), ("AT33", "DE21"), ("SI04",)])
    stages = cycle(["idea", "pilot", "implementation", "pilot", "scaling"])
    rows = []
    for i in range(18):
        regions = next(region_sets)
        chosen_ch = [challenges[i % 3]] + ([challenges[(i + 1) % 3]] if i % 4 == 0 else [])
        chosen_ax = [axes[i % 2]] if i % 3 else []
        lead = orgs[i % 3]
        partners = [orgs[(i + 1) % 3]] if i % 5 == 0 else []
        stage = next(stages)
        start = date(2018 + i % 4, 3, 1) if i % 6 else None
        initiative = publish(title=f"Initiative {i:02d}", regions=regions, lead=lead, partners=partners,
                             challenges=chosen_ch, axes=chosen_ax, stage=stage, start=start)
        from asis.regions.models import Region

        rows.append({
            "pk": initiative.pk,
            "region": set(regions),
            "country": {Region.objects.get(code=c).country for c in regions},
            "challenge": {c.code for c in chosen_ch},
            "axis": {a.code for a in chosen_ax},
            "stage": {stage},
            "org_type": {lead.type, *(p.type for p in partners)},
            "year": {str(start.year)} if start else set(),
        })
    publish(title="Hidden draft", regions=("AT33",), lead=orgs[0], challenges=[challenges[0]], status="submitted")
    return rows


def _independent_matches(row, query: CatalogueQuery, skip: str | None = None) -> bool:
    for facet in filters.FACETS:
        chosen = set(getattr(query, facet))
        if facet != skip and chosen and not (row[facet] & chosen):
            return False
    return True


def _independent_facets(rows, query: CatalogueQuery) -> dict[str, dict[str, int]]:
    result = {}
    for facet in filters.FACETS:
        counts: dict[str, int] = {}
        for row in rows:
            if _independent_matches(row, query, skip=facet):
                for value in row[facet]:
                    counts[value] = counts.get(value, 0) + 1
        result[facet] = counts
    return result


@pytest.mark.parametrize("params", [
    {},
    {"challenge": ["t-ch-0"]},
    {"challenge": ["t-ch-0", "t-ch-2"], "stage": ["pilot"]},
    {"country": ["IT"], "axis": ["t-ax-1"]},
    {"region": ["AT33", "DE21"], "org_type": ["university"], "year": ["2019", "2020"]},
    {"stage": ["idea", "scaling"], "country": ["AT", "FR"], "challenge": ["t-ch-1"]},
])
def test_facet_counts_match_an_independent_count(dataset, params):
    query = CatalogueQuery.from_params(params)
    facets = filters.facets(query)
    expected = _independent_facets(dataset, query)
    for facet in filters.FACETS:
        got = {k: v for k, v in facets[facet].items() if not (facet in ("challenge", "axis") and not k.startswith("t-"))}
        assert got == expected[facet], facet
    matching = sorted(r["pk"] for r in dataset if _independent_matches(r, query))
    assert sorted(filters.apply(query).values_list("pk", flat=True)) == matching


def test_filters_combine_within_and_across_facets(dataset):
    one = set(filters.apply(CatalogueQuery.from_params({"challenge": ["t-ch-0"]})).values_list("pk", flat=True))
    two = set(filters.apply(CatalogueQuery.from_params({"challenge": ["t-ch-1"]})).values_list("pk", flat=True))
    either = set(filters.apply(CatalogueQuery.from_params({"challenge": ["t-ch-0", "t-ch-1"]}))
                 .values_list("pk", flat=True))
    assert either == one | two  # several values of one facet: any of them
    italy = set(filters.apply(CatalogueQuery.from_params({"country": ["IT"]})).values_list("pk", flat=True))
    both = set(filters.apply(CatalogueQuery.from_params({"challenge": ["t-ch-0"], "country": ["IT"]}))
               .values_list("pk", flat=True))
    assert both == one & italy and both  # different facets: all of them


@pytest.fixture
def multilingual(orgs):
    de = publish(title="Care at home", summary="Older people stay at home.", lead=orgs[0],
                 translations={"de": {"title": "Pflege daheim", "summary": "Nachbarschaftshilfe für ältere Menschen."}})
    fr = publish(title="Shared gardens", summary="Gardens in the city.", lead=orgs[2], regions=("FRK2",),
                 translations={"fr": {"summary": "Des potagers partagés entre voisins."}})
    it = publish(title="Orti condivisi", summary="Giardini comunitari per le famiglie.", language="it",
                 lead=orgs[1], regions=("ITC2",))
    publish(title="Unrelated", summary="Nothing to see.", lead=orgs[0])
    return {"de": de, "fr": fr, "it": it}


@pytest.mark.parametrize(("text", "key"), [
    ("Nachbarschaftshilfe", "de"),  # German only in the German translation
    ("potagers", "fr"),             # French only in the French translation
    ("comunitari", "it"),           # the Italian original
    ("gardens", "fr"),              # English original
    ("Pflege", "de"),
])
def test_search_finds_translated_text(multilingual, client, text, key):
    found = list(filters.apply(CatalogueQuery.from_params({"q": text})).values_list("pk", flat=True))
    assert found == [multilingual[key].pk]
    response = client.get(_url(q=text))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def test_search_without_match_shows_the_empty_state(multilingual, client):
    response = client.get(_url(q="xylophone"))
    assert "No initiative matches your search." in response.content.decode()


def test_fallback_title_carries_its_language(multilingual, client):
    response = client.get("/de/observatory/?q=gardens")
    html = response.content.decode()
    assert 'lang="en">Shared <mark>gardens</mark></a>' in html  # the searched word is marked
    response = client.get("/de/observatory/?q=Pflege")
    html = response.content.decode()
    assert "><mark>Pflege</mark> daheim</a>" in html and 'lang="en"><mark>Pflege' not in html


def test_page_shows_facets_active_filters_and_keeps_filters_in_page_links(dataset, client):
    response = client.get(_url(challenge="t-ch-0", stage="pilot", page_size=2, sort="title"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="challenge" value="t-ch-0" id="f-challenge-' in html
    assert "checked" in html
    # remove links: each drops exactly its own filter and keeps the rest
    active = {f.key: qs for f, qs in response.context["active"]}
    assert "challenge=" not in active["challenge"] and "stage=pilot" in active["challenge"]
    assert "sort=title" in active["challenge"]
    page = response.context["page"]
    assert page.paginator.num_pages > 1
    assert "challenge=t-ch-0&amp;stage=pilot&amp;sort=title&amp;page_size=2&amp;page=2" in html
    titles = [i.title for i in page.object_list]
    assert titles == sorted(titles)
    # every result row names its regions, stage and lead organisation
    first = page.object_list[0]
    assert first.lead_links and first.lead_links[0].organisation.name in html


def test_unpublished_initiatives_are_invisible(dataset, client):
    response = client.get(_url(q="Hidden"))
    assert response.context["page"].paginator.count == 0
    assert "Hidden draft" not in client.get(_url()).content.decode()


def test_facet_groups_offer_zero_count_values_only_when_checked(dataset):
    from asis.observatory.selectors import facet_groups, facet_labels

    query = CatalogueQuery.from_params({"country": ["LI"]})
    groups = {g.key: g for g in facet_groups(query, filters.facets(query), facet_labels(),
                                             {k: k for k in filters.FACETS})}
    countries = {o.value: o for o in groups["country"].options}
    assert countries["LI"].checked and countries["LI"].count == 0
    assert "CH" not in countries


def _queries(client, url, *, cold=True):
    if cold:  # measure the uncached path (no cached counts, index rebuilt); caching is tested separately
        cache.clear()
        from asis.observatory.facet_index import forget

        forget()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_depend_on_page_size(taxonomy, orgs, client):
    challenges, axes = taxonomy
    for i in range(55):
        publish(title=f"Bulk {i:02d}", regions=("AT33", "ITC2") if i % 2 else ("FRK2",), lead=orgs[i % 3],
                partners=[orgs[(i + 1) % 3]], challenges=challenges[: 1 + i % 3], axes=axes,
                start=date(2020, 1, 1))
    small = _queries(client, _url(page_size=5))
    large = _queries(client, _url(page_size=50))
    assert small == large
    assert _queries(client, _url(page_size=5, challenge="t-ch-0", q="Bulk")) == \
        _queries(client, _url(page_size=50, challenge="t-ch-0", q="Bulk"))


def test_counts_are_cached_until_the_catalogue_changes(taxonomy, orgs, client):
    challenges, axes = taxonomy
    publish(title="Cached one", regions=("AT33",), lead=orgs[0], challenges=challenges[:1], axes=axes,
            start=date(2020, 1, 1))
    cold = _queries(client, _url(challenge="t-ch-0"))
    warm = _queries(client, _url(challenge="t-ch-0"), cold=False)
    assert warm < cold
    publish(title="Cached two", regions=("AT33",), lead=orgs[0], challenges=challenges[:1], axes=axes,
            start=date(2020, 1, 1))
    response = client.get(_url(challenge="t-ch-0"))
    assert response.context["page"].paginator.count == 2  # the write invalidated the cached count


def test_organisation_filter_is_named_and_kept_by_the_form(dataset, orgs, client):
    response = client.get(_url(organisation=orgs[2].pk))
    html = response.content.decode()
    linked = set(InitiativeOrganisation.objects.filter(organisation=orgs[2]).values_list("initiative_id", flat=True))
    expected = sorted(r["pk"] for r in dataset if r["pk"] in linked)
    assert expected
    assert sorted(i.pk for i in response.context["page"].object_list) == expected
    assert "Organisation: Gamma university" in html
    assert f'<input type="hidden" name="organisation" value="{orgs[2].pk}">' in html


@pytest.mark.parametrize(("sort", "expected"), [
    ("reach", ["Many", "Few", "Unknown"]),
    ("start", ["Late", "Early", "Undated"]),
])
def test_sorts_put_empty_values_last(orgs, sort, expected):
    if sort == "reach":
        publish(title="Unknown", lead=orgs[0])
        publish(title="Few", lead=orgs[0], people_reached=10)
        publish(title="Many", lead=orgs[0], people_reached=500)
    else:
        publish(title="Undated", lead=orgs[0])
        publish(title="Early", lead=orgs[0], start=date(2001, 1, 1))
        publish(title="Late", lead=orgs[0], start=date(2024, 1, 1))
    query = CatalogueQuery.from_params({"sort": sort})
    assert list(filters.apply(query).values_list("title", flat=True)) == expected


@pytest.mark.parametrize("params", ["year=²²²²", "organisation=¹", "organisation=9999999999999999999999", "page=x",
                                    "page_size=-5", "sort=evil", "q=%00%ff", "region=" + "A" * 500])
def test_odd_parameters_never_crash(db, client, params):
    assert client.get(f"/en/observatory/?{params}").status_code == 200
