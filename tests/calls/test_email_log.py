"""The call's e-mail log names each kind of e-mail and each language in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from asis.calls.notifications import KIND_LABELS, notify
from tests.calls.helpers import make_application, make_call

pytestmark = pytest.mark.django_db
EMAILS = Path(__file__).resolve().parents[2] / "src" / "asis" / "calls" / "templates" / "calls" / "email"


def test_every_kind_of_email_has_a_label():
    kinds = {p.name.removesuffix("_subject.txt").removesuffix(".txt") for p in EMAILS.glob("*.txt")}
    assert kinds - set(KIND_LABELS) == set(), "give each new e-mail template a label in KIND_LABELS"


def test_log_shows_kind_and_language_names_not_keys(world):
    call = make_call(world.org)
    application = make_application(call, world.users["project_holder"], world.org)
    notify(kind="application_submitted", user=world.users["project_holder"], language="sl", call=call,
           application=application)
    with translation.override("en"):
        url = reverse("calls:notifications", args=[call.pk])
    page = world.client_for("manager").get(url).content.decode()
    assert "Application submitted" in page and "Slovenščina" in page
    assert ">application_submitted<" not in page and "<td>sl</td>" not in page
