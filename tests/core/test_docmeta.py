"""Author metadata removed from OpenDocument and Office files, the rest of the document kept."""

from __future__ import annotations

import io
import zipfile

from asis.core.docmeta import strip_metadata
from tests.core.zipbombs import docx_bomb


def _odt(author: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("meta.xml", b"<office:document-meta><office:meta><meta:initial-creator>" + author
                         + b"</meta:initial-creator><dc:creator>" + author + b"</dc:creator></office:meta>"
                         b"</office:document-meta>")
        archive.writestr("content.xml", b"<office:document-content>Plan</office:document-content>")
    return buffer.getvalue()


def test_odt_meta_is_emptied_and_the_mimetype_stays_first_and_stored():
    result = strip_metadata("odt", _odt(b"Verena Sichtbar"))
    assert result.stripped
    archive = zipfile.ZipFile(io.BytesIO(result.content))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert all(b"Verena" not in archive.read(name) for name in archive.namelist())
    assert archive.read("content.xml") == b"<office:document-content>Plan</office:document-content>"


def test_files_that_cannot_be_rewritten_come_back_unchanged():
    for kind, data in (("pdf", b"%PDF-1.4 broken"), ("docx", b"PK\x03\x04broken"), ("png", b"\x89PNG"),
                       ("docx", docx_bomb(200))):
        result = strip_metadata(kind, data)
        assert not result.stripped and result.content == data


def _image(fmt: str, author: str) -> bytes:
    from PIL import Image, PngImagePlugin

    image = Image.new("RGB", (8, 8), (200, 30, 30))
    buffer = io.BytesIO()
    if fmt == "JPEG":
        exif = Image.Exif()
        exif[0x013B] = author  # Artist
        image.save(buffer, "JPEG", exif=exif.tobytes(), comment=author.encode())
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", author)
        image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def test_images_lose_exif_text_and_comments_but_stay_images():
    from PIL import Image

    for kind, fmt in (("jpg", "JPEG"), ("png", "PNG")):
        data = _image(fmt, "Verena Sichtbar")
        assert b"Verena" in data
        result = strip_metadata(kind, data)
        assert result.stripped and b"Verena" not in result.content
        with Image.open(io.BytesIO(result.content)) as image:
            image.load()
            assert image.size == (8, 8) and image.getpixel((4, 4))[0] > 150
