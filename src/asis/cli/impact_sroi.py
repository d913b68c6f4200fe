"""``asis impact sroi <analysis id | file.json> [--draws N] [--seed S] [--as EMAIL]``.

With a file, the engine runs alone (no database): the JSON holds ``investment``, optional
``discount_rate`` and ``discount_rate_range`` ([low, high]) and ``outcomes``, each with
``stakeholder``, ``outcome``, ``quantity``, ``duration_years``, ``proxy_value``, the shares
``deadweight``, ``displacement``, ``attribution``, ``drop_off`` and optional ``ranges``
(``{"deadweight": [low, high]}`` or ``[low, most likely, high]``). With an analysis id the
analysis is read from the database; ``--as`` (a manager of it) also stores the run, audited,
as the web page does. See docs/methods/sroi.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from asis.engines.impact import sroi as engine

console = Console()


def _range(value: Any) -> engine.Range:
    if len(value) == 3:
        return engine.Range(float(value[0]), float(value[2]), mode=float(value[1]))
    return engine.Range(float(value[0]), float(value[1]))


def map_from_json(data: dict[str, Any]) -> engine.ImpactMap:
    outcomes = tuple(engine.Outcome(
        stakeholder=str(row.get("stakeholder", "")), description=str(row.get("outcome", row.get("description", ""))),
        quantity=row["quantity"], duration_years=row["duration_years"], proxy_value=row["proxy_value"],
        deadweight=row.get("deadweight", 0.0), displacement=row.get("displacement", 0.0),
        attribution=row.get("attribution", 0.0), drop_off=row.get("drop_off", 0.0),
        ranges={name: _range(pair) for name, pair in (row.get("ranges") or {}).items()},
    ) for row in data.get("outcomes", []))
    rate_range = data.get("discount_rate_range")
    return engine.ImpactMap(outcomes=outcomes, investment=data.get("investment", 0),
                            discount_rate=data.get("discount_rate", engine.GREEN_BOOK_RATE),
                            discount_rate_range=_range(rate_range) if rate_range else None)


def _show(impact: engine.ImpactMap, result: engine.SroiResult, tornado: engine.Tornado,
          mc: engine.MonteCarloResult) -> None:
    table = Table("stakeholder", "outcome", "year-1 impact", "present value", title="Impact map")
    for outcome, row in zip(impact.outcomes, result.outcomes, strict=True):
        table.add_row(outcome.stakeholder, outcome.description, f"{row.impact_year1:,.2f}",
                      f"{row.present_value:,.2f}")
    console.print(table)
    payback = "never" if result.payback_months is None else f"{result.payback_months:,.1f} months"
    console.print(f"  present value: {result.present_value:,.2f}  investment: {result.investment:,.2f}  "
                  f"NPV: {result.net_present_value:,.2f}")
    console.print(f"  SROI ratio: {result.ratio:.2f} : 1  payback: {payback}")
    if tornado.bars:
        bars = Table("assumption", "outcome", "low", "high", "ratio at low", "ratio at high", title="Sensitivity")
        for bar in tornado.bars:
            name = "-" if bar.outcome_index is None else impact.outcomes[bar.outcome_index].description
            bars.add_row(bar.assumption, name, f"{bar.low:g}", f"{bar.high:g}", f"{bar.ratio_low:.2f}",
                         f"{bar.ratio_high:.2f}")
        console.print(bars)
    lo, hi = mc.interval
    console.print(f"  Monte Carlo ({mc.n_draws:,} draws, seed {mc.seed}): mean {mc.mean:.2f}, median "
                  f"{mc.median:.2f}, {mc.interval_percentiles[0]:g}-{mc.interval_percentiles[1]:g} % interval "
                  f"{lo:.2f} - {hi:.2f}, P(ratio > 1) = {mc.probability_above_one:.1%}")


def _progress_run(impact: engine.ImpactMap, draws: int, seed: int) -> engine.MonteCarloResult:
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("Monte Carlo", total=draws)
        return engine.monte_carlo(impact, n_draws=draws, seed=seed, chunk_size=10_000,
                                  progress=lambda done, total: progress.update(task, completed=done))


def _from_database(args: argparse.Namespace) -> engine.ImpactMap | None:
    from asis.cli import _django

    _django.setup()
    from django.core.exceptions import ValidationError

    from asis.accounts.models import User
    from asis.impact.models_sroi import SroiAnalysis
    from asis.impact.sroi import adapters, services
    from asis.impact.sroi.access import analyses_managed_by

    analysis = SroiAnalysis.objects.filter(pk=int(args.source)).first()
    if analysis is None:
        console.print(f"[red]No SROI analysis #{args.source}.[/red]")
        return None
    if args.as_user:
        user = User.objects.filter(email=args.as_user.strip().lower(), is_active=True).first()
        if user is None or not analyses_managed_by(user).filter(pk=analysis.pk).exists():
            console.print(f"[red]{args.as_user} does not manage SROI analysis #{analysis.pk}.[/red]")
            return None
        try:
            run = services.sroi_run(actor=user, analysis=analysis, draws=args.draws, seed=args.seed)
        except ValidationError as exc:
            console.print(f"[red]{' '.join(exc.messages)}[/red]")
            return None
        console.print(f"  stored run #{run.pk} of '{analysis.title}'")
    return adapters.impact_map(analysis)


def _sroi(args: argparse.Namespace) -> int:
    if args.source.isdigit():
        impact = _from_database(args)
        if impact is None:
            return 2
    else:
        try:
            impact = map_from_json(json.loads(Path(args.source).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            console.print(f"[red]Cannot read {args.source}: {exc}[/red]")
            return 2
    try:
        result, tornado = engine.evaluate(impact), engine.tornado(impact)
        mc = _progress_run(impact, args.draws, args.seed)
    except engine.SroiInputError as exc:
        console.print(f"[red]{exc.code}: {exc}[/red]")
        return 1
    _show(impact, result, tornado, mc)
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("sroi", help="social return on investment of an analysis or a JSON impact map")
    p.add_argument("source", help="an SROI analysis id, or a JSON file with an impact map")
    p.add_argument("--draws", type=int, default=100_000, help="Monte Carlo draws (default 100,000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same result)")
    p.add_argument("--as", dest="as_user", metavar="EMAIL",
                   help="with an analysis id: store the run, audited, as this manager")
    p.set_defaults(func=_sroi)
