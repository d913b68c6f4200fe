"""Archives built to attack the readers: written in chunks, so building one stays small in memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MB = 1024 * 1024
CONTENT_TYPES_DOCX = (b'<Types><Override PartName="/word/document.xml" ContentType="application/'
                      b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')


def bomb(members: dict[str, tuple[bytes, bytes, int]]) -> bytes:
    """A zip whose members are ``prefix + filler * repeat``, deflated as they are written."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, (prefix, filler, repeat) in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(prefix)
                for _ in range(repeat):
                    member.write(filler)
    return buffer.getvalue()


def docx_bomb(megabytes: int = 300) -> bytes:
    """The probe's attack: a valid-looking DOCX whose ``[Content_Types].xml`` inflates to hundreds of MB."""
    return bomb({"[Content_Types].xml": (CONTENT_TYPES_DOCX, b" " * MB, megabytes)})


def lying_zip(real: int = 8 * MB, declared: int = 100) -> bytes:
    """One member whose headers declare ``declared`` bytes while its data inflates to ``real``."""
    payload = b"A" * real
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(payload) + compressor.flush()
    crc = zlib.crc32(payload[:declared])  # a CRC that matches what a reader trusting the header sees
    name = b"[Content_Types].xml"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), declared, len(name), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), declared,
                          len(name), 0, 0, 0, 0, 0, 0)
    body = local + name + data
    directory = central + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end
