"""``asis assess``: files in, files out, exit code 2 with one line on bad input."""

import argparse
import csv
import json
from pathlib import Path

import pytest

from asis.cli import assess as cli

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "methods" / "examples"


def _run(argv):
    parser = argparse.ArgumentParser(prog="asis")
    sub = parser.add_subparsers(dest="command")
    cli.register(sub)
    args = parser.parse_args(["assess", *argv])
    return args.func(args)


def test_example_run(tmp_path, capsys):
    code = _run(
        [
            str(EXAMPLES / "scores.csv"),
            "--costs", str(EXAMPLES / "costs.csv"),
            "--constraints", str(EXAMPLES / "constraints.json"),
            "--consensus", str(EXAMPLES / "consensus.csv"),
            "--calibration", "evaluator_effects",
            "--smaa-draws", "500",
            "--weight-spread", "0.3",
            "--output", str(tmp_path),
        ]
    )  # fmt: skip
    assert code == 0
    assert "assessed 10 applications" in capsys.readouterr().out
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["portfolio"]["status"] == "optimal"
    with (tmp_path / "applications.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10 and {"rank", "decision", "newness"} <= set(rows[0])
    assert (tmp_path / "evaluators.csv").read_text().startswith("id,n_scored")


def test_budget_flag_and_plain_run(tmp_path):
    assert (
        _run(
            [
                str(EXAMPLES / "scores.csv"),
                "--costs",
                str(EXAMPLES / "costs.csv"),
                "--budget",
                "100000",
                "--method",
                "topsis",
                "--output",
                str(tmp_path / "a"),
            ]
        )  # fmt: skip
        == 0
    )
    assert _run([str(EXAMPLES / "scores.csv"), "--output", str(tmp_path / "b")]) == 0
    grid_path = tmp_path / "grid.json"
    from asis.engines.grids import load_builtin

    grid_path.write_text(load_builtin("asis").to_json())
    assert (
        _run(
            [
                str(EXAMPLES / "scores.csv"),
                "--grid",
                str(grid_path),
                "--output",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({"s.csv": "application,evaluator,score\n"}, [], "missing column(s) criterion"),
        (
            {"s.csv": "application,evaluator,criterion,score\nA,e,newness,high\n"},
            [],
            "is not a number",
        ),
        (
            {"s.csv": "application,evaluator,criterion,score\nA,e,bogus,1\n"},
            [],
            "unknown criterion",
        ),
        ({}, ["--grid", "nope"], "neither a built-in grid"),
        ({"c.json": "{"}, ["--constraints", "{c.json}", "--costs", "{costs.csv}"], "invalid JSON"),
        ({"c.json": "[]"}, ["--constraints", "{c.json}"], "JSON object"),
        ({"c.json": '{"groups": []}'}, ["--constraints", "{c.json}"], "a budget is needed"),
        ({}, ["--budget", "10"], "needs --costs"),
        (
            {"c.json": '{"budget": 1, "colour": 2}'},
            ["--constraints", "{c.json}", "--costs", "{costs.csv}"],
            "unknown key",
        ),
        (
            {"c.json": '{"budget": 1, "groups": [{"size": 2}]}'},
            ["--constraints", "{c.json}", "--costs", "{costs.csv}"],
            "constraints:",
        ),
        (
            {"k.csv": "application,criterion,score,reason\nAPP-01,newness,x,y\n"},
            ["--consensus", "{k.csv}"],
            "is not a number",
        ),
        (
            {"bad.csv": b"\xff\xfe\x00bad".decode("latin-1")},
            ["--costs", "{bad.csv}", "--budget", "1"],
            "not UTF-8",
        ),
        ({}, ["--costs", "{missing.csv}", "--budget", "1"], "No such file"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, files, extra, message):
    paths = {"costs.csv": str(EXAMPLES / "costs.csv"), "missing.csv": str(tmp_path / "missing.csv")}
    for name, text in files.items():
        if name == "bad.csv":
            (tmp_path / name).write_bytes(b"\xff\xfe\x00bad")
            paths[name] = str(tmp_path / name)
        else:
            paths[name] = _write(tmp_path / name, text)
    scores = paths.get("s.csv", str(EXAMPLES / "scores.csv"))
    argv = [scores] + [paths[a[1:-1]] if a.startswith("{") else a for a in extra]
    code = _run([*argv, "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_blank_scores_are_missing_not_errors(tmp_path):
    src = (EXAMPLES / "scores.csv").read_text()
    lines = src.splitlines()
    # blank out one score of an application that keeps other evaluators on that criterion
    head, first = lines[0], lines[1].rsplit(",", 1)[0] + ","
    path = _write(tmp_path / "s.csv", "\n".join([head, first, *lines[2:]]) + "\n")
    assert _run([path, "--output", str(tmp_path / "out")]) == 0


def test_csv_error(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text('application,evaluator,criterion,score\n"A,e,newness,1\n', encoding="utf-8")
    import csv as _csv

    old = _csv.field_size_limit(10)
    try:
        code = _run([str(path), "--output", str(tmp_path / "out")])
    finally:
        _csv.field_size_limit(old)
    assert code == 2 and "field larger" in capsys.readouterr().err


def test_registered_in_main_parser(tmp_path):
    from asis.cli import main

    assert main(["assess", str(EXAMPLES / "scores.csv"), "--output", str(tmp_path)]) == 0
