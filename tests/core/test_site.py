"""Deployment defaults: links use the request's host when no site address is set, production
requires one, and e-mailed links carry the recipient's language prefix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from asis.calls.notifications import notify
from asis.core.site import SiteUrlMiddleware, localised_path, site_url
from tests.observatory.test_api import make_initiative

ROOT = Path(__file__).resolve().parents[2]


def test_the_configured_site_url_wins(settings, rf):
    settings.SITE_URL = "https://asis.example.org/"
    assert site_url() == "https://asis.example.org"
    assert site_url(rf.get("/", HTTP_HOST="testserver")) == "https://asis.example.org"


def test_without_a_site_url_the_request_host_is_used(settings, rf):
    settings.SITE_URL = ""
    assert site_url(rf.get("/", HTTP_HOST="localhost:8123")) == "http://localhost:8123"
    seen = []
    SiteUrlMiddleware(lambda request: seen.append(site_url()))(rf.get("/", HTTP_HOST="localhost:8123"))
    assert seen == ["http://localhost:8123"]
    assert site_url() == "http://127.0.0.1:8000"  # outside a request: the development address
    assert site_url(rf.get("/", HTTP_HOST="evil.example.com")) == "http://127.0.0.1:8000"  # not allowed


def test_api_and_export_links_use_the_request_host(client, world, settings):
    settings.SITE_URL = ""
    initiative = make_initiative()
    body = client.get(f"/api/v1/initiatives/{initiative.pk}", HTTP_HOST="localhost:8123").json()
    assert body["url"] == f"http://localhost:8123/en/observatory/initiatives/{initiative.pk}/"
    response = client.get("/en/observatory/export.csv", HTTP_HOST="localhost:8123")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert f"http://localhost:8123/en/observatory/initiatives/{initiative.pk}/" in text


def test_emailed_links_use_the_recipients_language_and_the_request_host(world, settings):
    settings.SITE_URL = ""
    evaluator = world.users["evaluator"]
    evaluator.preferred_language = "de"
    evaluator.save()
    with translation.override("fr"):  # the sender works in French
        url = reverse("calls:review_list")
    assert url.startswith("/fr/")

    def send(request):
        notify(kind="evaluator_assigned", user=evaluator, context={"count": 2, "review_list_url": url})

    SiteUrlMiddleware(send)(RequestFactory().get("/", HTTP_HOST="localhost:8123"))
    body = mail.outbox[-1].body
    assert "http://localhost:8123" + url.replace("/fr/", "/de/", 1) in body
    assert "/fr/" not in body


@pytest.mark.parametrize(("path", "expected"), [
    ("/fr/calls/reviews/", "/de/calls/reviews/"),
    ("/api/v1/docs", "/api/v1/docs"),
    ("/en", "/en"),
    ("https://example.org/fr/x/", "https://example.org/fr/x/"),
])
def test_localised_path(path, expected):
    assert localised_path(path, "de") == expected


def test_production_refuses_to_start_without_a_site_url():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASIS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"ASIS_SECRET_KEY": "S" + "".join(chr(ord("a") + i % 26) for i in range(60)) + "7#",
                "ASIS_AUDIT_KEY": "audit-" + "k" * 40})
    code = "import asis.settings.production"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode != 0 and "ASIS_SITE_URL must be set" in result.stderr
    env["ASIS_SITE_URL"] = "https://asis.example.org"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 0, result.stderr
