import numpy as np
import pytest

from asis.engines.simulation.errors import InvalidParameterError, RunTooLargeError, SimulationError
from asis.engines.simulation.model import (
    INDICATORS,
    derive,
    geometric,
    run_generator,
    simulate_chunk,
)
from asis.engines.simulation.parameters import (
    Geography,
    Levers,
    ModelParams,
    RunSpec,
    default_geography,
    geography_for,
    spread_agents,
)
from tests.engines.simulation_helpers import line_geography, small_spec


def test_without_imitation_emergence_equals_the_closed_form_expectation():
    # No imitation: each potential initiative emerges independently with hazard theta * p, so the
    # expected number emerged by month t is N0 [1 - (1 + p t / k)^-k] (gamma frailty, k shape).
    params = ModelParams(imitation_q=0.0, cooperation_q=0.0, innovation_p=0.01,
                         heterogeneity_shape=1.5)
    geo = line_geography(agents=200, regions=5)
    spec = RunSpec(geography=geo, params=params, levers=Levers(budget_eur_per_year=0.0),
                   horizon_months=60, n_runs=200, seed=3)
    result = simulate_chunk(spec, 0, spec.n_runs)
    emerged = result.data["new"].sum(axis=2).cumsum(axis=1)  # (runs, months)
    n0 = 5 * (200 - round(200 * params.initial_active_share))
    t = np.arange(1, 61)
    share = 1 - (1 + params.innovation_p * t / params.heterogeneity_shape) ** -params.heterogeneity_shape
    expected = n0 * share
    # Independent agents: the count is a sum of Bernoulli(share) trials.
    mc_error = np.sqrt(n0 * share * (1 - share) / spec.n_runs)
    z = (emerged.mean(axis=0) - expected) / mc_error
    assert np.abs(z).max() < 4.0
    assert emerged.var(axis=0)[-1] == pytest.approx(n0 * share[-1] * (1 - share[-1]), rel=0.3)


def test_the_same_seed_gives_identical_results_and_another_seed_does_not():
    spec = small_spec()
    a = simulate_chunk(spec, 0, 8)
    b = simulate_chunk(spec, 0, 8)
    c = simulate_chunk(RunSpec(**{**spec.__dict__, "seed": 8}), 0, 8)
    for name in INDICATORS:
        assert np.array_equal(a.data[name], b.data[name])
    assert not np.array_equal(a.data["active"], c.data["active"])


def test_a_run_does_not_depend_on_the_chunk_that_computes_it():
    spec = small_spec()
    whole = simulate_chunk(spec, 0, 8)
    part = simulate_chunk(spec, 5, 7)
    for name in INDICATORS:
        assert np.array_equal(whole.data[name][5:7], part.data[name])


def test_accounting_identities_hold_in_every_run():
    spec = small_spec(levers=Levers(calls_per_year=2, budget_eur_per_year=2_000_000),
                      horizon_months=60)
    d = simulate_chunk(spec, 0, 8).data
    natives = d["active"] - d["replicas"]
    initial = sum(round(a * spec.params.initial_active_share) for a in spec.geography.agents)
    flow = initial + (d["new"] - d["failures"]).sum(axis=2).cumsum(axis=1)
    assert np.array_equal(natives.sum(axis=2), flow)
    assert (d["funded"] <= d["applications"]).all()
    # Each region funds at most the grants its share of the call's budget pays for.
    slots = derive(spec).slots_per_call
    assert (d["funded"] <= slots[None, None, :]).all()
    assert (d["funded"] == np.minimum(d["applications"], slots)).all()
    assert d["funded"].sum() > 0 and d["replicas"].sum() > 0
    assert np.allclose(d["grants_eur"], d["funded"] * 150_000 * 0.8)
    assert (d["funded_active"] <= natives).all()
    assert np.allclose(d["jobs"], d["active"] + 1.5 * d["funded_active"])
    # Calls only in call months (every 6 months).
    months_with_calls = np.flatnonzero(d["applications"].sum(axis=(0, 2)))
    assert set(months_with_calls) <= set(range(0, 60, 6))


def test_more_budget_funds_more_and_social_weight_raises_reach_per_grant():
    base = small_spec(n_runs=30, horizon_months=48)
    poor = simulate_chunk(RunSpec(**{**base.__dict__, "levers": Levers(budget_eur_per_year=1e6)}), 0, 30)
    rich = simulate_chunk(RunSpec(**{**base.__dict__, "levers": Levers(budget_eur_per_year=8e6)}), 0, 30)
    assert rich.data["funded"].sum() > poor.data["funded"].sum()
    assert rich.data["reach"].sum() > poor.data["reach"].sum()


def test_yearly_resolution_sums_flows_and_keeps_year_end_stocks():
    spec = small_spec(horizon_months=30)
    monthly = simulate_chunk(spec, 0, 3).data
    yearly = simulate_chunk(RunSpec(**{**spec.__dict__, "resolution": "year"}), 0, 3)
    assert yearly.resolution == "year"
    assert yearly.data["new"].shape == (3, 3, 4)  # 12 + 12 + 6 months
    assert np.array_equal(yearly.data["new"][:, 2], monthly["new"][:, 24:].sum(axis=1))
    assert np.array_equal(yearly.data["active"][:, 0], monthly["active"][:, 11])
    assert np.array_equal(yearly.data["active"][:, 2], monthly["active"][:, 29])


def test_a_budget_too_small_for_one_grant_funds_nothing():
    spec = small_spec(levers=Levers(budget_eur_per_year=100_000.0))
    d = simulate_chunk(spec, 0, 2).data
    assert d["applications"].sum() > 0 and d["funded"].sum() == 0


