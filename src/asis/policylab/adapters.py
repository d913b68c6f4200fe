"""To and from the simulation engine: scenario -> frozen specification -> ``RunSpec``; chunk
outputs <-> bytes; combined runs -> the JSON summary the pages, exports and API read.

Summary format (``SimulationRun.summary``)::

    {"codes": [NUTS codes], "years": [1, 2, ..., H], "percentiles": [5, 25, 50, 75, 95],
     "n_runs": N,
     "indicators": {name: {
         "kind": "stock" | "flow",
         "total_bands": [[per year] for each percentile],   # summed over regions
         "total_mean": [per year],
         "region_mean": [[per region] for each year],
         "horizon_runs": [per run],   # at the horizon, over all regions: stocks at the end,
                                      # flows summed over the years
     }}}
"""

from __future__ import annotations

import io
from dataclasses import asdict, fields
from functools import lru_cache
from typing import Any

import numpy as np

from asis.engines.simulation.experiments import PERCENTILES
from asis.engines.simulation.model import FLOW_INDICATORS, INDICATORS, ChunkResult
from asis.engines.simulation.parameters import (
    Geography,
    Levers,
    ModelParams,
    RunSpec,
    geography_for,
    spread_agents,
)
from asis.engines.simulation.regions import shipped_adjacency

LEVER_FIELDS = tuple(f.name for f in fields(Levers))


def region_codes() -> tuple[str, ...]:
    return shipped_adjacency().codes


def default_levers() -> dict[str, Any]:
    data = asdict(Levers())
    data["regional_split"] = None
    return data


def levers_from_json(data: dict[str, Any], codes: tuple[str, ...]) -> Levers:
    """``regional_split`` comes as {code: share}; missing regions get 0."""
    values = {k: v for k, v in {**default_levers(), **(data or {})}.items() if k in LEVER_FIELDS}
    split = values.get("regional_split")
    if isinstance(split, dict):
        values["regional_split"] = tuple(float(split.get(code, 0.0)) for code in codes)
    elif split is not None:
        values["regional_split"] = tuple(float(v) for v in split)
    values["calls_per_year"] = int(values["calls_per_year"])
    for name in ("budget_eur_per_year", "social_weight", "training_intensity", "cooperation_support",
                 "cofunding_rate"):
        values[name] = float(values[name])
    return Levers(**values)


def agents_by_region(total: int, weights: dict[str, float] | None = None) -> dict[str, int]:
    """Potential initiatives per region: ``total`` split by ``weights`` (equal shares if none)."""
    codes = region_codes()
    w = tuple(float((weights or {}).get(code, 0.0)) for code in codes) if weights else tuple(1.0 for _ in codes)
    if not any(w):
        w = tuple(1.0 for _ in codes)
    return dict(zip(codes, spread_agents(total, w), strict=True))


def frozen_spec(*, levers: dict[str, Any], params: dict[str, Any], horizon_years: int, n_runs: int,
                seed: int, agents: dict[str, int]) -> dict[str, Any]:
    """Everything a run needs, as JSON (kept on the run; never changes after)."""
    return {"levers": {**default_levers(), **levers}, "params": {**asdict(ModelParams()), **params},
            "horizon_months": 12 * int(horizon_years), "n_runs": int(n_runs), "seed": int(seed),
            "agents": {code: int(n) for code, n in agents.items()}}


@lru_cache(maxsize=32)
def _geography(agents: tuple[tuple[str, int], ...]) -> Geography:
    """Geographies are immutable: keep them (with their cached arrays) between runs and previews."""
    return geography_for(dict(agents))


def runspec(spec: dict[str, Any]) -> RunSpec:
    geography = _geography(tuple((code, int(n)) for code, n in spec["agents"].items()))
    return RunSpec(geography=geography, params=ModelParams(**spec["params"]),
                   levers=levers_from_json(spec["levers"], geography.codes),
                   horizon_months=int(spec["horizon_months"]), n_runs=int(spec["n_runs"]),
                   seed=int(spec["seed"]), resolution="year")


def chunk_to_bytes(result: ChunkResult) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **result.data)
    return buffer.getvalue()


def chunk_from_bytes(raw: bytes, *, start: int, stop: int, codes: tuple[str, ...]) -> ChunkResult:
    with np.load(io.BytesIO(bytes(raw)), allow_pickle=False) as arrays:
        data = {name: arrays[name] for name in arrays.files}
    return ChunkResult(start=start, stop=stop, codes=codes, resolution="year", data=data)


def _floats(array: Any) -> list[Any]:
    return np.round(np.asarray(array, dtype=np.float64), 6).tolist()


def summarise_result(result: ChunkResult) -> dict[str, Any]:
    indicators = {}
    for name in INDICATORS:
        arr = result.data[name]  # (runs, years, regions)
        totals = arr.sum(axis=2)  # (runs, years)
        flow = name in FLOW_INDICATORS
        horizon = totals.sum(axis=1) if flow else totals[:, -1]
        indicators[name] = {
            "kind": "flow" if flow else "stock",
            "total_bands": _floats(np.percentile(totals, PERCENTILES, axis=0)),
            "total_mean": _floats(totals.mean(axis=0)),
            "region_mean": _floats(arr.mean(axis=0)),
            "horizon_runs": _floats(horizon),
        }
    years = next(iter(result.data.values())).shape[1]
    return {"codes": list(result.codes), "years": list(range(1, years + 1)), "percentiles": list(PERCENTILES),
            "n_runs": result.stop - result.start, "indicators": indicators}
