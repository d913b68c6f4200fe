"""Funding rules against hand computations, true reasons, and the justification of decisions that
fund a lower-ranked application over a higher-ranked one."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asis.calls.models import Application, DecisionLetter
from asis.calls.results import reasons, rules
from asis.calls.results.decisions import (
    candidates,
    decision_facts,
    decisions_prefill,
    decisions_record,
    decisions_send,
    explain_inversions,
    funded_now,
    prefill_items,
    proposal,
)
from asis.calls.results.services import call_results_compute, latest_result
from asis.core.models import AuditEntry
from tests.calls.results_fixtures import scored_call
from tests.conftest import make_user

D = Decimal


def _cands() -> list[rules.Candidate]:
    """Ranks 1..5 requesting 120, 150, 50, 40, 30 (budget 300 below)."""
    asks = [120, 150, 50, 40, 30]
    return [rules.Candidate(id=i + 1, reference=f"R-{i + 1}", rank=i + 1, requested=D(a), score=90 - 10 * i)
            for i, a in enumerate(asks)]


def test_strict_rank_order_stops_at_the_first_that_does_not_fit():
    # by hand: 120 (180 left), 150 (30 left), 50 > 30 -> stop
    assert rules.propose("rank_strict", _cands(), budget=D(300), max_grant=D(200)) == {1: D(120), 2: D(150)}


def test_rank_order_skipping_goes_on_after_one_that_does_not_fit():
    # by hand: 120, 150 (30 left), 50 skipped, 40 skipped, 30 fits (0 left)
    assert rules.propose("rank_skip", _cands(), budget=D(300), max_grant=D(200)) == {1: D(120), 2: D(150),
                                                                                      5: D(30)}


def test_optimal_rule_on_the_worked_example_of_the_methods_doc():
    """docs/methods/portfolio.md: scores 90..50, by hand the best combination is ranks 1, 3, 4, 5
    (score 270, 240,000 EUR); the MILP finds it and the rule funds exactly its selection."""
    from asis.engines import portfolio

    cands = _cands()
    port = portfolio.select([portfolio.Candidate(id=str(c.id), cost=float(c.requested), value=float(c.score or 0))
                             for c in cands], 300.0)
    assert sorted(int(i) for i in port.selected) == [1, 3, 4, 5]
    chosen = [rules.Candidate(**{**c.__dict__, "selected": str(c.id) in port.selected}) for c in cands]
    assert rules.propose("optimal", chosen, budget=D(300), max_grant=D(200)) == {1: D(120), 3: D(50), 4: D(40),
                                                                                   5: D(30)}
    facts = rules.explain("optimal", chosen, {1: D(120), 3: D(50), 4: D(40), 5: D(30)}, budget=D(300),
                          max_grant=D(200))
    assert facts[2]["kind"] == "not_in_portfolio" and facts[2]["lower_funded"] == ["R-3", "R-4", "R-5"]


def test_rules_respect_the_maximum_grant_and_the_minimum_score():
    # max grant 100: 100, 100, 50, 40 (290 used), 30 > 10 left; min score 55 drops ranks 5 (score 50)
    assert rules.propose("rank_skip", _cands(), budget=D(300), max_grant=D(100), min_score=55) == {
        1: D(100), 2: D(100), 3: D(50), 4: D(40)}


def test_facts_follow_the_decisions_taken():
    cands = _cands()
    facts = rules.explain("rank_strict", cands, {1: D(120), 2: D(150)}, budget=D(300), max_grant=D(200))
    assert facts[3] == {"rule": "rank_strict", "rank": 3, "count": 5, "kind": "did_not_fit", "requested": "50.00",
                        "needed": "50.00", "left": "30.00", "budget": "300", "lower_funded": []}
    assert facts[5]["kind"] == "after_stop" and facts[5]["stop_reference"] == "R-3"
    skip = rules.explain("rank_skip", cands, {1: D(120), 2: D(150), 5: D(30)}, budget=D(300), max_grant=D(200))
    assert skip[3]["kind"] == "did_not_fit" and skip[3]["lower_funded"] == ["R-5"]
    assert skip[5]["kind"] == "funded"
    # a decision no rule explains (rank 1 left out while 2 and 3 fit) is said to be the committee's
    odd = rules.explain("rank_strict", cands, {2: D(150), 3: D(50)}, budget=D(300), max_grant=D(200))
    assert odd[1]["kind"] == "not_selected" and odd[1]["lower_funded"] == ["R-2", "R-3"]
    found = rules.inversions(cands, {2: D(150), 3: D(50)})
    assert [(i.funded.reference, i.passed_over.reference) for i in found] == [("R-2", "R-1"), ("R-3", "R-1")]


def test_unranked_applications_get_their_own_facts():
    cands = [rules.Candidate(id=1, reference="K", rank=None, requested=D(5), knock_outs=("impact",)),
             rules.Candidate(id=2, reference="I", rank=None, requested=D(5), ineligible=True),
             rules.Candidate(id=3, reference="U", rank=None, requested=D(5))]
    facts = rules.explain("optimal", cands, {}, budget=D(10), max_grant=D(10))
    assert [facts[i]["kind"] for i in (1, 2, 3)] == ["knocked_out", "ineligible", "unranked"]
    with pytest.raises(ValueError, match="unknown funding rule"):
        rules.propose("lottery", cands, budget=D(1), max_grant=D(1))


# --- on a computed call ---------------------------------------------------------------------------

def _call(world, rule: str):
    """A ranked 1, C ranked 2, B ranked 3, requesting 100,000, 15,000 and 60,000; budget 120,000."""
    call, apps, _e = scored_call(world, [[5, 4], [2, 3], [4, 4]], smaa_draws=0, budget=D("120000"),
                                 max_grant=D("100000"), requested=[D("100000"), D("15000"), D("60000")],
                                 funding_rule=rule)
    call_results_compute(actor=world.users["manager"], call=call)
    return call, apps


def _brute_force_best(cands: list[rules.Candidate], budget: Decimal) -> set[int]:
    best: tuple[float, set[int]] = (-1.0, set())
    for k in range(len(cands) + 1):
        for subset in combinations(cands, k):
            if sum(c.requested for c in subset) <= budget:
                value = sum(c.score or 0 for c in subset)
                if value > best[0]:
                    best = (value, {c.id for c in subset})
    return best[1]


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "expected"), [("rank_strict", "A"), ("rank_skip", "AB"), ("optimal", "AB")])
def test_each_rule_on_a_computed_call_matches_the_hand_computation(world, rule, expected):
    call, (a, b, c) = _call(world, rule)
    cands = candidates(call)
    assert {x.reference: x.rank for x in cands} == {a.reference: 1, c.reference: 2, b.reference: 3}
    funded = proposal(call, cands)
    by_letter = {"A": a.pk, "B": b.pk, "C": c.pk}
    assert set(funded) == {by_letter[x] for x in expected}
    if rule == "optimal":  # the MILP finds the best-scoring combination within the budget
        assert set(funded) == _brute_force_best([x for x in cands if x.ranked], call.budget)


@pytest.mark.django_db
def test_lower_ranked_funded_needs_a_justification_and_the_reason_is_true(world):
    call, (a, b, c) = _call(world, "rank_skip")
    manager = world.users["manager"]
    german = make_user("antrag-de@example.org", preferred_language="de", full_name="Greta Huber")
    Application.objects.filter(pk=c.pk).update(applicant=german)
    result = latest_result(call)
    with pytest.raises(ValidationError) as info:
        decisions_prefill(actor=manager, call=call, result=result)
    assert "justification" in info.value.message_dict
    assert not Application.objects.filter(call=call).exclude(decision="").exists()
    assert not AuditEntry.objects.filter(action="asis.decision.justified").exists()

    # the managers are told in plain words why
    sentences = explain_inversions(call, candidates(call), {a.pk: D("100000"), b.pk: D("15000")})
    assert sentences == [f"{b.reference} (rank 3) is funded although {c.reference} (rank 2) is not: "
                         f"{c.reference} requests 60,000.00\u00a0EUR and only 20,000.00\u00a0EUR were left."]

    decisions_prefill(actor=manager, call=call, result=result, justification="Small project fits the rest.")
    call.refresh_from_db()
    assert call.decision_justification["text"] == "Small project fits the rest."
    entry = AuditEntry.objects.get(action="asis.decision.justified")
    assert entry.after["passed_over"] == [c.reference] and entry.after["funded_over"] == [b.reference]
    # the same decisions again need no second justification
    decisions_prefill(actor=manager, call=call, result=result)

    assert decisions_send(actor=manager, call=call) == 3
    c.refresh_from_db()
    assert c.decision_facts["kind"] == "did_not_fit" and c.decision_facts["lower_funded"] == [b.reference]
    letter = DecisionLetter.objects.get(application=c)
    assert letter.language == "de"
    assert "60.000,00\u00a0EUR" in letter.body and "20.000,00\u00a0EUR" in letter.body
    english = reasons.render(c.decision_facts, call=call, language="en")
    assert "higher-ranked applications" not in english.replace("ranked above", "")
    assert "budget was used" not in english and "60,000.00" in english
    assert "criteria" not in c.decision_facts  # keys only for knock-outs


@pytest.mark.django_db
def test_knock_out_reasons_name_the_criteria_in_the_readers_language(world):
    call, (a, b, c) = _call(world, "rank_strict")
    facts = {"rule": "rank_strict", "kind": "knocked_out", "criteria": ["social_need"]}
    names = reasons.criterion_names(call, "de")
    text = reasons.render(facts, call=call, language="de")
    assert names["social_need"] in text and "social_need" not in text.replace(names["social_need"], "")


@pytest.mark.django_db
def test_decisions_page_asks_for_the_justification(world):
    call, (a, b, c) = _call(world, "rank_strict")
    client = world.client_for("manager")
    url = reverse("calls:decisions", args=[call.pk])
    data = {f"outcome-{a.pk}": "approved", f"outcome-{b.pk}": "approved", f"outcome-{c.pk}": "rejected"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert b"record the justification" in response.content and b'name="justification"' in response.content
    assert not Application.objects.filter(call=call).exclude(decision="").exists()
    response = client.post(url, {**data, "justification": "Regional balance."})
    assert response.status_code == 302
    assert funded_now(call) == {a.pk: D("100000.00"), b.pk: D("15000.00")}
    page = client.get(url).content.decode()
    assert f"{b.reference} (rank 3) is funded although {c.reference} (rank 2) is not" in page
    assert "Regional balance." in page


@pytest.mark.django_db
def test_funded_in_rank_order_needs_no_justification(world):
    call, (a, b, c) = _call(world, "rank_strict")
    decisions_record(actor=world.users["manager"], call=call, items=prefill_items(call, latest_result(call)))
    assert set(funded_now(call)) == {a.pk}
    facts = decision_facts(call, candidates(call), funded_now(call))
    assert facts[c.pk]["kind"] == "did_not_fit" and facts[b.pk]["kind"] == "after_stop"
    assert not AuditEntry.objects.filter(action="asis.decision.justified").exists()
