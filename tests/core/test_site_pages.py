"""Public-sector basics: footer pages an administrator edits in five languages, help pages from
the guides with a link from each page's context, a favicon, and the API's docs and 404."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from asis.core.help import CONTEXT, guide_for, guide_get, guide_list
from asis.core.models import AuditEntry, SitePage
from asis.core.page_defaults import TITLES, site_pages_seed

SLUGS = ["legal-notice", "privacy", "accessibility", "contact"]


@pytest.fixture
def pages(db):
    site_pages_seed(SitePage)  # a transactional test before may have flushed the migration's rows
    return {page.slug: page for page in SitePage.objects.all()}


@pytest.mark.parametrize("lang", settings.LANGUAGE_CODES)
def test_every_page_links_the_footer_pages_and_help(client, pages, lang):
    html = client.get(f"/{lang}/").content.decode()
    for slug in SLUGS:
        assert f'href="/{lang}/pages/{slug}/"' in html
    assert f'href="/{lang}/help/' in html
    assert 'rel="icon"' in html and "favicon.svg" in html and "favicon.ico" in html


@pytest.mark.parametrize("lang", settings.LANGUAGE_CODES)
@pytest.mark.parametrize("slug", SLUGS)
def test_footer_pages_have_their_title_in_every_language(client, pages, lang, slug):
    response = client.get(f"/{lang}/pages/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    title = TITLES[slug][lang].replace("'", "&#x27;")
    assert f">{title}</h1>" in html
    with translation.override(lang):
        from django.utils.translation import gettext

        note = gettext("Not yet translated: shown in %(language)s.") % {"language": ""}
    # The seeded body is English: elsewhere it says so, and marks the text as English.
    assert (note.split("%")[0].strip()[:10] in html) == (lang != "en")
    assert ('lang="en"' in html.split("<main", 1)[1]) == (lang != "en")


def test_accessibility_statement_follows_the_eu_model(client, pages):
    html = client.get("/en/pages/accessibility/").content.decode()
    for heading in ("Compliance status", "Non-accessible content", "Preparation of this accessibility statement",
                    "Feedback and contact information", "Enforcement procedure"):
        assert f"<h2>{heading}</h2>" in html


def test_unknown_page_is_404(client, pages):
    assert client.get("/en/pages/imprint-2/").status_code == 404


def test_a_deleted_page_comes_back_with_its_first_text(client, pages):
    SitePage.objects.filter(slug="contact").delete()
    assert client.get("/de/pages/contact/").status_code == 200
    assert SitePage.objects.filter(slug="contact").exists()


def test_markdown_is_rendered_safely(client, pages):
    page = pages["contact"]
    page.body = ("## Write to us\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n"
                 "[click](javascript:alert(1)) [ok](https://example.org/) **bold**")
    page.save()
    html = client.get("/en/pages/contact/").content.decode()
    assert "<h2>Write to us</h2>" in html and "<strong>bold</strong>" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and 'href="https://example.org/"' in html


def test_admin_edits_a_page_in_every_language(client, world, pages):
    admin = world.client_for("platform_admin")
    page = pages["privacy"]
    url = reverse("admin:core_sitepage_change", args=[page.pk])
    form = admin.get(url).content.decode()
    assert 'name="body_de"' in form and 'name="title_sl"' in form and 'name="title_en"' not in form
    data = {"original_language": "en", "title": page.title, "body": page.body}
    for lang in ("fr", "de", "it", "sl"):
        data[f"title_{lang}"] = page.translated("title", lang).text
        data[f"body_{lang}"] = ""
    data["body_de"] = "## Verantwortlich\n\nDas Land."
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/de/pages/privacy/").content.decode()
    assert "<h2>Verantwortlich</h2>" in html and "Not yet translated" not in html and "Noch nicht" not in html
    entry = AuditEntry.objects.get(action="asis.site_page.changed")
    assert entry.actor == world.users["platform_admin"] and "body_de" in entry.after["fields"]
    page.refresh_from_db()
    assert page.translation_status("fr", "title") == "current"  # untouched translations keep their state
    assert admin.get(reverse("admin:core_sitepage_add")).status_code == 403


def test_help_lists_the_guides_and_serves_them(client):
    names = [guide.name for guide in guide_list()]
    assert {"evaluator", "programme-manager", "calls/manager-build", "open-data-api"} <= set(names)
    html = client.get("/de/help/").content.decode()
    assert 'href="/de/help/evaluator/"' in html
    page = client.get("/de/help/programme-manager/").content.decode()
    assert '<article class="prose guide" lang="en">' in page
    assert 'href="/de/help/calls/manager-build/"' in page  # the guide's own links lead to help pages
    assert "<h1>Guide for programme managers</h1>" in page


@pytest.mark.parametrize("name", ["../README", "..%2F..%2Fpyproject", "evaluator.md", "calls/../evaluator",
                                  "a/b/c", "Evaluator", "nope"])
def test_help_serves_only_guides(client, name):
    assert client.get(f"/en/help/{name}/").status_code == 404


def test_every_context_guide_exists():
    assert all(guide_get(guide) is not None for _prefix, guide in CONTEXT)


@pytest.mark.parametrize(("view_name", "guide"), [
    ("calls:review_list", "evaluator"),
    ("calls:results", "calls/manager-results-decisions"),
    ("calls:manage_detail", "calls/manager-build"),
    ("calls:manage_applications", "calls/manager-screening"),
    ("calls:application_edit", "project-holder"),
    ("observatory:export_formats", "open-data-api"),
    ("observatory:map", "observatory"),
    ("accounts:profile", "member-and-visitor"),
    ("core:audit_log", "platform-admin"),
    ("core:help_index", "member-and-visitor"),
    (None, None),
])
def test_guide_for_a_page(view_name, guide):
    assert guide_for(view_name) == guide


def test_the_footer_help_link_follows_the_page(client, world):
    html = world.client_for("evaluator").get("/fr/calls/reviews/").content.decode()
    assert 'href="/fr/help/evaluator/"' in html
    html = client.get("/fr/observatory/map/").content.decode()
    assert 'href="/fr/help/observatory/"' in html


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v2/initiatives", "/api/", "/api/v1/initiatives/x/y"])
def test_unknown_api_paths_are_json_problems(client, db, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Not Found"


def test_api_docs_have_the_site_frame_and_a_getting_started_text(client, db, settings):
    settings.SITE_URL = ""
    response = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="de", HTTP_HOST="localhost:8123")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html and 'class="footer-nav"' in html and 'lang="de"' in html
    assert 'curl -H "Authorization: Bearer YOUR-TOKEN" "http://localhost:8123/api/v1/me"' in html
    assert 'href="/de/accounts/' in html and 'id="swagger-ui"' in html and "swagger-settings" in html
    assert "<script>" not in html  # no inline script (strict CSP)
