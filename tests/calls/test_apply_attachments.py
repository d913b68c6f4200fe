"""Attachments: real content checked by magic bytes, size and count limits, sanitised names, scoped download."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from asis.calls.apply import uploads
from asis.calls.models import Application, Attachment
from asis.core.models import AuditEntry
from tests.calls.helpers import assign, make_application, make_call, make_evaluator

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (b'<Types><Override PartName="/word/document.xml" ContentType="'
              b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
DOCX = _zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b'<Types><Override ContentType="'
             b'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
PLAIN_ZIP = _zip({"readme.txt": b"hello"})


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("plan.pdf", PDF, "pdf"), ("photo.png", PNG, "png"), ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "jpg"),
    ("budget.docx", DOCX, "docx"), ("budget.xlsx", XLSX, "xlsx"), ("text.odt", ODT, "odt"),
])
def test_real_files_are_accepted(name, data, kind):
    clean, content_type = uploads.check_upload(name, data)
    assert clean == name and content_type == uploads.CONTENT_TYPES[kind]


@pytest.mark.parametrize(("name", "data"), [
    ("plan.pdf", EXE),  # an executable renamed .pdf
    ("budget.docx", PLAIN_ZIP),  # a zip that is no Office document
    ("budget.docx", XLSX),  # a spreadsheet renamed .docx
    ("photo.png", PDF),
    ("text.odt", b"PK\x03\x04broken"),
])
def test_disguised_files_are_refused(name, data):
    with pytest.raises(Exception, match="is not a valid"):
        uploads.check_upload(name, data)


@pytest.mark.parametrize("name", ["setup.exe", "script.js", "noextension"])
def test_other_types_are_refused(name):
    with pytest.raises(Exception, match="Only PDF"):
        uploads.check_upload(name, PDF)


@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\me\\plan.pdf", "plan.pdf"),
    ("<script>a.pdf", "_script_a.pdf"), ("bilan été.pdf", "bilan été.pdf"),
])
def test_names_are_sanitised(raw, clean):
    assert uploads.sanitise_name(raw) == clean


def _upload(client, application, name, data, kind="other"):
    return client.post(reverse("calls:attachment_upload", args=[application.pk]),
                       {"kind": kind, "file": SimpleUploadedFile(name, data)})


def _draft(world):
    return make_application(make_call(world.org, phase="open"), world.users["project_holder"], world.org,
                            submitted=False)


def test_upload_stores_hash_and_audits(world):
    application = _draft(world)
    response = _upload(world.client_for("project_holder"), application, "../plan.pdf", PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "plan.pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF) and attachment.content_type == "application/pdf"
    assert AuditEntry.objects.filter(action="asis.application.attachment_added").count() == 1


def test_disguised_upload_is_refused_with_a_clear_message(world):
    application = _draft(world)
    response = _upload(world.client_for("project_holder"), application, "invoice.pdf", EXE)
    assert response.status_code == 400
    assert "is not a valid PDF file" in response.content.decode()
    assert not Attachment.objects.exists()


def test_oversized_upload_is_refused(world, settings):
    settings.ASIS_ATTACHMENT_MAX_BYTES = 100
    application = _draft(world)
    response = _upload(world.client_for("project_holder"), application, "big.pdf", PDF + b"0" * 200)
    assert response.status_code == 400
    assert "the largest accepted size is 100" in response.content.decode()
    assert not Attachment.objects.exists()


def test_count_limit(world, settings):
    settings.ASIS_ATTACHMENT_MAX_COUNT = 2
    application = _draft(world)
    holder = world.client_for("project_holder")
    for _ in range(2):
        assert _upload(holder, application, "plan.pdf", PDF).status_code == 302
    response = _upload(holder, application, "plan.pdf", PDF)
    assert response.status_code == 400
    assert "at most 2 attachments" in response.content.decode()
    assert Attachment.objects.count() == 2


def test_download_headers_and_scope(world):
    application = _draft(world)
    holder = world.client_for("project_holder")
    _upload(holder, application, "plan.pdf", PDF)
    attachment = Attachment.objects.get()
    url = reverse("calls:attachment_download", args=[application.pk, attachment.pk])
    response = holder.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    # A draft's files are the applicant's own until the draft is shared (or submitted).
    assert world.client_for("manager").get(url).status_code == 404
    Application.objects.filter(pk=application.pk).update(draft_shared_at=timezone.now())
    manager_response = world.client_for("manager").get(url)
    assert manager_response.status_code == 200
    assert b"".join(manager_response.streaming_content) == PDF  # reading it to the end closes the file
    for role in ("member", "other_manager", "evaluator"):
        assert world.client_for(role).get(url).status_code == 404
    # a wrong pairing of application and attachment ids is a 404 too
    other = _draft(world)
    assert holder.get(reverse("calls:attachment_download", args=[other.pk, attachment.pk])).status_code == 404


def test_assigned_evaluator_downloads_unless_conflicted(world):
    from asis.calls.models import ConflictOfInterest

    application = make_application(make_call(world.org), world.users["project_holder"], world.org)
    attachment = uploads.Attachment(application=application, kind="other", original_name="plan.pdf",
                                    content_type="application/pdf", size=len(PDF), sha256="0" * 64)
    from django.core.files.base import ContentFile

    attachment.file.save("plan.pdf", ContentFile(PDF), save=False)
    attachment.save()
    evaluator = make_evaluator(application.call, world.users["evaluator"])
    assign(evaluator, application)
    url = reverse("calls:attachment_download", args=[application.pk, attachment.pk])
    client = world.client_for("evaluator")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    ConflictOfInterest.objects.create(evaluator=evaluator, application=application, type="declared")
    assert client.get(url).status_code == 404


def test_delete_attachment(world):
    application = _draft(world)
    holder = world.client_for("project_holder")
    _upload(holder, application, "plan.pdf", PDF)
    attachment = Attachment.objects.get()
    holder.post(reverse("calls:attachment_delete", args=[application.pk, attachment.pk]))
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action="asis.application.attachment_deleted").count() == 1


def test_no_upload_after_submission(world):
    application = make_application(make_call(world.org), world.users["project_holder"], world.org)
    response = _upload(world.client_for("project_holder"), application, "plan.pdf", PDF)
    assert response.status_code == 302  # to the read-only page
    assert not Attachment.objects.exists()


# --- decompression bombs ---------------------------------------------------------------------------

def test_docx_bomb_upload_is_refused_with_bounded_memory(world):
    """The probe's 1.5 MB DOCX inflating to gigabytes: refused through the real view, memory bounded."""
    import tracemalloc

    from tests.core.zipbombs import MB, docx_bomb

    data = docx_bomb(300)  # 300 MB of XML once inflated, a few hundred KB as sent
    assert len(data) < MB
    application = _draft(world)
    holder = world.client_for("project_holder")
    tracemalloc.start()
    try:
        response = _upload(holder, application, "budget.docx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MB, f"peak {peak / MB:.0f} MB"
    assert response.status_code == 400
    page = response.content.decode()
    assert "“budget.docx” is refused" in page and "once unpacked" in page
    assert not Attachment.objects.exists()


def test_docx_with_thousands_of_members_is_refused():
    entries = {"[Content_Types].xml": DOCX_TYPES} | {f"word/part{n}.xml": b"" for n in range(2500)}
    with pytest.raises(Exception, match="holds 2501 parts; at most 2000"):
        uploads.check_upload("budget.docx", _zip(entries))

