"""Authenticated encryption of backup files, in chunks, with a key from ``ASIS_BACKUP_KEY``.

A backup holds password hashes, TOTP keys and token digests, so it is encrypted whenever the key
is set. Format ``asis-backup-enc/1``: a 16-byte magic, a 16-byte random salt, then frames of a
4-byte length and AES-256-GCM ciphertext of at most 1 MiB of plain text. The file key is
HKDF-SHA256(master key, salt); frame *i* uses the nonce ``i`` (11 bytes) followed by a byte that is
1 on the last frame only, and the header as associated data. So a changed byte, a reordered,
dropped or appended frame, a truncated file or a wrong key all fail authentication, and neither
side ever holds more than one frame in memory (the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár, 2015).

The key is 32 random bytes in URL-safe base64 (44 characters), e.g. from
``python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"``.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"ASIS-BACKUP-ENC1"
SALT_BYTES = 16
FRAME = 1024 * 1024
_TAG = 16
_LENGTH = struct.Struct(">I")


class BackupCryptoError(Exception):
    pass


def parse_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise BackupCryptoError("ASIS_BACKUP_KEY is not URL-safe base64") from exc
    if len(key) != 32:
        raise BackupCryptoError("ASIS_BACKUP_KEY must be 32 random bytes in URL-safe base64 (44 characters)")
    return key


def _cipher(key: bytes, salt: bytes) -> AESGCM:
    file_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"asis backup v1").derive(key)
    return AESGCM(file_key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def is_encrypted(handle: IO[bytes]) -> bool:
    start = handle.tell()
    head = handle.read(len(MAGIC))
    handle.seek(start)
    return head == MAGIC


class EncryptingWriter:
    """A write-only file object for zipfile (which writes data descriptors when it cannot seek)."""

    def __init__(self, target: IO[bytes], key: bytes) -> None:
        salt = os.urandom(SALT_BYTES)
        self._header = MAGIC + salt
        self._cipher = _cipher(key, salt)
        self._target = target
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        target.write(self._header)

    def _emit(self, plain: bytes, last: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._index, last), plain, self._header)
        self._target.write(_LENGTH.pack(len(sealed)) + sealed)
        self._index += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        # keep at least one byte back: the last frame is only known at close
        while len(self._buffer) > FRAME:
            self._emit(bytes(self._buffer[:FRAME]), last=False)
            del self._buffer[:FRAME]
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._target.flush()


def decrypt_to(source: IO[bytes], target: IO[bytes], key: bytes) -> None:
    """Decrypt ``source`` into ``target`` frame by frame; raise on any change, truncation or wrong key."""
    header = source.read(len(MAGIC) + SALT_BYTES)
    if len(header) != len(MAGIC) + SALT_BYTES or not header.startswith(MAGIC):
        raise BackupCryptoError("the file is not an encrypted ASIS backup")
    cipher = _cipher(key, header[len(MAGIC):])
    refused = BackupCryptoError("the backup cannot be decrypted: ASIS_BACKUP_KEY is not the key it was written "
                                "with, or the file was changed or cut short")
    index = 0
    pending = source.read(_LENGTH.size)
    while True:
        if len(pending) != _LENGTH.size:
            raise refused
        (length,) = _LENGTH.unpack(pending)
        if length < _TAG or length > FRAME + _TAG:
            raise refused
        sealed = source.read(length)
        if len(sealed) != length:
            raise refused
        pending = source.read(_LENGTH.size)
        last = not pending
        try:
            target.write(cipher.decrypt(_nonce(index, last), sealed, header))
        except InvalidTag as exc:
            raise refused from exc
        if last:
            return
        index += 1
