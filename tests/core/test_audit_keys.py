"""Audit HMAC keys: parsing, rotation, the development default, and production's refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asis.core.audit import audit_record, audit_verify
from asis.core.audit_keys import (
    DERIVED_KEY_ID,
    AuditKeyError,
    audit_keys,
    derived_audit_keys,
    parse_audit_keys,
)
from asis.core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
OLD = "old-audit-key-0123456789abcdefghijklmn"
NEW = "new-audit-key-9876543210zyxwvutsrqponm"


def test_parse_single_and_rotated_keys():
    assert parse_audit_keys("", "") is None
    single = parse_audit_keys(OLD, "")
    assert single.signing_id == "1" and single.signing_key == OLD.encode()
    rotated = parse_audit_keys(OLD, f"1:{OLD}, 2:{NEW}")  # ASIS_AUDIT_KEYS wins; the last one signs
    assert rotated.signing_id == "2" and set(rotated.keys) == {"1", "2"}


@pytest.mark.parametrize("many", ["nokey", "1:", "bad id!:abcdefgh", f"1:{OLD},1:{NEW}", "1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"])
def test_parse_refuses_malformed_keys(many):
    with pytest.raises(AuditKeyError):
        parse_audit_keys("", many, min_length=32)


def test_development_key_is_derived_and_never_the_secret_key(settings):
    settings.ASIS_AUDIT_KEY = settings.ASIS_AUDIT_KEYS = ""
    keys = audit_keys()
    assert keys.signing_id == DERIVED_KEY_ID
    assert keys.signing_key == derived_audit_keys(settings.SECRET_KEY).signing_key
    assert settings.SECRET_KEY.encode() not in keys.signing_key


def test_rotation_keeps_old_entries_verifying(db, settings):
    settings.ASIS_AUDIT_KEY = OLD
    audit_record(action="asis.test.before_rotation")
    settings.ASIS_AUDIT_KEYS = f"1:{OLD},2:{NEW}"
    audit_record(action="asis.test.after_rotation")
    assert list(AuditEntry.objects.order_by("seq").values_list("key_id", flat=True)) == ["1", "2"]
    assert audit_verify().ok
    settings.ASIS_AUDIT_KEYS = f"2:{NEW}"  # the old key dropped: its entries cannot be checked any more
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == 1 and "unknown key 1" in report.reason


def _production(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASIS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"ASIS_SITE_URL": "https://asis.example.org",
                "ASIS_SECRET_KEY": "S" + "".join(chr(ord("a") + i % 26) for i in range(60)) + "7#", **extra})
    code = "import asis.settings.production"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize(("extra", "message"), [
    ({}, "ASIS_AUDIT_KEY must be set in production"),
    ({"ASIS_AUDIT_KEY": "short"}, "32+ random characters"),
    ({"ASIS_AUDIT_KEYS": "1 key"}, "must look like"),
])
def test_production_refuses_to_start_without_an_audit_key(extra, message):
    result = _production(**extra)
    assert result.returncode != 0 and message in result.stderr


def test_production_refuses_the_secret_key_as_audit_key():
    secret = "S" + "".join(chr(ord("a") + i % 26) for i in range(60)) + "7#"
    result = _production(ASIS_AUDIT_KEY=secret)
    assert result.returncode != 0 and "must differ from ASIS_SECRET_KEY" in result.stderr
    assert _production(ASIS_AUDIT_KEY=OLD).returncode == 0
