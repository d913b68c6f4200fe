"""``asis impact sroi``: a JSON impact map (engine only) and an analysis id (stored run, audited)."""

from __future__ import annotations

import json
from pathlib import Path

from asis.cli import main

EXAMPLE = Path(__file__).parents[2] / "docs" / "methods" / "examples" / "sroi_worked_example.json"


def test_json_file_prints_the_worked_example(capsys):
    assert main(["impact", "sroi", str(EXAMPLE), "--draws", "2000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "203,737.58" in out and "2.04 : 1" in out and "P(ratio > 1)" in out


def test_bad_file_and_bad_map_are_reported(tmp_path, capsys):
    assert main(["impact", "sroi", str(tmp_path / "missing.json")]) == 2
    bad = tmp_path / "bad.json"
    data = json.loads(EXAMPLE.read_text())
    data["discount_rate"] = -1
    bad.write_text(json.dumps(data))
    assert main(["impact", "sroi", str(bad), "--draws", "10"]) == 1
    assert "discount_rate_invalid" in capsys.readouterr().out
