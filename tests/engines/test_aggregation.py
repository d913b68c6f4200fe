"""Across evaluators: mean, median, trimmed mean, calibration, consensus."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import lsqr
from scipy.stats import trim_mean

from asis.engines import aggregation
from asis.engines.errors import DisconnectedDesignError, InvalidInputError

nan = np.nan


def test_aggregate_methods_ignore_missing():
    x = np.array([[1.0, 4.0, nan], [2.0, nan, nan], [9.0, 5.0, nan], [3.0, 6.0, nan]])
    mean = aggregation.aggregate(x, "mean")
    assert np.allclose(mean.values[:2], [3.75, 5.0]) and np.isnan(mean.values[2])
    assert mean.counts.tolist() == [4, 3, 0]
    assert np.allclose(aggregation.aggregate(x, "median").values[:2], [2.5, 5.0])
    trimmed = aggregation.aggregate(x, "trimmed_mean", trim=0.25).values
    assert trimmed[0] == pytest.approx(trim_mean([1, 2, 9, 3], 0.25))
    assert trimmed[1] == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"method": "mode"}, "method"), ({"trim": 0.5}, "trim")]
)
def test_aggregate_rejects_bad_options(kwargs, field):
    with pytest.raises(InvalidInputError) as err:
        aggregation.aggregate([[1.0]], **kwargs)
    assert err.value.field == field


def test_standardise_rescales_to_grand_mean_and_sd():
    x = np.array([[1.0, 2.0, 3.0, nan], [3.0, 4.0, 5.0, 4.0], [nan, nan, 2.0, nan]])
    res = aggregation.standardise(x)
    obs = ~np.isnan(x)
    grand_mean, grand_sd = x[obs].mean(), x[obs].std(ddof=1)
    row0 = res.adjusted[0, :3]
    assert row0.mean() == pytest.approx(grand_mean)
    assert row0.std(ddof=1) == pytest.approx(grand_sd)
    # a single score is only shifted onto the grand mean
    assert res.adjusted[2, 2] == pytest.approx(grand_mean)
    assert res.scale[2] == 1.0
    assert res.offset[0] == pytest.approx(2.0 - grand_mean)
    assert np.isnan(res.adjusted[0, 3])
    with pytest.raises(InvalidInputError, match="no score"):
        aggregation.standardise([[nan]])


def test_standardise_single_score_overall():
    res = aggregation.standardise([[2.0, nan]])
    assert res.adjusted[0, 0] == 2.0


def _design(seed, n_eval=12, n_app=60, per_app=3, noise=0.0):
    rng = np.random.default_rng(seed)
    theta = rng.normal(3, 1, n_app)
    b = rng.normal(0, 0.6, n_eval)
    b -= b.mean()
    x = np.full((n_eval, n_app), nan)
    for a in range(n_app):
        who = rng.choice(n_eval, per_app, replace=False)
        x[who, a] = theta[a] + b[who] + rng.normal(0, noise, per_app)
    return x, theta, b


def test_evaluator_effects_recovers_exact_model():
    x, theta, b = _design(1)
    res = aggregation.evaluator_effects(x)
    assert np.allclose(res.evaluator_effects, b)
    assert np.allclose(res.application_scores, theta)
    assert res.evaluator_effects.sum() == pytest.approx(0.0, abs=1e-9)
    assert res.residual_sd == pytest.approx(0.0, abs=1e-9)
    assert np.allclose(res.mu + res.application_effects, res.application_scores)
    assert np.allclose(np.nanmean(res.adjusted, axis=0), theta)


@pytest.mark.parametrize("seed", range(3))
def test_evaluator_effects_matches_sparse_lsqr(seed):
    """Independent check: solve the constrained least squares with scipy's lsqr."""
    x, _, _ = _design(seed, noise=0.4)
    e_idx, a_idx = np.nonzero(~np.isnan(x))
    n_e, n_a = x.shape
    rows = len(e_idx)
    design = np.zeros((rows + 1, n_a + n_e))
    design[np.arange(rows), a_idx] = 1.0
    design[np.arange(rows), n_a + e_idx] = 1.0
    design[rows, n_a:] = 1.0  # sum-to-zero constraint row
    y = np.append(x[e_idx, a_idx], 0.0)
    sol = lsqr(design, y, atol=1e-12, btol=1e-12, iter_lim=10000)[0]
    res = aggregation.evaluator_effects(x)
    assert np.allclose(res.application_scores, sol[:n_a], atol=1e-6)
    assert np.allclose(res.evaluator_effects, sol[n_a:], atol=1e-6)
    assert res.degrees_of_freedom == rows - n_a - (n_e - 1)


def test_evaluator_effects_disconnected_design():
    x = np.array([[1.0, 2.0, nan, nan], [2.0, 3.0, nan, nan], [nan, nan, 1.0, 4.0]])
    with pytest.raises(DisconnectedDesignError) as err:
        aggregation.evaluator_effects(x)
    assert err.value.components == 2 and err.value.field == "scores"


def test_evaluator_effects_tolerates_idle_rows_and_columns():
    x = np.array([[1.0, 2.0, nan], [2.0, 3.0, nan], [nan, nan, nan]])
    res = aggregation.evaluator_effects(x)
    assert np.isnan(res.application_scores[2])
    assert res.evaluator_effects[2] == 0.0
    assert np.allclose(res.evaluator_effects[:2], [-0.5, 0.5])
    with pytest.raises(InvalidInputError, match="no score"):
        aggregation.evaluator_effects([[nan]])


def test_evaluator_effects_saturated_design_has_zero_residual_dof():
    res = aggregation.evaluator_effects([[1.0], [3.0]])
    assert res.degrees_of_freedom == 0 and res.residual_sd == 0.0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(-3, 3))
def test_effects_absorb_a_constant_evaluator_shift(seed, shift):
    x, _, _ = _design(seed, n_eval=6, n_app=20, per_app=3, noise=0.3)
    base = aggregation.evaluator_effects(x)
    moved = x.copy()
    moved[0] += shift
    res = aggregation.evaluator_effects(moved)
    assert res.evaluator_effects[0] - base.evaluator_effects[0] == pytest.approx(
        shift * 5 / 6, abs=1e-8
    )
    assert np.allclose(res.application_scores - base.application_scores, shift / 6, atol=1e-8)


def test_consensus_override_keeps_trail():
    res = aggregation.apply_consensus(
        [3.0, 4.0], [aggregation.ConsensusOverride(1, 2.5, "panel agreed after discussion")]
    )
    assert res.values.tolist() == [3.0, 2.5]
    assert res.applied == ((1, 4.0, 2.5, "panel agreed after discussion"),)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        (aggregation.ConsensusOverride(0, 1.0, "  "), "overrides[0].reason"),
        (aggregation.ConsensusOverride(5, 1.0, "x"), "overrides[0].application"),
        (aggregation.ConsensusOverride(0, nan, "x"), "overrides[0].score"),
    ],
)
def test_consensus_rejects_bad_overrides(override, field):
    with pytest.raises(InvalidInputError) as err:
        aggregation.apply_consensus([1.0, 2.0], [override])
    assert err.value.field == field


def test_consensus_rejects_double_override():
    item = aggregation.ConsensusOverride(0, 1.0, "x")
    with pytest.raises(InvalidInputError, match="twice"):
        aggregation.apply_consensus([1.0], [item, item])
