"""``asis assess``: score, rank and select applications from CSV files, without Django.

Inputs: scores in long CSV (``application,evaluator,criterion,score``), a grid
(built-in name or JSON path), optionally costs (``application,cost[,group
columns...]``), a budget and constraints (JSON), consensus scores
(``application,criterion,score,reason``). Outputs in ``--output``:
``results.json``, ``applications.csv`` and ``evaluators.csv``.
Bad input ends with a one-line message and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from asis.engines.aggregation import AGGREGATIONS
from asis.engines.assess import (
    CALIBRATIONS,
    METHODS,
    AssessOptions,
    ConsensusScore,
    CostRecord,
    FundingRules,
    ScoreRecord,
    assess,
)
from asis.engines.errors import EngineError
from asis.engines.grids import Grid, builtin_names, load_builtin
from asis.engines.portfolio import GroupConstraint

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A problem with the files the user gave; reported as one line."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "assess",
        help="score, rank and select applications from CSV files",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scores", type=Path, help="long CSV: application,evaluator,criterion,score")
    parser.add_argument("--grid", default="asis", help="built-in grid name or a grid JSON file")
    parser.add_argument("--costs", type=Path, help="CSV: application,cost[,group columns]")
    parser.add_argument(
        "--budget", type=float, help="total budget (overrides the constraints file)"
    )
    parser.add_argument("--constraints", type=Path, help="JSON: budget, groups, exclusions, ...")
    parser.add_argument("--consensus", type=Path, help="CSV: application,criterion,score,reason")
    parser.add_argument("--method", choices=METHODS, default="weighted_sum")
    parser.add_argument("--aggregation", choices=AGGREGATIONS, default="mean")
    parser.add_argument("--trim", type=float, default=0.2, help="trimmed-mean fraction per side")
    parser.add_argument("--calibration", choices=CALIBRATIONS, default="none")
    parser.add_argument("--spread-threshold", type=float, default=20.0, help="flag spread on 0-100")
    parser.add_argument("--smaa-draws", type=int, default=0, help="Monte Carlo draws (0: skip)")
    parser.add_argument("--weight-spread", type=float, help="SMAA weights within +-this share")
    parser.add_argument("--bootstrap-evaluators", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, required=True, help="directory for the results")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (InputError, EngineError, OSError) as exc:
        print(f"asis assess: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            lacking = [c for c in required if c not in header]
            if lacking:
                raise InputError(f"{path}: missing column(s) {', '.join(lacking)}")
            return list(reader)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except csv.Error as exc:
        raise InputError(f"{path}: {exc}") from exc


def _number(text: str | None, where: str) -> float:
    try:
        return float(text or "")
    except ValueError as exc:
        raise InputError(f"{where}: {text!r} is not a number") from exc


def _load_grid(spec: str) -> Grid:
    if spec in builtin_names():
        return load_builtin(spec)
    path = Path(spec)
    if not path.is_file():
        raise InputError(
            f"grid {spec!r} is neither a built-in grid ({', '.join(builtin_names())}) nor a file"
        )
    return Grid.from_json(path.read_text(encoding="utf-8"))


def _load_funding(args: argparse.Namespace) -> FundingRules | None:
    data: dict[str, Any] = {}
    if args.constraints is not None:
        try:
            data = json.loads(args.constraints.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{args.constraints}: invalid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise InputError(f"{args.constraints}: must hold a JSON object")
    if args.budget is not None:
        data["budget"] = args.budget
    if not data:
        return None
    if "budget" not in data:
        raise InputError('a budget is needed (--budget or "budget" in the constraints file)')
    if args.costs is None:
        raise InputError("a budget needs --costs")
    known = {
        "budget",
        "groups",
        "exclusions",
        "min_score",
        "allow_partial",
        "min_fraction",
        "time_limit",
        "mip_rel_gap",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"constraints: unknown key(s) {', '.join(unknown)}")
    try:
        groups = tuple(GroupConstraint(**g) for g in data.get("groups", []))
        return FundingRules(
            budget=float(data["budget"]),
            groups=groups,
            exclusions=tuple(tuple(str(i) for i in ex) for ex in data.get("exclusions", [])),
            min_score=None if data.get("min_score") is None else float(data["min_score"]),
            allow_partial=bool(data.get("allow_partial", False)),
            min_fraction=float(data.get("min_fraction", 1.0)),
            time_limit=float(data.get("time_limit", 10.0)),
            mip_rel_gap=float(data.get("mip_rel_gap", 1e-4)),
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"constraints: {exc}") from exc


def _run(args: argparse.Namespace) -> int:
    grid = _load_grid(args.grid)
    rows = _read_csv(args.scores, ("application", "evaluator", "criterion", "score"))
    scores = [
        ScoreRecord(
            r["application"],
            r["evaluator"],
            r["criterion"],
            _number(r["score"], f"{args.scores} line {k + 2}"),
        )
        for k, r in enumerate(rows)
        if (r.get("score") or "").strip() != ""
    ]
    costs: list[CostRecord] = []
    if args.costs is not None:
        cost_rows = _read_csv(args.costs, ("application", "cost"))
        for k, r in enumerate(cost_rows):
            groups = {
                key: value
                for key, value in r.items()
                if key not in ("application", "cost") and key and value
            }
            costs.append(
                CostRecord(
                    r["application"], _number(r["cost"], f"{args.costs} line {k + 2}"), groups
                )
            )
    consensus: list[ConsensusScore] = []
    if args.consensus is not None:
        for k, r in enumerate(
            _read_csv(args.consensus, ("application", "criterion", "score", "reason"))
        ):
            where = f"{args.consensus} line {k + 2}"
            consensus.append(
                ConsensusScore(
                    r["application"], r["criterion"], _number(r["score"], where), r["reason"]
                )
            )
    funding = _load_funding(args)
    options = AssessOptions(
        method=args.method,
        aggregation=args.aggregation,
        trim=args.trim,
        calibration=args.calibration,
        spread_threshold=args.spread_threshold,
        smaa_draws=args.smaa_draws,
        weight_spread=args.weight_spread,
        bootstrap_evaluators=args.bootstrap_evaluators,
        seed=args.seed,
    )
    if options.smaa_draws > 0:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("SMAA draws", total=options.smaa_draws)
            result = assess(
                scores, grid, options=options, costs=costs, funding=funding, consensus=consensus,
                progress=lambda done, total: bar.update(task, completed=done),
            )  # fmt: skip
    else:
        result = assess(
            scores, grid, options=options, costs=costs, funding=funding, consensus=consensus
        )
    _write(args.output, result.to_dict(), grid)
    print(f"assessed {len(result.applications)} applications; results in {args.output}")
    return 0


def _write(folder: Path, data: dict[str, Any], grid: Grid) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    app_fields = [
        "id", "rank", "score", "eligible", "knock_outs", "n_evaluators", "flags",
        "first_rank_probability", "expected_rank", "funding_probability", "selected", "fraction", "decision",
    ]  # fmt: skip
    with (folder / "applications.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(app_fields + list(grid.criterion_ids))
        for app in data["applications"]:
            row = ["; ".join(app[f]) if isinstance(app[f], list) else app[f] for f in app_fields]
            writer.writerow(
                ["" if v is None else v for v in row]
                + [app["criterion_scores"][c] for c in grid.criterion_ids]
            )
    eval_fields = ["id", "n_scored", "mean_total", "leniency", "consistency", "calibration_offset"]
    with (folder / "evaluators.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(eval_fields)
        for ev in data["evaluators"]:
            writer.writerow(["" if ev[f] is None else ev[f] for f in eval_fields])
