"""``asis impact did|event-study|psm|synth`` on a CSV panel (no Django)."""

import json

import numpy as np
import pytest

from asis.cli import main


@pytest.fixture
def panel_file(tmp_path):
    rng = np.random.default_rng(4)
    lines = ["unit,period,outcome,size"]
    for i in range(40):
        level = rng.normal(50, 1)
        for year in range(2015, 2025):
            y = level + 0.5 * (year - 2015) + rng.normal(0, 0.3) + (2.0 if i < 10 and year >= 2020 else 0)
            lines.append(f"R{i:02d},{year},{y:.3f},{level + rng.normal(0, 3):.2f}")
    path = tmp_path / "panel.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


TREATED = ",".join(f"R{i:02d}" for i in range(10))


@pytest.mark.parametrize("method", ["did", "event-study", "psm", "synth"])
def test_methods_print_json(panel_file, capsys, method):
    treated = "R00" if method == "synth" else TREATED
    extra = ["--draws", "50"] if method == "psm" else []
    assert main(["impact", method, "--csv", str(panel_file), "--treated", treated, "--start", "2020",
                 "--json", *extra]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["interpretation"]["estimate"] == pytest.approx(2.0, abs=0.8)


@pytest.mark.parametrize("method", ["did", "event-study", "psm", "synth"])
def test_methods_print_tables(panel_file, capsys, method):
    treated = "R00" if method == "synth" else TREATED
    extra = ["--draws", "50"] if method == "psm" else []
    assert main(["impact", method, "--csv", str(panel_file), "--treated", treated, "--start", "2020", *extra]) == 0
    out = capsys.readouterr().out
    assert "estimate" in out and "assumptions" in out


def test_refusals_are_printed(tmp_path, capsys):
    rng = np.random.default_rng(1)
    lines = ["unit,period,outcome"]
    for i in range(20):
        for year in range(2015, 2025):
            lines.append(f"R{i:02d},{year},{(1.0 * (year - 2015) if i < 5 else 0) + rng.normal(0, 0.2):.3f}")
    path = tmp_path / "p.csv"
    path.write_text("\n".join(lines) + "\n")
    assert main(["impact", "did", "--csv", str(path), "--treated", "R00,R01,R02,R03,R04", "--start", "2020"]) == 0
    assert "not interpretable" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "args", "message"), [
    ("unit,period,outcome\na,2019,x\n", ["--treated", "a", "--start", "2020"], "row 2: bad_number"),
    (None, ["--treated", "R00", "--start", "2015"], "no_pre_period"),
    (b"\xff\xfe", ["--treated", "a", "--start", "2020"], "unreadable_file"),
])
def test_bad_input_exits_2(tmp_path, panel_file, capsys, content, args, message):
    path = panel_file
    if content is not None:
        path = tmp_path / "bad.csv"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["impact", "did", "--csv", str(path), *args]) == 2
    assert message in capsys.readouterr().err
