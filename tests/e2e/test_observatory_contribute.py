"""End to end: a user proposes an initiative, an editor approves it, the public sees it."""

from __future__ import annotations

import re

import pytest

from asis.accounts.models import Membership, User
from asis.observatory.models import Axis, Challenge, Initiative
from asis.observatory.taxonomy_seed import seed_taxonomies
from asis.observatory.views_contribute import public_url
from tests.conftest import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email):
    page.goto("/en/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/(en|de)/$"))  # the home page, in the person's preferred language


def test_propose_moderate_publish(page):
    seed_taxonomies(Challenge, Axis)  # a transactional test starts from a flushed database
    organisation = make_org("Verein Bergdorf Mobil", "AT33")
    user = make_user("pia@example.org", preferred_language="de")
    Membership.objects.create(user=user, organisation=organisation, role="project_holder")
    make_user("eda@example.org", is_editor=True)

    _login(page, "pia@example.org")
    page.goto("/en/observatory/propose/")
    page.fill("#id_title", "Shared village van for the Ötztal")
    page.fill("#id_summary", "Volunteers drive older people to the doctor and the shops.")
    page.select_option("#id_original_language", "en")
    page.select_option("#id_regions", label="AT33 Tirol")
    page.select_option("#id_challenges", label="Mobility and access to services")
    page.select_option("#id_axes", label="Strengthen local communities")
    page.select_option("#id_lead", label="Verein Bergdorf Mobil")
    page.fill("#id_start_date", "2024-03-01")
    page.fill("#id_people_reached", "120")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/observatory/my-proposals/")
    page.check()
    assert "Shared village van for the Ötztal" in page.locator("main table").inner_text()
    initiative = Initiative.objects.get(title="Shared village van for the Ötztal")
    assert initiative.status == "submitted"

    page.context.clear_cookies()
    _login(page, "eda@example.org")
    page.goto("/en/observatory/moderation/")
    page.click("text=Shared village van for the Ötztal")
    page.wait_for_url(f"**/moderation/initiatives/{initiative.pk}/")
    page.check()
    page.select_option("#id_decision", "published")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/observatory/moderation/")
    page.check()
    initiative.refresh_from_db()
    assert initiative.status == "published"
    assert User.objects.get(email="eda@example.org").can_moderate

    page.context.clear_cookies()
    response = page.goto(public_url(initiative))
    assert response.status == 200
    assert "Shared village van for the Ötztal" in page.locator("main").inner_text()
    page.goto(f"/en/observatory/initiatives/{initiative.pk}/history/")
    assert "published" in page.locator("main").inner_text()
