"""An upload to a full disk: a clear message on the form (not a server error), nothing half-saved.

The disk is a real one: a 64 KiB tmpfs mounted for the test (needs root, as on the CI machine).
"""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asis.calls.models import Attachment
from asis.core.models import AuditEntry
from tests.calls.helpers import make_application, make_call

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    storage = Attachment._meta.get_field("file").storage
    saved = storage._location
    # The field's storage was built at import from ASIS_PRIVATE_MEDIA_ROOT: point it at the small disk.
    storage._location = str(mount)
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)
    try:
        yield mount
    finally:
        storage._location = saved
        for cached in ("base_location", "location"):
            storage.__dict__.pop(cached, None)
        subprocess.run(["umount", str(mount)], check=True)


def _fill(mount, leave: int) -> None:
    """Fill the disk up to ``leave`` bytes of free space."""
    stat = os.statvfs(mount)
    free = stat.f_bavail * stat.f_frsize
    with open(mount / f"filler-{uuid.uuid4().hex}", "wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))


def test_upload_to_a_full_disk_is_refused_cleanly(world, small_disk):
    application = make_application(make_call(world.org, phase="open"), world.users["project_holder"], world.org,
                                   submitted=False)
    _fill(small_disk, leave=8 * 1024)
    before = set(small_disk.rglob("*"))
    big = PDF + b"%" * (32 * 1024)
    response = world.client_for("project_holder").post(
        reverse("calls:attachment_upload", args=[application.pk]),
        {"kind": "other", "file": SimpleUploadedFile("plan.pdf", big)},
    )
    assert response.status_code == 400
    assert "the server&#x27;s storage is full or unavailable" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not AuditEntry.objects.filter(action="asis.application.attachment_added").exists()
    assert {path for path in small_disk.rglob("*") if path.is_file()} <= before, "a partial file was left"

    small = world.client_for("project_holder").post(
        reverse("calls:attachment_upload", args=[application.pk]),
        {"kind": "other", "file": SimpleUploadedFile("note.pdf", PDF)},
    )
    assert small.status_code == 302, "a file that fits is still accepted"
    assert Attachment.objects.get().size == len(PDF)
