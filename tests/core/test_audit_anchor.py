"""Signed checkpoints of the audit chain head: written, logged, checked, and hard to fake."""

from __future__ import annotations

import datetime
import json
import logging

import pytest

from asis.core.audit import GENESIS_HASH, audit_record, audit_verify
from asis.core.audit_anchor import (
    ANCHOR_FILE,
    AnchorError,
    audit_anchor_due,
    audit_anchor_write,
    checkpoint_make,
    checkpoints_load,
)
from asis.core.audit_keys import audit_keys

NOW = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=datetime.UTC)


def _file(settings):
    return settings.ASIS_AUDIT_ANCHOR_DIR / ANCHOR_FILE


def test_checkpoint_is_appended_and_logged(db, settings, caplog):
    audit_record(action="asis.test.created")
    with caplog.at_level(logging.INFO, logger="asis.audit.anchor"):
        first = audit_anchor_write(now=NOW)
        audit_record(action="asis.test.changed")
        second = audit_anchor_write(now=NOW + datetime.timedelta(minutes=1))
    assert (first.seq, second.seq) == (1, 2)
    lines = _file(settings).read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2]
    assert [r.getMessage() for r in caplog.records] == [f"audit checkpoint {first.line()}",
                                                        f"audit checkpoint {second.line()}"]
    assert checkpoints_load(audit_keys()) == [first, second]


def test_empty_log_checkpoint(db):
    checkpoint = audit_anchor_write(now=NOW)
    assert (checkpoint.seq, checkpoint.head) == (0, GENESIS_HASH)
    assert audit_verify(check_anchors=True).ok


def test_log_lines_from_a_log_server_verify(db, tmp_path):
    """A file grepped from the log server, with its prefixes, is a valid checkpoint source."""
    audit_record(action="asis.test.created")
    checkpoint = audit_anchor_write(now=NOW)
    audit_record(action="asis.test.changed")
    shipped = tmp_path / "shipped.log"
    shipped.write_text(f"2026-12-05 09:00:00 INFO asis.audit.anchor audit checkpoint {checkpoint.line()}\n\n")
    report = audit_verify(check_anchors=True, anchor_path=shipped)
    assert report.ok and report.checkpoints == 1


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda data: {**data, "seq": 1}, "signature does not match"),  # hide the truncation of entry 2
    (lambda data: {**data, "key_id": "other"}, "unknown key other"),
    (lambda data: {"seq": 2}, "not a checkpoint"),
])
def test_edited_checkpoint_file_fails_verification(db, settings, edit, problem):
    audit_record(action="asis.test.created")
    audit_record(action="asis.test.changed")
    checkpoint = audit_anchor_write(now=NOW)
    _file(settings).write_text(json.dumps(edit(json.loads(checkpoint.line()))) + "\n")
    with pytest.raises(AnchorError, match=problem):
        checkpoints_load(audit_keys())
    report = audit_verify(check_anchors=True)
    assert not report.ok and report.first_bad_seq is None and "line 1" in report.reason


def test_checkpoint_signed_with_another_key_fails(db, settings):
    audit_record(action="asis.test.created")
    audit_anchor_write(now=NOW)
    settings.ASIS_AUDIT_KEY = "an entirely different audit key, 32+ chars"
    with pytest.raises(AnchorError, match="unknown key"):
        checkpoints_load(audit_keys())


def test_disagreeing_checkpoints_fail(db, settings):
    audit_record(action="asis.test.created")
    audit_anchor_write(now=NOW)
    other = checkpoint_make(audit_keys(), seq=1, head="f" * 64, at="2026-12-05T10:00:00Z")
    with _file(settings).open("a") as handle:
        handle.write(other.line() + "\n")
    report = audit_verify(check_anchors=True)
    assert not report.ok and "disagree about entry #1" in report.reason


def test_anchor_due_writes_only_when_the_head_moved_and_the_last_is_old(db, settings):
    settings.ASIS_AUDIT_ANCHOR_SECONDS = 300
    hour = NOW + datetime.timedelta(hours=1)
    assert audit_anchor_due(now=NOW) is not None  # no checkpoint yet
    assert audit_anchor_due(now=hour) is None  # head unchanged
    audit_record(action="asis.test.created")
    assert audit_anchor_due(now=hour) is not None  # head moved, the last checkpoint is an hour old
    audit_record(action="asis.test.changed")
    assert audit_anchor_due(now=hour + datetime.timedelta(seconds=60)) is None  # the last is a minute old
    later = audit_anchor_due(now=hour + datetime.timedelta(seconds=400))
    assert later is not None and later.seq == 2
    assert [json.loads(line)["seq"] for line in _file(settings).read_text().splitlines()] == [0, 1, 2]


def test_anchor_due_logs_and_survives_a_failure(db, settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.ASIS_AUDIT_ANCHOR_DIR = blocker / "anchors"
    with caplog.at_level(logging.ERROR, logger="asis.audit.anchor"):
        assert audit_anchor_due(now=NOW) is None
    assert "could not write an audit checkpoint" in caplog.text
