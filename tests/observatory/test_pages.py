"""Initiative, organisation and region pages, and the SVG charts."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from asis.accounts.models import Organisation
from asis.core import charts
from asis.observatory.models import Axis, Challenge, InitiativeImage
from asis.observatory.selectors import fill_years, initiative_links, page_numbers
from tests.conftest import make_user
from tests.factories import OrganisationFactory
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"observatory:{name}", kwargs=kwargs)


def _png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "#0b5a7a").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _rich(n: int):
    """An initiative with ``n`` of each related object."""
    orgs = [OrganisationFactory(name=f"Org {n}-{i}") for i in range(n)]
    challenges = [Challenge.objects.create(code=f"p-ch-{n}-{i}", name=f"Challenge {n}-{i}", sdgs=[1, 5])
                  for i in range(n)]
    axes = [Axis.objects.create(code=f"p-ax-{n}-{i}", name=f"Axis {n}-{i}", sdgs=[10]) for i in range(n)]
    regions = ["AT33", "ITC2", "FRK2", "DE21", "SI04"][:n]
    initiative = publish(title=f"Rich {n}", lead=orgs[0], partners=orgs[1:], regions=regions,
                         challenges=challenges, axes=axes,
                         links=[{"url": f"https://example.org/{i}", "label": f"Site {i}"} for i in range(n)])
    for i in range(n):
        InitiativeImage.objects.create(initiative=initiative, image=_png(), alt_text=f"Picture {i} of the garden")
    return initiative


def test_initiative_page_shows_everything(client):
    funder = OrganisationFactory(name="Fondazione Prova", type=Organisation.Type.OTHER, code="ITC1")
    lead = OrganisationFactory(name="Comune di Prova", code="ITC1")
    challenge = Challenge.objects.create(code="p-ageing", name="Ageing society", sdgs=[3, 10])
    initiative = publish(
        title="Care at home", summary="Neighbours care.", lead=lead, regions=("ITC1", "ITC2"),
        challenges=[challenge], start=date(2021, 5, 1), end_date=date(2023, 4, 30), people_reached=1200,
        pillar_need="Older people live alone.", pillar_collaboration="Families design the service.",
        pillar_impact="Fewer hospital stays.", results="Forty volunteers.",
        links=[{"url": "https://example.org/care", "label": "Project site"}, "javascript:alert(1)"],
        translations={"de": {"title": "Pflege daheim"}},
    )
    from asis.observatory.models import InitiativeOrganisation

    InitiativeOrganisation.objects.create(initiative=initiative, organisation=funder, role="funder")
    InitiativeImage.objects.create(initiative=initiative, image=_png(), alt_text="Volunteers in a kitchen",
                                   credit="Comune di Prova")
    html = client.get(url("initiative_detail", initiative_id=initiative.pk)).content.decode()
    for text in ["Care at home", "Older people live alone.", "Families design the service.",
                 "Fewer hospital stays.", "Forty volunteers.", "Comune di Prova", "Fondazione Prova",
                 "Ageing society", "SDG 3", "SDG 10", "Project site", 'alt="Volunteers in a kitchen"',
                 "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", "1,200"]:
        assert text in html, text
    assert "javascript:" not in html
    assert html.index(">Lead<") < html.index(">Funder<")
    assert url("region_detail", code="ITC1") in html
    assert url("organisation_detail", organisation_id=lead.pk) in html

    german = client.get(f"/de/observatory/initiatives/{initiative.pk}/").content.decode()
    assert ">Pflege daheim</h1>" in german
    assert 'lang="en">Neighbours care.' in german  # summary not translated: original, marked
    assert "translation-note" in german


def test_outdated_translation_is_marked(client):
    initiative = publish(title="Care at home", translations={"fr": {"title": "Soins à domicile"}})
    from asis.observatory.services import initiative_save

    initiative.title = "Care at home, renewed"
    initiative_save(actor=None, initiative=initiative)
    html = client.get(f"/fr/observatory/initiatives/{initiative.pk}/").content.decode()
    assert "Soins à domicile" in html
    with translation.override("fr"):
        from django.utils.translation import gettext

        outdated = gettext("The original text has changed since this translation was made; "
                           "the translation may be out of date.")
    assert html.count(outdated) == 1  # the title; the summary is a fallback, not outdated


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_initiative_page_query_count_is_constant(client):
    small, large = _rich(1), _rich(5)
    assert _count(client, url("initiative_detail", initiative_id=small.pk)) == \
        _count(client, url("initiative_detail", initiative_id=large.pk))


def test_unpublished_initiative_is_only_visible_to_editors(client, world):
    draft = publish(title="Secret draft", status="submitted", lead=world.org)
    path = url("initiative_detail", initiative_id=draft.pk)
    assert client.get(path).status_code == 404
    for role in ("member", "manager"):
        assert world.client_for(role).get(path).status_code == 404
    editor = make_user("editor@example.org", is_editor=True)
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == 200 and "not public" in response.content.decode()
    assert world.client_for("platform_admin").get(path).status_code == 200


def test_organisation_directory_filters_and_searches(client):
    OrganisationFactory(name="Comune di Trento", code="ITH2", type=Organisation.Type.PUBLIC_AUTHORITY)
    OrganisationFactory(name="Coop Trentina", code="ITH2", type=Organisation.Type.SOCIAL_ENTERPRISE)
    OrganisationFactory(name="Land Salzburg", code="AT32", type=Organisation.Type.PUBLIC_AUTHORITY)
    OrganisationFactory(name="Pending Org", code="AT32", status=Organisation.Status.SUBMITTED)

    def names(**params):
        response = client.get(url("organisation_list"), params)
        assert response.status_code == 200
        return [o.name for o in response.context["page"].object_list]

    assert "Pending Org" not in names()
    assert names(country="IT") == ["Comune di Trento", "Coop Trentina"]
    assert names(country="IT", type="social_enterprise") == ["Coop Trentina"]
    assert names(region="AT32") == ["Land Salzburg"]
    assert names(q="TRENTINA") == ["Coop Trentina"]
    assert names(q="trent") == ["Comune di Trento", "Coop Trentina"]
    assert names(country="XX", type="bogus") == names()


def test_organisation_directory_paginates_with_filters(client):
    for i in range(30):
        OrganisationFactory(name=f"Verein {i:02d}", code="AT34")
    response = client.get(url("organisation_list"), {"region": "AT34", "page": 2})
    assert [o.name for o in response.context["page"].object_list] == [f"Verein {i:02d}" for i in range(25, 30)]
    assert "region=AT34&amp;page=1" in response.content.decode()


def test_organisation_page_lists_published_initiatives_only(client):
    org = OrganisationFactory(name="Verein Nachbarn", code="AT33", website="https://example.org",
                              description="A neighbourhood association.")
    publish(title="Public one", lead=org)
    publish(title="Draft one", lead=org, status="submitted")
    partner_of = publish(title="Partnered one", partners=[org])
    html = client.get(url("organisation_detail", organisation_id=org.pk)).content.decode()
    assert "Public one" in html and "Partnered one" in html and "Draft one" not in html
    assert "Partner" in html and "https://example.org" in html
    assert url("initiative_detail", initiative_id=partner_of.pk) in html
    hidden = OrganisationFactory(name="Not yet", status=Organisation.Status.SUBMITTED)
    assert client.get(url("organisation_detail", organisation_id=hidden.pk)).status_code == 404


def test_region_page_figures_and_accessible_charts(client):
    ageing = Challenge.objects.create(code="p-ageing", name="Ageing", position=1)
    housing = Challenge.objects.create(code="p-housing", name="Housing", position=2)
    org = OrganisationFactory(name="Tiroler Verein", code="AT33")
    publish(title="A", challenges=[ageing], start=date(2019, 1, 1), people_reached=100)
    publish(title="B", challenges=[ageing, housing], start=date(2021, 1, 1), people_reached=50)
    publish(title="C elsewhere", regions=("ITC2",), challenges=[housing], start=date(2015, 1, 1))
    publish(title="D draft", challenges=[housing], status="submitted")
    response = client.get(url("region_detail", code="at33"))  # the code is case-insensitive
    assert response.status_code == 200
    profile = response.context["profile"]
    assert profile.initiative_count == 2
    assert profile.people_reached == 150
    assert profile.challenge_mix == (("Ageing", 2), ("Housing", 1))
    assert profile.years == ((2019, 1), (2020, 0), (2021, 1))
    assert org in profile.organisations
    html = response.content.decode()
    assert html.count('role="img"') == 2
    for chart_id in ("chart-mix", "chart-years"):
        assert f'<title id="{chart_id}-title">' in html and f'<desc id="{chart_id}-desc">' in html
    assert html.count("<details class=\"chart-data\">") == 2
    assert re.search(r'<th scope="row">2020</th><td>0</td>', html)
    assert "style=" not in html.split("<main", 1)[1]


def test_region_page_unknown_code_is_404(client):
    assert client.get(url("region_detail", code="ZZ99")).status_code == 404


def test_empty_region_page_has_no_chart(client):
    html = client.get(url("region_detail", code="LI00")).content.decode()
    assert 'role="img"' not in html


@pytest.mark.parametrize(("value", "expected"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20),
                                                 (45, 50), (101, 200)])
def test_nice_max(value, expected):
    assert charts.nice_max(value) == expected


def test_bar_chart_geometry():
    chart = charts.bar_chart([("A", 4), ("B", 2), ("C", 0)], width=400, label_width=100)
    plot = 400 - 100 - 48
    assert [b.width for b in chart.bars] == [round(plot * 4 / 5, 1), round(plot * 2 / 5, 1), 0]
    assert chart.max_value == 5 and chart.ticks[-1].value == 5
    assert chart.bars[1].y > chart.bars[0].y


def test_column_chart_geometry_and_labels():
    items = [(str(2000 + i), i % 3) for i in range(40)]
    chart = charts.column_chart(items)
    assert all(b.y + b.height == pytest.approx(chart.axis_y, abs=0.2) for b in chart.bars)
    shown = [b for b in chart.bars if b.show_label]
    assert len(shown) <= 17 and chart.bars[-1].show_label
    assert charts.column_chart([]).is_empty


def test_fill_years_and_page_numbers():
    assert fill_years({}) == ()
    assert fill_years({2020: 2, 2022: 1}) == ((2020, 2), (2021, 0), (2022, 1))
    from django.core.paginator import Paginator

    page = Paginator(range(100), 5).get_page(10)
    assert page_numbers(page) == [1, None, 8, 9, 10, 11, 12, None, 20]


def test_initiative_links_keep_only_web_addresses():
    links = initiative_links(["https://a.example", {"url": "http://b.example", "title": "B"},
                              "javascript:alert(1)", {"url": "ftp://c.example"}, "/relative", 5])
    assert [(link.url, link.label) for link in links] == [("https://a.example", "https://a.example"),
                                                           ("http://b.example", "B")]


def test_directory_and_region_query_counts_do_not_grow(client):
    lead = OrganisationFactory(name="Lead AT33", code="AT33")
    publish(title="First", lead=lead)
    few = (_count(client, url("organisation_list")), _count(client, url("region_detail", code="AT33")))
    for i in range(12):
        org = OrganisationFactory(name=f"More {i}", code="AT33")
        publish(title=f"More {i}", lead=org, partners=[lead], regions=("AT33", "AT34"))
    many = (_count(client, url("organisation_list")), _count(client, url("region_detail", code="AT33")))
    assert few == many


@pytest.mark.parametrize("lang", ["en", "fr", "de", "it", "sl"])
def test_every_page_renders_in_every_language(client, lang):
    org = OrganisationFactory(name="Verein", code="AT33")
    initiative = publish(title="Everywhere", lead=org, start=date(2020, 1, 1),
                         challenges=[Challenge.objects.create(code="p-any", name="Any", sdgs=[1])])
    with translation.override(lang):
        paths = [reverse("observatory:catalogue"), reverse("observatory:map"),
                 reverse("observatory:organisation_list"),
                 reverse("observatory:organisation_detail", kwargs={"organisation_id": org.pk}),
                 reverse("observatory:initiative_detail", kwargs={"initiative_id": initiative.pk}),
                 reverse("observatory:region_detail", kwargs={"code": "AT33"})]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{lang}">' in response.content.decode()
