"""Monte Carlo by chunks, summaries for fan charts, global sensitivity and scenario discovery.

A task queue runs ``run_chunk(spec, start, stop)`` for disjoint ranges on any number of workers
and ``combine`` puts the chunks back in run order: run ``i`` always draws from seed child ``i``,
so the result is the same for any split (tests/engines/test_simulation_experiments.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from asis.engines.simulation.errors import InvalidParameterError
from asis.engines.simulation.model import ChunkResult, simulate_chunk, simulate_levers
from asis.engines.simulation.parameters import (
    CALLS_PER_YEAR_CHOICES,
    DEFAULT_MAX_AGENT_MONTHS,
    Levers,
    RunSpec,
)

PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)


def run_chunk(
    spec: RunSpec, start: int, stop: int, *, max_agent_months: int = DEFAULT_MAX_AGENT_MONTHS,
    backend: str = "numpy", progress: Callable[[float], None] | None = None,
) -> ChunkResult:
    """Runs ``start..stop-1`` of ``spec`` (the unit of work of one background task); ``progress``
    hears the fraction of months done and may raise to stop it (simulate_chunk)."""
    return simulate_chunk(spec, start, stop, max_agent_months=max_agent_months, backend=backend,
                          progress=progress)


def chunk_bounds(n_runs: int, chunk_size: int) -> list[tuple[int, int]]:
    if n_runs < 1 or chunk_size < 1:
        raise InvalidParameterError(
            "simulation.chunk_size", "n_runs and chunk_size must be >= 1",
            {"n_runs": n_runs, "chunk_size": chunk_size},
        )
    return [(lo, min(lo + chunk_size, n_runs)) for lo in range(0, n_runs, chunk_size)]


def combine(chunks: Sequence[ChunkResult]) -> ChunkResult:
    """Concatenate chunks in run order; refuses gaps, overlaps and mixed outputs."""
    if not chunks:
        raise InvalidParameterError("simulation.no_chunks", "nothing to combine", {})
    ordered = sorted(chunks, key=lambda c: c.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.stop != after.start:
            raise InvalidParameterError(
                "simulation.chunk_gap",
                f"chunks must tile the runs: {before.stop} is followed by {after.start}",
                {"stop": before.stop, "start": after.start},
            )
    first = ordered[0]
    if any(c.codes != first.codes or c.resolution != first.resolution for c in ordered):
        raise InvalidParameterError(
            "simulation.chunk_mismatch", "chunks come from different specs", {}
        )
    data = {name: np.concatenate([c.data[name] for c in ordered]) for name in first.data}
    return ChunkResult(
        start=first.start, stop=ordered[-1].stop, codes=first.codes,
        resolution=first.resolution, data=data,
    )


def run_parallel(spec: RunSpec, *, workers: int, chunk_size: int) -> ChunkResult:
    """All runs of ``spec`` on ``workers`` processes (1 = in this process)."""
    bounds = chunk_bounds(spec.n_runs, chunk_size)
    if workers <= 1:
        return combine([run_chunk(spec, lo, hi) for lo, hi in bounds])
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_chunk, spec, lo, hi) for lo, hi in bounds]
        return combine([f.result() for f in futures])


@dataclass(frozen=True)
class Summary:
    """Percentiles across runs: ``bands[name]`` has shape (len(percentiles), periods, regions)."""

    percentiles: tuple[float, ...]
    mean: dict[str, NDArray[np.float64]]
    bands: dict[str, NDArray[np.float64]]
    total_bands: dict[str, NDArray[np.float64]]  # summed over regions: (percentiles, periods)


def summarise(result: ChunkResult, percentiles: Sequence[float] = PERCENTILES) -> Summary:
    q = tuple(float(x) for x in percentiles)
    return Summary(
        percentiles=q,
        mean={n: a.mean(axis=0) for n, a in result.data.items()},
        bands={n: np.percentile(a, q, axis=0) for n, a in result.data.items()},
        total_bands={n: np.percentile(a.sum(axis=2), q, axis=0) for n, a in result.data.items()},
    )


# --- global sensitivity over the levers -------------------------------------------------------

@dataclass(frozen=True)
class LeverRange:
    name: str
    low: float
    high: float


DEFAULT_LEVER_RANGES = (
    LeverRange("budget_eur_per_year", 5e6, 40e6),
    LeverRange("social_weight", 0.0, 1.0),
    LeverRange("training_intensity", 0.0, 1.0),
    LeverRange("cooperation_support", 0.0, 1.0),
    LeverRange("cofunding_rate", 0.0, 0.5),
    LeverRange("calls_per_year", 0.0, 1.0),  # index into CALLS_PER_YEAR_CHOICES[:4]
)


def levers_at(base: Levers, ranges: Sequence[LeverRange], point: Sequence[float]) -> Levers:
    """The levers of ``base`` with each ranged lever set to ``point`` (calls: 1, 2, 3 or 4)."""
    values: dict[str, float | int] = {}
    for rng, value in zip(ranges, point, strict=True):
        if rng.name == "calls_per_year":
            choices = CALLS_PER_YEAR_CHOICES[:4]
            values[rng.name] = choices[min(int(value * len(choices)), len(choices) - 1)]
        else:
            values[rng.name] = float(value)
    return replace(base, **values)  # type: ignore[arg-type]


Outcome = Callable[[ChunkResult], NDArray[np.float64]]


def outcome_total(name: str, *, cumulative: bool) -> Outcome:
    """Per run: indicator ``name`` summed over regions, at the end or over the whole horizon."""

    def measure(result: ChunkResult) -> NDArray[np.float64]:
        totals = result.data[name].sum(axis=2)
        return np.asarray(totals.sum(axis=1) if cumulative else totals[:, -1])

    return measure


def evaluate_points(
    spec: RunSpec, ranges: Sequence[LeverRange], points: NDArray[np.float64], outcome: Outcome,
    runs_per_point: int = 1, *, batch: int = 25, backend: str = "numpy",
) -> NDArray[np.float64]:
    """Mean outcome at each lever point; every point reuses seed children 0.. (common random
    numbers), so differences between points come from the levers, not from the draws.

    ``batch`` design points are simulated together in one chunk (``simulate_levers``): the
    same numbers as one chunk per point, with the per-month overhead shared.
    """
    point_spec = replace(spec, n_runs=runs_per_point)
    levers = [levers_at(spec.levers, ranges, point) for point in points]
    values = np.empty(len(points))
    for lo in range(0, len(points), max(1, batch)):
        part = levers[lo : lo + max(1, batch)]
        rows = [lv for lv in part for _ in range(runs_per_point)]
        runs = [r for _ in part for r in range(runs_per_point)]
        measured = outcome(simulate_levers(point_spec, rows, runs, backend=backend))
        values[lo : lo + len(part)] = measured.reshape(len(part), runs_per_point).mean(axis=1)
    return values


def _problem(ranges: Sequence[LeverRange]) -> dict[str, object]:
    return {
        "num_vars": len(ranges),
        "names": [r.name for r in ranges],
        "bounds": [[r.low, r.high] for r in ranges],
    }


@dataclass(frozen=True)
class SobolIndices:
    names: tuple[str, ...]
    first: tuple[float, ...]
    first_conf: tuple[float, ...]
    total: tuple[float, ...]
    total_conf: tuple[float, ...]
    evaluations: int


def sobol_samples(ranges: Sequence[LeverRange], base_samples: int, seed: int) -> NDArray[np.float64]:
    """Saltelli design (N (2d + 2) points) via SALib's Sobol' sampler."""
    from SALib.sample import sobol as sobol_sample

    return np.asarray(sobol_sample.sample(_problem(ranges), base_samples, seed=seed))


def sobol_analyse(
    ranges: Sequence[LeverRange], values: NDArray[np.float64], seed: int
) -> SobolIndices:
    from SALib.analyze import sobol as sobol_analyze

    res = sobol_analyze.analyze(_problem(ranges), values, seed=seed)
    return SobolIndices(
        names=tuple(r.name for r in ranges),
        first=tuple(float(v) for v in res["S1"]),
        first_conf=tuple(float(v) for v in res["S1_conf"]),
        total=tuple(float(v) for v in res["ST"]),
        total_conf=tuple(float(v) for v in res["ST_conf"]),
        evaluations=int(len(values)),
    )


@dataclass(frozen=True)
class MorrisIndices:
    names: tuple[str, ...]
    mu_star: tuple[float, ...]
    mu_star_conf: tuple[float, ...]
    sigma: tuple[float, ...]
    evaluations: int

    def ranking(self) -> tuple[str, ...]:
        order = np.argsort(-np.asarray(self.mu_star), kind="stable")
        return tuple(self.names[i] for i in order)


def morris_samples(ranges: Sequence[LeverRange], trajectories: int, seed: int) -> NDArray[np.float64]:
    from SALib.sample import morris as morris_sample

    return np.asarray(morris_sample.sample(_problem(ranges), trajectories, seed=seed))


def morris_analyse(
    ranges: Sequence[LeverRange], points: NDArray[np.float64], values: NDArray[np.float64],
    seed: int,
) -> MorrisIndices:
    from SALib.analyze import morris as morris_analyze

    res = morris_analyze.analyze(_problem(ranges), points, values, seed=seed)
    return MorrisIndices(
        names=tuple(r.name for r in ranges),
        mu_star=tuple(float(v) for v in res["mu_star"]),
        mu_star_conf=tuple(float(v) for v in res["mu_star_conf"]),
        sigma=tuple(float(v) for v in res["sigma"]),
        evaluations=int(len(values)),
    )


# --- scenario discovery: PRIM ----------------------------------------------------------------

@dataclass(frozen=True)
class PrimBox:
    """A box of lever ranges: ``bounds[j] = (low, high)``; coverage and density of the target."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    coverage: float
    density: float
    support: int


