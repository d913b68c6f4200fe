from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "src" / "asis" / "templates"


def test_security_headers(client, db):
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_in_templates():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
    assert not offenders, offenders


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASIS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "asis.settings.production", "ASIS_ALLOWED_HOSTS": "asis.example.org",
                "ASIS_SITE_URL": "https://asis.example.org",
                "ASIS_DATABASE_URL": "sqlite:////tmp/asis-prod-check.sqlite3",
                "ASIS_AUDIT_KEY": "audit-" + "".join(chr(ord("a") + i % 26) for i in range(40))})
    env.update(extra)
    return env


def test_production_refuses_to_start_without_secret_key():
    result = subprocess.run([sys.executable, "-m", "asis.cli", "manage", "check"], env=_production_env(),
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode != 0
    assert "ASIS_SECRET_KEY must be set" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    key = "k" + "".join(chr(ord("a") + i % 26) for i in range(70)) + "Z9!"
    result = subprocess.run([sys.executable, "-m", "asis.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
                            env=_production_env(ASIS_SECRET_KEY=key, ASIS_REDIS_URL="redis://127.0.0.1:6379/0"),
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_check_deploy_warns_without_a_shared_cache():
    """Without Redis every worker process counts rate limits and lockouts on its own."""
    key = "k" + "".join(chr(ord("a") + i % 26) for i in range(70)) + "Z9!"
    result = subprocess.run([sys.executable, "-m", "asis.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
                            env=_production_env(ASIS_SECRET_KEY=key), capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode != 0
    assert "asis.W020" in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"])
def test_production_cookie_and_hsts_settings(name):
    code = f"import asis.settings.production as p; print(p.{name}, p.SECURE_HSTS_SECONDS)"
    key = "Q" + "".join(chr(ord("a") + i % 26) for i in range(60)) + "7#"
    result = subprocess.run([sys.executable, "-c", code], env=_production_env(ASIS_SECRET_KEY=key),
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.split() == ["True", "31536000"], result.stderr
