"""One link rule (asis.core.links) for the web forms, the API schemas, the imports and the stored
data: only absolute http(s) addresses are accepted, stored or published."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from asis.accounts.models import Organisation
from asis.core.links import is_safe_link, link_error
from asis.core.models import AuditEntry
from asis.observatory import imports
from asis.observatory.forms import InitiativeForm, OrganisationProposalForm
from asis.observatory.models import Initiative
from tests.observatory.test_api import bearer, make_initiative, post_json
from tests.observatory.test_imports import to_csv, to_xlsx

UNSAFE = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://files.example.org/", "//evil.example/",
    "https://exa mple.org/", "https://example.org/\x00", "https://example.org/\x85", "https:\\\\evil.example",
    "https://evil.example\\@good.example/", "https://" + "a" * 500 + ".example/", "example.org", "https://", "",
    " javascript:alert(1)",
]
SAFE = ["https://example.org", "http://example.org/path?q=1#top", "HTTPS://EXAMPLE.ORG/", "https://bovec.si/"]


@pytest.mark.parametrize("value", UNSAFE)
def test_unsafe_links_are_refused(value):
    assert link_error(value) is not None and not is_safe_link(value)


@pytest.mark.parametrize("value", SAFE)
def test_web_links_are_accepted(value):
    assert link_error(value) is None


def _payload(**extra: Any) -> dict[str, Any]:
    return {"title": "Care network", "summary": "Neighbours help.", "regions": ["AT33"], **extra}


@pytest.mark.parametrize("link", ["javascript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4="])
def test_api_refuses_unsafe_links_with_problem_details(world, link):
    headers = bearer(world.users["member"])
    response = post_json(Client(), "/api/v1/initiatives", _payload(links=["https://ok.example.org/", link]),
                         **headers)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert any(error["loc"][-2:] == ["links", 1] for error in response.json()["errors"]), response.json()
    assert not Initiative.objects.exists()


def test_api_patch_refuses_unsafe_links(world):
    user = world.users["member"]
    initiative = make_initiative(status="submitted", submitted_by=user, links=["https://ok.example.org/"])
    response = post_json(Client(), f"/api/v1/initiatives/{initiative.pk}", {"links": ["javascript:alert(1)"]},
                         method="PATCH", **bearer(user))
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    initiative.refresh_from_db()
    assert initiative.links == ["https://ok.example.org/"]


def test_api_accepts_web_links(world):
    response = post_json(Client(), "/api/v1/initiatives", _payload(links=[" https://ok.example.org/ "]),
                         **bearer(world.users["member"]))
    assert response.status_code == 201, response.content
    assert response.json()["links"] == ["https://ok.example.org/"]


def test_web_forms_refuse_unsafe_links(world):
    form = InitiativeForm(data={"links_text": "https://ok.example.org/\njavascript:alert(1)"})
    assert not form.is_valid() and "links_text" in form.errors
    form = InitiativeForm(data={"links_text": "https://ok.example.org/"})
    form.is_valid()
    assert "links_text" not in form.errors
    for website in ("ftp://files.example.org/", "javascript:alert(1)"):
        form = OrganisationProposalForm(data={"name": "X", "website": website})
        assert not form.is_valid() and "website" in form.errors, website


def test_model_validation_refuses_unsafe_websites(world):
    world.org.website = "ftp://files.example.org/"
    with pytest.raises(Exception) as caught:
        world.org.full_clean()
    assert "website" in caught.value.message_dict


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_imports_report_unsafe_links_row_by_row(world, fmt):
    rows = [
        {"name": "Good", "type": "ngo", "country": "AT", "region": "AT33", "website": "https://good.example.org/"},
        {"name": "Old scheme", "type": "ngo", "country": "AT", "region": "AT33", "website": "ftp://files.example.org/"},
        {"name": "Script", "type": "ngo", "country": "AT", "region": "AT33", "website": "javascript:alert(1)"},
    ]
    data = to_csv(rows) if fmt == "csv" else to_xlsx([list(rows[0]), *[list(r.values()) for r in rows]])
    table = imports.read_table(data, f"orgs.{fmt}", "organisations")
    _valid, errors = imports.validate("organisations", table)
    assert {(e.row, e.column) for e in errors} == {(3, "website"), (4, "website")}
    initiative = {"title": "T", "summary": "S", "regions": "AT33", "links": "https://ok.example.org data:text/html,x"}
    _valid, errors = imports.validate("initiatives", imports.read_table(to_csv([initiative]), "i.csv", "initiatives"))
    assert [(e.row, e.column) for e in errors] == [(2, "links")]


def test_stored_unsafe_links_are_removed_and_never_published(world):
    initiative = make_initiative(links=["https://ok.example.org/", "javascript:alert(1)",
                                        {"url": "data:text/html,x", "label": "x"}])
    Organisation.objects.filter(pk=world.org.pk).update(website="javascript:alert(2)")
    body = Client().get(f"/api/v1/initiatives/{initiative.pk}").json()
    assert body["links"] == ["https://ok.example.org/"]  # the exports never publish them
    response = Client().get("/en/observatory/export.csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"https://ok.example.org/" in content and b"javascript:" not in content and b"data:text" not in content

    before = AuditEntry.objects.count()
    importlib.import_module("asis.observatory.migrations.0004_initiative_safe_links").remove_unsafe_links(apps, None)
    importlib.import_module("asis.accounts.migrations.0004_organisation_website_safe_links").blank_unsafe_websites(
        apps, None)
    initiative.refresh_from_db()
    world.org.refresh_from_db()
    assert initiative.links == ["https://ok.example.org/"]
    assert world.org.website == ""
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[before:])
    assert actions == ["asis.observatory.unsafe_links_removed", "asis.accounts.unsafe_websites_removed"]
