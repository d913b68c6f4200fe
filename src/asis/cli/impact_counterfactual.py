"""``asis impact did|event-study|psm|synth``: counterfactual policy tests on a CSV panel, without
Django (the engines of ``asis.engines.counterfactual``; docs/methods/counterfactual.md).

The panel is long CSV: ``unit,period,outcome[,covariates...]``. ``--treated`` names the treated
units (comma separated), ``--start`` the first period with the policy; every other unit is a
comparison unit. Results print as tables (``--json`` for machine-readable output). Bad input ends
with a message naming the row or the problem and exit code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from asis.engines.counterfactual import did, interpret, psm, synth
from asis.engines.counterfactual.csvpanel import csv_panel_read
from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.jsonable import json_safe
from asis.engines.counterfactual.panel import Panel, PanelInput, panel_validate

EXIT_BAD_INPUT = 2


def register(group: Any) -> None:
    """Add the subcommands to the ``asis impact`` group (see :mod:`asis.cli.impact`)."""
    for name, help_text in (("did", "difference-in-differences with unit-clustered errors"),
                            ("event-study", "event study (leads, lags) and pre-trend test"),
                            ("psm", "propensity-score matching (ATT, balance, bootstrap)"),
                            ("synth", "synthetic control for one treated unit")):
        p = group.add_parser(name, help=help_text, description=__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--csv", type=Path, required=True, help="long CSV: unit,period,outcome[,covariates]")
        p.add_argument("--treated", required=True, help="treated units, comma separated")
        p.add_argument("--start", type=int, required=True, help="first period with the policy")
        p.add_argument("--confidence", type=float, default=0.95)
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        if name == "psm":
            p.add_argument("--draws", type=int, default=psm.DEFAULT_BOOTSTRAP)
            p.add_argument("--seed", type=int, default=0)
        p.set_defaults(func=_run, method=name)


def _panel(args: argparse.Namespace) -> Panel:
    try:
        text = args.csv.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CounterfactualError("unreadable_file", f"cannot read {args.csv}: {exc}") from exc
    parsed = csv_panel_read(text)
    if not parsed.ok:
        first = parsed.errors[0]
        detail = f" ({first.column}: {first.value!r})" if first.column or first.value else ""
        raise CounterfactualError("bad_csv", f"row {first.row}: {first.code}{detail}; "
                                             f"{parsed.error_count} problem(s) in all")
    treated = [u.strip() for u in args.treated.split(",") if u.strip()]
    return panel_validate(PanelInput(rows=parsed.rows, treatment_start=dict.fromkeys(treated, args.start),
                                     covariate_names=parsed.covariate_names))


def _unit_level(panel: Panel, start: int) -> psm.PsmInput:
    periods = [panel.periods[i] for i in panel.period_index]
    units, treated, outcome, covariates = [], [], [], []
    for u, unit in enumerate(panel.units):
        pre = [i for i in range(panel.n_obs) if panel.unit_index[i] == u and periods[i] < start]
        post = [i for i in range(panel.n_obs) if panel.unit_index[i] == u and periods[i] >= start]
        if pre and post:
            units.append(unit)
            treated.append(unit in panel.treatment_start)
            outcome.append(float(panel.outcome[post].mean()))
            covariates.append((*[float(v) for v in panel.covariates[pre].mean(axis=0)],
                               float(panel.outcome[pre].mean())))
    return psm.psm_input(units, treated, outcome, covariates, (*panel.covariate_names, "pre_period_outcome"))


def _run(args: argparse.Namespace) -> int:
    console = Console()
    try:
        panel = _panel(args)
        result: Any
        if args.method == "did":
            result = did.did_estimate(panel, confidence=args.confidence)
            study = did.event_study(panel, confidence=args.confidence) if len(
                {p for p in panel.periods if p < args.start}) > 1 else None
            reading = interpret.interpret_did(result, study)
        elif args.method == "event-study":
            result = did.event_study(panel, confidence=args.confidence)
            reading = interpret.interpret_event_study(result)
        elif args.method == "psm":
            result = psm.psm_estimate(_unit_level(panel, args.start), n_bootstrap=args.draws, seed=args.seed,
                                      confidence=args.confidence)
            reading = interpret.interpret_psm(result)
        else:
            result = synth.synth_estimate(panel)
            reading = interpret.interpret_synth(result, alpha=1.0 - args.confidence)
    except CounterfactualError as exc:
        print(f"asis impact {args.method}: {exc.code}: {exc.message} {dict(exc.params) or ''}".rstrip(),
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(json_safe({"result": dataclasses.asdict(result),
                                 "interpretation": dataclasses.asdict(reading)}), indent=2))
        return 0
    _print(console, args, result, reading)
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.3f}"


def _print(console: Console, args: argparse.Namespace, result: Any, reading: interpret.Interpretation) -> None:
    table = Table(title=f"asis impact {args.method}")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_row("estimate", _fmt(reading.estimate))
    if reading.ci_low is not None:
        table.add_row(f"{reading.confidence:.0%} interval", f"{_fmt(reading.ci_low)} to {_fmt(reading.ci_high)}")
    if reading.p_value is not None:
        table.add_row("p-value", _fmt(reading.p_value))
    table.add_row("direction", reading.direction)
    console.print(table)
    if isinstance(result, did.EventStudyResult):
        es = Table(title="event study (reference: -1)")
        for column in ("event time", "estimate", "low", "high"):
            es.add_column(column, justify="right")
        for c in result.coefficients:
            es.add_row(str(c.event_time), _fmt(c.estimate.estimate), _fmt(c.estimate.ci_low), _fmt(c.estimate.ci_high))
        console.print(es)
    if isinstance(result, psm.PsmResult):
        bal = Table(title="balance (standardised mean differences)")
        for column in ("covariate", "before", "after"):
            bal.add_column(column, justify="right")
        for b in result.balance:
            bal.add_row(b.covariate, _fmt(b.smd_before), _fmt(b.smd_after))
        console.print(bal)
    if isinstance(result, synth.SynthResult):
        weights = Table(title="donor weights")
        weights.add_column("unit")
        weights.add_column("weight", justify="right")
        for w in sorted(result.weights, key=lambda w: -w.weight):
            if w.weight >= 0.001:
                weights.add_row(w.unit, _fmt(w.weight))
        console.print(weights)
    console.print("assumptions: " + ", ".join(reading.assumptions))
    if reading.refused:
        console.print("[bold red]not interpretable:[/] " + "; ".join(
            f"{r.code} {r.params}" for r in reading.refusals))
