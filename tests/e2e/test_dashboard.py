"""A programme manager who also applies logs in on a 360 px phone in German and lands on a home page
that fits the screen: calls, funnel, budget in German number format, what needs attention, the
bell; the notification centre marks everything read. Every page is checked by axe."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from asis.accounts.models import Membership, Role
from asis.calls.models import Application
from asis.calls.notifications import notify
from tests.calls.helpers import assign, make_application, make_call, make_evaluator
from tests.conftest import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth"


def test_manager_home_on_a_german_phone(page):
    org = make_org("Land Tirol Testförderung", "AT33")
    manager = make_user("martina.manager@example.org", full_name="Martina Managerin", preferred_language="de")
    Membership.objects.create(user=manager, organisation=org, role=Role.PROGRAMME_MANAGER)
    holder = make_user("anna.antrag@example.org")
    evaluator = make_evaluator(make_call(org, phase="evaluation", title="Bürgerenergiegemeinschaften im Alpenraum",
                                         budget=Decimal("500000"),
                                         evaluation_ends_on=timezone.localdate() + timedelta(days=3)),
                               make_user("eva.gutachterin@example.org"))
    call = evaluator.call
    funded = make_application(call, holder, org, eligibility=Application.Eligibility.ELIGIBLE,
                              decision=Application.Decision.APPROVED, granted_amount=Decimal("33150"))
    assign(evaluator, funded)
    make_application(call, holder, org, eligibility=Application.Eligibility.ELIGIBLE)
    own = make_application(make_call(org, phase="open", title="Dorfläden"), manager, org, submitted=False)
    notify(kind="application_co_applicant", user=manager, call=own.call, application=own)

    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/de/accounts/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/de/")
    page.check()

    main = page.locator("main").inner_text()
    assert "Bürgerenergiegemeinschaften im Alpenraum" in main
    assert "33.150,00 EUR" in main and "500.000,00 EUR" in main  # German grouping and decimals
    assert f"Sie wurden dem Antrag {own.reference} hinzugefügt" in main  # the notification, in German
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), "the home page is wider than a 360 px screen"

    page.click("button.menu-toggle")  # on a phone the bell is in the menu
    page.click("a.bell")
    page.wait_for_url("**/de/notifications/")
    page.check()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), "the notifications page is wider than a 360 px screen"
    with page.expect_navigation():
        page.click("main form[action$='read-all/'] button")
    page.check()
    assert page.locator("main li.unread").count() == 0
    assert manager.inbox.filter(read_at__isnull=True).count() == 0
