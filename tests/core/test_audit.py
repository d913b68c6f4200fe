"""The audit chain: every way a database-level attacker can forge it is detected.

The attacker owns the audit table (as the application's login did before the roles split), so
they can lift the append-only triggers and rewrite rows with raw SQL; they do not have the HMAC
key, which lives in the environment, nor write access to the checkpoint file's off-site copy.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import DatabaseError, connection, transaction

from asis.core import db_triggers
from asis.core.audit import (
    GENESIS_HASH,
    audit_record,
    audit_seal_legacy,
    audit_verify,
    compute_hash,
    compute_mac,
)
from asis.core.audit_anchor import audit_anchor_write
from asis.core.audit_keys import DERIVED_KEY_ID, audit_keys
from asis.core.models import AuditEntry
from tests.conftest import make_org

FIELDS = ["seq", "created_at", "actor_id", "action", "object_type", "object_id", "object_repr", "organisation_id",
          "before", "after"]


@pytest.fixture
def chain(db):
    org = make_org("Audit Org")
    return [
        audit_record(action="asis.test.created", obj=org, after={"name": "A", "score": 3.5}),
        audit_record(action="asis.test.changed", obj=org, before={"name": "A"}, after={"name": "B"}),
        audit_record(action="asis.test.changed", obj=org, before={"name": "B"}, after={"name": "C"}),
    ]


@pytest.fixture
def six(db):
    org = make_org("Audit Org")
    for i in range(6):
        audit_record(action="asis.test.scored", obj=org, after={"score": i})
    return list(AuditEntry.objects.order_by("seq"))


def _content(entry, **changes):
    data = {name: getattr(entry, name) for name in FIELDS}
    data.update(changes)
    return data


def _unkeyed(prev, data, key_id):
    return key_id, compute_hash(prev_hash=prev, **data)


def _unkeyed_legacy(prev, data, key_id):
    return None, compute_hash(prev_hash=prev, **data)


def _wrong_key(prev, data, key_id):
    return key_id, compute_mac(key=b"the attacker's guess at the key", key_id=key_id, prev_hash=prev, **data)


def _own_key_id(prev, data, key_id):
    return "attacker", compute_mac(key=b"the attacker's own key", key_id="attacker", prev_hash=prev, **data)


def _real_key(prev, data, key_id):
    keys = audit_keys()
    return key_id, compute_mac(key=keys.keys[key_id], key_id=key_id, prev_hash=prev, **data)


def _attacker_rewrite(from_seq, tail, sign):
    """Replace the entries from ``from_seq`` on by ``tail`` (content dicts), re-chained by ``sign``."""
    db_triggers.remove(connection)
    try:
        prev = AuditEntry.objects.get(seq=from_seq - 1).entry_hash if from_seq > 1 else GENESIS_HASH
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditentry WHERE seq >= %s", [from_seq])
            for seq, (data, key_id) in enumerate(tail, start=from_seq):
                data = {**data, "seq": seq}
                new_key_id, digest = sign(prev, data, key_id)
                cursor.execute(
                    "INSERT INTO core_auditentry (seq, created_at, actor_id, action, object_type, object_id,"
                    " object_repr, organisation_id, before, after, prev_hash, entry_hash, key_id)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [seq, data["created_at"], data["actor_id"], data["action"], data["object_type"],
                     data["object_id"], data["object_repr"], data["organisation_id"], json.dumps(data["before"]),
                     json.dumps(data["after"]), prev, digest, new_key_id])
                prev = digest
    finally:
        db_triggers.install(connection)


def _tamper(sql, params):
    db_triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        db_triggers.install(connection)


def test_entries_are_chained_with_the_key(chain):
    keys = audit_keys()
    assert chain[0].prev_hash == GENESIS_HASH
    assert chain[1].prev_hash == chain[0].entry_hash
    assert [e.seq for e in chain] == [1, 2, 3]
    assert {e.key_id for e in chain} == {DERIVED_KEY_ID}
    assert chain[1].entry_hash == compute_mac(key=keys.signing_key, key_id=DERIVED_KEY_ID, prev_hash=chain[0].entry_hash,
                                              **_content(chain[1]))
    report = audit_verify()
    assert report.ok and report.checked == 3 and report.legacy == 0


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


def _edited(entries, seq):
    return [(_content(e, after={"score": "forged"}) if e.seq == seq else _content(e), e.key_id)
            for e in entries if e.seq >= seq]


def _without(entries, seq):
    return [(_content(e), e.key_id) for e in entries if e.seq > seq]


# Each forgery passed main's unkeyed `audit_verify` (see the report of the audit helper).
@pytest.mark.parametrize(("name", "forge", "bad_seq", "reason"), [
    ("edit, re-chained with the unkeyed hash", lambda e: _attacker_rewrite(3, _edited(e, 3), _unkeyed), 3, "hash"),
    ("edit, re-chained as legacy entries", lambda e: _attacker_rewrite(3, _edited(e, 3), _unkeyed_legacy), 3,
     "sealed"),
    ("middle entry deleted, re-chained", lambda e: _attacker_rewrite(3, _without(e, 3), _unkeyed), 3, "hash"),
    ("middle entry deleted, re-chained with a wrong key", lambda e: _attacker_rewrite(3, _without(e, 3), _wrong_key),
     3, "hash"),
    ("everything re-chained with a wrong key", lambda e: _attacker_rewrite(1, _edited(e, 1), _wrong_key), 1, "hash"),
    ("everything re-chained with the attacker's own key id",
     lambda e: _attacker_rewrite(1, _edited(e, 1), _own_key_id), 1, "unknown key"),
    ("everything downgraded to legacy entries", lambda e: _attacker_rewrite(1, _edited(e, 1), _unkeyed_legacy), 1,
     "legacy"),
])
def test_forgery_without_the_key_is_detected(six, name, forge, bad_seq, reason):
    forge(six)
    assert AuditEntry.objects.count() in {5, 6}
    report = audit_verify()
    assert not report.ok, name
    assert report.first_bad_seq == bad_seq
    assert reason in report.reason


def test_truncated_tail_is_detected_by_the_checkpoint(six):
    audit_anchor_write()
    _tamper("DELETE FROM core_auditentry WHERE seq > %s", [4])
    assert audit_verify().ok  # the remaining chain is valid on its own: only the checkpoint knows more
    report = audit_verify(check_anchors=True)
    assert not report.ok
    assert report.first_bad_seq == 5 and report.checked == 4
    assert "#5 to #6 are missing" in report.reason


def test_emptied_log_is_detected_by_the_checkpoint(six):
    audit_anchor_write()
    _tamper("DELETE FROM core_auditentry", [])
    report = audit_verify(check_anchors=True)
    assert not report.ok and report.checked == 0 and "#1 to #6 are missing" in report.reason


def test_rewrite_with_a_stolen_key_is_detected_by_the_checkpoint(six):
    """Even with the key, a rewrite below a checkpoint changes the head it recorded."""
    audit_anchor_write()
    _attacker_rewrite(2, _edited(six, 2), _real_key)
    assert audit_verify().ok
    report = audit_verify(check_anchors=True)
    assert not report.ok and report.first_bad_seq == 6 and "checkpoint" in report.reason
    assert report.checked == 5


def test_chain_grows_past_its_checkpoints(six):
    audit_anchor_write()
    audit_record(action="asis.test.later")
    audit_anchor_write()
    report = audit_verify(check_anchors=True)
    assert report.ok and report.checked == 7 and report.checkpoints == 2


def _legacy_chain(count):
    """Entries as versions before the HMAC wrote them: plain SHA-256 and no key id."""
    db_triggers.remove(connection)
    try:
        prev = GENESIS_HASH
        for seq in range(1, count + 1):
            entry = AuditEntry(seq=seq, created_at=datetime.datetime(2025, 1, seq, 10, 0, 0, 123000, tzinfo=datetime.UTC),
                               action="asis.test.old", object_type="", object_id="", object_repr="", after={"n": seq},
                               prev_hash=prev)
            entry.entry_hash = compute_hash(prev_hash=prev, **_content(entry))
            entry.save()
            prev = entry.entry_hash
    finally:
        db_triggers.install(connection)


def test_legacy_entries_verify_once_sealed(db):
    _legacy_chain(3)
    report = audit_verify()
    assert not report.ok and "no keyed entry seals them" in report.reason
    seal = audit_seal_legacy()
    assert seal.seq == 4 and seal.action == "asis.audit.sealed" and seal.after["legacy_entries"] == 3
    assert audit_seal_legacy() is None
    audit_record(action="asis.test.new")
    report = audit_verify()
    assert report.ok and report.checked == 5 and report.legacy == 3


def test_legacy_entries_cannot_be_rewritten_after_the_seal(db):
    _legacy_chain(3)
    audit_seal_legacy()
    first, second, third = AuditEntry.objects.order_by("seq")[:3]
    forged = _content(second, after={"n": "forged"})
    forged_hash = compute_hash(prev_hash=first.entry_hash, **forged)
    third_hash = compute_hash(prev_hash=forged_hash, **_content(third))
    _tamper("UPDATE core_auditentry SET after = %s, entry_hash = %s WHERE seq = 2",
            [json.dumps({"n": "forged"}), forged_hash])
    _tamper("UPDATE core_auditentry SET prev_hash = %s, entry_hash = %s WHERE seq = 3", [forged_hash, third_hash])
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == 4 and "link" in report.reason
    assert report.legacy == 3


def test_audit_rolls_back_with_the_business_change(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="asis.test.created")
        raise RuntimeError("business change failed")
    assert AuditEntry.objects.count() == 0


def test_verify_reads_in_pages_not_per_entry(six, django_assert_num_queries):
    # a count, one page, and the empty page that ends the walk: no query per entry
    with django_assert_num_queries(3):
        assert audit_verify(check_anchors=True).ok
