import numpy as np
import pytest

from asis.engines.simulation.bass import bass_per_period
from asis.engines.simulation.calibration import Prior, abc_rejection, fit_emergence, observed_rates
from asis.engines.simulation.errors import InvalidParameterError
from asis.engines.simulation.experiments import run_chunk
from asis.engines.simulation.parameters import ModelParams, RunSpec
from tests.engines.simulation_helpers import small_spec


def test_emergence_fit_converts_yearly_bass_to_monthly_rates():
    fit = fit_emergence(bass_per_period(np.arange(1, 13), 0.024, 0.36, 840.0))
    assert fit.params.innovation_p == pytest.approx(0.002)
    assert fit.params.imitation_q == pytest.approx(0.03)
    assert fit.potential_initiatives == 840


def test_abc_recovers_the_failure_hazard_of_synthetic_data():
    truth = ModelParams(failure_hazard=0.02)
    spec = small_spec(params=truth, horizon_months=48)
    observed = observed_rates(run_chunk(RunSpec(**{**spec.__dict__, "n_runs": 20}), 0, 20))
    res = abc_rejection(spec, observed, [Prior("failure_hazard", 0.002, 0.06),
                                         Prior("funding_months", 12, 36)],
                        draws=60, accept=0.2, runs_per_draw=2, seed=3)
    assert res.acceptance_rate == pytest.approx(0.2)
    assert res.accepted.shape == (12, 2) and (np.diff(res.distances) >= 0).all()
    post = res.posterior[0]
    assert post.q05 <= 0.02 <= post.q95 and post.sd < (0.06 - 0.002) / np.sqrt(12)
    assert isinstance(res.best.funding_months, int)
    assert res.all_distances.shape == (60,) and res.distances[0] == res.all_distances.min()


def test_yearly_summaries():
    res = run_chunk(small_spec(resolution="year"), 0, 2)
    rates = observed_rates(res)
    assert rates["exit_rate_per_year"] > 0 and rates["funded_per_year"] >= 0


@pytest.mark.parametrize(
    ("priors", "accept", "observed"),
    [([Prior("nope", 0, 1)], 0.1, {"x": 1.0}), ([Prior("failure_hazard", 1, 0)], 0.1, {"x": 1.0}),
     ([], 0.1, {"x": 1.0}), ([Prior("failure_hazard", 0, 0.1)], 0.0, {"x": 1.0}),
     ([Prior("failure_hazard", 0, 0.1)], 0.1, {})],
)
def test_abc_refuses_a_bad_setup(priors, accept, observed):
    with pytest.raises(InvalidParameterError) as err:
        abc_rejection(small_spec(), observed, priors, accept=accept)
    assert err.value.code == "simulation.abc_setup"
