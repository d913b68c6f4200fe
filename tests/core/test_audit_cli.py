"""`asis audit-verify`, `audit-anchor`, `audit-seal` and `db-roles` from the command line."""

from __future__ import annotations

import json

from django.db import connection

from asis.cli import main
from asis.core import db_triggers
from asis.core.audit import audit_record
from asis.core.audit_anchor import ANCHOR_FILE
from asis.core.models import AuditEntry


def _delete_newest(count):
    db_triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditentry WHERE seq > %s",
                           [AuditEntry.objects.order_by("-seq").first().seq - count])
    finally:
        db_triggers.install(connection)


def test_audit_verify_writes_a_checkpoint_and_then_catches_a_truncation(db, settings, capsys):
    for i in range(4):
        audit_record(action="asis.test.scored", after={"score": i})
    assert main(["audit-verify"]) == 0
    out = capsys.readouterr().out
    assert "intact: 4 entries" in out and "No earlier checkpoint" in out and "Checkpoint written: entry #4" in out
    assert main(["audit-verify"]) == 0
    assert "Compared with 1 signed checkpoint(s)" in capsys.readouterr().out
    _delete_newest(2)
    assert main(["audit-verify"]) == 1
    out = capsys.readouterr().out
    assert "broken at entry #3" in out and "#3 to #4 are missing" in out
    assert len((settings.ASIS_AUDIT_ANCHOR_DIR / ANCHOR_FILE).read_text().splitlines()) == 2  # none after failure


def test_audit_verify_against_a_shipped_copy(db, settings, tmp_path, capsys):
    audit_record(action="asis.test.created")
    audit_record(action="asis.test.changed")
    assert main(["audit-anchor"]) == 0
    shipped = tmp_path / "from-log-server.log"
    shipped.write_text((settings.ASIS_AUDIT_ANCHOR_DIR / ANCHOR_FILE).read_text())
    (settings.ASIS_AUDIT_ANCHOR_DIR / ANCHOR_FILE).unlink()  # the attacker removed the local file as well
    _delete_newest(1)
    assert main(["audit-verify"]) == 0  # nothing local left to compare with...
    assert main(["audit-verify", "--anchors", str(shipped)]) == 1  # ...but the shipped copy knows
    assert "#2 to #2 are missing" in capsys.readouterr().out


def test_audit_verify_reports_a_broken_checkpoint_file(db, settings, capsys):
    audit_record(action="asis.test.created")
    assert main(["audit-anchor"]) == 0
    file = settings.ASIS_AUDIT_ANCHOR_DIR / ANCHOR_FILE
    data = json.loads(file.read_text())
    file.write_text(json.dumps({**data, "seq": 0}) + "\n")
    assert main(["audit-verify"]) == 1
    assert "(checkpoints)" in capsys.readouterr().out


def test_audit_seal_command(db, capsys):
    assert main(["audit-seal"]) == 0
    assert "Nothing to seal" in capsys.readouterr().out


def test_db_roles_prints_the_setup_and_the_grants(db, capsys):
    assert main(["db-roles", "--database", "asis", "--owner", "asis_owner", "--app", "asis_app"]) == 0
    out = capsys.readouterr().out
    assert "CREATE ROLE asis_app LOGIN PASSWORD" in out and "CREATE DATABASE asis OWNER asis_owner;" in out
    assert main(["db-roles", "--grants", "--app", "asis_app"]) == 0
    assert "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON core_auditentry FROM asis_app;" in (
        capsys.readouterr().out)
    assert main(["db-roles", "--app", "Robert'); DROP TABLE x"]) == 2
    if connection.vendor == "sqlite":
        assert main(["db-roles", "--grants", "--app", "asis_app", "--apply"]) == 2
