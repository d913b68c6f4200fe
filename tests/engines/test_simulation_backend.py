"""The simulation engine's array backends: NumPy, and CuPy through a strict CPU stand-in.

No GPU is guaranteed here; tests/engines/strict_device.py refuses what CuPy refuses (host arrays
mixed with device arrays, NumPy functions on device arrays, np.add.at), so these tests prove the
"cupy" code path keeps its state on the device and computes the NumPy backend's numbers.
"""

from dataclasses import replace

import numpy as np
import pytest

from asis.engines.errors import BackendUnavailableError, InvalidInputError
from asis.engines.simulation.experiments import (
    DEFAULT_LEVER_RANGES,
    evaluate_points,
    outcome_total,
    run_chunk,
)
from asis.engines.simulation.model import INDICATORS, _Chunk, array_ops, simulate_levers
from tests.engines import strict_device
from tests.engines.simulation_helpers import small_spec


@pytest.fixture
def strict_cupy(monkeypatch):
    return strict_device.install(monkeypatch)


def test_the_stand_in_refuses_what_cupy_refuses(strict_cupy):
    """The stand-in can fail: each rule it enforces raises on code that breaks it."""
    xp = array_ops("cupy").xp
    device = xp.asarray(np.arange(4.0))
    host = np.arange(4.0)
    with pytest.raises(TypeError, match="host array"):
        device + host
    with pytest.raises(TypeError, match="host array"):
        device[np.array([0, 1])]
    with pytest.raises(TypeError, match="host array"):
        device[xp.asarray(np.array([0, 1]))] = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="numpy.sort called on a device array"):
        np.sort(device)
    with pytest.raises(TypeError, match="scatter_add"):
        np.add.at(device, xp.asarray(np.array([0])), 1.0)
    with pytest.raises(TypeError, match="host array"):
        xp.concatenate([device, host])
    with pytest.raises(TypeError, match="does not support int64"):
        strict_cupy["cupyx"].scatter_add(xp.zeros(3, dtype=xp.int64), xp.asarray(np.array([0])), 1)
    assert isinstance(device.get(), np.ndarray) and not isinstance(device.get(), strict_device.DeviceArray)


def test_cupy_path_gives_the_numpy_backend_numbers(strict_cupy):
    spec = small_spec(n_runs=6, horizon_months=48)
    host = run_chunk(spec, 1, 5)
    device = run_chunk(spec, 1, 5, backend="cupy")
    for name in INDICATORS:
        assert type(device.data[name]) is np.ndarray  # back on the host for the platform
        assert np.array_equal(host.data[name], device.data[name]), name
    assert host.data["funded"].sum() > 0 and host.data["scaled"].sum() > 0  # calls and scaling ran
    chunk = _Chunk(spec, range(2), [spec.levers] * 2, array_ops("cupy"))
    state = (chunk.tau_flat, chunk.emerged, chunk.fail, chunk.fail_hist, chunk.out["reach"])
    assert all(isinstance(a, strict_device.DeviceArray) for a in state)  # the state is "on the device"


def test_cupy_path_of_a_lever_sweep(strict_cupy):
    spec = small_spec(n_runs=4, horizon_months=36)
    levers = [replace(spec.levers, social_weight=w, calls_per_year=c) for w, c in ((0.1, 1), (0.9, 2))]
    host = simulate_levers(spec, levers, [0, 3])
    device = simulate_levers(spec, levers, [0, 3], backend="cupy")
    for name in INDICATORS:
        assert np.array_equal(host.data[name], device.data[name]), name
    points = np.array([[0.2, 0.5, 0.5, 0.5, 0.1, 0.3], [0.8, 0.1, 0.9, 0.2, 0.4, 0.9]])
    assert np.array_equal(
        evaluate_points(spec, DEFAULT_LEVER_RANGES, points, outcome_total("reach", cumulative=True), batch=2),
        evaluate_points(spec, DEFAULT_LEVER_RANGES, points, outcome_total("reach", cumulative=True), batch=2,
                        backend="cupy"),
    )


def test_backend_errors_are_typed(monkeypatch):
    with pytest.raises(InvalidInputError, match="backend"):
        run_chunk(small_spec(), 0, 1, backend="tpu")

    strict_device.install(monkeypatch, missing=True)
    with pytest.raises(BackendUnavailableError) as err:
        run_chunk(small_spec(), 0, 1, backend="cupy")
    assert err.value.backend == "cupy"
