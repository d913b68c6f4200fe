"""``asis simulate``: the policy-lab engine from a shell (no database)."""

from __future__ import annotations

import json

from asis.cli import main

SMALL = ["--years", "4", "--agents", "1500", "--runs", "24", "--seed", "7", "--json"]


def _outcomes(capsys, argv):
    assert main(["simulate", *argv]) == 0
    return json.loads(capsys.readouterr().out)["outcomes"]


def test_same_seed_same_result_on_one_or_two_workers(capsys):
    one = _outcomes(capsys, [*SMALL, "--workers", "1", "--chunk", "5"])
    two = _outcomes(capsys, [*SMALL, "--workers", "2", "--chunk", "7"])
    assert one == two
    assert one["funded"]["p5"] <= one["funded"]["median"] <= one["funded"]["p95"]


def test_preview_tracks_the_agent_based_mean(capsys):
    runs = _outcomes(capsys, SMALL)
    preview = _outcomes(capsys, [*SMALL, "--preview"])
    for name in ("active", "new", "funded"):
        assert abs(preview[name]["expected"] - runs[name]["mean"]) <= 0.1 * runs[name]["mean"], name


def test_impossible_levers_are_refused_with_the_reason(capsys):
    assert main(["simulate", "--budget", "-1", "--runs", "2"]) == 2
    assert "negative_budget" in capsys.readouterr().out
    assert main(["simulate", "--social-weight", "1.5", "--runs", "2"]) == 2
    assert main(["simulate", "--years", "0", "--runs", "2"]) == 2


def test_backend_option(capsys, monkeypatch):
    """--backend cupy runs the device code path (strict CPU stand-in here) to the same numbers;
    without CuPy it is refused with the reason and exit status 2."""
    from tests.engines import strict_device

    small = ["--years", "2", "--agents", "600", "--runs", "6", "--seed", "3", "--json"]
    host = _outcomes(capsys, small)
    strict_device.install(monkeypatch)
    assert _outcomes(capsys, [*small, "--backend", "cupy"]) == host

    monkeypatch.undo()
    strict_device.install(monkeypatch, missing=True)
    assert main(["simulate", *small, "--backend", "cupy"]) == 2
    assert "not installed" in capsys.readouterr().out
