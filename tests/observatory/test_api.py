"""Open-data REST API: public reads, token writes, problem details, constant query count."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from asis.accounts.models import Organisation
from asis.accounts.services import api_token_create
from asis.observatory.models import Axis, Challenge, Initiative, InitiativeOrganisation
from asis.regions.models import Region


def make_initiative(*, title: str = "Village care cooperative", summary: str = "Neighbours care for older people.",
                    status: str = "published", regions: Sequence[str] = ("AT33",), challenges: Sequence[Any] = (),
                    axes: Sequence[Any] = (), organisations: Sequence[tuple[Any, str]] = (),
                    submitted_by: Any = None, **fields: Any) -> Initiative:
    """An initiative written through ``initiative_save`` (audited, indexed), in ``status``."""
    from django.utils import timezone

    from asis.observatory.services import initiative_save

    initiative = Initiative(title=title, summary=summary, status=status, submitted_by=submitted_by,
                            published_at=timezone.now() if status == "published" else None, **fields)
    return initiative_save(actor=None, initiative=initiative, organisations=list(organisations),
                           regions=list(Region.objects.filter(code__in=regions)),
                           challenges=list(challenges), axes=list(axes))


def term(model: type[Challenge] | type[Axis], code: str, name: str = "") -> Any:
    obj, _created = model.objects.get_or_create(code=code, defaults={"name": name or code.title()})
    return obj


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}"}


def post_json(client: Client, url: str, data: Any, method: str = "POST", **headers: Any) -> Any:
    body = data if isinstance(data, bytes) else json.dumps(data)
    return client.generic(method, url, body, content_type="application/json", **headers)


@pytest.fixture
def catalogue(world: Any) -> dict[str, Any]:
    health = term(Challenge, "test-health", "Health")
    mobility = term(Challenge, "test-mobility", "Mobility")
    axis = term(Axis, "test-axis", "Test axis")
    care = make_initiative(title="Village care cooperative", challenges=[health], axes=[axis],
                           organisations=[(world.org, "lead"), (world.other_org, "partner")],
                           latitude=47.26, longitude=11.39, start_date=date(2022, 3, 1), stage="pilot")
    care.set_translation("fr", "title", "Coopérative de soins villageoise")
    care.save()
    bus = make_initiative(title="Mountain bus on demand", regions=("FRK2", "ITC1"), challenges=[mobility],
                          organisations=[(world.other_org, "lead")], stage="scaling")
    hidden = make_initiative(title="Hidden proposal", status="submitted", submitted_by=world.users["member"])
    return {"care": care, "bus": bus, "hidden": hidden, "health": health, "mobility": mobility}


def test_list_shows_published_initiatives_with_their_relations(client, catalogue, world):
    response = client.get("/api/v1/initiatives", {"sort": "title"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1 and body["licence"] == "CC-BY-4.0"
    titles = [item["title"] for item in body["items"]]
    assert titles == ["Mountain bus on demand", "Village care cooperative"]
    care = body["items"][1]
    assert care["regions"] == ["AT33"] and care["countries"] == ["AT"]
    assert care["challenges"] == ["test-health"] and care["axes"] == ["test-axis"]
    assert {"id": world.org.pk, "name": world.org.name, "role": "lead"} in care["organisations"]
    assert care["point"] == {"latitude": 47.26, "longitude": 11.39}
    assert care["start_date"] == "2022-03-01" and care["stage"] == "pilot" and care["status"] == "published"
    assert care["url"].endswith(f"/en/observatory/initiatives/{care['id']}/")
    assert body["facets"] is None


def test_list_texts_in_the_requested_language_with_fallback(client, catalogue):
    items = {i["id"]: i for i in client.get("/api/v1/initiatives", {"lang": "fr"}).json()["items"]}
    care, bus = items[catalogue["care"].pk], items[catalogue["bus"].pk]
    assert care["title"] == "Coopérative de soins villageoise" and care["language"] == "fr"
    assert care["url"].startswith("http") and "/fr/observatory/" in care["url"]
    assert bus["title"] == "Mountain bus on demand" and bus["language"] == "en"


@pytest.mark.parametrize(("params", "expected"), [
    ({"region": "FRK2"}, {"Mountain bus on demand"}),
    ({"country": ["FR", "IT"]}, {"Mountain bus on demand"}),
    ({"challenge": "test-health"}, {"Village care cooperative"}),
    ({"stage": "pilot"}, {"Village care cooperative"}),
    ({"year": "2022"}, {"Village care cooperative"}),
    ({"q": "mountain"}, {"Mountain bus on demand"}),
    ({"q": "hidden"}, set()),
])
def test_list_has_the_catalogue_filters(client, catalogue, params, expected):
    body = client.get("/api/v1/initiatives", params).json()
    assert {i["title"] for i in body["items"]} == expected
    assert body["count"] == len(expected)


def test_list_pagination_and_facets(client, catalogue):
    body = client.get("/api/v1/initiatives", {"page_size": 1, "page": 2, "sort": "title", "facets": "true"}).json()
    assert body["count"] == 2 and body["page_size"] == 1
    assert [i["title"] for i in body["items"]] == ["Village care cooperative"]
    assert body["facets"]["country"] == {"AT": 1, "FR": 1, "IT": 1}


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 1000}, {"stage": "nonsense"}, {"year": "abc"},
                                    {"organisation": "-1"}, {"lang": "xx"}])
def test_list_rejects_invalid_parameters_with_problem_details(client, db, params):
    response = client.get("/api/v1/initiatives", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]


def test_list_survives_nul_characters(client, catalogue):
    response = client.get("/api/v1/initiatives", {"q": "care\x00", "region": "AT\x0033"})
    # The API refuses control characters (asis.core.input_middleware) rather than crash or guess.
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert sorted(e["loc"] for e in response.json()["errors"]) == [["query", "q"], ["query", "region"]]


def test_list_query_count_does_not_grow_with_page_size(client, world):
    health = term(Challenge, "test-health")
    axis = term(Axis, "test-axis")
    for n in range(50):
        make_initiative(title=f"Initiative {n}", regions=("AT33", "ITC1"), challenges=[health], axes=[axis],
                        organisations=[(world.org, "lead"), (world.other_org, "partner")])
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/initiatives", {"page_size": size, "lang": "de"})
        assert len(response.json()["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_detail_of_a_published_initiative(client, catalogue):
    care = catalogue["care"]
    response = client.get(f"/api/v1/initiatives/{care.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == care.pk and body["description"] == "" and body["language"] == "en"


def test_detail_of_an_unpublished_or_missing_initiative_is_404(client, catalogue):
    for pk in (catalogue["hidden"].pk, 999_999):
        response = client.get(f"/api/v1/initiatives/{pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_regions_with_counts(client, catalogue):
    regions = client.get("/api/v1/regions").json()
    assert len(regions) == Region.objects.count() == 42
    counts = {r["code"]: r["initiatives"] for r in regions}
    assert counts["AT33"] == 1 and counts["FRK2"] == 1 and counts["AT34"] == 0


def test_taxonomies_in_every_language(client, db):
    health = term(Challenge, "test-health", "Health")
    health.set_translation("de", "name", "Gesundheit")
    health.sdgs = [3]
    health.save()
    body = client.get("/api/v1/taxonomies").json()
    entry = next(c for c in body["challenges"] if c["code"] == "test-health")
    assert entry["name"]["de"] == "Gesundheit" and entry["name"]["fr"] == "Health"
    assert set(entry["name"]) == {"en", "fr", "de", "it", "sl"}
    assert entry["sdgs"] == [3]
    assert "axes" in body


def test_directory_lists_published_organisations(client, catalogue, world):
    world.other_org.status = Organisation.Status.SUBMITTED
    world.other_org.save()
    body = client.get("/api/v1/directory/organisations").json()
    names = {o["name"] for o in body["items"]}
    assert world.org.name in names and world.other_org.name not in names
    mine = next(o for o in body["items"] if o["name"] == world.org.name)
    assert mine["region"] == "AT33" and mine["initiatives"] == 1
    assert client.get("/api/v1/directory/organisations", {"country": "FR"}).json()["count"] == 0
    assert client.get("/api/v1/directory/organisations", {"region": "at33"}).json()["count"] == 1
    # the user's own organisations stay where they were, and need authentication
    assert client.get("/api/v1/organisations").status_code == 401


def test_directory_query_count_does_not_grow_with_page_size(client, world):
    from tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(30)
    counts = []
    for size in (3, 30):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/api/v1/directory/organisations", {"page_size": size}).json()["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- writes ------------------------------------------------------------------------------------

def _proposal(**extra: Any) -> dict[str, Any]:
    return {"title": "Repair café network", "summary": "Volunteers repair what people bring.",
            "regions": ["AT33", "SI04"], "stage": "pilot", "challenges": ["test-health"],
            "start_date": "2023-01-01", "latitude": 46.05, "longitude": 14.5, **extra}


def test_a_user_proposes_an_initiative(world):
    term(Challenge, "test-health")
    member = world.users["member"]
    response = post_json(Client(), "/api/v1/initiatives",
                         _proposal(organisations=[{"id": world.org.pk, "role": "lead"}]), **bearer(member))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["regions"] == ["AT33", "SI04"]
    initiative = Initiative.objects.get(pk=body["id"])
    assert initiative.submitted_by == member and initiative.revisions.count() == 1
    assert InitiativeOrganisation.objects.filter(initiative=initiative, role="lead").count() == 1
    # a proposal is not public
    assert Client().get(f"/api/v1/initiatives/{initiative.pk}").status_code == 404


def test_only_editors_publish(world):
    response = post_json(Client(), "/api/v1/initiatives", _proposal(challenges=[], status="published"),
                         **bearer(world.users["member"]))
    assert response.status_code == 403
    assert not Initiative.objects.exists()
    editor = world.users["member"]
    editor.is_editor = True
    editor.save()
    response = post_json(Client(), "/api/v1/initiatives", _proposal(challenges=[], status="published"),
                         **bearer(editor))
    assert response.status_code == 201 and response.json()["status"] == "published"
    # published, so public and searchable
    assert Client().get("/api/v1/initiatives", {"q": "repair"}).json()["count"] == 1


def test_anonymous_cannot_write(db):
    assert post_json(Client(), "/api/v1/initiatives", _proposal()).status_code == 401


@pytest.mark.parametrize(("change", "field"), [
    ({"regions": ["XX99"]}, "regions"),
    ({"regions": []}, "regions"),
    ({"challenges": ["no-such-challenge"]}, "challenges"),
    ({"organisations": [{"id": 999999, "role": "lead"}]}, "organisations"),
    ({"latitude": 46.0, "longitude": None}, "latitude"),
    ({"start_date": "2023-05-01", "end_date": "2020-01-01"}, None),
    ({"title": "x" * 201}, "title"),
    ({"title": "Bad\x00title"}, "title"),
    ({"stage": "famous"}, "stage"),
    ({"budget_eur": -5}, "budget_eur"),
])
def test_invalid_proposals_are_422_with_field_errors(world, change, field):
    term(Challenge, "test-health")
    response = post_json(Client(), "/api/v1/initiatives", _proposal(**change), **bearer(world.users["member"]))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors
    if field:
        assert any(field in [str(p) for p in e["loc"]] for e in errors), errors
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[]", b'{"title": 5}'])
def test_malformed_bodies_are_problem_details(world, body):
    response = post_json(Client(), "/api/v1/initiatives", body, **bearer(world.users["member"]))
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_the_submitter_changes_a_proposal_until_it_is_published(world):
    member = world.users["member"]
    proposal = make_initiative(title="Draft idea", status="submitted", submitted_by=member)
    url = f"/api/v1/initiatives/{proposal.pk}"
    response = post_json(Client(), url, {"summary": "Sharper summary", "regions": ["AT34"]}, "PATCH",
                         **bearer(member))
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Sharper summary" and response.json()["regions"] == ["AT34"]
    # the submitter may not publish
    assert post_json(Client(), url, {"status": "published"}, "PATCH", **bearer(member)).status_code == 403
    # others do not even see it
    assert post_json(Client(), url, {"summary": "x"}, "PATCH", **bearer(world.users["evaluator"])).status_code == 404
    # an editor publishes it
    admin = world.users["platform_admin"]
    response = post_json(Client(), url, {"status": "published"}, "PATCH", **bearer(admin))
    assert response.status_code == 200 and response.json()["status"] == "published"
    # now it is the editors' alone
    assert post_json(Client(), url, {"summary": "Again"}, "PATCH", **bearer(member)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.summary == "Sharper summary"


def test_rejecting_needs_a_reason(world):
    proposal = make_initiative(title="Unclear", status="submitted", submitted_by=world.users["member"])
    url = f"/api/v1/initiatives/{proposal.pk}"
    admin = bearer(world.users["platform_admin"])
    response = post_json(Client(), url, {"status": "rejected"}, "PATCH", **admin)
    assert response.status_code == 422
    assert any("moderation_reason" in e["loc"] for e in response.json()["errors"])
    response = post_json(Client(), url, {"status": "rejected", "moderation_reason": "Not an initiative."},
                         "PATCH", **admin)
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_patch_rejects_null_for_required_fields(world):
    proposal = make_initiative(title="Keep me", status="submitted", submitted_by=world.users["member"])
    response = post_json(Client(), f"/api/v1/initiatives/{proposal.pk}", {"title": None}, "PATCH",
                         **bearer(world.users["member"]))
    assert response.status_code == 422
    proposal.refresh_from_db()
    assert proposal.title == "Keep me"


def test_schema_lists_the_open_data_operations(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/initiatives", "/api/v1/initiatives/{initiative_id}", "/api/v1/regions",
            "/api/v1/taxonomies", "/api/v1/directory/organisations"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/initiatives"]) == {"get", "post"}
