"""The calls demo step: calls in three phases, with reviews ready for the results pages; fast and
deterministic."""

from __future__ import annotations

import random
import time

import pytest
from django.db.models import Count

from asis.calls.models import Application, Assignment, Call, CallVersion, Review, ReviewScore
from asis.demo.generator import DEMO_STEPS, DemoSize, demo_generate

SIZE = DemoSize(organisations_per_region=2, members_per_organisation=4, initiatives=0)


def _fingerprint() -> list[tuple]:
    calls = [tuple(map(str, row)) for row in Call.objects.order_by("pk").values_list(
        "title", "original_language", "budget", "translations")]
    apps = [tuple(map(str, row)) for row in Application.objects.order_by("pk").values_list(
        "title", "requested_amount", "eligibility", "status")]
    scores = list(ReviewScore.objects.order_by("pk").values_list("criterion", "score"))
    return calls + apps + [tuple(map(str, s)) for s in scores]


def test_calls_step_is_registered():
    assert "asis.calls.demo" in DEMO_STEPS


@pytest.mark.django_db
def test_demo_calls_in_three_phases_with_reviews():
    started = time.perf_counter()
    summary = demo_generate(seed=3, size=SIZE)
    assert summary["calls"] == 3
    phases = sorted(c.phase for c in Call.objects.all())
    # the three calls demo calls, and the impact demo's call decided three years ago
    assert phases == ["announced", "decided", "evaluation", "open"]
    assert CallVersion.objects.count() == 4
    evaluation = next(c for c in Call.objects.all() if c.phase == "evaluation")
    submitted = evaluation.applications.filter(status="submitted")
    assert submitted.count() == 30
    eligible = submitted.filter(eligibility="eligible")
    assert eligible.count() >= 20
    per_app = dict(Assignment.objects.filter(application__call=evaluation).values_list("application")
                   .annotate(n=Count("pk")))
    assert set(per_app.values()) == {3} and len(per_app) == eligible.count()
    # no evaluator reviews an application of their own organisation or region
    for a in Assignment.objects.filter(application__call=evaluation).select_related("evaluator__user",
                                                                                      "application"):
        orgs = set(a.evaluator.user.memberships.values_list("organisation_id", flat=True))
        assert a.application.organisation_id not in orgs
    reviews = Review.objects.filter(assignment__application__call=evaluation, status="submitted")
    assert reviews.count() == 3 * eligible.count()
    criteria = len(evaluation.grid["criteria"])
    assert ReviewScore.objects.filter(review__in=reviews).count() == criteria * reviews.count()
    assert Application.objects.filter(call__in=Call.objects.exclude(pk=evaluation.pk)).exists()
    assert time.perf_counter() - started < 60


def _clear_calls() -> None:
    from asis.calls.demo import clear

    assert clear() == 3
    assert not Call.objects.exists() and not Application.objects.exists()


@pytest.mark.django_db
def test_demo_calls_step_is_deterministic_and_fast(monkeypatch):
    from asis.calls import demo
    from asis.demo import generator

    monkeypatch.setattr(generator, "DEMO_STEPS", ())
    demo_generate(seed=11, size=SIZE)
    assert not Call.objects.exists()
    started = time.perf_counter()
    demo.generate(rng=random.Random(7), size=SIZE, progress=None)
    assert time.perf_counter() - started < 5
    first = _fingerprint()
    assert len(first) > 100
    _clear_calls()
    demo.generate(rng=random.Random(7), size=SIZE, progress=None)
    assert _fingerprint() == first


@pytest.mark.django_db
def test_clear_lets_the_whole_demo_be_deleted_and_generated_again():
    from asis.accounts.models import Membership, Organisation, User
    from asis.calls.demo import clear

    demo_generate(seed=2, size=SIZE)
    calls = sorted(Call.objects.values_list("title", flat=True))
    clear()
    Membership.objects.all().delete()
    Organisation.objects.all().delete()
    User.objects.all().delete()
    demo_generate(seed=2, size=SIZE)
    assert sorted(Call.objects.values_list("title", flat=True)) == calls


@pytest.mark.django_db
def test_demo_call_shows_calibration_in_action():
    """One demo evaluator scores harshly: calibrating the evaluators changes the ranking."""
    from asis.calls.results.services import calibration_effect, call_results_compute

    demo_generate(seed=3, size=SIZE)
    evaluation = next(c for c in Call.objects.all() if c.phase == "evaluation")
    assert evaluation.calibration == Call.Calibration.STANDARDISE
    Call.objects.filter(pk=evaluation.pk).update(smaa_draws=0)
    evaluation.refresh_from_db()
    result = call_results_compute(actor=None, call=evaluation)
    assert calibration_effect(result.data, "weighted_sum")
