"""End to end: a programme manager builds a complete call in the browser.

Two criteria weighed by pairwise comparisons (AHP), a portfolio rule picked by name with a
percentage, a guidelines PDF, then the preview and the confirmed publication; a visitor reads the
public page and downloads the guidelines. Once in German on a 360 px phone, once in English on a
desktop; axe checks every page (conftest.py) and no page may be wider than the screen.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone

from asis.accounts.models import Membership, Role
from asis.calls.builder.forms import localise
from asis.calls.models import Call, CallDocument
from asis.observatory.models import Axis, Challenge
from asis.observatory.taxonomy_seed import seed_taxonomies
from tests.conftest import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER = "mara.manager@example.org"
TITLE = "Dorfläden 2027"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")


def _wall_clock(moment):
    naive = moment.astimezone(VIENNA).replace(tzinfo=None, second=0, microsecond=0)
    if localise(naive, "Europe/Vienna") is None:
        naive += dt.timedelta(hours=1)
    return naive.strftime("%Y-%m-%dT%H:%M")


def _fits(page):
    """No horizontal scrolling of the page itself (tables may scroll inside their frame)."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !e.parentElement.closest('.table-scroll')).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right))""")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide on a {width[1]} px screen: {wide}"


def _visit(page, path):
    page.goto(path)
    _fits(page)


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)
    page.check()
    _fits(page)


@pytest.mark.parametrize("language, width", [("de", 360), ("en", 1280)])
def test_manager_builds_weighs_and_publishes_a_call(page, language, width):
    seed_taxonomies(Challenge, Axis)
    authority = make_org("Land Tirol Abteilung Soziales", "AT33")
    manager = make_user(MANAGER, full_name="Mara Manager")
    Membership.objects.create(user=manager, organisation=authority, role=Role.PROGRAMME_MANAGER)
    page.set_viewport_size({"width": width, "height": 800})
    prefix = f"/{language}"

    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", MANAGER)
    page.fill("#id_password", PASSWORD)
    _submit(page, "main button[type=submit]")

    # a new draft from the ASIS grid
    _visit(page, f"{prefix}/calls/manage/new/")
    opens = timezone.now() + dt.timedelta(minutes=30)
    page.fill("#id_title", TITLE)
    page.select_option("#id_original_language", language)
    page.fill("#id_budget", "300000")
    page.fill("#id_min_grant", "10000")
    page.fill("#id_max_grant", "60000")
    page.fill("#id_opens_at", _wall_clock(opens))
    page.fill("#id_closes_at", _wall_clock(opens + dt.timedelta(days=45)))
    _submit(page, "main form button[type=submit]")
    call = Call.objects.get(title=TITLE)
    assert call.cofunding_rate == 80
    edit = f"{prefix}/calls/manage/{call.pk}/edit/"

    # keep two criteria: tick "delete" on every other row
    _visit(page, edit + "?section=criteria")
    kept = [c["id"] for c in call.grid["criteria"][:2]]
    for n in range(2, len(call.grid["criteria"])):
        page.locator(f"#id_criteria-{n}-DELETE").check()
    page.fill("#id_criteria-0-label", "Neuheit" if language == "de" else "Newness")
    _submit(page, "main form[action$='section=criteria'] button[type=submit]")
    call.refresh_from_db()
    assert [c["id"] for c in call.grid["criteria"]] == kept

    # weigh them by comparison: the first is moderately more important (3) -> 75 % and 25 %
    _visit(page, edit + "?section=grid")
    assert "30" in page.locator("output.weights-total").inner_text()  # 15 % + 15 % left of the template
    page.select_option("#id_ahp-pair__0__1", "3")
    _submit(page, "main form[action$='action=ahp'] button[type=submit]")
    call.refresh_from_db()
    assert [c["weight"] for c in call.grid["criteria"]] == [75.0, 25.0]
    assert call.grid["weighting"]["method"] == "ahp"
    assert re.search(r"0[.,]000", page.locator("main").inner_text())  # the consistency ratio is shown
    # the live total follows what is typed
    page.fill("#id_weight__" + kept[1], "20")
    assert "95" in page.locator("output.weights-total").inner_text()

    # at least 20 % of the funds to Tirol, picked by its name
    _visit(page, edit + "?section=portfolio")
    page.select_option("#id_groups-0-groups", ["region:AT33"])
    page.fill("#id_groups-0-min_share", "20")
    _submit(page, "main form button[type=submit]")
    call.refresh_from_db()
    assert call.portfolio_constraints["groups"][0]["group"] == "AT33"
    assert call.portfolio_constraints["groups"][0]["min_share"] == 0.2

    _visit(page, edit + "?section=checklist")
    page.fill("#id_checklist-0-text", "Der Antrag ist vollständig." if language == "de" else "The application is complete.")
    _submit(page, "main form button[type=submit]")

    _visit(page, edit + "?section=documents")
    page.fill("#id_title", "Leitfaden" if language == "de" else "Guidelines")
    page.set_input_files("#id_file", {"name": "guidelines.pdf", "mimeType": "application/pdf", "buffer": PDF})
    _submit(page, "main form[enctype='multipart/form-data'] button[type=submit]")
    document = CallDocument.objects.get(call=call)

    _visit(page, edit + "?section=contact")
    page.fill("#id_contact_name", "Mara Manager")
    page.fill("#id_contact_email", "foerderung@example.org")
    page.fill("#id_contact_phone", "+43 512 508 1234")
    _submit(page, "main form button[type=submit]")
    _visit(page, edit + "?section=faq")
    page.fill("#id_faq-0-question", "Wer darf einreichen?" if language == "de" else "Who may apply?")
    page.fill("#id_faq-0-answer", "Vereine und Gemeinden." if language == "de" else "Associations and municipalities.")
    _submit(page, "main form button[type=submit]")
    assert call.faqs.count() == 1

    # a draft's document is not public
    anonymous = page.context.browser.new_context()
    try:
        download = f"{page.base_url}{prefix}/calls/{call.pk}/documents/{document.pk}/"
        assert anonymous.request.get(download).status == 404

        # preview, then publish only with the confirmation
        _visit(page, f"{prefix}/calls/manage/{call.pk}/")
        _submit(page, f"main a[href$='/manage/{call.pk}/publish/']")
        assert TITLE in page.locator(".call-preview").inner_text()
        _submit(page, "main form button[type=submit]")
        call.refresh_from_db()
        assert call.status == Call.Status.DRAFT  # not confirmed
        page.locator("#id_confirm").check()
        _submit(page, "main form button[type=submit]")
        call.refresh_from_db()
        assert call.status == Call.Status.PUBLISHED and call.version == 1

        # the visitor's page: criteria with their weights, the rule, the guidelines
        page.context.clear_cookies()
        _visit(page, f"{prefix}/calls/{call.pk}/")
        text = page.locator("main").inner_text()
        assert TITLE in text and ("Leitfaden" if language == "de" else "Guidelines") in text
        assert "foerderung@example.org" in text
        assert anonymous.request.get(download).body() == PDF
        # the call is announced: a visitor asks to be told when it opens
        page.fill("#id_email", "leserin@example.org")
        _submit(page, "main form[action$='/notify/'] button[type=submit]")
        assert call.subscriptions.get().language == language
    finally:
        anonymous.close()
