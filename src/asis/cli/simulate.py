"""``asis simulate``: a policy scenario of the social-innovation ecosystem of the 42 regions, from a shell.

Runs the agent-based model (:mod:`asis.engines.simulation`) with the levers given on the command
line, in chunks with a progress bar (the same seed gives the same result whatever ``--workers``),
and prints the outcomes at the horizon across runs (median and 5-95 % band), summed over the
regions. ``--preview`` answers with the mean-field model instead (expected values, instantly).
Impossible levers are refused with exit status 2 and the reason. Needs no database, except
``--from-call`` which takes the levers of a real call.
"""

from __future__ import annotations

import argparse
import functools
import json
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

console = Console()

EXIT_BAD_INPUT = 2
CUMULATIVE = ("new", "failures", "applications", "funded", "grants_eur", "reach", "scaled")
SHOWN = ("active", "funded_active", "jobs", "new", "funded", "failures", "grants_eur", "reach")


def _from_call(args: argparse.Namespace) -> bool:
    """Replace budget, social weight, co-funding and calls per year by those of a real call ("this
    call's grid and budget, repeated yearly"), the same mapping as the web's scenario from a call."""
    from asis.cli import _django

    _django.setup()
    from asis.calls.models import Call
    from asis.policylab.explorer.services import call_levers

    call = Call.objects.filter(pk=args.from_call).first()
    if call is None:
        console.print(f"[red]No call with id {args.from_call} (asis calls list shows them).[/red]")
        return False
    mapping = call_levers(call)
    args.budget = mapping.levers["budget_eur_per_year"]
    args.social_weight = mapping.levers["social_weight"]
    args.cofunding = mapping.levers["cofunding_rate"]
    args.calls_per_year = mapping.levers["calls_per_year"]
    if not args.json:
        console.print(f"Levers from the call {call.pk} \"{call.title}\": budget {args.budget:,.0f} EUR a year, "
                      f"social weight {args.social_weight:.0%} ({mapping.social_weight_points} of "
                      f"{mapping.total_weight_points} grid points on social criteria), applicants' own share "
                      f"{args.cofunding:.0%}, one call a year.")
    return True


def _spec(args: argparse.Namespace) -> Any:
    from asis.engines.simulation.parameters import Levers, RunSpec, default_geography

    levers = Levers(budget_eur_per_year=args.budget, social_weight=args.social_weight,
                    training_intensity=args.training, cooperation_support=args.cooperation,
                    cofunding_rate=args.cofunding, calls_per_year=args.calls_per_year)
    return RunSpec(geography=default_geography(args.agents), levers=levers, horizon_months=12 * args.years,
                   n_runs=args.runs, seed=args.seed, resolution="year")


def _totals(data: dict[str, Any]) -> dict[str, Any]:
    """Per run (or expected): each outcome at the horizon, summed over regions; flows summed over time."""
    out = {}
    for name in SHOWN:
        series = data[name].sum(axis=-1)  # over regions: (..., periods)
        out[name] = series.sum(axis=-1) if name in CUMULATIVE else series[..., -1]
    return out


def _run(args: argparse.Namespace) -> int:
    import numpy as np

    from asis.engines.errors import BackendUnavailableError, InvalidInputError
    from asis.engines.simulation.errors import SimulationError
    from asis.engines.simulation.experiments import chunk_bounds, combine, run_chunk
    from asis.engines.simulation.meanfield import mean_field

    if args.from_call is not None and not _from_call(args):
        return EXIT_BAD_INPUT
    try:
        spec = _spec(args)
        spec.validate()
        if args.preview:
            expected = _totals(mean_field(spec).data)
            rows = {name: {"expected": float(value)} for name, value in expected.items()}
        else:
            bounds = chunk_bounds(spec.n_runs, args.chunk)
            chunk_of = functools.partial(run_chunk, backend=args.backend)
            chunks = []
            with Progress(console=console, transient=True, disable=args.json) as progress:
                bar = progress.add_task("Simulating", total=spec.n_runs)
                if args.workers > 1:
                    with ProcessPoolExecutor(max_workers=args.workers) as pool:
                        for chunk in pool.map(chunk_of, [spec] * len(bounds), *zip(*bounds, strict=True)):
                            chunks.append(chunk)
                            progress.advance(bar, chunk.stop - chunk.start)
                else:
                    for lo, hi in bounds:
                        chunks.append(chunk_of(spec, lo, hi))
                        progress.advance(bar, hi - lo)
            totals = _totals(combine(chunks).data)
            rows = {name: {"p5": float(np.percentile(v, 5)), "median": float(np.median(v)),
                           "p95": float(np.percentile(v, 95)), "mean": float(np.mean(v))}
                    for name, v in totals.items()}
    except SimulationError as exc:
        console.print(f"[red]Refused ({exc.code}): {exc.message}[/red]")
        return EXIT_BAD_INPUT
    except (BackendUnavailableError, InvalidInputError) as exc:
        console.print(f"[red]Refused: {exc}[/red]")
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps({"runs": 0 if args.preview else spec.n_runs, "years": args.years, "seed": args.seed,
                          "preview": args.preview, "outcomes": rows}, indent=2))
        return 0
    title = (f"Expected outcomes after {args.years} years (mean-field preview)" if args.preview else
             f"Outcomes after {args.years} years, {spec.n_runs} runs, seed {args.seed}")
    table = Table(title=title)
    table.add_column("outcome")
    columns = ["expected"] if args.preview else ["p5", "median", "p95"]
    for column in columns:
        table.add_column(column, justify="right")
    for name, values in rows.items():
        table.add_row(name, *(f"{values[c]:,.0f}" for c in columns))
    console.print(table)
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("simulate", help="simulate a policy scenario over the 42 regions (policy lab)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--years", type=int, default=10, help="horizon in years (1 to 20; default 10)")
    p.add_argument("--runs", type=int, default=100, help="Monte Carlo runs (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same result)")
    p.add_argument("--agents", type=int, default=10_000, help="potential initiatives in all regions")
    p.add_argument("--budget", type=float, default=20_000_000.0, help="funding budget per year in EUR")
    p.add_argument("--social-weight", type=float, default=0.3, help="weight of social criteria, 0 to 1")
    p.add_argument("--training", type=float, default=0.0, help="training intensity, 0 to 1")
    p.add_argument("--cooperation", type=float, default=0.0, help="cooperation support, 0 to 1")
    p.add_argument("--cofunding", type=float, default=0.2, help="applicants' own share, 0 to 0.95")
    p.add_argument("--calls-per-year", type=int, default=1, help="funding calls per year")
    p.add_argument("--from-call", type=int, metavar="CALL_ID",
                   help="budget, social weight and co-funding of a real call, repeated yearly (needs the database)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (results do not depend on it)")
    p.add_argument("--chunk", type=int, default=10, help="runs per chunk of work")
    p.add_argument("--backend", choices=("numpy", "cupy"), default="numpy",
                   help="array backend: numpy (CPU) or cupy (NVIDIA GPU, needs CuPy); same result distribution")
    p.add_argument("--preview", action="store_true", help="expected values from the mean-field model")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_run)
