"""Statistical cross-check of the vectorised engine against the Mesa agent-per-object reference."""

import numpy as np
from scipy.stats import ks_2samp

from asis.engines.simulation.model import simulate_chunk
from asis.engines.simulation.parameters import Levers, ModelParams, RunSpec
from tests.engines.simulation_helpers import line_geography
from tests.engines.simulation_mesa_reference import run_reference

RUNS = 300
PARAMS = ModelParams(innovation_p=0.01, scaling_rate=0.05, failure_hazard=0.02)
SPEC = RunSpec(geography=line_geography(agents=40, regions=4), params=PARAMS,
               levers=Levers(calls_per_year=2, budget_eur_per_year=2_000_000.0),
               horizon_months=36, n_runs=RUNS, seed=2024)


def outcomes(series):
    """Per-run outcome distributions compared: final stocks and cumulated flows."""
    return {
        "final active": series["active"][:, -1],
        "final replicas": series["replicas"][:, -1],
        "new": series["new"].sum(axis=1),
        "failures": series["failures"].sum(axis=1),
        "funded": series["funded"].sum(axis=1),
        "reach": series["reach"].sum(axis=1),
    }


def vectorised(spec):
    data = simulate_chunk(spec, 0, spec.n_runs).data
    return outcomes({name: data[name].sum(axis=2) for name in data})


def reference(spec):
    runs = [run_reference(spec, seed=1000 + i) for i in range(spec.n_runs)]
    return outcomes({name: np.stack([r[name] for r in runs]) for name in runs[0]})


def test_vectorised_engine_and_mesa_reference_give_the_same_distributions():
    ours, theirs = vectorised(SPEC), reference(SPEC)
    for name in ours:
        assert ours[name].std() > 0 or name == "funded", name
        # Six two-sample Kolmogorov-Smirnov tests at 0.001 each (0.6 % family-wise error).
        assert ks_2samp(ours[name], theirs[name]).pvalue > 0.001, name
        assert abs(ours[name].mean() - theirs[name].mean()) <= 0.1 * abs(theirs[name].mean()) + 1
        assert abs(ours[name].std() - theirs[name].std()) <= 0.25 * theirs[name].std(), name


def test_the_cross_check_detects_a_different_model():
    # The same comparison rejects an engine run with twice the innovation rate: the tests have power.
    other = RunSpec(**{**SPEC.__dict__, "params": ModelParams(innovation_p=0.02, scaling_rate=0.05,
                                                               failure_hazard=0.02)})
    ours, theirs = vectorised(other), reference(SPEC)
    assert min(ks_2samp(ours[n], theirs[n]).pvalue for n in ours) < 0.001