def test_no_eligible_applicant_means_no_funding():
    spec = small_spec(params=ModelParams(apply_probability=0.0))
    assert simulate_chunk(spec, 0, 2).data["funded"].sum() == 0


def test_isolated_regions_do_not_scale():
    geo = Geography(codes=("A", "B"), adjacency=((0, 0), (0, 0)), agents=(50, 50),
                    cooperation=((0.0, 1.0), (1.0, 0.0)))
    spec = RunSpec(geography=geo, params=ModelParams(scaling_rate=1.0), horizon_months=36, n_runs=2)
    d = simulate_chunk(spec, 0, 2).data
    assert d["funded"].sum() > 0 and d["replicas"].sum() == 0


def test_geometric_waiting_times():
    u = run_generator(0, 0).random(200_000)
    k = geometric(1.0 - u, 0.1)
    assert k.min() == 1 and k.mean() == pytest.approx(10.0, rel=0.02)
    assert (geometric(np.array([0.5, 1.0]), 0.0) == 2**30).all()
    assert (geometric(np.array([0.5, 1.0]), 1.0) == 1).all()


def test_default_geography_spreads_agents_over_the_42_regions():
    geo = default_geography(1000)
    assert len(geo.codes) == 42 and sum(geo.agents) == 1000
    assert max(geo.agents) - min(geo.agents) <= 1
    assert spread_agents(10, (1.0, 3.0)) == (3, 7)


@pytest.mark.parametrize(
    ("spec_changes", "code", "field"),
    [
        ({"levers": Levers(budget_eur_per_year=-1.0)}, "simulation.negative_budget", "budget_eur_per_year"),
        ({"params": ModelParams(innovation_p=1.5)}, "simulation.invalid_probability", "innovation_p"),
        ({"params": ModelParams(apply_probability=-0.1)}, "simulation.invalid_probability", "apply_probability"),
        ({"params": ModelParams(neighbour_weight=2.0)}, "simulation.out_of_range", "neighbour_weight"),
        ({"params": ModelParams(failure_hazard=0.9, funded_hazard_ratio=2.0)}, "simulation.invalid_probability", "failure_hazard x multipliers"),
        ({"levers": Levers(social_weight=1.2)}, "simulation.out_of_range", "social_weight"),
        ({"levers": Levers(calls_per_year=5)}, "simulation.calls_per_year", "calls_per_year"),
        ({"levers": Levers(regional_split=(0.5, 0.5))}, "simulation.regional_split", "regional_split"),
        ({"levers": Levers(regional_split=(0.5, 0.5, 0.5, -0.5))}, "simulation.regional_split", "regional_split"),
        ({"horizon_months": 241}, "simulation.out_of_range", "horizon_months"),
        ({"seed": -1}, "simulation.seed", "seed"),
        ({"resolution": "week"}, "simulation.resolution", "resolution"),
        ({"geography": Geography(codes=("A",), adjacency=((0,),), agents=(0,))}, "simulation.agents", "agents"),
        ({"geography": Geography(codes=("A",), adjacency=((0, 1),), agents=(5,))}, "simulation.geography_shape", "geography"),
        ({"geography": Geography(codes=("A",), adjacency=((0,),), agents=(5,), cooperation=((-1.0,),))},
         "simulation.cooperation", "cooperation"),
    ],
)
def test_impossible_parameters_are_refused_with_a_code(spec_changes, code, field):
    with pytest.raises(SimulationError) as err:
        simulate_chunk(small_spec(**spec_changes), 0, 1)
    assert err.value.code == code
    assert err.value.params["field"] == field
    assert isinstance(err.value, ValueError)


def test_a_run_too_large_for_the_limit_is_refused_before_any_work():
    spec = small_spec(n_runs=1000)
    with pytest.raises(RunTooLargeError) as err:
        simulate_chunk(spec, 0, 1, max_agent_months=1_000_000)
    assert err.value.code == "simulation.run_too_large"
    assert err.value.params == {"agent_months": 1000 * 160 * 36, "limit": 1_000_000}


@pytest.mark.parametrize(("start", "stop"), [(-1, 2), (3, 3), (0, 9)])
def test_chunk_bounds_outside_the_runs_are_refused(start, stop):
    with pytest.raises(InvalidParameterError) as err:
        simulate_chunk(small_spec(), start, stop)
    assert err.value.code == "simulation.chunk_bounds"


def test_spread_agents_refuses_bad_weights():
    with pytest.raises(InvalidParameterError):
        spread_agents(10, (0.0, 0.0))


def test_a_geography_from_observed_counts_keeps_their_order_and_the_shapes_adjacency():
    geo = geography_for({"SI04": 120, "AT11": 30, "AT12": 80})
    assert geo.codes == ("SI04", "AT11", "AT12") and geo.agents == (120, 30, 80)
    assert geo.adjacency == ((0, 0, 0), (0, 0, 1), (0, 1, 0))
    assert simulate_chunk(RunSpec(geography=geo, horizon_months=12, n_runs=1), 0, 1).codes == geo.codes


def test_progress_hears_each_month_and_can_stop_the_chunk():
    spec = small_spec(n_runs=2, horizon_months=24)
    heard = []
    simulate_chunk(spec, 0, 2, progress=heard.append)
    assert heard == [(t + 1) / 24 for t in range(24)]

    class Stop(Exception):
        pass

    def stop_at_half(fraction):
        if fraction >= 0.5:
            raise Stop

    with pytest.raises(Stop):
        simulate_chunk(spec, 0, 2, progress=stop_at_half)
