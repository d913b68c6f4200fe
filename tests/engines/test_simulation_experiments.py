from dataclasses import replace

import numpy as np
import pytest

from asis.engines.simulation.errors import InvalidParameterError
from asis.engines.simulation.experiments import (
    DEFAULT_LEVER_RANGES,
    LeverRange,
    chunk_bounds,
    combine,
    evaluate_points,
    levers_at,
    morris_analyse,
    morris_samples,
    outcome_total,
    prim,
    run_chunk,
    run_parallel,
    sobol_analyse,
    sobol_samples,
    summarise,
)
from asis.engines.simulation.model import INDICATORS, ChunkResult, simulate_levers
from asis.engines.simulation.parameters import Levers
from tests.engines.simulation_helpers import small_spec


def test_same_seed_same_results_on_1_2_and_4_workers():
    spec = small_spec(n_runs=12)
    one = run_parallel(spec, workers=1, chunk_size=12)
    two = run_parallel(spec, workers=2, chunk_size=6)
    four = run_parallel(spec, workers=4, chunk_size=3)
    uneven = combine([run_chunk(spec, lo, hi) for lo, hi in [(7, 12), (0, 5), (5, 7)]])
    for name in INDICATORS:
        assert np.array_equal(one.data[name], two.data[name])
        assert np.array_equal(one.data[name], four.data[name])
        assert np.array_equal(one.data[name], uneven.data[name])
    assert (one.start, one.stop) == (0, 12)


def test_chunk_bounds_and_combine_refusals():
    assert chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]
    with pytest.raises(InvalidParameterError) as err:
        chunk_bounds(10, 0)
    assert err.value.code == "simulation.chunk_size"
    spec = small_spec()
    a, b = run_chunk(spec, 0, 2), run_chunk(spec, 3, 4)
    with pytest.raises(InvalidParameterError) as err:
        combine([])
    assert err.value.code == "simulation.no_chunks"
    with pytest.raises(InvalidParameterError) as err:
        combine([a, b])
    assert err.value.code == "simulation.chunk_gap"
    other = ChunkResult(start=2, stop=3, codes=("X",), resolution="month", data=a.data)
    with pytest.raises(InvalidParameterError) as err:
        combine([a, other])
    assert err.value.code == "simulation.chunk_mismatch"


def test_summary_bands_are_ordered_percentiles():
    res = run_chunk(small_spec(), 0, 8)
    s = summarise(res)
    assert s.percentiles == (5.0, 25.0, 50.0, 75.0, 95.0)
    band = s.total_bands["active"]
    assert band.shape == (5, 36)
    assert (np.diff(band, axis=0) >= 0).all()
    assert s.bands["reach"].shape == (5, 36, 4)
    assert np.allclose(s.mean["new"], res.data["new"].mean(axis=0))


def test_levers_at_maps_the_unit_interval_to_call_frequencies():
    ranges = (LeverRange("calls_per_year", 0, 1), LeverRange("social_weight", 0, 1))
    assert levers_at(Levers(), ranges, (0.0, 0.4)).calls_per_year == 1
    assert levers_at(Levers(), ranges, (0.99, 0.4)) == Levers(calls_per_year=4, social_weight=0.4)
    assert levers_at(Levers(), ranges, (1.0, 0.4)).calls_per_year == 4


def test_sobol_and_morris_rank_the_budget_first_for_grants():
    spec = small_spec(horizon_months=24)
    ranges = (
        LeverRange("budget_eur_per_year", 0.0, 6e6),
        LeverRange("training_intensity", 0.0, 1.0),
    )
    grants = outcome_total("funded", cumulative=True)
    points = sobol_samples(ranges, 32, seed=1)
    values = evaluate_points(spec, ranges, points, grants)
    sobol = sobol_analyse(ranges, values, seed=1)
    assert sobol.evaluations == 32 * 6
    assert sobol.total[0] > 0.5 > sobol.total[1]
    mpoints = morris_samples(ranges, 8, seed=1)
    morris = morris_analyse(ranges, mpoints, evaluate_points(spec, ranges, mpoints, grants), seed=1)
    assert morris.ranking()[0] == "budget_eur_per_year"
    assert morris.evaluations == 8 * 3 and len(morris.sigma) == 2
    final = outcome_total("active", cumulative=False)(run_chunk(spec, 0, 2))
    assert final.shape == (2,)
    assert len(DEFAULT_LEVER_RANGES) == 6


