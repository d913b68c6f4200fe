"""The learning loop against independent computations (docs/methods/learning-loop.md)."""

import math

import numpy as np
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from asis.engines.impact.errors import InvalidSpecError
from asis.engines.impact.learning import (
    Refusal,
    Signal,
    criterion_signals,
    spearman_interval,
    suggest_weights,
)

# The worked example of the methods page: 12 projects, no ties.
OUTCOME = [0.42, 0.95, 0.61, 1.10, 0.30, 0.78, 0.55, 1.25, 0.88, 0.47, 0.70, 1.02]
RELEVANCE = [3.0, 4.5, 2.5, 5.0, 2.0, 3.5, 4.2, 4.0, 3.8, 2.8, 3.2, 4.8]


def _ranks(xs):
    """Mid-ranks, coded by hand (1 = smallest)."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _pearson(a, b):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    return cov / math.sqrt(sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b))


def test_worked_example_by_hand():
    signal = criterion_signals({"relevance": RELEVANCE}, OUTCOME)["relevance"]
    # sum of squared rank differences = 60: rho = 1 - 6 * 60 / (12 * 143)
    assert signal.rho == pytest.approx(1 - 360 / 1716)
    z = math.atanh(1 - 360 / 1716)  # 1.07199
    se = math.sqrt((1 + (1 - 360 / 1716) ** 2 / 2) / 9)  # 0.38184
    assert signal.ci_low == pytest.approx(math.tanh(z - 1.959964 * se), abs=1e-6)
    assert (round(signal.ci_low, 3), round(signal.ci_high, 3)) == (0.313, 0.949)
    assert signal.n == 12 and signal.carries_signal and signal.reason is None


def test_against_pingouin():
    ref = pingouin.corr(RELEVANCE, OUTCOME, method="spearman")
    signal = criterion_signals({"relevance": RELEVANCE}, OUTCOME)["relevance"]
    assert signal.rho == pytest.approx(ref["r"].iloc[0])
    assert signal.p_value == pytest.approx(ref["p_val"].iloc[0])
    # pingouin's interval uses Fisher's 1 / sqrt(n - 3); Bonett and Wright's is wider
    low, high = ref["CI95"].iloc[0]
    assert signal.ci_low < low and signal.ci_high >= high - 0.01


@settings(max_examples=60)
@given(st.integers(10, 40).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 5), min_size=n, max_size=n),
    st.lists(st.floats(-2, 2, allow_nan=False), min_size=n, max_size=n))),
    st.sampled_from([0.9, 0.95, 0.99]))
def test_spearman_and_interval_match_a_hand_coded_computation(data, confidence):
    scores, outcome = data
    signal = criterion_signals({"c": scores}, outcome, confidence=confidence)["c"]
    if len(set(scores)) == 1 or len(set(outcome)) == 1:
        assert signal.reason == "no_variation" and signal.rho is None
        return
    rho = _pearson(_ranks(scores), _ranks(outcome))
    assert signal.rho == pytest.approx(rho, abs=1e-9)
    n = len(scores)
    if abs(rho) < 1 - 1e-9:
        q = norm.ppf(1 - (1 - confidence) / 2)
        se = math.sqrt((1 + rho * rho / 2) / (n - 3))
        assert signal.ci_low == pytest.approx(math.tanh(math.atanh(rho) - q * se), abs=1e-7)
        assert signal.ci_high == pytest.approx(math.tanh(math.atanh(rho) + q * se), abs=1e-7)
    assert signal.ci_low <= signal.rho <= signal.ci_high
    assert signal.carries_signal == (signal.ci_low > 0 or signal.ci_high < 0)


def test_missing_values_and_small_samples():
    scores = {"a": RELEVANCE[:9] + [np.nan] * 3, "b": RELEVANCE, "c": [3.0] * 12}
    signals = criterion_signals(scores, OUTCOME)
    assert signals["a"] == Signal("a", 9, reason="too_few_projects", params={"n": 9, "min_n": 10})
    assert signals["b"].n == 12
    assert signals["c"] == Signal("c", 12, reason="no_variation", params={"n": 12})
    assert criterion_signals({"a": scores["a"]}, OUTCOME, min_n=5)["a"].n == 9


def test_perfect_ranking_has_a_degenerate_interval():
    assert spearman_interval(1.0, 12) == (1.0, 1.0)
    signal = criterion_signals({"c": list(range(12))}, [x * 2.0 for x in range(12)])["c"]
    assert signal.rho == pytest.approx(1.0) and signal.carries_signal


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"min_n": 3}, "invalid_min_n"), ({"confidence": 1.0}, "invalid_confidence"),
     ({"outcome": [1.0]}, "length_mismatch")],
)
def test_signals_reject_bad_options(kwargs, code):
    with pytest.raises(InvalidSpecError) as err:
        criterion_signals(**{"scores": {"c": RELEVANCE}, "outcome": OUTCOME, **kwargs})
    assert err.value.code == code


def _signal(name, low, high, n=12):
    return Signal(name, n, (low + high) / 2, low, high, 0.01,
                  carries_signal=low > 0 or high < 0)


CURRENT = {"relevance": 30.0, "feasibility": 30.0, "innovation": 20.0, "budget": 20.0}
SIGNALS = {
    "relevance": _signal("relevance", 0.31, 0.95),
    "feasibility": _signal("feasibility", -0.80, -0.10),
    "innovation": _signal("innovation", -0.30, 0.60),
    "budget": _signal("budget", -0.45, 0.50),
}


def test_suggestion_worked_example():
    suggestion = suggest_weights(CURRENT, SIGNALS)
    # factors 1 + 0.5 * 0.31 = 1.155 and 1 - 0.5 * 0.10 = 0.95; raw 34.65, 28.5, 20, 20
    # (sum 103.15), rescaled to 100
    assert suggestion.refused is None
    expected = {"relevance": 33.5918, "feasibility": 27.6297, "innovation": 19.3892,
                "budget": 19.3892}
    assert suggestion.weights == {k: pytest.approx(v, abs=1e-4) for k, v in expected.items()}
    assert sum(suggestion.weights.values()) == pytest.approx(100.0)
    assert suggestion.changes["relevance"] == pytest.approx(34.65 / 1.0315 / 30 - 1)
    assert suggestion.changes["innovation"] == pytest.approx(1 / 1.0315 - 1)


def test_suggestion_never_moves_a_weight_more_than_half():
    current = {"a": 10.0, "b": 90.0}
    signals = {"a": _signal("a", 0.9, 0.99), "b": _signal("b", -0.99, -0.9)}
    suggestion = suggest_weights(current, signals, strength=0.9)
    # unbounded: 18.1 and 17.1 -> 51.4 and 48.6; a is held to +50 %, b takes the rest
    assert suggestion.weights == {"a": pytest.approx(15.0), "b": pytest.approx(85.0)}
    assert suggestion.changes["a"] == pytest.approx(0.5)


@settings(max_examples=100)
@given(st.lists(st.tuples(st.floats(0.1, 100), st.floats(-0.99, 0.99), st.floats(0, 0.9)),
                min_size=2, max_size=8),
       st.floats(0.05, 0.95), st.floats(0.1, 0.9))
def test_suggestion_keeps_the_total_and_the_bounds(rows, strength, max_change):
    current = {f"c{i}": w for i, (w, _, _) in enumerate(rows)}
    signals = {f"c{i}": _signal(f"c{i}", low, min(low + width, 0.999))
               for i, (_, low, width) in enumerate(rows)}
    suggestion = suggest_weights(current, signals, strength=strength, max_change=max_change)
    if suggestion.refused is not None:
        assert suggestion.refused.code == "no_signal"
        assert suggestion.weights == current
        return
    assert sum(suggestion.weights.values()) == pytest.approx(sum(current.values()))
    for c, w in current.items():
        assert w * (1 - max_change) - 1e-9 <= suggestion.weights[c] <= w * (1 + max_change) + 1e-9
    # criteria without a signal keep their weights relative to each other, unless capped
    quiet = [c for c in current if not signals[c].carries_signal]
    ratios = {round(suggestion.weights[c] / current[c], 9) for c in quiet
              if abs(suggestion.changes[c]) < max_change - 1e-9}
    assert len(ratios) <= 1
    # a positive signal never loses weight relative to a criterion without one
    for c in current:
        if signals[c].carries_signal and signals[c].ci_low > 0:
            assert all(suggestion.weights[c] / current[c] >= suggestion.weights[q] / current[q]
                       - 1e-9 for q in quiet)


def test_no_suggestion_below_the_minimum_or_without_signal():
    few = {k: Signal(k, 8, reason="too_few_projects", params={"n": 8, "min_n": 10})
           for k in CURRENT}
    suggestion = suggest_weights(CURRENT, few)
    assert suggestion.refused == Refusal("too_few_projects", {"n": 8, "min_n": 10})
    assert suggestion.weights == CURRENT and set(suggestion.changes.values()) == {0.0}
    assert suggest_weights(CURRENT, {}).refused == Refusal("too_few_projects",
                                                           {"n": 0, "min_n": 10})
    quiet = {"innovation": SIGNALS["innovation"]}
    assert suggest_weights(CURRENT, quiet).refused == Refusal("no_signal", {"n": 12})


def test_zero_weights_stay_zero():
    suggestion = suggest_weights({"relevance": 0.0, "feasibility": 1.0}, SIGNALS)
    assert suggestion.weights == {"relevance": 0.0, "feasibility": pytest.approx(1.0)}
    assert suggestion.changes["relevance"] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"min_n": 2}, "invalid_min_n"), ({"strength": 1.0}, "invalid_strength"),
     ({"max_change": 1.0}, "invalid_max_change"),
     ({"current": {"a": -1.0}}, "invalid_weights"),
     ({"current": {"a": float("nan")}}, "invalid_weights"),
     ({"current": {"a": 0.0}}, "invalid_weights")],
)
def test_suggestion_rejects_bad_options(kwargs, code):
    with pytest.raises(InvalidSpecError) as err:
        suggest_weights(**{"current": CURRENT, "signals": SIGNALS, **kwargs})
    assert err.value.code == code
