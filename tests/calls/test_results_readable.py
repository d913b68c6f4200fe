"""Results people can read: percentages, agreement with a plain reading, requested and
cumulative amounts, names instead of codes, "no data" instead of a dash, the funding rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from asis.calls.results import readings
from asis.calls.results.services import call_results_compute
from tests.calls.results_fixtures import scored_call

pytestmark = pytest.mark.django_db


def test_agreement_readings_follow_the_documented_thresholds():
    assert [readings.alpha_reading(v) for v in (0.85, 0.8, 0.7, 0.667, 0.5, None)] == [
        "good agreement", "good agreement", "tentative agreement", "tentative agreement", "poor agreement",
        "no data"]
    assert [readings.icc_reading(v) for v in (0.95, 0.8, 0.6, 0.3, None)] == [
        "excellent reliability", "good reliability", "moderate reliability", "poor reliability", "no data"]


def test_results_page_reads_like_a_report(world):
    call, (a, b, c), _e = scored_call(world, [[5, 4], [2, 3], [4, 4]], smaa_draws=200, budget=Decimal("120000"),
                                      requested=[Decimal("100000"), Decimal("15000"), Decimal("60000")],
                                      max_grant=Decimal("100000"), funding_rule="rank_skip")
    call_results_compute(actor=world.users["manager"], call=call)
    page = world.client_for("manager").get(reverse("calls:results", args=[call.pk])).content.decode()
    # requested and cumulative (ranking A, C, B): 100,000 then 160,000 then 175,000
    for amount in ("100,000.00\u00a0EUR", "160,000.00\u00a0EUR", "175,000.00\u00a0EUR"):
        assert amount in page
    assert "%</td>" in page  # probabilities as percentages
    assert "agreement</td>" in page and "Krippendorff" in page
    # the region of the applications by name, not by its NUTS code, in the distribution table
    assert ">Tirol<" in page or "Tirol</th>" in page
    assert "<th scope=\"row\">AT33</th>" not in page
    # the funding rule in plain words, with the lower-ranked application funded over a higher one
    assert f"{b.reference} (rank 3) is funded although {c.reference} (rank 2) is not" in page
