"""Turn locust's CSV files into the table recorded in benchmarks/README.md.

    python benchmarks/observatory/summarise.py benchmarks/observatory/results/load

Reads ``<prefix>-<phase>_stats.csv`` for the phases health, catalogue, map (one endpoint each,
same load) and mixed; the ceiling is the health phase's p95.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

TARGETS = {"catalogue: search + 2 facets": 150, "map: regions.geojson": 50}
CEILING = "ceiling: /api/v1/health"
PHASES = (("health", CEILING), ("catalogue", "catalogue: search + 2 facets"), ("map", "map: regions.geojson"))


def _rows(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    return {r["Name"]: r for r in csv.DictReader(path.open())}


def _line(phase: str, name: str, row: dict[str, str] | None, ceiling_p95: float | None) -> str:
    if row is None:
        return f"| {phase} | {name} | not measured | | | | | | | |"
    p95 = float(row["95%"])
    target = TARGETS.get(name)
    verdict = "" if target is None else f"<= {target} ms: {'met' if p95 <= target else 'missed'}"
    ratio = f"{p95 / ceiling_p95:.1f}x" if ceiling_p95 and name != CEILING else ""
    return (f"| {phase} | {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | {verdict} | {ratio} |")


def main(prefix: str) -> None:
    health = _rows(Path(f"{prefix}-health_stats.csv")).get(CEILING)
    ceiling_p95 = float(health["95%"]) if health else None
    print("| phase | request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | target (p95) "
          "| p95 / ceiling p95 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for phase, name in PHASES:
        print(_line(phase, name, _rows(Path(f"{prefix}-{phase}_stats.csv")).get(name), ceiling_p95))
    mixed = _rows(Path(f"{prefix}-mixed_stats.csv"))
    for _phase, name in PHASES:
        print(_line("mixed", name, mixed.get(name), ceiling_p95))


if __name__ == "__main__":
    main(sys.argv[1])
