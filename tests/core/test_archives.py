"""Bounded archive reading: directory checks before inflating, byte caps while inflating."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from asis.core.archives import (
    ArchiveDamaged,
    ArchiveLimits,
    ArchiveRefused,
    open_checked,
    open_zip,
    read_member,
)
from tests.core.zipbombs import MB, bomb, lying_zip


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_sane_archive_is_read():
    with open_checked(_zip({"a.xml": b"<a/>", "b.xml": b"<b/>" * 100}), ArchiveLimits()) as archive:
        assert read_member(archive, "a.xml", max_bytes=10) == b"<a/>"


@pytest.mark.parametrize(("limits", "message"), [
    (ArchiveLimits(max_members=1), "holds 2 parts; at most 1"),
    (ArchiveLimits(max_member_bytes=100), "larger than 100"),
    (ArchiveLimits(max_total_bytes=300), "file is larger than 300"),
    (ArchiveLimits(max_directory_bytes=10), "table of contents"),
    (ArchiveLimits(max_ratio=2, ratio_floor=10), "expands"),
])
def test_directory_limits(limits, message):
    with pytest.raises(ArchiveRefused, match=message):
        open_zip(_zip({"a.xml": b"a" * 200, "b.xml": b"b" * 200}), limits)


def test_a_member_over_its_cap_is_refused_while_reading():
    with open_zip(_zip({"a.xml": b"a" * 5000}), ArchiveLimits()) as archive, \
            pytest.raises(ArchiveRefused, match="larger than"):
        read_member(archive, "a.xml", max_bytes=1000)


def test_nested_archives_are_refused_unless_allowed():
    data = _zip({"inner.zip": _zip({"x": b"x"})})
    with pytest.raises(ArchiveRefused, match="archives inside files"):
        open_checked(data, ArchiveLimits())
    open_checked(data, ArchiveLimits(allow_nested=True)).close()


def test_encrypted_members_and_other_methods_are_refused():
    data = bytearray(_zip({"a": b"a"}, compression=zipfile.ZIP_BZIP2))
    with pytest.raises(ArchiveRefused, match="compression method"):
        open_zip(bytes(data), ArchiveLimits())
    data = bytearray(_zip({"a": b"a"}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1  # the "encrypted" flag in the central directory
    with pytest.raises(ArchiveRefused, match="password"):
        open_zip(bytes(data), ArchiveLimits())


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04broken", b"x" * 100])
def test_garbage_is_damaged(data):
    with pytest.raises(ArchiveDamaged):
        open_zip(data, ArchiveLimits())


def test_a_header_that_understates_the_size_never_yields_more_than_it_declares():
    """zipfile stops at the declared size; the CRC of the full data then fails: damaged, not inflated."""
    data = lying_zip(real=64 * MB, declared=100)
    tracemalloc.start()
    try:
        with open_zip(data, ArchiveLimits()) as archive:
            assert len(read_member(archive, "[Content_Types].xml", max_bytes=1000)) == 100
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * MB  # the lying member's data is 64 KB compressed; what inflates is bounded


def test_a_bomb_is_refused_without_inflating_it():
    data = bomb({"a.xml": (b"<a>", b"\0" * MB, 200)})
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveRefused, match="once unpacked|expands"):
            open_checked(data, ArchiveLimits(max_ratio=10_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * MB
