"""A programme manager reads what a call's results teach and applies the suggested weights to a
draft call, on a 360 px phone and on a desktop, in English and German; axe on every page."""

from __future__ import annotations

import pytest

from asis.accounts.models import Membership, Role
from asis.calls.models import Call
from asis.core.models import AuditEntry
from tests.calls.helpers import make_call
from tests.conftest import PASSWORD, make_org, make_user
from tests.impact.test_learning import funded_call

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.mark.parametrize(("language", "width"), [("en", 360), ("de", 1280)])
def test_manager_applies_what_the_results_teach(page, language, width):
    org = make_org("Land Tirol Testförderung", "AT33")
    manager = make_user("martina.manager@example.org", full_name="Martina Managerin", preferred_language=language)
    Membership.objects.create(user=manager, organisation=org, role=Role.PROGRAMME_MANAGER)
    call = funded_call(org, make_user("anna.antrag@example.org"),
                       title="Dorfläden und Nahversorgung im ländlichen Raum des Alpenbogens")
    draft = make_call(org, phase="draft", title="Pflege im Dorf: Nachbarschaftshilfe und Tagesbetreuung 2027")

    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/{language}/accounts/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/{language}/")
    page.goto(f"/{language}/impact/calls/{call.pk}/learning/")
    page.check()
    main = page.locator("main").inner_text()
    assert "0,79" in main if language == "de" else "0.79" in main  # newness: rho in the reader's format
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), "the learning page is wider than the screen"

    page.select_option("#id_target", str(draft.pk))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.check()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    assert draft.display_title in page.locator(".messages").inner_text()  # said, not silent
    draft = Call.objects.get(pk=draft.pk)
    weights = {c["id"]: c["weight"] for c in draft.grid["criteria"]}
    assert weights["newness"] > 15 and round(sum(weights.values()), 2) == 100
    assert AuditEntry.objects.filter(action="asis.impact.learning.weights_applied", actor_id=manager.pk).count() == 1
