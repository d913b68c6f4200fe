"""Weighted sum, TOPSIS, PROMETHEE II and VIKOR against published examples and pymcdm."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm.methods import PROMETHEE_II, TOPSIS, VIKOR
from pymcdm.normalizations import vector_normalization

from asis.engines import mcda
from asis.engines.errors import InvalidInputError

AIRCRAFT = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
AIRCRAFT_W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_BENEFIT = [True, True, True, False, True, True]


def _random_problem(seed, n=12, m=5):
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 10, (n, m))
    w = rng.uniform(0.1, 1, m)
    types = np.where(rng.random(m) < 0.3, -1, 1)
    types[0] = 1
    return x, w / w.sum(), types


def test_weighted_sum_by_hand():
    res = mcda.weighted_sum([[3, 4], [5, 1]], [1, 3])
    assert np.allclose(res.scores, [3 * 0.25 + 4 * 0.75, 5 * 0.25 + 1 * 0.75])
    assert list(res.order) == [0, 1] and list(res.ranks) == [1, 2]
    cost = mcda.weighted_sum([[3, 4], [5, 1]], [1, 1], [True, False])
    assert np.allclose(cost.scores, [-0.5, 2.0])


def test_topsis_hwang_yoon_fighter_aircraft():
    """Hwang & Yoon (1981), Multiple Attribute Decision Making, pp. 131-134: four fighter
    aircraft, six attributes (cost is the only cost attribute), w = (.2,.1,.1,.1,.2,.3).
    Relative closeness C* = 0.643, 0.268, 0.614, 0.312: A1 > A3 > A4 > A2."""
    res = mcda.topsis(AIRCRAFT, AIRCRAFT_W, AIRCRAFT_BENEFIT)
    assert np.allclose(res.scores, [0.643, 0.268, 0.614, 0.312], atol=1e-3)
    assert list(res.order) == [0, 2, 3, 1]


@pytest.mark.parametrize("seed", range(5))
def test_topsis_matches_pymcdm(seed):
    x, w, types = _random_problem(seed)
    ours = mcda.topsis(x, w, types > 0).scores
    theirs = TOPSIS(vector_normalization)(x, w, types)
    assert np.allclose(ours, theirs)


def test_topsis_degenerate_all_equal():
    res = mcda.topsis(np.ones((3, 2)), [1, 1], None)
    assert np.allclose(res.scores, 0.5)
    zero = mcda.topsis(np.zeros((2, 2)), [1, 1], None)
    assert np.allclose(zero.scores, 0.5)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (6, 3), elements=st.floats(0.5, 10)),
    arrays(np.float64, 3, elements=st.floats(0.1, 100)),
)
def test_topsis_invariant_under_positive_column_scaling(x, factors):
    """Vector normalisation promises invariance under positive scaling per column (not shifts)."""
    w = [0.5, 0.3, 0.2]
    a = mcda.topsis(x, w, [True, False, True]).scores
    b = mcda.topsis(x * factors, w, [True, False, True]).scores
    assert np.allclose(a, b, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (6, 3), elements=st.floats(0, 5)),
    st.floats(0.1, 10),
    st.floats(-10, 10),
)
def test_weighted_sum_ranking_invariant_under_common_affine_map(x, a, b):
    w = [0.5, 0.3, 0.2]
    s1 = mcda.weighted_sum(x, w).scores
    s2 = mcda.weighted_sum(a * x + b, w).scores
    assert np.allclose(a * s1 + b, s2)


def test_promethee_usual_by_hand():
    """Three alternatives, usual criterion: pi(a,b) = sum of weights where a beats b.
    a1=(8,7,2), a2=(5,3,7), a3=(6,8,4), w=(.5,.3,.2): pi(a1,a2) = .8, pi(a1,a3) = .5,
    pi(a2,a1) = .2, pi(a2,a3) = .2, pi(a3,a1) = .5, pi(a3,a2) = .8, so
    phi+ = (.65, .2, .65), phi- = (.35, .8, .35), phi = (.3, -.6, .3)."""
    x = [[8, 7, 2], [5, 3, 7], [6, 8, 4]]
    res = mcda.promethee_ii(x, [0.5, 0.3, 0.2], None)
    assert np.allclose(res.net_flow, [0.3, -0.6, 0.3])
    assert np.allclose(res.positive_flow, [0.65, 0.2, 0.65])
    assert np.allclose(res.negative_flow, [0.35, 0.8, 0.35])
    assert list(res.order) == [0, 2, 1]


@pytest.mark.parametrize(
    ("ours", "theirs", "params"),
    [
        ("usual", "usual", {}),
        ("ushape", "ushape", {"q": 1.0}),
        ("vshape", "vshape", {"p": 3.0}),
        ("level", "level", {"q": 1.0, "p": 3.0}),
        ("linear", "vshape_2", {"q": 0.5, "p": 3.0}),
    ],
)
@pytest.mark.parametrize("seed", range(3))
def test_promethee_matches_pymcdm(ours, theirs, params, seed):
    x, w, types = _random_problem(seed)
    mine = mcda.promethee_ii(x, w, types > 0, ours, **params).net_flow
    other = PROMETHEE_II(theirs, **{k: np.full(x.shape[1], v) for k, v in params.items()})(
        x, w, types
    )
    assert np.allclose(mine, other)


def test_promethee_gaussian_by_hand():
    """Gaussian criterion P(d) = 1 - exp(-d^2 / (2 s^2)); two alternatives, one criterion."""
    res = mcda.promethee_ii([[3.0], [1.0]], [1.0], None, "gaussian", s=1.0)
    p = 1 - np.exp(-2.0)
    assert np.allclose(res.net_flow, [p, -p])


def test_promethee_chunks_large_inputs():
    x, w, types = _random_problem(0, n=600, m=3)
    res = mcda.promethee_ii(x, w, types > 0)
    assert res.net_flow.sum() == pytest.approx(0.0, abs=1e-9)


def test_promethee_single_alternative():
    res = mcda.promethee_ii([[1.0, 2.0]], [1, 1], None)
    assert res.net_flow.tolist() == [0.0]


@pytest.mark.parametrize(
    ("preference", "params", "field"),
    [
        ("bogus", {}, "preference"),
        ("vshape", {}, "p"),
        ("ushape", {}, "q"),
        ("gaussian", {}, "s"),
        ("gaussian", {"s": 0.0}, "s"),
        ("linear", {"q": 2.0, "p": 1.0}, "p"),
        ("vshape", {"p": -1.0}, "p"),
    ],
)
def test_promethee_rejects_bad_parameters(preference, params, field):
    with pytest.raises(InvalidInputError) as err:
        mcda.promethee_ii([[1, 2], [2, 1]], [1, 1], None, preference, **params)
    assert err.value.field == field


def test_vikor_by_hand():
    """f1 benefit, f2 cost, w = (.5, .5): A1=(1, 3000), A2=(2, 2500), A3=(5, 1500).
    S = (1, 0.708, 0), R = (0.5, 0.375, 0), Q = (1, 0.729, 0): A3 is the compromise."""
    res = mcda.vikor([[1, 3000], [2, 2500], [5, 1500]], [0.5, 0.5], [True, False])
    assert np.allclose(res.s, [1, 17 / 24, 0])
    assert np.allclose(res.r, [0.5, 0.375, 0])
    assert np.allclose(res.q, [1, 35 / 48, 0])
    assert res.compromise == (2,)
    assert res.acceptable_advantage and res.acceptable_stability


@pytest.mark.parametrize("seed", range(5))
def test_vikor_matches_pymcdm(seed):
    x, w, types = _random_problem(seed)
    assert np.allclose(mcda.vikor(x, w, types > 0).q, VIKOR()(x, w, types))


@pytest.mark.parametrize(
    ("matrix", "advantage", "stability", "compromise"),
    [
        ([[8, 6], [5, 2], [3, 0], [0, 0]], True, True, (0,)),
        # C1 fails: every alternative within DQ of the best joins the set
        ([[6, 5], [5, 9], [2, 8], [6, 0]], False, True, (1, 0)),
        ([[9, 2], [4, 5], [6, 4], [1, 9]], False, False, (2, 0, 1, 3)),
        # C2 fails: the Q-best is best by neither S nor R, so the first two form the set
        ([[2, 3, 8], [5, 5, 3], [8, 1, 3], [5, 3, 4], [5, 7, 1]], True, False, (1, 3)),
    ],
)
def test_vikor_compromise_conditions(matrix, advantage, stability, compromise):
    res = mcda.vikor(matrix, np.ones(len(matrix[0])), None)
    assert res.acceptable_advantage is advantage
    assert res.acceptable_stability is stability
    assert res.compromise == compromise


def test_vikor_degenerate():
    assert mcda.vikor([[1, 2]], [1, 1], None).compromise == (0,)
    assert np.allclose(mcda.vikor([[1, 1], [1, 1]], [1, 1], None).q, 0)


def test_vikor_rejects_bad_v():
    with pytest.raises(InvalidInputError, match="v"):
        mcda.vikor([[1, 2], [2, 1]], [1, 1], None, v=1.5)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"matrix": [[1, np.nan], [1, 2]]}, "matrix"),
        ({"weights": [1]}, "weights"),
        ({"weights": [-1, 2]}, "weights"),
        ({"benefit": [True]}, "benefit"),
        ({"benefit": ["x", "y"]}, "benefit"),
    ],
)
def test_bad_inputs_name_their_field(kwargs, field):
    args = {"matrix": [[1, 2], [2, 1]], "weights": [1, 1], "benefit": [True, True]}
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as err:
        mcda.topsis(args["matrix"], args["weights"], args["benefit"])
    assert err.value.field == field


def test_benefit_accepts_zero_one():
    res = mcda.topsis([[1, 2], [2, 1]], [1, 1], [1, 0])
    assert res.scores.shape == (2,)


def test_ahp_is_reexported():
    assert mcda.ahp is not None and mcda.ahp([[1, 1], [1, 1]]).weights.sum() == pytest.approx(1)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.int64, (6, 3), elements=st.integers(0, 20)),
    arrays(np.float64, 3, elements=st.floats(0.1, 10)),
    arrays(np.float64, 3, elements=st.floats(-10, 10)),
)
def test_vikor_and_promethee_usual_invariant_under_per_column_affine_maps(x, a, b):
    """VIKOR normalises each criterion by its range and the usual PROMETHEE criterion only
    looks at the sign of differences: both promise invariance under x -> a x + b per column
    (a > 0)."""
    x = x / 4.0  # a grid of quarter points: no denormals that an added b would absorb
    w = [0.5, 0.3, 0.2]
    benefit = [True, False, True]
    assert np.allclose(mcda.vikor(x, w, benefit).q, mcda.vikor(a * x + b, w, benefit).q, atol=1e-7)
    assert np.allclose(
        mcda.promethee_ii(x, w, benefit).net_flow,
        mcda.promethee_ii(a * x + b, w, benefit).net_flow,
    )