def test_prim_finds_the_box_that_holds_the_target():
    rng = np.random.default_rng(0)
    x = rng.random((600, 3))
    y = (x[:, 0] > 0.6) & (x[:, 2] < 0.5)
    boxes = prim(x, y, ["a", "b", "c"])
    assert boxes[0].coverage == 1.0 and boxes[0].support == 600
    dense = next(b for b in boxes if b.density >= 0.9)
    assert dense.bounds[0][0] > 0.5 and dense.bounds[2][1] < 0.6
    assert dense.bounds[1] == boxes[0].bounds[1]  # the irrelevant lever is not restricted
    assert all(b.support >= 0.05 * 600 for b in boxes)


def test_prim_stops_when_no_peel_is_possible_and_refuses_bad_shapes():
    x = np.zeros((50, 1))
    boxes = prim(x, np.ones(50, dtype=bool), ["a"])
    assert len(boxes) == 1
    with pytest.raises(InvalidParameterError) as err:
        prim(np.zeros((3, 2)), np.zeros(4, dtype=bool), ["a", "b"])
    assert err.value.code == "simulation.prim_shape"


def _chunk_or_die(spec, start, stop):
    import os

    if start == 4:  # this worker dies mid-sweep, like a killed task-queue worker
        os._exit(1)
    return run_chunk(spec, start, stop)


def test_a_sweep_resumes_after_a_worker_dies_with_the_same_results():
    import contextlib
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    spec = small_spec(n_runs=8)
    bounds = chunk_bounds(8, 2)
    done = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = {pool.submit(_chunk_or_die, spec, lo, hi): (lo, hi) for lo, hi in bounds}
        for future, key in futures.items():
            with contextlib.suppress(BrokenProcessPool):
                done[key] = future.result()
    assert (4, 6) not in done  # the killed chunk is lost ...
    missing = [b for b in bounds if b not in done]
    resumed = combine([*done.values(), *(run_chunk(spec, lo, hi) for lo, hi in missing)])
    whole = run_chunk(spec, 0, 8)  # ... recomputing only what is missing gives the same numbers
    for name in INDICATORS:
        assert np.array_equal(resumed.data[name], whole.data[name])


def test_batched_design_points_equal_one_chunk_per_point():
    spec = small_spec(horizon_months=24)
    ranges = (LeverRange("budget_eur_per_year", 0.0, 6e6), LeverRange("calls_per_year", 0, 1))
    points = np.array([[1e6, 0.1], [5e6, 0.9], [3e6, 0.5]])
    outcome = outcome_total("reach", cumulative=True)
    batched = evaluate_points(spec, ranges, points, outcome, runs_per_point=2, batch=2)
    one_by_one = [
        outcome(run_chunk(replace(spec, n_runs=2, levers=levers_at(spec.levers, ranges, p)), 0, 2)).mean()
        for p in points
    ]
    assert np.array_equal(batched, one_by_one)


@pytest.mark.parametrize(("levers", "runs"), [([Levers()], [0, 1]), ([], []), ([Levers()], [99])])
def test_a_malformed_batch_is_refused(levers, runs):
    with pytest.raises(InvalidParameterError) as err:
        simulate_levers(small_spec(), levers, runs)
    assert err.value.code == "simulation.batch_shape"


def test_each_lever_set_of_a_batch_is_validated():
    with pytest.raises(InvalidParameterError) as err:
        simulate_levers(small_spec(), [Levers(), Levers(budget_eur_per_year=-5.0)], [0, 0])
    assert err.value.code == "simulation.negative_budget"
