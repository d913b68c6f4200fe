"""The input gate (asis.core.input_middleware): web pages drop control characters from query
parameters and form fields, refuse them in paths with the translated 400 page; the API refuses
them with 422 problem details naming the parameter or field, and answers every error as problem
details."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.test import Client

from asis.accounts.services import api_token_create
from tests.observatory.test_api import make_initiative


def _token(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_api_json_with_nul_is_a_422_naming_the_field(world):
    user = world.users["member"]
    response = Client().generic("PATCH", "/api/v1/me", json.dumps({"full_name": "Ann\u0000e"}),
                                content_type="application/json", **_token(user))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "full_name"]]
    user.refresh_from_db()
    assert user.full_name == "Member"


def test_api_json_control_characters_are_found_in_nested_fields(world):
    response = Client().generic("POST", "/api/v1/initiatives",
                                json.dumps({"title": "T", "summary": "S", "regions": ["AT33", "AT\u001b34"]}),
                                content_type="application/json", **_token(world.users["member"]))
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "regions", 1]]


def test_api_query_parameter_with_nul_is_a_422_naming_it(db):
    response = Client().get("/api/v1/initiatives?q=care%00&page=1")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert [e["loc"] for e in response.json()["errors"]] == [["query", "q"]]


def test_api_errors_outside_the_schema_are_problem_details(world):
    client = Client()
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    wrong = client.delete("/api/v1/health")
    assert wrong.status_code == 405 and wrong["Content-Type"] == "application/problem+json"
    assert "GET" in wrong["Allow"]
    unpublished = client.get("/api/v1/initiatives/999999")
    assert unpublished.status_code == 404 and unpublished["Content-Type"] == "application/problem+json"


def test_search_drops_control_characters(world):
    make_initiative(title="Village care cooperative")
    response = Client().get("/en/observatory/", {"q": "care\x00\x01"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Village <mark>care</mark> cooperative" in content and 'value="care"' in content
    assert "\x00" not in content and "\x01" not in content


def test_form_fields_drop_control_characters_multipart_and_urlencoded(world):
    client = world.client_for("member")
    response = client.post("/en/accounts/profile/", {"full_name": "Ann\x00e\x1b", "preferred_language": "en"})
    assert response.status_code == 302
    world.users["member"].refresh_from_db()
    assert world.users["member"].full_name == "Anne"
    response = client.post("/en/accounts/profile/", urlencode({"full_name": "Ber\x85ta\x7f", "preferred_language": "en"}),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    world.users["member"].refresh_from_db()
    assert world.users["member"].full_name == "Berta"


def test_path_with_a_control_character_is_the_translated_400_page(db):
    response = Client().get("/fr/observatory/regions/AT33%00/")
    assert response.status_code == 400
    assert '<html lang="fr">' in response.content.decode()
    api = Client().get("/api/v1/initiatives/1%00")
    assert api.status_code == 404 and api["Content-Type"] == "application/problem+json"


def test_a_forged_session_cookie_with_nul_is_ignored(db):
    # On PostgreSQL the session lookup with this key was a 500 (text cannot contain NUL).
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/en/").status_code == 200


def test_a_broken_form_body_is_a_400_on_both_surfaces(world):
    client = world.client_for("member")
    broken = "multipart/form-data; boundary="
    web = client.generic("POST", "/en/accounts/profile/", b"--x\r\n", content_type=broken)
    assert web.status_code == 400 and '<html lang="en">' in web.content.decode()
    api = client.generic("POST", "/api/v1/initiatives", b"--x\r\n", content_type=broken)
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"


def test_an_api_form_body_is_checked_and_still_readable_by_the_api(world):
    client = world.client_for("member")
    refused = client.post("/api/v1/initiatives", {"title": "T\x00"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["form", "title"]
    plain = client.post("/api/v1/initiatives", {"title": "T"})
    assert plain.status_code in (400, 422) and plain["Content-Type"] == "application/problem+json"
