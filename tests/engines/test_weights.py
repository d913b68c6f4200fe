"""Weights: direct, equal, rank-order centroid and AHP."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asis.engines import weights
from asis.engines.errors import InvalidInputError


def test_direct_normalises():
    assert np.allclose(weights.direct([2, 1, 1]), [0.5, 0.25, 0.25])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1, -1], "negative"),
        ([0, 0], "cannot be normalised"),
        ([1, np.nan], "NaN"),
        ([], "empty"),
        ([[1, 2]], "dimension"),
        (["a"], "numeric"),
        ([1, np.inf], "infinite"),
    ],
)
def test_direct_rejects_bad_weights(raw, message):
    with pytest.raises(InvalidInputError, match=message) as err:
        weights.direct(raw)
    assert err.value.field == "weights"


def test_equal():
    assert np.allclose(weights.equal(4), 0.25)
    with pytest.raises(InvalidInputError):
        weights.equal(0)


def test_rank_order_centroid_published_values():
    """Barron & Barrett (1996), Table 1: ROC weights for n = 4 are .5208, .2708, .1458, .0625."""
    w = weights.rank_order_centroid([1, 2, 3, 4])
    assert np.allclose(w, [0.5208, 0.2708, 0.1458, 0.0625], atol=1e-4)
    assert np.allclose(weights.rank_order_centroid([3, 1, 2]), [1 / 9, 11 / 18, 5 / 18])


@pytest.mark.parametrize("ranks", [[1, 1, 2], [1, 3], [0, 1]])
def test_rank_order_centroid_rejects_ties_and_gaps(ranks):
    with pytest.raises(InvalidInputError, match="permutation"):
        weights.rank_order_centroid(ranks)


def test_ahp_saaty_light_example():
    """Saaty (1977), J. Math. Psychology 15, 234-281 (and Saaty 1980, ch. 2): relative
    brightness of four chairs at increasing distance from a light. Published priorities
    0.61, 0.24, 0.10, 0.05 with lambda_max = 4.39; CI = 0.13, so CR = 0.13/0.90 > 0.10."""
    a = [[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]]
    res = weights.ahp(a)
    assert np.allclose(res.weights, [0.61, 0.24, 0.10, 0.05], atol=0.01)
    assert res.lambda_max == pytest.approx(4.39, abs=0.005)
    assert res.consistency_index == pytest.approx(0.13, abs=0.005)
    assert res.consistency_ratio == pytest.approx(0.13 / 0.90, abs=0.01)
    assert res.warning is not None and "exceeds 0.10" in res.warning
    assert res.worst_judgment == (0, 3)


def test_ahp_consistent_matrix_recovers_weights():
    w = np.array([0.5, 0.3, 0.2])
    res = weights.ahp(np.outer(w, 1 / w))
    assert np.allclose(res.weights, w)
    assert res.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert res.worst_judgment is None and res.warning is None


def test_ahp_two_criteria_is_always_consistent():
    res = weights.ahp([[1, 3], [1 / 3, 1]])
    assert np.allclose(res.weights, [0.75, 0.25])
    assert res.consistency_ratio == 0.0


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2, 3], [0.5, 1, 1]], "square"),
        ([[1, -2], [-0.5, 1]], "positive"),
        ([[2, 2], [0.5, 2]], "diagonal"),
        ([[1, 2], [2, 1]], "reciprocal"),
        (np.ones((16, 16)), "at most 15"),
    ],
)
def test_ahp_rejects_bad_matrices(matrix, message):
    with pytest.raises(InvalidInputError, match=message):
        weights.ahp(matrix)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 100.0), min_size=1, max_size=12).filter(lambda v: sum(v) > 1e-6))
def test_weights_sum_to_one(raw):
    assert weights.direct(raw).sum() == pytest.approx(1.0)
    n = len(raw)
    assert weights.equal(n).sum() == pytest.approx(1.0)
    assert weights.rank_order_centroid(list(range(1, n + 1))).sum() == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]), min_size=6, max_size=6)
)
def test_ahp_weights_sum_to_one(upper):
    n = 4
    a = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    a[iu] = upper
    a[(iu[1], iu[0])] = 1 / np.array(upper)
    res = weights.ahp(a)
    assert res.weights.sum() == pytest.approx(1.0)
    assert (res.weights > 0).all()
    assert res.lambda_max >= n - 1e-9
