"""Propensity-score matching on generated data with a known effect."""

import numpy as np
import pytest
import statsmodels.api as sm

from asis.engines.counterfactual import psm
from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.psm import psm_estimate, psm_input


def _data(n=800, effect=3.0, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    score = 1 / (1 + np.exp(-(-0.5 + 0.8 * x[:, 0] - 0.5 * x[:, 1])))
    t = rng.random(n) < score
    y = 1 + 2 * x[:, 0] + x[:, 1] + effect * t + rng.normal(size=n)
    return psm_input([f"u{i}" for i in range(n)], t, y, x, ["age", "income"]), t, y, x


def test_known_effect_recovered_where_the_naive_difference_is_biased():
    data, t, y, _ = _data()
    assert y[t].mean() - y[~t].mean() > 3.5  # confounded by age
    result = psm_estimate(data, n_bootstrap=200, seed=11)
    assert result.ci_low < 3.0 < result.ci_high
    assert result.att == pytest.approx(3.0, abs=0.3)
    assert result.n_matched <= result.n_treated == int(t.sum())
    assert result.n_comparison == int((~t).sum())
    assert 0 < result.n_comparison_used <= result.n_matched
    assert result.n_bootstrap_failed == 0 and result.seed == 11


def test_balance_improves_and_uses_the_unmatched_denominator():
    data, t, _, x = _data()
    result = psm_estimate(data, n_bootstrap=50)
    age = result.balance[0]
    sd = np.sqrt((x[t, 0].var(ddof=1) + x[~t, 0].var(ddof=1)) / 2)
    assert age.smd_before == pytest.approx((x[t, 0].mean() - x[~t, 0].mean()) / sd)
    assert abs(age.smd_before) > 0.5
    assert result.max_abs_smd_after < 0.1
    assert age.mean_treated == pytest.approx(x[t, 0].mean())


def test_caliper_is_a_fifth_of_the_sd_of_the_logit_from_statsmodels():
    data, t, _, x = _data(n=300)
    result = psm_estimate(data, n_bootstrap=20)
    design = sm.add_constant(x)
    index = design @ sm.Logit(t.astype(float), design).fit(disp=0).params
    assert result.caliper == pytest.approx(0.2 * index.std(ddof=1), rel=1e-6)


def test_matching_is_nearest_with_replacement():
    # On one covariate the treated units at 0.9 and 1.0 both take the comparison unit at 0.95;
    # those at 0.2 and 0.3 have nobody within the caliper and stay out of the ATT.
    x = np.array([[0.0], [0.1], [0.95], [0.2], [0.9], [1.0], [0.5], [0.3], [0.05], [0.6]])
    t = np.array([False, False, False, True, True, True, False, True, False, False])
    y = np.array([0.0, 0.0, 10.0, 1.0, 11.0, 12.0, 5.0, 3.0, 0.0, 6.0])
    match = psm._match(t, y, x)
    assert match.treated_rows.tolist() == [4, 5]
    assert match.control_rows.tolist() == [2, 2]
    assert match.att == pytest.approx(1.5)


def test_the_bootstrap_is_reproducible_by_seed():
    data, *_ = _data(n=300)
    a = psm_estimate(data, n_bootstrap=40, seed=5)
    b = psm_estimate(data, n_bootstrap=40, seed=5)
    c = psm_estimate(data, n_bootstrap=40, seed=6)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)


@pytest.mark.parametrize(("change", "code"), [
    ({"treated": (True,) * 4}, "length_mismatch"),
    ({"covariate_names": ()}, "no_covariates"),
    ({"treated": (False,) * 5}, "no_treated_unit"),
    ({"treated": (True,) * 5}, "no_comparison_unit"),
    ({"outcome": (1.0, float("nan"), 1.0, 1.0, 1.0)}, "non_numeric_covariate"),
    ({"covariates": ((1.0,), ("x",), (1.0,), (1.0,), (1.0,))}, "non_numeric_covariate"),
])
def test_bad_input_is_refused(change, code):
    base = {"units": tuple("abcde"), "treated": (True, False, True, False, False),
                "outcome": (1.0,) * 5, "covariates": ((1.0,), (2.0,), (3.0,), (4.0,), (5.0,)),
                "covariate_names": ("x",)}
    base.update(change)
    with pytest.raises(CounterfactualError) as info:
        psm_estimate(psm.PsmInput(**base), n_bootstrap=5)
    assert info.value.code == code


def test_too_few_units_for_the_score():
    data = psm_input("abc", [True, False, False], [1.0, 2.0, 3.0], [[1.0, 2.0], [2.0, 1.0], [0.0, 1.0]],
                     ["x", "z"])
    with pytest.raises(CounterfactualError) as info:
        psm_estimate(data)
    assert info.value.code == "too_few_units"


def test_separated_covariates_mean_no_overlap():
    x = [[float(i)] for i in range(20)]
    t = [i >= 10 for i in range(20)]
    with pytest.raises(CounterfactualError) as info:
        psm_estimate(psm_input([str(i) for i in range(20)], t, [1.0] * 20, x, ["x"]))
    assert info.value.code == "no_overlap"


def test_singular_design_means_no_overlap():
    x = [[1.0, 2.0]] * 10
    t = [i % 2 == 0 for i in range(10)]
    with pytest.raises(CounterfactualError) as info:
        psm_estimate(psm_input([str(i) for i in range(10)], t, [1.0] * 10, x, ["x", "z"]))
    assert info.value.code == "no_overlap"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"confidence": 1.5}, "invalid_confidence"),
    ({"n_bootstrap": 1}, "too_few_draws"),
])
def test_bad_options(kwargs, code):
    data, *_ = _data(n=100)
    with pytest.raises(CounterfactualError) as info:
        psm_estimate(data, **kwargs)
    assert info.value.code == code


def test_no_match_within_the_caliper(monkeypatch):
    monkeypatch.setattr(psm, "CALIPER_SD", 0.0)
    data, *_ = _data(n=100)
    with pytest.raises(CounterfactualError) as info:
        psm_estimate(data)
    assert info.value.code == "no_matches"


def test_an_unstable_bootstrap_gives_no_interval():
    # Five treated among fourteen units: many resamples separate or find no match.
    rng = np.random.default_rng(0)
    t = np.arange(14) < 5
    x = rng.normal(size=(14, 1)) + 1.5 * t[:, None]
    data = psm_input([str(i) for i in range(14)], t, rng.normal(size=14), x, ["x"])
    with pytest.raises(CounterfactualError) as info:
        psm_estimate(data, n_bootstrap=50)
    assert info.value.code == "unstable_bootstrap"
    assert info.value.params["draws"] == 50 and info.value.params["failed"] > 5
