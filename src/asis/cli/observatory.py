"""``asis observatory-scale``: fill a scratch database with many initiatives for load tests."""

from __future__ import annotations

import argparse
import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from asis.cli import _django

console = Console()


def _scale(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.observatory.scale import scale_generate

    started = time.monotonic()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("Inserting initiatives", total=args.initiatives)
        summary = scale_generate(initiatives=args.initiatives, seed=args.seed, batch=args.batch,
                                 on_progress=lambda n: progress.advance(task, n))
    for key, value in summary.items():
        console.print(f"  {key}: {value}")
    console.print(f"  seconds: {time.monotonic() - started:.1f}")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("observatory-scale", help="insert many published initiatives (load tests)")
    p.add_argument("--initiatives", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=2018)
    p.add_argument("--batch", type=int, default=2000, help="initiatives per transaction")
    p.set_defaults(func=_scale)
