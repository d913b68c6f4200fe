"""Language switching keeps the page whatever the language cookie says; after login and after a
change of the preferred language the interface speaks the person's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD, make_user

LANGS = settings.LANGUAGE_CODES


def _html_lang(response: Any) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def _path(route: str, kwargs: dict[str, Any], language: str) -> str:
    with translation.override(language):
        return reverse(route, kwargs=kwargs)


# (route, kwargs, query string, logged in): public, logged-in and with a query string.
PAGES = [
    ("core:home", {}, "", False),
    ("observatory:catalogue", {}, "q=energy&country=AT&page=1", False),
    ("calls:public_list", {}, "", False),
    ("accounts:login", {}, "next=%2Fen%2Fcalls%2F", False),
    ("accounts:profile", {}, "", True),
    ("core:job_list", {}, "tab=all", True),
]


@pytest.mark.parametrize(("route", "kwargs", "query", "logged_in"), PAGES)
def test_switch_keeps_the_page_whatever_the_cookie(client, db, route, kwargs, query, logged_in):
    if logged_in:
        client.force_login(make_user("ana@example.org"))
    failures = []
    for source in ("fr", "de"):
        for target in LANGS:
            # A cookie that names neither the page's language nor the chosen one.
            cookie = next(code for code in LANGS if code not in {source, target})
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
            suffix = f"?{query}" if query else ""
            page = _path(route, kwargs, source) + suffix
            response = client.post(reverse("set_language"), {"language": target, "next": page})
            expected = _path(route, kwargs, target) + suffix
            if response.status_code != 302 or response["Location"] != expected:
                failures.append(f"{page} -> {target} (cookie {cookie}): "
                                f"{response.status_code} {response.get('Location')}, expected {expected}")
                continue
            if client.cookies[settings.LANGUAGE_COOKIE_NAME].value != target:
                failures.append(f"{page} -> {target}: cookie not set to {target}")
            shown = client.get(expected)
            if shown.status_code != 200 or _html_lang(shown) != target:
                failures.append(f"{expected}: status {shown.status_code}, <html lang> not {target}")
    assert not failures, "\n".join(failures)


def test_switch_on_an_unknown_page_keeps_the_path(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    response = client.post(reverse("set_language"), {"language": "sl", "next": "/fr/no/such/page/?a=1"})
    assert response["Location"] == "/sl/no/such/page/?a=1"


def test_switch_refuses_a_foreign_next_and_an_unknown_language(client, db):
    response = client.post(reverse("set_language"), {"language": "de", "next": "https://evil.example/fr/"})
    assert response["Location"] == "/"
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/fr/calls/"})
    assert response["Location"] == "/fr/calls/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.get(reverse("set_language")).status_code == 405


def test_login_follows_the_preferred_language(client, db):
    make_user("greta@example.org", preferred_language="de")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post("/en/accounts/login/?next=/en/calls/%3Fphase%3Dopen",
                           {"username": "greta@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/de/calls/?phase=open"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert _html_lang(client.get(response["Location"])) == "de"
    # Without ``next`` the landing page too is German.
    client.logout()
    response = client.post("/fr/accounts/login/", {"username": "greta@example.org", "password": PASSWORD})
    assert response["Location"].startswith("/de/")
    assert _html_lang(client.get("/", follow=True)) == "de"


def test_changing_the_preferred_language_switches_the_interface(client, db):
    user = make_user("ana@example.org", full_name="Ana")
    client.force_login(user)
    response = client.post("/en/accounts/profile/", {"full_name": "Ana", "preferred_language": "sl"})
    assert response["Location"] == "/sl/accounts/profile/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sl"
    page = client.get(response["Location"])
    assert _html_lang(page) == "sl"
    user.refresh_from_db()
    assert user.preferred_language == "sl"
    with translation.override("sl"):
        saved = translation.gettext("Your profile has been saved.")
    assert saved in page.content.decode()


def test_signup_switches_to_the_chosen_language(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post("/en/accounts/signup/", {
        "email": "neu@example.org", "full_name": "Neu", "preferred_language": "it",
        "password1": PASSWORD, "password2": PASSWORD, "accept_terms": "on", "accept_privacy": "on"})
    assert response["Location"] == "/it/accounts/profile/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"
    assert _html_lang(client.get(response["Location"])) == "it"
