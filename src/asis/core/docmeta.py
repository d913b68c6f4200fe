"""Removing the people a document names in its metadata (author, last editor, company).

Used where a reader must not learn who wrote a file (evaluators of a blind call). Office Open XML
(DOCX, XLSX, PPTX) keeps these in ``docProps/core.xml``, ``app.xml`` and ``custom.xml``;
OpenDocument in ``meta.xml``; both are zips, rewritten member by member through the bounded reader
with those parts replaced by empty, valid ones (a missing part would make Word call the file
damaged). PDF keeps them in the Info dictionary and the XMP stream, removed with pypdf. JPEG
keeps them in EXIF, XMP and IPTC segments and comments, PNG in text and EXIF chunks: those are
dropped by walking the file's segments, without decoding a pixel.

The text itself, comments and tracked changes are left alone: an applicant who writes a name into
the document names themselves. A file that cannot be parsed is returned unchanged (``stripped``
is then False), since a reader that cannot parse it cannot show its metadata either.
"""

from __future__ import annotations

import io
import logging
import struct
import zipfile
from dataclasses import dataclass

from asis.core.archives import ArchiveLimits, ArchiveRefused, iter_member, open_zip

logger = logging.getLogger(__name__)

OFFICE_LIMITS = ArchiveLimits(max_members=2000, max_member_bytes=64 * 1024 * 1024,
                              max_total_bytes=128 * 1024 * 1024, allow_nested=True)
_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BLANK_PARTS = {
    "docProps/core.xml": _XML + (
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'),
    "docProps/app.xml": _XML + (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'),
    "docProps/custom.xml": _XML + (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'),
    "meta.xml": _XML + (
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'office:version="1.2"><office:meta/></office:document-meta>'),
}
OFFICE_KINDS = ("docx", "xlsx", "pptx", "odt", "ods", "odp")


@dataclass(frozen=True)
class Stripped:
    content: bytes
    stripped: bool


def strip_office(data: bytes) -> Stripped:
    try:
        with open_zip(data, OFFICE_LIMITS) as source:
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as target:
                for info in source.infolist():
                    # a fresh entry: no extra fields or comment carried over from the author's machine
                    entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                    entry.compress_type = info.compress_type
                    blank = _BLANK_PARTS.get(info.filename)
                    if blank is not None:
                        target.writestr(entry, blank)
                        continue
                    with target.open(entry, "w") as member:
                        for chunk in iter_member(source, info, max_bytes=OFFICE_LIMITS.max_member_bytes):
                            member.write(chunk)
            return Stripped(out.getvalue(), True)
    except ArchiveRefused as refused:
        logger.warning("metadata not stripped from an office file: %s", refused.message)
        return Stripped(data, False)


def strip_pdf(data: bytes) -> Stripped:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return Stripped(data, False)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        for holder in (writer.root_object, *(page for page in writer.pages)):
            if "/Metadata" in holder:  # XMP streams: the document's, and any a page carries
                del holder["/Metadata"]
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # the XMP stream itself
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError,
            OSError) as exc:  # a damaged or hostile PDF: pypdf raises many kinds
        logger.warning("metadata not stripped from a PDF: %r", exc)
        return Stripped(data, False)
    return Stripped(out.getvalue(), True)


_JPEG_DROPPED = {0xE1, 0xED, 0xFE}  # APP1 (EXIF, XMP), APP13 (IPTC), comments; APP2 colour profiles stay
_JPEG_BARE = {0x01, *range(0xD0, 0xD9)}  # markers without a length
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def strip_jpeg(data: bytes) -> Stripped:
    if not data.startswith(b"\xff\xd8"):
        return Stripped(data, False)
    out = bytearray(b"\xff\xd8")
    at = 2
    while at + 1 < len(data):
        if data[at] != 0xFF:
            return Stripped(data, False)
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_BARE:
            out += data[at:at + 2]
            at += 2
            continue
        if marker == 0xDA:  # start of scan: the image data runs to the end
            out += data[at:]
            return Stripped(bytes(out), True)
        if at + 4 > len(data):
            return Stripped(data, False)
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        end = at + 2 + length
        if length < 2 or end > len(data):
            return Stripped(data, False)
        if marker not in _JPEG_DROPPED:
            out += data[at:end]
        at = end
    return Stripped(data, False)


def strip_png(data: bytes) -> Stripped:
    if not data.startswith(_PNG_SIGNATURE):
        return Stripped(data, False)
    out = bytearray(_PNG_SIGNATURE)
    at = len(_PNG_SIGNATURE)
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        end = at + 12 + length
        if end > len(data):
            return Stripped(data, False)
        if kind not in _PNG_DROPPED:
            out += data[at:end]
        at = end
        if kind == b"IEND":
            return Stripped(bytes(out), True)
    return Stripped(data, False)


def strip_metadata(kind: str, data: bytes) -> Stripped:
    """The document without the names in its metadata; other kinds come back unchanged."""
    if kind in OFFICE_KINDS:
        return strip_office(data)
    if kind == "pdf":
        return strip_pdf(data)
    if kind == "jpg":
        return strip_jpeg(data)
    if kind == "png":
        return strip_png(data)
    return Stripped(data, False)
