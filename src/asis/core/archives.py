"""Bounded reading of zip archives that users send (office files, spreadsheets, backups).

A zip of a megabyte can inflate to gigabytes, and its directory can announce sizes that are false.
Every reader here therefore checks, before any member is inflated: the directory's size and entry
count (read from the end record, before :mod:`zipfile` parses the directory into objects), and per
member the compression method, encryption, declared size and compression ratio, and the declared
total. Members are then read in chunks while the bytes actually produced are counted, so a member
that inflates past its cap is refused without being held, whatever its header says.

``open_zip`` gives a checked :class:`zipfile.ZipFile`; ``scan`` inflates every member once
(without keeping it) to prove the real sizes; ``read_member`` / ``iter_member`` read one member
under a byte cap. A refusal raises :class:`ArchiveRefused`, whose message is translated and meant
for the person who sent the file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# Magic numbers of archives and compressed streams that would be a second layer of inflation.
_NESTED_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ", b"\x28\xb5\x2f\xfd")


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 1000
    max_directory_bytes: int = 1024 * 1024
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024
    # Ratio of inflated to stored size, looked at only for members above ratio_floor: text
    # compresses well, but a ratio of hundreds is what a bomb looks like.
    max_ratio: int = 300
    ratio_floor: int = 1024 * 1024
    allow_nested: bool = False


class ArchiveRefused(ValueError):
    """The archive is refused; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArchiveDamaged(ArchiveRefused):
    """Not a readable zip at all (as opposed to one refused for its sizes)."""


def _size(value: int) -> str:
    return str(filesizeformat(value))


def _damaged() -> ArchiveDamaged:
    return ArchiveDamaged(_("The file is damaged or is not a zip archive."))


def _directory(handle: IO[bytes]) -> tuple[int, int]:
    """(entry count, directory size) from the end record, found as zipfile finds it."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    if size < _EOCD_SIZE:
        raise _damaged()
    tail_start = max(0, size - _EOCD_SIZE - 65535)
    handle.seek(tail_start)
    tail = handle.read()
    if tail[-_EOCD_SIZE:-_EOCD_SIZE + 4] == _EOCD and tail[-2:] == b"\x00\x00":
        at = len(tail) - _EOCD_SIZE
    else:
        at = tail.rfind(_EOCD)
        if at < 0:
            raise _damaged()
    record = tail[at:at + _EOCD_SIZE]
    if len(record) < _EOCD_SIZE:
        raise _damaged()
    entries = int.from_bytes(record[10:12], "little")
    directory = int.from_bytes(record[12:16], "little")
    locator_at = tail_start + at - 20
    if locator_at >= 0:
        handle.seek(locator_at)
        locator = handle.read(20)
        if locator[:4] == _ZIP64_LOCATOR:
            handle.seek(int.from_bytes(locator[8:16], "little"))
            record64 = handle.read(56)
            if record64[:4] != _ZIP64_EOCD:
                raise _damaged()
            entries = int.from_bytes(record64[32:40], "little")
            directory = int.from_bytes(record64[40:48], "little")
    handle.seek(0)
    return entries, directory


def _too_big(name: str, limit: int) -> ArchiveRefused:
    return ArchiveRefused(_("The part “%(name)s” of the file is larger than %(limit)s once unpacked.")
                          % {"name": name[:100], "limit": _size(limit)})


def _check_directory(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveRefused(_("The file holds %(count)s parts; at most %(limit)s are accepted.")
                             % {"count": len(infos), "limit": limits.max_members})
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ArchiveRefused(_("The file is protected by a password; send it without one."))
        if info.compress_type not in _METHODS:
            raise ArchiveRefused(_("The file uses a compression method that is not accepted."))
        if info.file_size > limits.max_member_bytes:
            raise _too_big(info.filename, limits.max_member_bytes)
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveRefused(_("The part “%(name)s” of the file expands %(ratio)s times when unpacked; such "
                                   "files are refused as decompression bombs.")
                                 % {"name": info.filename[:100], "ratio": info.file_size // max(info.compress_size, 1)})
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(_("The file is larger than %(limit)s once unpacked.")
                                 % {"limit": _size(limits.max_total_bytes)})


def open_zip(source: bytes | IO[bytes], limits: ArchiveLimits) -> zipfile.ZipFile:
    """A zipfile whose directory passed the limits; raise :class:`ArchiveRefused` otherwise."""
    handle: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    entries, directory = _directory(handle)
    if entries > limits.max_members:
        raise ArchiveRefused(_("The file holds %(count)s parts; at most %(limit)s are accepted.")
                             % {"count": entries, "limit": limits.max_members})
    if directory > limits.max_directory_bytes:
        raise ArchiveRefused(_("The file's table of contents is larger than %(limit)s.")
                             % {"limit": _size(limits.max_directory_bytes)})
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged() from exc
    try:
        _check_directory(archive, limits)
    except ArchiveRefused:
        archive.close()
        raise
    return archive


def iter_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo | str, *, max_bytes: int) -> Iterator[bytes]:
    """The member's inflated bytes in chunks; refuses once more than ``max_bytes`` came out."""
    name = info.filename if isinstance(info, zipfile.ZipInfo) else info
    produced = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                produced += len(chunk)
                if produced > max_bytes:
                    raise _too_big(name, max_bytes)
                yield chunk
    except KeyError as exc:
        raise ArchiveRefused(_("The file has no part “%(name)s”.") % {"name": name[:100]}) from exc
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # zipfile's own CRC and size check at the end of a member lands here
        raise _damaged() from exc


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo | str, *, max_bytes: int) -> bytes:
    return b"".join(iter_member(archive, info, max_bytes=max_bytes))


def scan(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Inflate every member once, without keeping it, counting the real bytes against the limits."""
    total = 0
    for info in archive.infolist():
        first = True
        for chunk in iter_member(archive, info, max_bytes=limits.max_member_bytes):
            if first and not limits.allow_nested and chunk.startswith(_NESTED_MAGIC):
                raise ArchiveRefused(_("The part “%(name)s” of the file is itself an archive; archives inside "
                                       "files are not accepted.") % {"name": info.filename[:100]})
            first = False
            total += len(chunk)
            if total > limits.max_total_bytes:
                raise ArchiveRefused(_("The file is larger than %(limit)s once unpacked.")
                                     % {"limit": _size(limits.max_total_bytes)})


def open_checked(source: bytes | IO[bytes], limits: ArchiveLimits) -> zipfile.ZipFile:
    """``open_zip`` and ``scan``: an archive whose every member is proven to inflate within limits."""
    archive = open_zip(source, limits)
    try:
        scan(archive, limits)
    except ArchiveRefused:
        archive.close()
        raise
    return archive
