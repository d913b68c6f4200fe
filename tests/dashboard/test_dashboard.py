"""Each role's home page: what it shows, in the reader's locale, with a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from asis.accounts.models import User
from asis.calls.models import Application, ConflictOfInterest, DecisionLetter, Evaluator
from asis.dashboard.templatetags.dashboard import days_left, money, percent
from tests.calls.helpers import assign, make_application, make_call, make_evaluator, score_review
from tests.conftest import PASSWORD
from tests.observatory.contribute_helpers import make_initiative

pytestmark = pytest.mark.django_db

SCORES = {"need": 4}


def _home(client, language: str = "en") -> str:
    with translation.override(language):
        url = reverse("core:home")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_visitors_get_the_public_introduction(client, world):
    html = _home(client)
    assert "Judge innovation by what it does for people" in html
    assert "My applications" not in html


def test_login_lands_on_the_home_page(client, world):
    response = client.post("/de/accounts/login/", {"username": "member@example.org", "password": PASSWORD})
    # The member prefers English: after login the interface follows the person, not the login page.
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert 'id="dash-start"' in client.get(response["Location"]).content.decode()


def test_applicant_sees_drafts_deadlines_submissions_and_letters(world):
    holder = world.users["project_holder"]
    call = make_call(world.org, phase="open", title="Village futures")
    draft = make_application(call, holder, world.org, submitted=False, title="Our draft")
    draft.logic_model = {}
    draft.budget_lines = []
    draft.save()
    decided_call = make_call(world.org, phase="decided", title="Earlier call")
    done = make_application(decided_call, holder, world.org, title="Funded idea",
                            eligibility=Application.Eligibility.ELIGIBLE, decision=Application.Decision.APPROVED,
                            granted_amount=Decimal("33150"))
    DecisionLetter.objects.create(application=done, outcome="approved", language="en",
                                  subject="Your grant is approved", body="Dear applicant")
    html = _home(world.client_for("project_holder"))
    assert draft.reference in html and "Village futures" in html
    assert "42 % filled in" in html  # title, summary, region, amounts: 5 of 12 items
    assert "days left" in html
    assert done.reference in html and "Approved" in html and "33,150.00 EUR" in html
    assert "Your grant is approved" in html
    assert reverse("calls:letter", args=[done.pk]) in html
    assert f'href="{reverse("calls:my_applications")}"' in html  # the role's link in the navigation
    assert "My reviews" not in html and "My calls" not in html


def test_applicant_amounts_follow_the_readers_locale(world):
    holder = world.users["project_holder"]
    call = make_call(world.org, phase="decided")
    make_application(call, holder, world.org, decision=Application.Decision.APPROVED,
                     eligibility=Application.Eligibility.ELIGIBLE, granted_amount=Decimal("33150"))
    assert "33.150,00" in _home(world.client_for("project_holder"), "de")
    assert "33\u202f150,00" in _home(world.client_for("project_holder"), "fr") or \
        "33\xa0150,00" in _home(world.client_for("project_holder"), "fr")


def test_evaluator_sees_invitations_and_progress_with_days_left(world):
    evaluator_user = world.users["evaluator"]
    holder = world.users["project_holder"]
    call = make_call(world.org, phase="evaluation", title="Care at home",
                     evaluation_ends_on=timezone.localdate() + timedelta(days=5))
    evaluator = make_evaluator(call, evaluator_user)
    assignments = [assign(evaluator, make_application(call, holder, world.org)) for _ in range(3)]
    score_review(assignments[0], SCORES)
    invited_to = make_call(world.org, phase="open", title="Mountain mobility")
    make_evaluator(invited_to, evaluator_user, status=Evaluator.Status.INVITED)
    html = _home(world.client_for("evaluator"))
    assert "1 of 3 reviews submitted" in html
    assert "5 days left" in html
    assert "Mountain mobility" in html and reverse("calls:invitation", args=[invited_to.pk]) in html
    assert f'href="{reverse("calls:review_list")}"' in html


def test_manager_sees_phases_funnel_budget_and_what_needs_attention(world):
    manager_user, holder = world.users["manager"], world.users["project_holder"]
    call = make_call(world.org, phase="evaluation", title="Rural care", budget=Decimal("500000"),
                     evaluation_ends_on=timezone.localdate() - timedelta(days=2))
    make_call(world.org, phase="open", title="Open one")
    make_call(world.other_org, phase="open", title="Not mine")
    evaluator = make_evaluator(call, world.users["evaluator"])
    reviewed = make_application(call, holder, world.org, eligibility=Application.Eligibility.ELIGIBLE,
                                decision=Application.Decision.APPROVED, granted_amount=Decimal("50000"))
    score_review(assign(evaluator, reviewed), SCORES)
    late = make_application(call, holder, world.org, eligibility=Application.Eligibility.ELIGIBLE)
    assign(evaluator, late)
    ConflictOfInterest.objects.create(evaluator=evaluator, application=late, type=ConflictOfInterest.Type.DECLARED)
    make_application(call, holder, world.org, eligibility=Application.Eligibility.ELIGIBLE)  # unassigned
    make_application(call, holder, world.org)  # not screened yet
    make_application(call, holder, world.org, submitted=False)  # a draft: counted, never listed
    html = _home(world.client_for("manager"))
    assert "Rural care" in html and "Open one" in html and "Not mine" not in html
    assert "Under evaluation" in html and "Open for applications" in html
    assert "4 submitted, 3 eligible, 1 fully reviewed, 1 decided" in html
    assert "1 draft in progress" in html
    assert "1 of 2 reviews submitted" in html and "2 days overdue" in html
    assert "50,000.00 EUR of 500,000.00 EUR (10 %)" in html
    assert "Rural care: 1 application waits for the eligibility check" in html
    assert "Rural care: 1 eligible application has no evaluator" in html
    assert "Rural care: 1 conflict of interest declared" in html
    assert "Rural care: 1 review is overdue" in html
    assert "Rural care: 1 decision not yet sent" in html
    assert f'href="{reverse("calls:manage_list")}"' in html
    assert manager_user.pk and "My applications" not in html


def test_editor_sees_the_moderation_queue(world):
    editor = User.objects.create_user("editor@example.org", "x", is_editor=True)
    make_initiative(submitted_by=world.users["member"], title="Shared village van", lead=world.org)
    from django.test import Client

    client = Client()
    client.force_login(editor)
    html = _home(client)
    assert "1 initiative waits for moderation." in html
    assert "Shared village van" in html
    assert reverse("observatory:moderation_queue") in html


def test_a_person_with_several_roles_sees_each_section(world):
    person = world.users["evaluator"]
    call = make_call(world.org, phase="open", title="Both roles")
    make_application(call, person, world.org, submitted=False)
    evaluated = make_call(world.org, phase="evaluation", title="Evaluated call")
    assign(make_evaluator(evaluated, person), make_application(evaluated, world.users["project_holder"], world.org))
    html = _home(world.client_for("evaluator"))
    assert 'id="dash-applicant"' in html and 'id="dash-evaluator"' in html
    assert 'id="dash-manager"' not in html and 'id="dash-editor"' not in html


def test_a_person_without_a_role_gets_a_place_to_start(world):
    html = _home(world.client_for("member"))
    assert 'id="dash-start"' in html
    assert reverse("calls:public_list") in html


def _everything(world, calls: int) -> None:
    """``calls`` calls, each with applications in every state, reviews, conflicts and letters."""
    holder, evaluator_user = world.users["platform_admin"], world.users["platform_admin"]
    for n in range(calls):
        call = make_call(world.org, phase="evaluation" if n % 2 else "open", title=f"Call {n}",
                         evaluation_ends_on=timezone.localdate() + timedelta(days=n))
        evaluator = make_evaluator(call, evaluator_user)
        for k in range(3):
            application = make_application(call, holder, world.org, eligibility=Application.Eligibility.ELIGIBLE,
                                           decision=Application.Decision.APPROVED if k == 0 else "",
                                           granted_amount=Decimal("1000") if k == 0 else None)
            score_review(assign(evaluator, application), SCORES, submit=bool(k % 2))
            DecisionLetter.objects.create(application=application, outcome="approved", language="en",
                                          subject=f"Letter {n}-{k}", body="-")
            ConflictOfInterest.objects.create(evaluator=evaluator, application=application,
                                              type=ConflictOfInterest.Type.DECLARED)
        make_application(call, holder, world.org, submitted=False)
        make_evaluator(make_call(world.org, phase="open", title=f"Invited {n}"), evaluator_user,
                       status=Evaluator.Status.INVITED)
        make_initiative(submitted_by=world.users["member"], title=f"Proposal {n}", lead=world.org)


def _count_home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _home(client)
    return len(ctx.captured_queries)


def test_home_page_queries_do_not_grow_with_calls_and_applications(world):
    """A platform admin has every role here (applicant, evaluator, manager, editor)."""
    client = world.client_for("platform_admin")
    _everything(world, 1)
    few = _count_home_queries(client)
    _everything(world, 5)
    many = _count_home_queries(client)
    assert many == few, f"{few} queries with 1 call, {many} with 6"
    assert few <= 30


def test_number_filters_use_the_active_locale_and_plurals():
    with translation.override("en"):
        assert money(Decimal("33150")) == "33,150.00 EUR"
        assert percent(99.4) == "99 %"
        assert days_left(1) == "1 day left"
        assert days_left(3) == "3 days left"
        assert days_left(0) == "last day"
        assert days_left(-1) == "1 day overdue"
        assert days_left(None) == ""
    with translation.override("de"):
        assert money(Decimal("33150")) == "33.150,00 EUR"