def prim(
    points: NDArray[np.float64], target: NDArray[np.bool_], names: Sequence[str], *,
    alpha: float = 0.05, min_support: float = 0.05,
) -> list[PrimBox]:
    """Patient Rule Induction Method, peeling phase (Friedman & Fisher 1999).

    Starting from the box that holds every point, repeatedly remove the ``alpha`` share of the
    points at the low or high end of one lever - whichever removal raises the share of target
    points (density) most - until fewer than ``min_support`` of the points remain. Returns the
    whole peeling trajectory; a caller picks the box trading coverage against density.
    """
    x = np.asarray(points, dtype=np.float64)
    y = np.asarray(target, dtype=bool)
    if x.ndim != 2 or len(x) != len(y) or x.shape[1] != len(names) or len(x) == 0:
        raise InvalidParameterError(
            "simulation.prim_shape", "points, target and names do not match", {}
        )
    total_hits = max(int(y.sum()), 1)
    inside = np.ones(len(x), dtype=bool)
    bounds = [[float(x[:, j].min()), float(x[:, j].max())] for j in range(x.shape[1])]

    def box() -> PrimBox:
        hits = int(y[inside].sum())
        return PrimBox(
            names=tuple(names), bounds=tuple((lo, hi) for lo, hi in bounds),
            coverage=hits / total_hits, density=hits / max(int(inside.sum()), 1),
            support=int(inside.sum()),
        )

    trajectory = [box()]
    while inside.sum() * (1 - alpha) >= min_support * len(x):
        best: tuple[float, int, bool, float] | None = None
        for j in range(x.shape[1]):
            col = x[inside, j]
            for upper in (False, True):
                cut = float(np.quantile(col, 1 - alpha if upper else alpha))
                keep = inside & ((x[:, j] < cut) if upper else (x[:, j] > cut))
                if keep.sum() == 0 or keep.sum() == inside.sum():
                    continue
                density = float(y[keep].mean())
                if best is None or density > best[0]:
                    best = (density, j, upper, cut)
        if best is None:
            break
        _, j, upper, cut = best
        inside &= (x[:, j] < cut) if upper else (x[:, j] > cut)
        bounds[j][1 if upper else 0] = cut
        trajectory.append(box())
    return trajectory
