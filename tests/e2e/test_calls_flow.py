"""End to end: one funding call from its creation to the decision letter, through the browser.

A programme manager builds and publishes a call; one applicant self-assesses, then applies from
the result; another applies from the call page; the manager screens both, invites three
evaluators (one declares a conflict of interest), assigns automatically, the evaluators score,
the panel sets a consensus score, the results are computed, the decisions sent, and the first
applicant reads the letter. Every page visited is checked by axe (see conftest.py).

The ORM is used only for what no user does: accounts and memberships, the clock (see
``_move_clock``) and running the background jobs in the test process (no worker runs here).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from asis.accounts.models import Membership, Role
from asis.calls.builder.forms import localise
from asis.calls.models import (
    Application,
    Assignment,
    Call,
    ConflictOfInterest,
    ConsensusScore,
    DecisionLetter,
    Evaluator,
    Review,
)
from asis.core.jobs import run_job
from asis.core.models import Job
from asis.observatory.models import Axis, Challenge
from asis.observatory.taxonomy_seed import seed_taxonomies
from tests.conftest import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Village care networks 2027"
MANAGER = "martina.manager@example.org"
APPLICANT_1 = "anna.applicant@example.org"
APPLICANT_2 = "bruno.applicant@example.org"
EVALUATORS = ("eva.one@example.org", "emil.two@example.org", "elena.three@example.org")
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
CONFLICTED = EVALUATORS[2]  # declares a conflict of interest with application 1


# --- small helpers ----------------------------------------------------------------------------------

def _submit(page, selector):
    """Click a button that submits a form, wait for the page it leads to, run axe on it."""
    with page.expect_navigation():
        page.click(selector)
    page.check()


def _login(page, email, next_url="**/en/"):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    _fill_login(page, email, next_url)


def _fill_login(page, email, next_url):
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(next_url)
    page.check()


def _main_text(page):
    return page.locator("main").inner_text()


def _vienna_wall_clock(moment):
    """``moment`` as the builder's form wants it (local time of the call's zone), an hour later
    should it fall into the hour skipped when the clocks go forward."""
    naive = moment.astimezone(VIENNA).replace(tzinfo=None, second=0, microsecond=0)
    if localise(naive, "Europe/Vienna") is None:
        naive += dt.timedelta(hours=1)
    return naive.strftime("%Y-%m-%dT%H:%M")


def _move_clock(call, **fields):
    """Move the call's timeline (the test cannot wait for it).

    The builder refuses to publish a call whose opening is in the past, so the call is published
    with an opening a few minutes ahead and then opened by moving ``opens_at`` back; later it is
    closed for evaluation by moving ``closes_at`` back. Applicants and managers see exactly what
    they would see at those times.
    """
    Call.objects.filter(pk=call.pk).update(**fields)
    call.refresh_from_db()


def _run_jobs(kind):
    """Run the queued jobs of ``kind`` in the test process, as a worker would."""
    jobs = list(Job.objects.filter(kind=kind, status=Job.Status.QUEUED))
    assert jobs, f"no queued {kind} job"
    for job in jobs:
        assert run_job.call(str(job.pk)) == "succeeded", Job.objects.get(pk=job.pk).error


# --- the world: accounts and memberships (not something a user does in these pages) ----------------

def _setup_people():
    seed_taxonomies(Challenge, Axis)  # a transactional test starts from a flushed database
    authority = make_org("Land Tirol Abteilung Soziales", "AT33")
    manager = make_user(MANAGER, full_name="Martina Manager")
    Membership.objects.create(user=manager, organisation=authority, role=Role.PROGRAMME_MANAGER)
    for email, name, org_name, code in [
        (APPLICANT_1, "Anna Applicant", "Verein Dorfpflege Ötztal", "AT33"),
        (APPLICANT_2, "Bruno Applicant", "Cooperativa Valle Solidale", "ITH1"),
    ]:
        user = make_user(email, full_name=name)
        Membership.objects.create(user=user, organisation=make_org(org_name, code), role=Role.PROJECT_HOLDER)
    for email, name in zip(EVALUATORS, ("Eva One", "Emil Two", "Elena Three"), strict=True):
        make_user(email, full_name=name)  # accounts exist already: the invitation links to them


# --- 1. the manager builds and publishes the call -----------------------------------------------

def _build_and_publish(page):
    _login(page, MANAGER)
    page.goto("/en/calls/manage/new/")
    opens = timezone.now() + dt.timedelta(minutes=10)
    page.fill("#id_title", TITLE)
    page.select_option("#id_original_language", "en")
    page.select_option("#id_grid_template", "asis")
    page.fill("#id_budget", "60000")  # room for one of the two requests: the portfolio must choose
    page.fill("#id_min_grant", "10000")
    page.fill("#id_max_grant", "50000")
    page.select_option("#id_timezone", "Europe/Vienna")
    page.fill("#id_opens_at", _vienna_wall_clock(opens))
    page.fill("#id_closes_at", _vienna_wall_clock(opens + dt.timedelta(days=30)))
    _submit(page, "main form button[type=submit]")
    assert re.search(r"/calls/manage/\d+/edit/", page.url), page.url
    call = Call.objects.get(title=TITLE)
    assert call.status == Call.Status.DRAFT and call.grid_template == "asis" and call.grid["criteria"]

    base = f"/en/calls/manage/{call.pk}/edit/"
    page.goto(base + "?section=texts")
    page.fill("#id_description", "Grants for volunteer networks that care for older people in mountain villages.")
    _submit(page, "main form button[type=submit]")

    page.goto(base + "?section=checklist")
    page.fill("#id_checklist-0-text", "The lead organisation is registered in the Alpine Space.")
    page.fill("#id_checklist-1-text", "The budget table adds up to the total cost.")
    _submit(page, "main form button[type=submit]")

    # Two evaluators per application, so that three evaluators minus one conflict still suffice;
    # fewer SMAA draws keep the results job quick.
    page.goto(base + "?section=evaluation")
    page.fill("#id_evaluators_per_application", "2")
    page.fill("#id_smaa_draws", "200")
    _submit(page, "main form button[type=submit]")
    call.refresh_from_db()
    assert len(call.eligibility_checklist) == 2
    assert call.evaluators_per_application == 2 and call.smaa_draws == 200

    page.goto(f"/en/calls/manage/{call.pk}/publish/")  # the preview; publishing needs the confirmation
    page.locator("#id_confirm").check()
    _submit(page, "main form button[type=submit]")
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED and call.version == 1
    assert "is published" in _main_text(page)

    page.context.clear_cookies()
    page.goto("/en/calls/")
    assert TITLE in _main_text(page)
    page.goto(f"/en/calls/{call.pk}/")
    assert TITLE in page.locator("main h1").inner_text()
    return call


# --- 2. two applicants apply ---------------------------------------------------------------------

def _fill_application(page, *, title, region, requested, total):
    page.fill("#id_title", title)
    page.fill("#id_summary", f"{title}: neighbours visit, drive and shop for older people who live alone.")
    page.select_option("#id_original_language", "en")
    page.select_option("#id_region", label=region)
    page.fill("#id_requested_amount", str(requested))
    page.fill("#id_total_cost", str(total))
    page.select_option("#id_budget-0-category", "personnel")
    page.fill("#id_budget-0-description", "Coordinator, part time")
    page.fill("#id_budget-0-amount", str(total - 10000))
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
    _submit(page, "form.application-form button[type=submit]")
    assert page.locator("ul.problems").count() == 0, page.locator("ul.problems").inner_text()
    _submit(page, "main form[action$='/submit/'] button")  # the final read-only check
    page.locator("#id_declaration").check()
    _submit(page, "main form[action$='/submit/'] button")
    assert "Your application was submitted" in _main_text(page)


def _self_assess_and_apply(page, call):
    page.context.clear_cookies()
    page.goto(f"/en/calls/{call.pk}/")
    with page.expect_navigation():
        page.click("main a[href*='self-assessment']")
    page.check()
    page.fill("#id_project_title", "Ötztal neighbours care")
    criteria = page.locator("fieldset.criterion")
    for i in range(criteria.count()):
        fieldset = criteria.nth(i)
        radios = fieldset.locator("input[type=radio]")
        fieldset.locator("input[type=radio][value='1']" if radios.count() == 2
                         else "input[type=radio][value='4']").check()
    page.fill("#id_n_social_need", "Half of the over-75s in our valley live alone.")
    _submit(page, "form.self-assessment button[type=submit]")
    assert re.search(r"/self-assessment/[0-9a-f-]{36}/$", page.url), page.url
    result_url = page.url
    assert page.locator("main svg").count() >= 1  # the radar chart
    assert "/ 100" in _main_text(page)

    with page.expect_navigation():
        page.click("section[aria-labelledby=apply-h] a")
    page.check()
    _fill_login(page, APPLICANT_1, result_url)
    assert page.locator("#id_call option").all_inner_texts() == [TITLE]
    _submit(page, "main form[action$='/apply/'] button[type=submit]")
    assert re.search(r"/applications/\d+/edit/$", page.url), page.url
    assert "Half of the over-75s" in page.input_value("#id_problem")  # the note went into the logic model
    _fill_application(page, title="Ötztal neighbours care", region="AT33 Tirol", requested=40000, total=50000)
    application = Application.objects.get(applicant__email=APPLICANT_1)
    assert application.self_assessment is not None
    return application


def _apply_from_call_page(page, call):
    _login(page, APPLICANT_2)
    page.goto(f"/en/calls/{call.pk}/")
    with page.expect_navigation():
        page.click("main a.button")  # "Apply"
    page.check()
    _submit(page, "main form button[type=submit]")
    assert re.search(r"/applications/\d+/edit/$", page.url), page.url
    _fill_application(page, title="Valle solidale: care at home",
                      region="ITH1 Provincia Autonoma di Bolzano/Bozen", requested=30000, total=40000)
    return Application.objects.get(applicant__email=APPLICANT_2)


def _assert_receipt(application, email):
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.submitted_at
    receipts = [m for m in mail.outbox if email in m.to and application.reference in (m.subject + m.body)]
    assert receipts, [(m.to, m.subject) for m in mail.outbox]


# --- 3. the call closes; the manager screens -----------------------------------------------------

def _screen(page, applications):
    _login(page, MANAGER)
    call_id = applications[0].call_id
    page.goto(f"/en/calls/{call_id}/applications/")
    for application in applications:
        assert application.reference in _main_text(page)
    for application in applications:
        page.goto(f"/en/calls/manage/applications/{application.pk}/")
        yes = page.locator("main form input[type=radio][value=yes]")
        assert yes.count() == 2
        for i in range(yes.count()):
            yes.nth(i).check()
        page.locator("main form input[name=outcome][value=eligible]").check()
        _submit(page, "main form[method=post] button[type=submit]")
        application.refresh_from_db()
        assert application.eligibility == Application.Eligibility.ELIGIBLE


# --- 4. evaluators, a conflict of interest, automatic assignment ---------------------------------

def _evaluators(page, call, conflicted_application):
    page.goto(f"/en/calls/manage/{call.pk}/evaluators/")
    for email in EVALUATORS:
        page.fill("#id_email", email)
        _submit(page, "main form[action$='/evaluators/'] button[type=submit]")
        assert f"{email} was invited" in _main_text(page)
    assert Evaluator.objects.filter(call=call, status=Evaluator.Status.INVITED).count() == 3

    for email in EVALUATORS:
        _login(page, email)
        page.goto(f"/en/calls/{call.pk}/invitation/")
        _submit(page, "main button[value=accept]")
        assert "you accepted the invitation" in _main_text(page)
    assert Evaluator.objects.filter(call=call, status=Evaluator.Status.ACCEPTED).count() == 3

    # the last evaluator (still logged in) declares a conflict with application 1
    with page.expect_navigation():
        page.click(f"main a[href$='/reviews/{conflicted_application.pk}/declare-conflict/']")
    page.check()
    page.fill("#id_note", "I chair the association that leads this project.")
    _submit(page, "main form button[type=submit]")
    conflicted = Evaluator.objects.get(call=call, user__email=CONFLICTED)
    assert ConflictOfInterest.objects.filter(evaluator=conflicted, application=conflicted_application,
                                             type=ConflictOfInterest.Type.DECLARED).exists()

    _login(page, MANAGER)
    page.goto(f"/en/calls/manage/{call.pk}/assignments/")
    _submit(page, "main form[action$='/assignments/'] button[type=submit]")
    assert "assignments created" in _main_text(page)
    assignments = Assignment.objects.filter(application__call=call)
    assert assignments.count() == 4  # two applications × two evaluators
    assert not assignments.filter(evaluator=conflicted, application=conflicted_application).exists()
    assert set(assignments.values_list("evaluator__user__email", flat=True)) == set(EVALUATORS)
    row = page.locator("main tr", has_text=conflicted_application.reference)
    assert "Elena Three" not in row.inner_text()
    assert "Eva One" in row.inner_text() and "Emil Two" in row.inner_text()


# --- 5. the evaluators score -------------------------------------------------------------------

def _score_all(page, call, levels):
    for email in EVALUATORS:
        _login(page, email)
        mine = Assignment.objects.filter(application__call=call, evaluator__user__email=email)
        assert mine.exists()
        for assignment in mine.select_related("application"):
            application = assignment.application
            page.goto("/en/calls/reviews/")
            with page.expect_navigation():
                page.click(f"main a[href$='/reviews/{application.pk}/']")
            page.check()
            level = levels[application.pk]
            for criterion in call.grid["criteria"]:
                cid = criterion["id"]
                value = "1" if criterion["scale"] == "pass-fail" else str(level)
                page.locator(f"input[name=score_{cid}][value='{value}']").check()
                page.fill(f"textarea[name=justification_{cid}]", f"Level {value}: as the application shows.")
            page.fill("#id_comment", "A well-argued project.")
            _submit(page, "main form.review-form button[name=submit]")
            assert "Your review was submitted" in _main_text(page)
    assert Review.objects.filter(assignment__application__call=call, status=Review.Status.SUBMITTED).count() == 4


# --- 6. the panel sets a consensus score ---------------------------------------------------------

def _consensus(page, call, application):
    _login(page, MANAGER)
    page.goto(f"/en/calls/manage/{call.pk}/panel/")
    section = page.locator(f"#app-{application.pk}")
    section.locator("summary").click()
    page.select_option(f"#crit-{application.pk}", "newness")
    page.fill(f"#score-{application.pk}", "5")
    page.fill(f"#reason-{application.pk}", "The panel agreed the rota model is new in the Alps.")
    _submit(page, f"#app-{application.pk} form[action$='/consensus/'] button[type=submit]")
    assert "The consensus score was saved" in _main_text(page)
    consensus = ConsensusScore.objects.get(application=application, criterion="newness")
    assert float(consensus.score) == 5 and "rota model" in consensus.reason


# --- 7. results ------------------------------------------------------------------------------------

def _results(page, call, funded, unfunded):
    page.goto(f"/en/calls/manage/{call.pk}/results/")
    _submit(page, "main form[action$='/results/compute/'] button[type=submit]")
    _run_jobs("calls.results")
    page.goto(f"/en/calls/manage/{call.pk}/results/")
    assert "Up to date" in _main_text(page)
    ranking = page.locator("main table.results-table tbody tr")
    assert ranking.count() == 2
    assert funded.reference in ranking.nth(0).inner_text()  # higher scores and the consensus
    assert "funded" in ranking.nth(0).inner_text() and "not funded" not in ranking.nth(0).inner_text()
    assert unfunded.reference in ranking.nth(1).inner_text()
    assert "not funded" in ranking.nth(1).inner_text()
    portfolio = page.locator("section[aria-labelledby=portfolio-heading]")
    assert re.search(r"Applications funded\s+1\b", portfolio.inner_text()), portfolio.inner_text()


# --- 8. decisions ------------------------------------------------------------------------------------

def _decide_and_send(page, call, funded, unfunded):
    page.goto(f"/en/calls/manage/{call.pk}/decisions/")
    _submit(page, "main form[action$='/decisions/prefill/'] button[type=submit]")
    assert page.input_value(f"#outcome-{funded.pk}") == Application.Decision.APPROVED
    assert page.input_value(f"#amount-{funded.pk}").startswith("40000")
    assert page.input_value(f"#outcome-{unfunded.pk}") == Application.Decision.REJECTED
    page.fill(f"#reason-{funded.pk}", "A strong, well-budgeted project.")
    page.fill(f"#reason-{unfunded.pk}", "A good project, but the budget ran out before it.")
    _submit(page, "main form[action$='/decisions/'] button[type=submit]")
    assert "decisions saved" in _main_text(page)
    mail.outbox.clear()
    with page.expect_navigation():
        page.click(f"main a[href$='/manage/{call.pk}/decisions/send/']")
    page.check()
    assert "Send 2 letters?" in _main_text(page)  # a preview of each kind of letter, then the count
    assert page.locator("main article.letter").count() == 2
    _submit(page, "main form[action$='/decisions/send/'] button[type=submit]")
    _run_jobs("calls.decisions_send")
    page.goto(f"/en/calls/manage/{call.pk}/decisions/")
    call.refresh_from_db()
    assert call.status == Call.Status.RESULTS
    funded.refresh_from_db()
    unfunded.refresh_from_db()
    assert (funded.decision, unfunded.decision) == (Application.Decision.APPROVED, Application.Decision.REJECTED)
    assert DecisionLetter.objects.filter(application__in=[funded, unfunded]).count() == 2
    assert {m.to[0] for m in mail.outbox} >= {APPLICANT_1, APPLICANT_2}


# --- 9. the applicant reads the letter ---------------------------------------------------------------

def _read_letter(page, application):
    _login(page, APPLICANT_1)
    page.goto("/en/calls/my-applications/")
    with page.expect_navigation():
        page.click(f"main a[href$='/applications/{application.pk}/']")
    page.check()
    with page.expect_navigation():
        page.click(f"main a[href$='/applications/{application.pk}/letter/']")
    page.check()
    letter = DecisionLetter.objects.get(application=application)
    text = page.locator("main article.letter").inner_text()
    assert letter.subject in text and letter.language == "en"
    assert re.search(r"40\D?000\.00 EUR", text), text  # the granted amount
    assert "A strong, well-budgeted project." in text  # the manager's reason


def test_funding_call_from_creation_to_decision_letter(page):
    _setup_people()
    call = _build_and_publish(page)

    _move_clock(call, opens_at=timezone.now() - dt.timedelta(hours=1))  # the call opens
    assert call.accepts_applications
    mail.outbox.clear()
    first = _self_assess_and_apply(page, call)
    second = _apply_from_call_page(page, call)
    _assert_receipt(first, APPLICANT_1)
    _assert_receipt(second, APPLICANT_2)

    _move_clock(call, closes_at=timezone.now() - dt.timedelta(minutes=1))  # the call closes
    assert call.phase == Call.Phase.EVALUATION
    _screen(page, [first, second])

    _evaluators(page, call, first)
    _score_all(page, call, {first.pk: 4, second.pk: 3})
    _consensus(page, call, first)
    _results(page, call, funded=first, unfunded=second)
    _decide_and_send(page, call, funded=first, unfunded=second)
    _read_letter(page, first)
