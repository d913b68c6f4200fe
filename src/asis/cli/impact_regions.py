"""``asis impact import-region-stats FILE.csv``: import region statistics (population...) all or
nothing, printing the row-by-row report; exit status 1 when nothing was imported."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from asis.cli import _django


def _import(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.impact.region_stats import region_stats_import

    path = Path(args.file)
    if not path.is_file():
        print(f"No such file: {path}")
        return 1
    report = region_stats_import(data=path.read_bytes())
    for error in report.errors:
        print(f"file: {error}")
    for row in report.rows:
        for error in row.errors:
            print(f"line {row.line}: {error}")
    if not report.saved:
        print("Nothing was imported.")
        return 1
    print(f"Imported: {report.created} new, {report.updated} replaced.")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("import-region-stats", help="import region statistics (population) from a CSV file")
    p.add_argument("file", help="CSV with columns region, key, year, value, source, licence")
    p.set_defaults(func=_import)
