"""Small geographies shared by the simulation engine tests."""

from __future__ import annotations

from asis.engines.simulation.parameters import Geography, RunSpec


def line_geography(agents: int = 40, regions: int = 4) -> Geography:
    """``regions`` regions in a line (each neighbours the next), ``agents`` potential each."""
    adjacency = tuple(
        tuple(1 if abs(i - j) == 1 else 0 for j in range(regions)) for i in range(regions)
    )
    codes = tuple(f"R{i}" for i in range(regions))
    return Geography(codes=codes, adjacency=adjacency, agents=(agents,) * regions)


def small_spec(**changes: object) -> RunSpec:
    spec = RunSpec(geography=line_geography(), horizon_months=36, n_runs=8, seed=7)
    return RunSpec(**{**spec.__dict__, **changes})  # type: ignore[arg-type]
