"""Malformed forms, oversized uploads and invalid API JSON give clear messages, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asis.accounts.models import Membership


def test_oversized_request_is_refused_cleanly(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = world.client_for("manager")
    response = client.post(f"/en/accounts/organisations/{world.org.pk}/members/add/",
                           {"email": "x" * 5000 + "@example.org", "role": "member"})
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert Membership.objects.count() == 5


def test_tampered_choice_is_a_field_error(world):
    client = world.client_for("manager")
    response = client.post(f"/en/accounts/organisations/{world.org.pk}/members/add/",
                           {"email": "member@example.org", "role": "emperor"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.text(max_size=300), password=st.text(max_size=300), language=st.text(max_size=20))
def test_signup_never_crashes(client, email, password, language):
    response = client.post("/en/accounts/signup/", {"email": email, "password1": password, "password2": password,
                                                    "preferred_language": language})
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("body", [b"{not json", b'{"preferred_language": "xx"}',
                                  b'{"full_name": 5}', b"\xff\xfe", b'{"full_name": "' + b"a" * 300 + b'"}'])
def test_invalid_api_json_gets_problem_details(world, body):
    from asis.accounts.services import api_token_create

    _token, raw = api_token_create(user=world.users["member"], name="t")
    from django.test import Client

    client = Client()
    response = client.generic("PATCH", "/api/v1/me", body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"] == "application/problem+json"
    world.users["member"].refresh_from_db()
    assert world.users["member"].full_name == "Member"


def test_api_write_with_token(world):
    from asis.accounts.services import api_token_create

    _token, raw = api_token_create(user=world.users["member"], name="t")
    from django.test import Client

    response = Client().generic("PATCH", "/api/v1/me", b'{"preferred_language": "sl"}',
                                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["preferred_language"] == "sl"


def test_invalid_path_parameter_gets_problem_details(world):
    response = world.client_for("member").get("/api/v1/organisations/not-a-number")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_api_route_is_404_json(client, db):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404


def test_csrf_failure_page_is_translated(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    response = client.post("/fr/accounts/profile/", {"full_name": "x", "preferred_language": "fr"})
    assert response.status_code == 403
    assert '<html lang="fr">' in response.content.decode()


def test_404_page_is_translated(client, db):
    response = client.get("/de/does-not-exist/")
    assert response.status_code == 404
    assert '<html lang="de">' in response.content.decode()


def test_api_is_rate_limited(world, settings):
    settings.ASIS_API_RATE_ANONYMOUS = "3/m"
    from django.test import Client

    client = Client()
    statuses = [client.get("/api/v1/regions").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/regions")
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/health").status_code == 200  # the health check is never limited
    settings.ASIS_API_RATE_AUTHENTICATED = "2/m"
    member = world.client_for("member")
    assert [member.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
