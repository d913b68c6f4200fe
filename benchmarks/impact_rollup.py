"""Benchmark of the impact roll-up engine on 1.2 M synthetic values.

5,000 projects x 20 indicators x 12 quarterly periods. Run with
``nice .venv/bin/python benchmarks/impact_rollup.py [--repeat 20]``; prints the median and
the 95th percentile of ``--repeat`` runs of each step (wall clock, one process). The
indicators mix every aggregation rule, both values modes, ratios and a few values in
other units (converted) or in an incompatible unit (excluded). Timings are never asserted
in tests.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from asis.engines.impact.rollup import (
    IndicatorSpec,
    Observation,
    ObservationTable,
    rollup,
    rollup_by,
    series,
)

PROJECTS, INDICATORS, PERIODS, REGIONS = 5_000, 20, 12, 21
_SPECS = [
    ("persons", "sum", "per_period", False, "persons"),
    ("jobs", "sum", "cumulative", False, "jobs"),
    ("keur", "sum", "per_period", False, "eur"),
    ("score", "mean", "cumulative", False, "score"),
    ("score", "weighted_mean", "cumulative", False, "score"),
    ("percent", "sum", "per_period", True, "percent"),
    ("percent", "sum", "cumulative", True, "per_1000"),
    ("t_co2e", "sum", "per_period", False, "kg_co2e"),
    ("hours", "max", "per_period", False, "hours"),
    ("persons", "last", "per_period", False, "persons"),
]


def specs() -> list[IndicatorSpec]:
    return [
        IndicatorSpec(f"IND{i:02d}", unit, aggregation=agg, values_mode=mode, is_ratio=ratio)  # type: ignore[arg-type]
        for i, (unit, agg, mode, ratio, _) in ((i, _SPECS[i % len(_SPECS)]) for i in range(INDICATORS))
    ]


def tables(seed: int = 0) -> tuple[list[ObservationTable], np.ndarray]:
    rng = np.random.default_rng(seed)
    n = PROJECTS * PERIODS
    project = np.repeat(np.arange(PROJECTS), PERIODS)
    first = date(2024, 3, 31).toordinal()
    period = first + np.tile(np.arange(PERIODS) * 91, PROJECTS)
    region = np.array([f"R{r:02d}" for r in range(REGIONS)])[rng.integers(0, REGIONS, PROJECTS)][project]
    out = []
    for i in range(INDICATORS):
        stored_unit = _SPECS[i % len(_SPECS)][4]
        unit = np.full(n, stored_unit, dtype="<U8")
        unit[rng.random(n) < 0.001] = "households"  # excluded: another dimension
        denominator = rng.integers(1, 500, n).astype(float)
        out.append(ObservationTable.from_columns(
            project=project, period_end=period,
            value=rng.gamma(2.0, 50.0, n), numerator=np.floor(denominator * rng.random(n)),
            denominator=denominator, weight=rng.integers(1, 300, n).astype(float), unit=unit,
        ))
    return out, region


def timed(repeat: int, fn: Callable[[], Any]) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return float(np.median(runs)), float(np.percentile(runs, 95))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    indicator_specs = specs()
    data, region = tables()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}; {sum(len(t) for t in data):,} values")
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("programme roll-up, 20 indicators",
         lambda: [rollup(s, t) for s, t in zip(indicator_specs, data, strict=True)]),
        ("by region (21 groups), 20 indicators",
         lambda: [rollup_by(s, t, region) for s, t in zip(indicator_specs, data, strict=True)]),
        ("series over 12 period ends, 20 indicators",
         lambda: [series(s, t) for s, t in zip(indicator_specs, data, strict=True)]),
    ]
    for name, fn in steps:
        median, p95 = timed(args.repeat, fn)
        print(f"{name:45s} median {median * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms")
    # The convenience input: one indicator's 60,000 values as Observation objects.
    t = data[0]
    obs = [Observation(str(p), date.fromordinal(int(d)), float(v), unit=str(u))
           for p, d, v, u in zip(t.project, t.period, t.value, t.unit, strict=True)]
    median, p95 = timed(max(3, args.repeat // 4), lambda: rollup(indicator_specs[0], obs))
    print(f"{'one indicator from 60,000 Observation objects':45s} median {median * 1000:8.1f} ms"
          f"   p95 {p95 * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
