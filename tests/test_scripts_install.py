"""scripts/install: alternating scripts/run (runtime packages) and scripts/test (dev packages)
does not reinstall the Python packages each time.

The script runs for real in a copy of the project; only the programs it drives (pip inside the
venv, dpkg, npm) are stand-ins that log their calls, since installing packages is not what is
tested and the machine has no network."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STUB = "#!/bin/sh\necho \"$0 $*\" >> \"{log}\"\n"


def _stub(path: Path, log: Path) -> None:
    path.write_text(STUB.format(log=log))
    path.chmod(0o755)


def _project(tmp_path: Path) -> tuple[Path, Path]:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "install", project / "scripts" / "install")
    shutil.copytree(ROOT / "requirements", project / "requirements")
    for name in ("pyproject.toml", "package-lock.json"):
        shutil.copy(ROOT / name, project / name)
    log = tmp_path / "calls.log"
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "asis"):
        _stub(bin_dir / name, log)
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ("dpkg", "npm"):
        _stub(tools / name, log)
    (project / "node_modules").mkdir()
    (project / "node_modules" / ".package-lock.json").write_text("{}")
    os.utime(project / "package-lock.json", (1, 1))  # older than node_modules: npm ci is not due
    return project, tools


def test_run_and_test_alternating_install_the_python_packages_once_each(tmp_path):
    project, tools = _project(tmp_path)
    env = {"PATH": f"{tools}:/usr/bin:/bin", "HOME": str(tmp_path)}
    installs = []
    for args in ([], ["--dev"], [], ["--dev"], []):
        result = subprocess.run(["bash", "scripts/install", *args], cwd=project, env=env, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        installs.append("Installing Python packages" in result.stdout)
    # The runtime set, then the dev set (which holds the runtime set); then nothing more.
    assert installs == [True, True, False, False, False]
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert [c.split(" -r ")[1] for c in calls if " -r " in c] == ["requirements/prod.lock", "requirements/dev.lock"]


def test_a_changed_lock_file_installs_again(tmp_path):
    project, tools = _project(tmp_path)
    env = {"PATH": f"{tools}:/usr/bin:/bin", "HOME": str(tmp_path)}

    def install(*args: str) -> bool:
        result = subprocess.run(["bash", "scripts/install", *args], cwd=project, env=env, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return "Installing Python packages" in result.stdout

    assert install("--dev") and not install()
    with (project / "requirements" / "prod.lock").open("a") as lock:
        lock.write("# changed\n")
    assert install() and install("--dev") and not install()
    assert len(list((project / ".venv").glob(".installed-*"))) == 2
