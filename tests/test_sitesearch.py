"""The site-wide search: one box in the header, results grouped by kind, public content only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from asis.core.site_search import Hit, Source, SourceResult, register, sources
from tests.factories import OrganisationFactory
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db


def _call(organisation, title, status):
    from asis.calls.models import Call

    now = timezone.now()
    return Call.objects.create(organisation=organisation, title=title, description="Energy communities.",
                               status=status, budget=Decimal("100000"), max_grant=Decimal("20000"),
                               opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))


def test_search_groups_initiatives_organisations_and_published_calls_only(client):
    org = OrganisationFactory(name="Energy agency Tirol", code="AT33")
    publish(title="Bürgerenergiegemeinschaft – Tirol", summary="Solar roofs.", language="de", lead=org)
    publish(title="Hidden energy draft", summary="Not public.", status="submitted", lead=org)
    _call(org, "Energy transition call", "published")
    _call(org, "Secret energy draft call", "draft")
    response = client.get("/en/search/?q=energ")
    assert response.status_code == 200
    html = response.content.decode()
    groups = {g.source.key: g.result for g in response.context["groups"]}
    assert list(groups) == ["initiatives", "organisations", "calls"]
    assert [h.title for h in groups["initiatives"].hits] == ["Bürgerenergiegemeinschaft – Tirol"]
    assert [h.title for h in groups["organisations"].hits] == ["Energy agency Tirol"]
    assert [h.title for h in groups["calls"].hits] == ["Energy transition call"]
    assert "Secret energy draft call" not in html and "Hidden energy draft" not in html


def test_header_box_and_empty_query(client):
    html = client.get("/fr/search/").content.decode()
    assert 'action="/fr/search/"' in html and 'role="search"' in html
    assert client.get("/en/search/?q=%20%2C%20").context["groups"] == []
    assert client.get("/en/search/?q=" + "x" * 5000).status_code == 200


def test_a_new_source_registers_without_touching_core(client):
    register(Source("courses", "Courses", lambda text, user, limit: SourceResult(1, (Hit("Course on " + text, "/c/"),)),
                    order=40))
    try:
        html = client.get("/en/search/?q=energy").content.decode()
        assert "Course on energy" in html
    finally:
        from asis.core import site_search

        site_search._SOURCES.pop("courses")
    assert [s.key for s in sources()] == ["initiatives", "organisations", "calls"]
