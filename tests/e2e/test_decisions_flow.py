"""Journey (c): a manager runs two calls to decisions -- one funding strictly in rank order, one
funding the optimal portfolio (which funds a lower-ranked application, so a justification is
asked) -- previews and sends the letters, opens them, and a German applicant reads a letter that
is German with a true reason. Once in German on a 360 px phone, once in English on a desktop;
every page is checked by axe (see conftest.py).

The calls reach the results stage through the test builders and the results service (scoring is
journey (d)'s and test_calls_flow's business); every decision step is done in the browser.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from asis.accounts.models import Membership, Role
from asis.calls.models import Application, Call, DecisionLetter
from asis.calls.results import reasons
from asis.calls.results.services import call_results_compute
from asis.core.jobs import run_job
from asis.core.models import AuditEntry, Job
from asis.observatory.models import Axis, Challenge
from asis.observatory.taxonomy_seed import seed_taxonomies
from tests.calls.helpers import assign, make_application, make_call, make_evaluator, score_review
from tests.calls.results_fixtures import full_scores
from tests.conftest import make_org, make_user
from tests.e2e.helpers import login, no_overflow

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER = "marta.entscheid@example.org"
GERMAN = "greta.antrag@example.org"
OTHER = "olaf.other@example.org"
# Words that would betray English in a German letter, and keys that must never be shown.
ENGLISH = re.compile(r"\b(the|your|application|ranked|requests|were left|Dear|regards|funding rule)\b")
RAW_KEYS = ("did_not_fit", "rank_skip", "rank_strict", "optimal", "not_in_portfolio", "social_need",
            "knocked_out", "lower_funded", "{{")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)
    page.check()


def _run_jobs(kind):
    jobs = list(Job.objects.filter(kind=kind, status=Job.Status.QUEUED))
    assert jobs, f"no queued {kind} job"
    for job in jobs:
        assert run_job.call(str(job.pk)) == "succeeded", Job.objects.get(pk=job.pk).error


def _world(language):
    seed_taxonomies(Challenge, Axis)
    authority = make_org("Land Tirol Abteilung Soziales", "AT33")
    manager = make_user(MANAGER, full_name="Marta Entscheid", preferred_language=language)
    Membership.objects.create(user=manager, organisation=authority, role=Role.PROGRAMME_MANAGER)
    german = make_user(GERMAN, full_name="Greta Antrag", preferred_language="de")
    other = make_user(OTHER, full_name="Olaf Other", preferred_language="en")
    applicant_org = make_org("Verein Dorfpflege Ötztal", "AT33")
    for user in (german, other):
        Membership.objects.create(user=user, organisation=applicant_org, role=Role.PROJECT_HOLDER)
    calls = {}
    for rule in (Call.FundingRule.RANK_STRICT, Call.FundingRule.OPTIMAL):
        title = "Dorfpflege Rangfolge" if rule == Call.FundingRule.RANK_STRICT else "Dorfpflege Portfolio"
        call = make_call(authority, phase="evaluation", title=title, funding_rule=rule,
                         budget=Decimal("120000"), max_grant=Decimal("100000"), smaa_draws=0,
                         signatory_name="Dr. Anna Berger", signatory_function="Abteilungsleiterin")
        evaluators = [make_evaluator(call, make_user(f"eval{j}-{call.pk}@example.org")) for j in range(2)]
        # ranked A (1), C (2), B (3); C belongs to the German applicant and requests 60,000
        apps = []
        for title, levels, requested, user in (("Projekt A", (5, 4), "100000", other),
                                               ("Projekt B", (2, 3), "15000", other),
                                               ("Projekt C", (4, 4), "60000", german)):
            app = make_application(call, user, applicant_org, title=title, requested=Decimal(requested),
                                   eligibility=Application.Eligibility.ELIGIBLE)
            for evaluator, level in zip(evaluators, levels, strict=True):
                score_review(assign(evaluator, app), full_scores(level))
            apps.append(app)
        call_results_compute(actor=manager, call=call)
        calls[rule] = (call, apps)
    return calls


def _decide(page, language, call, *, justification):
    page.goto(f"/{language}/calls/manage/{call.pk}/results/")
    rule = page.locator("main section[aria-labelledby=rule-heading]")
    assert rule.count() == 1
    page.goto(f"/{language}/calls/manage/{call.pk}/decisions/")
    box = page.locator("#prefill-justification")
    if justification:
        assert box.count() == 1 and box.get_attribute("required") is not None  # the justification is asked
        box.fill("Regionale Ausgewogenheit: das kleine Projekt B ergänzt Projekt A.")
    else:
        assert box.count() == 0
    _submit(page, "main form[action$='/decisions/prefill/'] button[type=submit]")
    assert not Application.objects.filter(call=call, decision="").exists()


def _send(page, language, call, width):
    page.goto(f"/{language}/calls/manage/{call.pk}/decisions/send/")
    no_overflow(page, width)
    assert page.locator("main article.letter").count() >= 2  # a preview of each kind of letter
    assert page.locator("main form input[name=count]").get_attribute("value") == "3"
    _submit(page, "main form[action$='/decisions/send/'] button[type=submit]")
    _run_jobs("calls.decisions_send")
    page.goto(f"/{language}/calls/manage/{call.pk}/decisions/sent/")
    links = page.locator("main table a[href*='/manage/applications/']")
    assert links.count() == 3
    with page.expect_navigation():
        links.first.click()
    page.check()
    assert "Dr. Anna Berger" in page.locator("main article.letter").inner_text()
    no_overflow(page, width)


@pytest.mark.parametrize(("language", "width"), [("de", 360), ("en", 1280)])
def test_decisions_with_two_rules_and_a_german_letter(page, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    calls = _world(language)
    strict, (sa, sb, sc) = calls[Call.FundingRule.RANK_STRICT]
    optimal, (oa, ob, oc) = calls[Call.FundingRule.OPTIMAL]

    login(page, MANAGER, language)
    _decide(page, language, strict, justification=False)
    assert [x.decision for x in Application.objects.filter(pk__in=[sa.pk, sc.pk, sb.pk]).order_by("title")] == [
        "approved", "rejected", "rejected"]  # A funded; C (60,000) does not fit in 20,000: funding stops
    _decide(page, language, optimal, justification=True)
    assert Application.objects.get(pk=ob.pk).decision == "approved"  # B (rank 3) funded over C (rank 2)
    assert AuditEntry.objects.filter(action="asis.decision.justified").count() == 1
    _send(page, language, strict, width)
    _send(page, language, optimal, width)

    # the German applicant reads the letter of the optimal call: C was passed over for B
    login(page, GERMAN, "de")
    page.goto(f"/de/calls/applications/{oc.pk}/letter/")
    no_overflow(page, 360 if width == 360 else width)
    letter = DecisionLetter.objects.get(application=oc)
    text = page.locator("main").inner_text()
    assert letter.language == "de" and letter.subject in text
    oc.refresh_from_db()
    assert oc.decision_facts["kind"] == "did_not_fit"  # the true reason: 60,000 requested, 20,000 left
    assert reasons.render(oc.decision_facts, call=optimal, language="de") in letter.body
    assert "60.000,00" in text and "20.000,00" in text
    for key in RAW_KEYS:
        assert key not in text, key
    # an applicant never opens someone else's letter
    assert page.goto(f"/de/calls/applications/{ob.pk}/letter/").status == 404
    assert not ENGLISH.search(text), ENGLISH.search(text)
