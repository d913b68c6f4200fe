"""Simulation engine benchmark: runs/s/core against a Mesa agent-per-object implementation of the
same model, a Sobol sweep on 2 workers, mean-field preview latency and memory per run.

    nice .venv/bin/python benchmarks/simulation.py [--runs 200] [--mesa-runs 2] [--sobol-base 64]

On a machine with an NVIDIA GPU and CuPy (pip install cupy-cuda12x):

    .venv/bin/python benchmarks/simulation.py --gpu [--gpu-runs 20000]

measures runs/s of the "cupy" backend in chunks of 500 to 20,000 runs, next to NumPy on one core
in the same run, and compares the two backends' outcome distributions (two-sample
Kolmogorov-Smirnov on each outcome at the horizon, same seeds: they draw the same numbers).

Run by hand (the test suite asserts no timings); record the figures in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from asis.engines.simulation.experiments import (  # noqa: E402
    DEFAULT_LEVER_RANGES,
    evaluate_points,
    outcome_total,
    run_chunk,
    sobol_analyse,
    sobol_samples,
)
from asis.engines.simulation.meanfield import mean_field  # noqa: E402
from asis.engines.simulation.parameters import RunSpec, default_geography  # noqa: E402

SPEC = RunSpec(geography=default_geography(10_000), horizon_months=120, n_runs=1, seed=1)


def engine(runs: int, chunk: int, backend: str = "numpy", repeat: int = 3) -> float:
    """Runs per second for ``runs`` runs computed in chunks of ``chunk`` (best of ``repeat``)."""
    spec = replace(SPEC, n_runs=runs)
    run_chunk(spec, 0, min(runs, 5), backend=backend)  # warm-up: imports, caches, CUDA kernels
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        for lo in range(0, runs, chunk):
            run_chunk(spec, lo, min(lo + chunk, runs), backend=backend)
        best = max(best, runs / (time.perf_counter() - start))
    return best


def gpu(runs: int) -> None:
    """The "cupy" backend: throughput by chunk size and the same outcome distribution as NumPy."""
    import cupy
    from scipy.stats import ks_2samp

    name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
    print(f"# GPU: {name}, CuPy {cupy.__version__}")
    print(f"engine numpy: {engine(200, 10):.1f} runs/s on one core (chunks of 10, best of 3)")
    for chunk in (500, 2_000, 5_000, 20_000):
        if chunk <= runs:
            rate = engine(runs, chunk, backend="cupy", repeat=1)
            print(f"engine cupy: {rate:.1f} runs/s ({runs} runs in chunks of {chunk})")
    spec = replace(SPEC, n_runs=400)
    host = run_chunk(spec, 0, 400).data
    device = run_chunk(spec, 0, 400, backend="cupy").data
    for outcome in ("active", "funded", "reach", "replicas"):
        a, b = host[outcome][:, -1].sum(axis=1), device[outcome][:, -1].sum(axis=1)
        same = int((a == b).sum())
        print(f"distribution {outcome}: KS p = {ks_2samp(a, b).pvalue:.3f}, "
              f"{same} of 400 runs bit-identical, means {a.mean():.1f} / {b.mean():.1f}")


def mesa(runs: int) -> float:
    from tests.engines.simulation_mesa_reference import run_reference

    start = time.perf_counter()
    for i in range(runs):
        run_reference(SPEC, seed=i)
    return runs / (time.perf_counter() - start)


def _sobol_part(points: np.ndarray) -> np.ndarray:
    return evaluate_points(SPEC, DEFAULT_LEVER_RANGES, points, outcome_total("reach", cumulative=True))


def sobol(base: int, workers: int) -> tuple[int, float, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SALib: N is not a power of 2
        points = sobol_samples(DEFAULT_LEVER_RANGES, base, seed=1)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_sobol_part, np.array_split(points, workers * 8)))
    values = np.concatenate(parts)
    wall = time.perf_counter() - start
    return len(points), wall, sobol_analyse(DEFAULT_LEVER_RANGES, values, seed=1)


def preview_latency(repeat: int = 30) -> float:
    spec = replace(SPEC, horizon_months=240)
    mean_field(spec)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        mean_field(spec)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def memory_per_run(runs: int) -> tuple[float, float]:
    def peak(n: int) -> float:
        tracemalloc.start()
        run_chunk(replace(SPEC, n_runs=n), 0, n)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top / 2**20

    one, many = peak(1), peak(runs)
    return one, (many - one) / (runs - 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--mesa-runs", type=int, default=2)
    parser.add_argument("--sobol-base", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gpu", action="store_true", help="measure the cupy backend only")
    parser.add_argument("--gpu-runs", type=int, default=20_000)
    args = parser.parse_args()
    if args.gpu:
        gpu(args.gpu_runs)
        return
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"NumPy {np.__version__}, Python {platform.python_version()}")
    rates = {chunk: engine(args.runs, chunk) for chunk in (1, 10, 50, args.runs)}
    for chunk, rate in rates.items():
        print(f"engine: {rate:.1f} runs/s on one core (10,000 agents x 120 months, "
              f"{args.runs} runs in chunks of {chunk}, best of 3)")
    ours = max(rates.values())
    theirs = mesa(args.mesa_runs)
    print(f"mesa reference: {theirs:.3f} runs/s on one core ({args.mesa_runs} runs)")
    print(f"ratio: {ours / theirs:.0f}x")
    print(f"mean-field preview, 42 regions x 240 months: {preview_latency():.1f} ms (median of 30)")
    one, per_run = memory_per_run(50)
    print(f"memory: {one:.1f} MiB peak for one run, {per_run:.2f} MiB per extra run in a chunk")
    if args.sobol_base <= 0:
        return
    n, wall, indices = sobol(args.sobol_base, args.workers)
    print(f"sobol: {n} runs on {args.workers} workers in {wall:.1f} s "
          f"({n / wall:.1f} runs/s); 10,000 runs extrapolated: {10_000 * wall / n:.0f} s")
    print(f"total-order indices (cumulative reach): {dict(zip(indices.names, np.round(indices.total, 3), strict=True))}")


if __name__ == "__main__":
    main()
