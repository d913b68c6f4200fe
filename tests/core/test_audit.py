from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from asis.core import db_triggers
from asis.core.audit import GENESIS_HASH, audit_record, audit_verify
from asis.core.models import AuditEntry
from tests.conftest import make_org


@pytest.fixture
def chain(db):
    org = make_org("Audit Org")
    entries = [
        audit_record(action="asis.test.created", obj=org, after={"name": "A", "score": 3.5}),
        audit_record(action="asis.test.changed", obj=org, before={"name": "A"}, after={"name": "B"}),
        audit_record(action="asis.test.changed", obj=org, before={"name": "B"}, after={"name": "C"}),
    ]
    return entries


def test_entries_are_chained(chain):
    assert chain[0].prev_hash == GENESIS_HASH
    assert chain[1].prev_hash == chain[0].entry_hash
    assert [e.seq for e in chain] == [1, 2, 3]
    report = audit_verify()
    assert report.ok and report.checked == 3


def test_model_refuses_update_and_delete(chain):
    entry = AuditEntry.objects.get(seq=2)
    entry.action = "asis.test.forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize("sql", ["UPDATE core_auditentry SET action = 'x'", "DELETE FROM core_auditentry"])
def test_database_trigger_refuses_raw_sql(chain, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.count() == 3


def _tamper(sql, params):
    db_triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        db_triggers.install(connection)


def test_verify_reports_first_tampered_entry(chain):
    _tamper("UPDATE core_auditentry SET after = %s WHERE seq = %s", ['{"name": "Z"}', 2])
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_seq == 2
    assert report.checked == 1
    assert "hash" in report.reason


def test_verify_reports_deleted_entry(chain):
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [2])
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == 2
    assert "missing" in report.reason


def test_verify_reports_rehashed_forgery(chain):
    """Rewriting an entry and its own hash still breaks the link from the next entry."""
    from asis.core.audit import compute_hash

    entry = AuditEntry.objects.get(seq=2)
    forged_after = {"name": "forged"}
    new_hash = compute_hash(prev_hash=entry.prev_hash, seq=2, created_at=entry.created_at,
                            actor_id=entry.actor_id, action=entry.action, object_type=entry.object_type,
                            object_id=entry.object_id, object_repr=entry.object_repr,
                            organisation_id=entry.organisation_id, before=entry.before, after=forged_after)
    import json
    _tamper("UPDATE core_auditentry SET after = %s, entry_hash = %s WHERE seq = %s",
            [json.dumps(forged_after), new_hash, 2])
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == 3
    assert "link" in report.reason


def test_audit_rolls_back_with_the_business_change(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="asis.test.created")
        raise RuntimeError("business change failed")
    assert AuditEntry.objects.count() == 0
