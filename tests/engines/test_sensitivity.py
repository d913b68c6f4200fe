"""SMAA: rank acceptability, funding probability, central weights, backends."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asis.engines import sensitivity
from asis.engines.errors import BackendUnavailableError, InvalidInputError


def test_dominating_alternative_is_always_first():
    x = np.array([[5.0, 5.0, 5.0], [1.0, 4.0, 2.0], [3.0, 1.0, 4.0]])
    res = sensitivity.smaa(x, n_draws=2000, seed=1)
    assert res.rank_acceptability[0, 0] == 1.0
    assert np.allclose(res.rank_acceptability.sum(axis=0), 1.0)
    assert np.allclose(res.rank_acceptability.sum(axis=1), 1.0)
    assert res.expected_rank[0] == 1.0
    assert np.isnan(res.central_weights[1]).all()
    assert res.central_weights[0].sum() == pytest.approx(1.0)
    assert res.funding_probability is None


def test_two_alternatives_uniform_weights_by_hand():
    """a = (1, 0), b = (0, 1): a wins iff w1 > 1/2, probability 1/2 under uniform weights;
    the central weight of a is E[w | w1 > 1/2] = (3/4, 1/4)."""
    res = sensitivity.smaa([[1.0, 0.0], [0.0, 1.0]], n_draws=40_000, seed=3)
    assert res.rank_acceptability[0, 0] == pytest.approx(0.5, abs=0.01)
    assert np.allclose(res.central_weights[0], [0.75, 0.25], atol=0.01)


def test_deterministic_given_seed_and_chunking():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (30, 4))
    a = sensitivity.smaa(x, n_draws=1000, seed=7, chunk_size=64)
    b = sensitivity.smaa(x, n_draws=1000, seed=7, chunk_size=1000)
    assert np.array_equal(a.rank_acceptability, b.rank_acceptability)
    c = sensitivity.smaa(x, n_draws=1000, seed=8)
    assert not np.array_equal(a.rank_acceptability, c.rank_acceptability)


def test_funding_probability_follows_budget_line():
    x = np.array([[3.0], [2.0], [1.0]])
    calls = []
    res = sensitivity.smaa(
        x, costs=[5.0, 6.0, 1.0], budget=10.0, n_draws=10, progress=lambda d, t: calls.append(d)
    )
    # ranked 0, 1, 2: 5 fits, 5 + 6 does not, and the list stops at the budget line
    assert res.funding_probability.tolist() == [1.0, 0.0, 0.0]
    assert calls[-1] == 10


def test_bounds_keep_weights_inside():
    rng = np.random.default_rng(0)
    lower, upper = sensitivity.bounds_around([0.5, 0.3, 0.2], 0.2)
    w, rate = sensitivity.sample_weights(rng, 500, 3, (lower, upper))
    assert np.allclose(w.sum(axis=1), 1.0)
    assert (w >= lower - 1e-12).all() and (w <= upper + 1e-12).all()
    assert 0 < rate <= 1
    fixed, rate = sensitivity.sample_weights(rng, 3, 2, ([0.5, 0.5], [0.5, 0.5]))
    assert np.allclose(fixed, 0.5) and rate == 1.0


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        (([0.1], [0.5]), "lower and upper"),
        (([0.6, 0.1], [0.5, 0.9]), "0 <= lower <= upper"),
        (([0.1, 0.1], [0.2, 0.2]), "no weight vector"),
        (([0.0, 0.0, 0.0], [1e-6, 1.0, 1e-6]), "too narrow"),
    ],
)
def test_bad_bounds(bounds, message):
    rng = np.random.default_rng(0)
    n = len(bounds[0])
    with pytest.raises(InvalidInputError, match=message):
        if n == 1:
            sensitivity.sample_weights(rng, 10, 2, bounds)
        else:
            sensitivity.sample_weights(rng, 10, n, bounds)


def test_bounds_around_rejects_negative_spread():
    with pytest.raises(InvalidInputError):
        sensitivity.bounds_around([1, 1], -0.1)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 8), st.integers(0, 1000))
def test_uniform_weights_on_simplex(m, seed):
    w, rate = sensitivity.sample_weights(np.random.default_rng(seed), 50, m)
    assert np.allclose(w.sum(axis=1), 1.0) and (w >= 0).all() and rate == 1.0


def test_bootstrap_over_evaluators():
    nan = np.nan
    # evaluators x applications x criteria; application 0 is scored 5 by one and 1 by another
    ev = np.array(
        [
            [[5.0, 5.0], [3.0, 3.0]],
            [[1.0, 1.0], [3.0, 3.0]],
            [[nan, nan], [3.0, 3.0]],
        ]
    )
    x = np.nanmean(ev, axis=0)
    res = sensitivity.smaa(
        x, weights=[1, 1], vary_weights=False, evaluator_scores=ev, n_draws=4000, seed=2
    )
    # app 0 resamples to a mean of 5 (p=1/4), 3 (p=1/2) or 1 (p=1/4) while app 1 stays at 3;
    # ties go to the lower index, so app 0 is first unless its mean is 1: P = 3/4
    assert res.rank_acceptability[0, 0] == pytest.approx(0.75, abs=0.03)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_draws": 0}, "n_draws"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"vary_weights": False}, "weights"),
        ({"vary_weights": False, "weights": [1, 1]}, "evaluator_scores"),
        ({"costs": [1, 1]}, "budget"),
        ({"costs": [1], "budget": 1.0}, "costs"),
        ({"costs": [-1, 1], "budget": 1.0}, "costs"),
        ({"costs": [1, 1], "budget": -1.0}, "budget"),
        ({"evaluator_scores": np.ones((2, 3, 2))}, "evaluator_scores"),
        ({"evaluator_scores": np.full((1, 2, 2), np.nan)}, "evaluator_scores"),
        ({"evaluator_scores": np.array([[[1.0, np.nan], [1.0, 1.0]]])}, "evaluator_scores"),
        ({"backend": "torch"}, "backend"),
    ],
)
def test_smaa_rejects_bad_input(kwargs, field):
    with pytest.raises(InvalidInputError) as err:
        sensitivity.smaa([[1.0, 2.0], [2.0, 1.0]], **kwargs)
    assert err.value.field == field


def test_cupy_backend_error_path(monkeypatch):
    """CuPy is imported lazily, only when asked for; without it the error is typed."""
    from asis.engines import _backend

    def no_cupy(name):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(_backend.importlib, "import_module", no_cupy)
    with pytest.raises(BackendUnavailableError, match="not installed") as err:
        sensitivity.smaa([[1.0, 2.0], [2.0, 1.0]], n_draws=10, backend="cupy")
    assert err.value.backend == "cupy"


def test_cupy_backend_is_used_when_importable(monkeypatch):
    """With an importable module the backend hands it out (NumPy stands in for CuPy here)."""
    from asis.engines import _backend

    monkeypatch.setattr(_backend.importlib, "import_module", lambda name: np)
    res = sensitivity.smaa([[1.0, 2.0], [2.0, 1.0]], n_draws=10, backend="cupy")
    assert res.rank_acceptability.sum() == pytest.approx(2.0)


def test_device_arrays_come_back_through_get():
    from asis.engines._backend import to_numpy

    class DeviceArray:
        def get(self):
            return np.arange(3)

    assert to_numpy(DeviceArray()).tolist() == [0, 1, 2]
    assert to_numpy([1, 2]).tolist() == [1, 2]
