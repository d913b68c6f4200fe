"""The security checks that scripts/test runs keep their promises: every bandit suppression names
its rule and says why, and the dependency audit never calls a lookup that did not happen a pass."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
JUSTIFIED = re.compile(r"^\s+B\d{3}(\s+B\d{3})*\s+#\s*\S.{9,}$")


def _sources():
    yield from (ROOT / "src").rglob("*.py")
    yield from (p for p in (ROOT / "scripts").iterdir() if p.is_file())


def test_every_nosec_names_its_rules_and_gives_a_reason():
    bare = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = NOSEC.search(line)
            if found and not JUSTIFIED.match(found.group("rest")):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bare, "write `# nosec BXXX  # the reason it is safe`:\n" + "\n".join(bare)


# --- scripts/audit: pip-audit's lookups are replaced by a stand-in module, since the advisory
# service is not reachable from the test machines; the script's reading of the report is real.

STUB = '''
import json, os, sys
args = sys.argv[1:]
if os.environ.get("STUB_CRASH"):
    sys.stderr.write("requests.exceptions.ConnectionError: Failed to resolve 'pypi.org'\\n")
    sys.exit(1)
report = json.loads(os.environ["STUB_REPORT"])
with open(args[args.index("--output") + 1], "w") as handle:
    json.dump(report, handle)
sys.exit(1 if any(d.get("vulns") for d in report["dependencies"]) else 0)
'''

SKIPPED = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"}
CLEAN = {"name": "rich", "version": "15.0.0", "vulns": []}
VULNERABLE = {"name": "django", "version": "5.2.19",
              "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"], "aliases": [], "description": "x"}]}


def _audit(tmp_path, *args, report=None, crash=False):
    stub = tmp_path / "stub" / "pip_audit"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("")
    (stub / "__main__.py").write_text(STUB)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "stub"), "STUB_REPORT": json.dumps(report or {})}
    if crash:
        env["STUB_CRASH"] = "1"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "audit"), *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)
    return done.returncode, done.stdout


@pytest.mark.parametrize("crash", [True, False])
def test_audit_that_checked_nothing_says_skipped_not_clean(tmp_path, crash):
    code, out = _audit(tmp_path, report={"dependencies": [SKIPPED]}, crash=crash)
    assert code == 0
    assert "SKIPPED" in out
    assert "No known vulnerabilities" not in out


def test_audit_that_checked_nothing_fails_when_required(tmp_path):
    code, out = _audit(tmp_path, "--require", report={"dependencies": [SKIPPED]})
    assert code == 1 and "SKIPPED" in out


def test_partial_audit_names_what_it_did_not_check(tmp_path):
    code, out = _audit(tmp_path, report={"dependencies": [CLEAN, SKIPPED]})
    assert code == 0
    assert "NOT CHECKED: 1 of 2 packages" in out and "django" in out
    assert "in the 1 packages that were checked" in out


def test_a_known_vulnerability_fails(tmp_path):
    code, out = _audit(tmp_path, report={"dependencies": [CLEAN, VULNERABLE]})
    assert code == 1
    assert "PYSEC-2099-1" in out and "VULNERABLE" in out and "5.2.20" in out


def test_an_accepted_advisory_is_shown_but_does_not_fail(tmp_path):
    accepted = tmp_path / "accepted.txt"
    accepted.write_text("PYSEC-2099-1  # not reachable: we never call the affected function\n")
    code, out = _audit(tmp_path, "--ignore-file", str(accepted), report={"dependencies": [VULNERABLE]})
    assert code == 0
    assert "PYSEC-2099-1" in out and "accepted: not reachable" in out


def test_an_accepted_advisory_needs_a_reason(tmp_path):
    accepted = tmp_path / "accepted.txt"
    accepted.write_text("PYSEC-2099-1\n")
    code, _out = _audit(tmp_path, "--ignore-file", str(accepted), report={"dependencies": [VULNERABLE]})
    assert code == 1


def test_all_checked_and_clean_passes(tmp_path):
    code, out = _audit(tmp_path, report={"dependencies": [CLEAN]})
    assert code == 0
    assert "No known vulnerabilities in the 1 packages that were checked." in out
