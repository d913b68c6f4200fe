"""Results of a call: adapters, computation job, stale detection, what-if, exports, the page."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from asis.calls import adapters
from asis.calls.jobs import results_job
from asis.calls.models import Application, ConflictOfInterest, ResultSet, ReviewScore
from asis.calls.results.services import ResultsError, call_results_compute, is_stale, whatif
from asis.core.models import AuditEntry, Job
from tests.calls.helpers import assign, make_application, make_evaluator, score_review
from tests.calls.results_fixtures import ORDINAL, full_scores, scored_call
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _row(result, app):
    return next(r for r in result.data["applications"] if r["id"] == app.pk)


# --- adapters -------------------------------------------------------------------------------------

def test_adapters_keep_only_submitted_reviews_of_eligible_applications_without_conflict(world):
    call, (a, b), evaluators = scored_call(world, [[5, 4, 3], [2, 3, 4]], smaa_draws=0)
    # noise the engine must not see: a draft review, an ineligible and a withdrawn application,
    # and a review by an evaluator with a recorded conflict of interest
    extra = make_evaluator(call, make_user("results-extra@example.org"))
    score_review(assign(extra, a), full_scores(0), submit=False)
    ineligible = make_application(call, world.users["project_holder"], world.org,
                                  eligibility=Application.Eligibility.INELIGIBLE)
    withdrawn = make_application(call, world.users["project_holder"], world.org,
                                 eligibility=Application.Eligibility.ELIGIBLE)
    for app in (ineligible, withdrawn):
        score_review(assign(evaluators[0], app), full_scores(5))
    Application.objects.filter(pk=withdrawn.pk).update(status=Application.Status.WITHDRAWN)
    conflicted = make_evaluator(call, make_user("results-conflict@example.org"))
    score_review(assign(conflicted, b), full_scores(0))
    ConflictOfInterest.objects.create(evaluator=conflicted, application=b, type="declared")

    inputs = adapters.load_inputs(call)

    assert {s.application for s in inputs.scores} == {str(a.pk), str(b.pk)}
    assert len(inputs.scores) == 2 * 3 * 11
    assert {s.evaluator for s in inputs.scores} == {"E1", "E2", "E3"}  # pseudonyms, never user ids or names
    assert all("@" not in s.evaluator for s in inputs.scores)
    assert {c.application for c in inputs.costs} == {str(a.pk), str(b.pk)}
    assert inputs.costs[0].cost == 50000.0 and inputs.costs[0].groups["region"] == "AT33"
    assert inputs.funding.budget == 500000.0 and inputs.options.seed == call.pk


def test_aggregated_scores_are_the_mean_of_the_evaluators(world):
    call, (a, b), _e = scored_call(world, [[5, 4, 3], [2, 3, 4]], smaa_draws=0)
    # a different score on one criterion, to check the aggregation criterion by criterion
    ReviewScore.objects.filter(review__assignment__application=b, criterion="newness",
                               review__assignment__evaluator=_e[2]).update(score=Decimal("1"))
    result = call_results_compute(actor=world.users["manager"], call=call)
    assert _row(result, a)["criterion_scores"]["social_need"] == pytest.approx((5 + 4 + 3) / 3)
    assert _row(result, b)["criterion_scores"]["newness"] == pytest.approx((2 + 3 + 1) / 3)
    assert _row(result, b)["criterion_scores"]["social_need"] == pytest.approx(3.0)
    # weighted sum on 0-100: a scores 4/5 on every weighted criterion
    assert _row(result, a)["score"] == pytest.approx(80.0)
    assert _row(result, a)["rank"] == 1 and _row(result, a)["n_evaluators"] == 3


def test_challenge_constraints_count_every_challenge_of_an_application():
    constraints = adapters.group_constraints({"groups": [
        {"dimension": "challenge", "group": "ageing", "min_count": 1},
        {"dimension": "region", "group": "AT33", "max_share": 0.5}]})
    assert constraints[0].dimension == "challenge:ageing" and constraints[0].group == "1"
    assert constraints[1].dimension == "region" and constraints[1].max_share == 0.5
    info = adapters.ApplicationInfo(id=1, reference="R", title="T", region="AT33", country="AT",
                                    challenges=("ageing", "housing"), requested=1.0, organisation="O")
    groups = adapters.groups_of(info)
    assert groups["challenge:ageing"] == groups["challenge:housing"] == "1" and groups["challenge"] == "ageing"


def test_incomplete_applications_are_listed_not_ranked(world):
    call, (a, b), evaluators = scored_call(world, [[4, 4], [3, 3]], smaa_draws=0)
    partial = make_application(call, world.users["project_holder"], world.org,
                               eligibility=Application.Eligibility.ELIGIBLE)
    score_review(assign(evaluators[0], partial), {"newness": 3})
    result = call_results_compute(actor=world.users["manager"], call=call)
    assert [e["id"] for e in result.data["excluded"]] == [partial.pk]
    assert "social_need" in result.data["excluded"][0]["missing"]


def test_nothing_to_rank_is_a_clear_error(world):
    from tests.calls.helpers import make_call

    call = make_call(world.org, phase="evaluation")
    with pytest.raises(ResultsError):
        call_results_compute(actor=world.users["manager"], call=call)


# --- computation job, audit, stale detection ----------------------------------------------------

def test_results_job_end_to_end(world):
    call, apps, evaluators = scored_call(world, [[5, 4, 4], [3, 3, 2], [2, 2, 3], [4, 4, 5]],
                                         smaa_draws=100, calibration="standardise",
                                         ranking_methods=["weighted_sum", "topsis", "promethee_ii", "vikor"],
                                         budget=Decimal("120000"))
    client = world.client_for("manager")
    response = client.post(reverse("calls:results_compute", args=[call.pk]))
    assert response.status_code == 302
    job = Job.objects.get(kind="calls.results")
    assert job.params == {"call_id": call.pk, "weights": {}}
    from asis.core.jobs import run_job

    assert run_job.call(str(job.pk)) == "succeeded"
    job.refresh_from_db()
    result = ResultSet.objects.get(call=call)
    assert list(job.result.values()) == [result.pk, 4] and job.progress == 1.0
    assert result.job_id == job.pk
    entry = AuditEntry.objects.get(action="asis.results.computed")
    assert entry.after["result_set"] == result.pk and entry.actor_id == world.users["manager"].pk
    assert len(result.inputs_digest) == 64
    assert [r["reference"] for r in result.data["applications"]][:2] == [apps[0].reference, apps[3].reference]
    row = _row(result, apps[0])
    assert set(row["ranks"]) == {"weighted_sum", "topsis", "promethee_ii", "vikor"}
    assert row["uncalibrated_rank"] is not None and row["first_rank_probability"] is not None
    portfolio = result.data["portfolio"]
    assert portfolio["count"] == 2 and portfolio["total_cost"] == 100000.0
    assert {g["group"] for g in result.data["distribution"]["region"]} == {"AT33"}
    assert not is_stale(call, result)
    page = client.get(reverse("calls:results", args=[call.pk]))
    assert page.status_code == 200 and b"Up to date" in page.content

    ReviewScore.objects.filter(review__assignment__application=apps[1], criterion="newness").update(
        score=Decimal("5"))
    assert is_stale(call, result)
    cache.clear()  # the page reuses the current fingerprint for a few seconds
    assert b"Out of date" in client.get(reverse("calls:results", args=[call.pk])).content
    again = call_results_compute(actor=world.users["manager"], call=call)
    assert again.inputs_digest != result.inputs_digest and not is_stale(call, again)


def test_the_job_reports_progress_in_order(world):
    call, _apps, _e = scored_call(world, [[4, 4], [3, 2]], smaa_draws=600)
    job = Job.objects.create(kind="calls.results", owner=world.users["manager"], params={"call_id": call.pk})
    reports = []
    results_job(job, lambda fraction, message="": reports.append(fraction))
    assert reports[-1] == 1.0 and reports == sorted(reports) and len(reports) > 4


def test_the_job_refuses_an_owner_who_no_longer_manages_the_call(world):
    from asis.core.jobs import JobError

    call, _apps, _e = scored_call(world, [[4, 4]], smaa_draws=0)
    job = Job.objects.create(kind="calls.results", owner=world.users["other_manager"], params={"call_id": call.pk})
    with pytest.raises(JobError):
        results_job(job, lambda f, m="": None)
    assert not ResultSet.objects.exists()


def test_results_page_renders_from_the_stored_result_with_bounded_queries(world, django_assert_max_num_queries,
                                                                          monkeypatch):
    call, _apps, _e = scored_call(world, [[5, 4, 4], [3, 3, 2], [2, 2, 3], [4, 4, 5], [1, 1, 1]], smaa_draws=50)
    call_results_compute(actor=world.users["manager"], call=call)
    from asis.engines import assess

    def boom(*args, **kwargs):
        raise AssertionError("the results page must not run the engine")

    monkeypatch.setattr(assess, "assess", boom)
    client = world.client_for("manager")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("calls:results", args=[call.pk]) + "?method=topsis")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Krippendorff" in content and "Only in the" not in content or "Both rules" in content
    assert "knocked out" in content  # the application scored 1 is below the thresholds


def test_other_tenants_manager_gets_404(world):
    call, _apps, _e = scored_call(world, [[4, 4]], smaa_draws=0)
    call_results_compute(actor=world.users["manager"], call=call)
    client = world.client_for("other_manager")
    for name in ("calls:results", "calls:results_whatif", "calls:decisions"):
        assert client.get(reverse(name, args=[call.pk])).status_code == 404
    assert client.get(reverse("calls:results_export", args=[call.pk, "csv"])).status_code == 404


# --- what-if ---------------------------------------------------------------------------------------

def _two_profiles(world):
    """A is strong on newness, B on social need; everything else equal."""
    call, (a, b), evaluators = scored_call(world, [[3], [3]], smaa_draws=0, budget=Decimal("50000"))
    for app, newness, need in ((a, 5, 3), (b, 3, 5)):
        ReviewScore.objects.filter(review__assignment__application=app, criterion="newness").update(
            score=Decimal(newness))
        ReviewScore.objects.filter(review__assignment__application=app, criterion="social_need").update(
            score=Decimal(need))
    return call, a, b


def test_whatif_changes_the_order_as_computed_by_hand(world):
    call, a, b = _two_profiles(world)
    result = call_results_compute(actor=world.users["manager"], call=call)
    only = dict.fromkeys([*ORDINAL, "programme_relevance"], 0)
    on_newness = whatif(result, {**only, "newness": 1})
    assert [r["id"] for r in on_newness["rows"]] == [a.pk, b.pk]
    assert on_newness["rows"][0]["score"] == pytest.approx(100.0)  # 100 * 5/5
    assert on_newness["rows"][1]["score"] == pytest.approx(60.0)  # 100 * 3/5
    on_need = whatif(result, {**only, "social_need": 2})
    assert [r["id"] for r in on_need["rows"]] == [b.pk, a.pk]
    # one 50,000 EUR grant fits the budget: the portfolio follows the weights
    assert [r["selected"] for r in on_need["rows"]] == [True, False]
    assert on_need["portfolio"]["count"] == 1
    assert ResultSet.objects.count() == 1  # nothing saved


def test_whatif_view_answers_htmx_and_reports_bad_weights(world):
    call, a, b = _two_profiles(world)
    call_results_compute(actor=world.users["manager"], call=call)
    client = world.client_for("manager")
    url = reverse("calls:results_whatif", args=[call.pk])
    zero = dict.fromkeys([*ORDINAL, "programme_relevance"], "0")
    response = client.get(url, {**zero, "social_need": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<html" not in response.content
    content = response.content.decode()
    assert content.index(b.reference) < content.index(a.reference)
    bad = client.get(url, {**zero, "newness": "abc"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and b"Enter a number" in bad.content
    all_zero = client.get(url, zero)
    assert b"At least one weight must be above zero" in all_zero.content


# --- exports -----------------------------------------------------------------------------------------

def test_exports_csv_and_xlsx_neutralise_formulas(world):
    from openpyxl import load_workbook

    call, (a, b), _e = scored_call(world, [[5, 4], [3, 3]], smaa_draws=0)
    Application.objects.filter(pk=a.pk).update(title="=HYPERLINK(\"http://evil\")")
    result = call_results_compute(actor=world.users["manager"], call=call)
    client = world.client_for("manager")
    response = client.get(reverse("calls:results_export", args=[call.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["rank", "reference", "title"] and "criterion_newness" in header
    first = dict(zip(header, rows[1], strict=True))
    assert first["reference"] == a.reference and first["title"].startswith("'=HYPERLINK")
    assert float(first["score"]) == pytest.approx(_row(result, a)["score"])
    assert first["selected_optimal"] == "yes"

    response = client.get(reverse("calls:results_export", args=[call.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Results"]
    assert sheet.cell(row=2, column=3).value.startswith("'=HYPERLINK")
    assert sheet.cell(row=2, column=1).value == 1  # numbers stay numbers
    assert "Parameters" in book.sheetnames
    assert client.get(reverse("calls:results_export", args=[call.pk, "pdf"])).status_code == 404


def test_an_empty_optimal_portfolio_is_explained(world):
    share_rule = {"groups": [{"dimension": "country", "group": "AT", "min_count": None, "max_count": None,
                              "min_share": None, "max_share": 0.5}]}
    call, _apps, _e = scored_call(world, [[4, 4], [5, 4]], smaa_draws=0, portfolio_constraints=share_rule)
    result = call_results_compute(actor=world.users["manager"], call=call)
    assert result.data["portfolio"]["count"] == 0  # every applicant is in AT: no share of 50 % is possible
    page = world.client_for("manager").get(reverse("calls:results", args=[call.pk])).content.decode()
    assert "No application can be funded under the call" in page

    open_call, _apps, _e = scored_call(world, [[4, 4], [5, 4]], smaa_draws=0)
    call_results_compute(actor=world.users["manager"], call=open_call)
    page = world.client_for("manager").get(reverse("calls:results", args=[open_call.pk])).content.decode()
    assert "No application can be funded under the call" not in page


def test_knock_outs_and_flags_are_said_with_criterion_names_in_the_readers_language(world):
    """Not the engine's "novelty below minimum 2" or "evaluator E2 is ... median" in English."""
    from django.utils import translation

    from asis.calls.results import wording

    call, _apps, _e = scored_call(world, [[5, 5, 1], [1, 1, 1], [4, 4, 4]], smaa_draws=0)
    result = call_results_compute(actor=world.users["manager"], call=call)
    rows = {r["title"]: r for r in result.data["applications"]}
    names = wording.criterion_names(result.data["criteria"], "de")
    knocked = rows["Project B"]
    assert knocked["knock_out_details"] and knocked["knock_outs"]
    with translation.override("de"):
        texts = wording.knock_out_texts(knocked, names)
    first = knocked["knock_out_details"][0]
    assert texts[0].startswith(names[first["criterion"]] + ": ")
    assert first["criterion"] not in texts[0] or names[first["criterion"]] == first["criterion"]
    flagged = rows["Project A"]
    assert flagged["flag_details"], "evaluator E3 stands apart from the two others"
    assert wording.flag_texts(flagged) and all("E" in t for t in wording.flag_texts(flagged)
                                               if "median" in t)
    # A result set stored before the facts existed keeps its engine sentences.
    legacy = {k: v for k, v in knocked.items() if k not in {"knock_out_details", "flag_details"}}
    assert wording.knock_out_texts(legacy, names) == knocked["knock_outs"]
