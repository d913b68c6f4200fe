"""SROI Monte Carlo speed: 100,000 draws over an impact map with a range on every assumption.

    nice .venv/bin/python benchmarks/sroi_montecarlo.py [--draws 100000] [--rows 10] [--repeat 5]

Prints the best and median wall-clock time of ``asis.engines.impact.sroi.monte_carlo``.
Target (issue 11): 100,000 draws <= 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

from asis.engines.impact.sroi import ImpactMap, Outcome, Range, monte_carlo


def build_map(rows: int) -> ImpactMap:
    outcomes = tuple(
        Outcome(
            stakeholder=f"Stakeholder {i}", description=f"Outcome {i}",
            quantity=20 + i, duration_years=3 + i % 4, proxy_value=1_000 * (i + 1),
            deadweight=0.2, displacement=0.1, attribution=0.3, drop_off=0.25,
            ranges={
                "quantity": Range(10 + i, 40 + i, mode=20 + i),
                "proxy_value": Range(500 * (i + 1), 1_500 * (i + 1)),
                "duration_years": Range(2, 6, mode=3 + i % 4),
                "deadweight": Range(0.1, 0.4, mode=0.2),
                "displacement": Range(0.0, 0.2),
                "attribution": Range(0.1, 0.5, mode=0.3),
                "drop_off": Range(0.1, 0.5),
            },
        )
        for i in range(rows)
    )
    return ImpactMap(outcomes=outcomes, investment=500_000,
                     discount_rate_range=Range(0.015, 0.06, mode=0.035))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    impact_map = build_map(args.rows)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        res = monte_carlo(impact_map, n_draws=args.draws, seed=1)
        times.append(time.perf_counter() - start)
    print(f"{args.draws:,} draws x {args.rows} rows x 7 ranged assumptions each (+ the discount rate): "
          f"best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms; "
          f"mean ratio {res.mean:.3f}, P(ratio > 1) {res.probability_above_one:.3f}")


if __name__ == "__main__":
    main()
