"""End to end: a first-time applicant gets into an organisation and applies with no administrator.

(a) A new user signs up (terms and privacy ticked), opens the verification link from the e-mail,
registers a new organisation, drafts and submits an application to an open call.
(b) A second user finds that organisation, asks to join, is accepted by the first user (who
chooses the role on the organisation's page) and then sees the organisation's draft application.

Each journey runs once in German on a 360 x 740 phone and once in English at 1280 px; every page
is checked by axe (conftest.py) and for horizontal overflow on the phone.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from asis.accounts.models import JoinRequest, Membership, Organisation, Role, User
from asis.calls.models import Application
from tests.calls.helpers import make_application, make_call
from tests.conftest import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db(transaction=True)

VIEWS = [pytest.param("de", 360, 740, id="de-phone"), pytest.param("en", 1280, 900, id="en-desktop")]
NEW_PASSWORD = "a-long-enough-passphrase"


def _check(page):
    """axe on every page; on a phone, no onboarding page wider than the screen (the application
    form's own width at 360 px is the phone layout's work, item 6 of issue 10)."""
    page.check()
    if "/accounts/" not in page.url:
        return
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)
    _check(page)


def _open(page, path):
    page.page.goto(page.base_url + path)
    _check(page)


def _login(page, lang, email, password=PASSWORD):
    page.context.clear_cookies()
    _open(page, f"/{lang}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    _submit(page, "main button[type=submit]")


def _mailed_path(email):
    """The path of the link in the newest message to ``email``."""
    messages = [m for m in mail.outbox if email in m.to]
    assert messages, [(m.to, m.subject) for m in mail.outbox]
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", messages[-1].body).group(0))


def _open_call():
    return make_call(make_org("Land Tirol Abteilung Soziales", "AT33"), title="Village care networks 2027")


def _fill_application(page):
    page.fill("#id_title", "Neighbours care in the Ötztal")
    page.fill("#id_summary", "Neighbours visit, drive and shop for older people who live alone.")
    page.select_option("#id_original_language", "en")
    page.select_option("#id_region", label="AT33 Tirol")
    page.fill("#id_requested_amount", "40000")
    page.fill("#id_total_cost", "50000")
    page.select_option("#id_budget-0-category", "personnel")
    page.fill("#id_budget-0-description", "Coordinator, part time")
    page.fill("#id_budget-0-amount", "40000")
    page.select_option("#id_budget-1-category", "travel")
    page.fill("#id_budget-1-description", "Volunteer mileage")
    page.fill("#id_budget-1-amount", "10000")
    for name, text in [("problem", "Older people in remote villages are isolated."),
                       ("activities", "Recruit and train volunteer neighbours; a weekly visiting rota."),
                       ("outputs", "40 trained volunteers; 2000 visits."),
                       ("outcomes", "Less loneliness; later moves into care homes."),
                       ("impact", "Villages where older people can stay at home.")]:
        page.fill(f"#id_{name}", text)
    page.fill("#id_indicator-0-name", "Older people visited weekly")
    page.fill("#id_indicator-0-unit", "people")
    page.fill("#id_indicator-0-baseline", "0")
    page.fill("#id_indicator-0-target", "120")


@pytest.mark.parametrize(("lang", "width", "height"), VIEWS)
def test_a_new_user_signs_up_registers_an_organisation_and_applies(page, lang, width, height):
    page.set_viewport_size({"width": width, "height": height})
    call = _open_call()
    email = f"nora.{lang}@example.org"

    # sign up: consent is required, the address is not yet verified
    _open(page, f"/{lang}/accounts/signup/")
    page.fill("#id_email", email)
    page.fill("#id_full_name", "Nora Neu")
    page.select_option("#id_preferred_language", lang)
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.locator("#id_accept_terms").check()
    page.locator("#id_accept_privacy").check()
    _submit(page, "main form.form button[type=submit]")
    user = User.objects.get(email=email)
    assert not user.email_verified and user.terms_version and user.terms_accepted_at
    assert page.locator("form[action$='/verify-resend/']").count() == 1  # told to verify, can resend

    # verify: the link from the e-mail, in the user's language
    link = _mailed_path(email)
    assert link.startswith(f"/{lang}/accounts/verify/")
    _open(page, link)
    assert page.url.endswith(f"/{lang}/accounts/get-started/")
    user.refresh_from_db()
    assert user.email_verified

    # register a new organisation: the user is its administrator at once
    _submit(page, "main a[href*='/organisations/register/']")
    page.fill("#id_name", f"Verein Dorfpflege {lang.upper()}")
    page.select_option("#id_type", Organisation.Type.NGO)
    page.select_option("#id_country", "AT")
    page.select_option("#id_region", label="AT33 Tirol")
    page.fill("#id_address", "Dorfplatz 1\n6450 Sölden")
    page.fill("#id_website", "dorfpflege.example.org")
    page.select_option("#id_original_language", lang)
    page.fill("#id_description", "Nachbarschaftshilfe im Ötztal.")
    _submit(page, "main form.form button[type=submit]")
    organisation = Organisation.objects.get(name=f"Verein Dorfpflege {lang.upper()}")
    assert organisation.status == Organisation.Status.SUBMITTED  # waits for the editors' listing only
    assert Membership.objects.filter(user=user, organisation=organisation, role=Role.ORGANISATION_ADMIN).exists()

    # draft and submit: nobody else is involved
    _open(page, f"/{lang}/calls/{call.pk}/apply/")
    _submit(page, "main form button[type=submit]")
    assert re.search(r"/applications/\d+/edit/$", page.url), page.url
    _fill_application(page)
    _submit(page, "form.application-form button[type=submit]")
    assert page.locator("ul.problems").count() == 0, page.locator("ul.problems").inner_text()
    _submit(page, "main form[action$='/submit/'] button")  # opens the final check
    page.locator("#id_declaration").check()
    _submit(page, "main form[action$='/submit/'] button")
    application = Application.objects.get(applicant=user)
    assert application.status == Application.Status.SUBMITTED and application.organisation == organisation


@pytest.mark.parametrize(("lang", "width", "height"), VIEWS)
def test_a_second_user_asks_to_join_is_accepted_and_sees_the_draft(page, lang, width, height):
    page.set_viewport_size({"width": width, "height": height})
    organisation = make_org("Verein Dorfpflege Ötztal", "AT33")
    founder = make_user("nora@example.org", full_name="Nora Neu", preferred_language=lang)
    Membership.objects.create(user=founder, organisation=organisation, role=Role.ORGANISATION_ADMIN)
    draft = make_application(_open_call(), founder, organisation, submitted=False, title="Dorfladen 2027")
    make_user("paul@example.org", full_name="Paul Second", preferred_language=lang)

    # the second user finds the organisation and asks to join
    _login(page, lang, "paul@example.org")
    _open(page, f"/{lang}/accounts/organisations/join/")
    page.fill("#id_q", "dorfpflege")
    _submit(page, "main form[role=search] button[type=submit]")
    page.fill(f"#message-{organisation.pk}", "I drive the van on Tuesdays.")
    _submit(page, f"main form[action$='/organisations/{organisation.pk}/join/'] button[type=submit]")
    join_request = JoinRequest.objects.get(user__email="paul@example.org")
    assert join_request.status == JoinRequest.Status.PENDING

    # the administrator gets an e-mail with the organisation's page and accepts, choosing the role
    link = _mailed_path(founder.email)
    assert link == f"/{lang}/accounts/organisations/{organisation.pk}/"
    _login(page, lang, founder.email)
    _open(page, link)
    assert "I drive the van on Tuesdays." in page.locator("main").inner_text()
    page.select_option(f"#id_r{join_request.pk}-role", Role.PROJECT_HOLDER)
    _submit(page, f"main form[action$='/requests/{join_request.pk}/accept/'] button[type=submit]")
    assert Membership.objects.filter(user__email="paul@example.org", organisation=organisation,
                                     role=Role.PROJECT_HOLDER).exists()
    assert _mailed_path("paul@example.org").endswith(f"/organisations/{organisation.pk}/")

    # the new member sees what the organisation is preparing
    _login(page, lang, "paul@example.org")
    _open(page, f"/{lang}/calls/my-applications/")
    text = page.locator("main").inner_text()
    assert "Dorfladen 2027" in text and draft.reference in text
