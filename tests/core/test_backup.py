"""Backups: encrypted with ASIS_BACKUP_KEY, authenticated, and read with bounds at restore."""

from __future__ import annotations

import base64
import io
import json
import os
import tracemalloc
import zipfile

import pytest

from asis.accounts.models import User
from asis.cli import main
from asis.core.backup import BackupError, backup_restore, backup_write
from tests.conftest import make_user
from tests.core.zipbombs import MB, bomb

pytestmark = pytest.mark.django_db(transaction=True)

KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.urlsafe_b64encode(bytes(range(1, 33))).decode()


@pytest.fixture
def people():
    user = make_user("secret.keeper@example.org")
    user.set_password("correct horse battery staple")
    user.save()
    return user


def _emails():
    return sorted(User.objects.values_list("email", flat=True))


def test_backup_is_encrypted_when_the_key_is_set(people, settings, tmp_path):
    settings.ASIS_BACKUP_KEY = KEY
    path = tmp_path / "b.zip"
    backup_write(path)
    data = path.read_bytes()
    assert not data.startswith(b"PK")
    assert people.password.encode() not in data and b"secret.keeper" not in data
    assert not zipfile.is_zipfile(path)
    before = _emails()
    User.objects.filter(pk=people.pk).update(email="changed@example.org")
    backup_restore(path)
    assert _emails() == before
    assert User.objects.get(pk=people.pk).password == people.password


def test_an_encrypted_backup_needs_the_right_key_and_refuses_changes(people, settings, tmp_path):
    settings.ASIS_BACKUP_KEY = KEY
    path = tmp_path / "b.zip"
    backup_write(path)
    User.objects.filter(pk=people.pk).update(email="changed@example.org")
    after = _emails()
    settings.ASIS_BACKUP_KEY = ""
    with pytest.raises(BackupError, match="encrypted; set ASIS_BACKUP_KEY"):
        backup_restore(path)
    settings.ASIS_BACKUP_KEY = OTHER_KEY
    with pytest.raises(BackupError, match="is not the key it was written with"):
        backup_restore(path)
    settings.ASIS_BACKUP_KEY = KEY
    data = path.read_bytes()
    for broken in (data[:100] + bytes([data[100] ^ 1]) + data[101:],  # one bit changed
                   data[:-5],  # cut short
                   data + data[32:],  # frames appended
                   ):
        path.write_bytes(broken)
        with pytest.raises(BackupError, match="changed or cut short"):
            backup_restore(path)
    assert _emails() == after  # nothing was restored from a refused file
    settings.ASIS_BACKUP_KEY = "too-short"
    with pytest.raises(BackupError, match="ASIS_BACKUP_KEY"):
        backup_write(tmp_path / "c.zip")


def test_a_big_backup_is_written_and_read_in_frames(settings, tmp_path):
    """Several 1 MiB frames: the frame boundaries and the last-frame flag hold on real data."""
    from asis.core.backup_crypto import FRAME, EncryptingWriter, decrypt_to, parse_key

    key = parse_key(KEY)
    plain = os.urandom(FRAME * 2 + 123)
    sealed = io.BytesIO()
    writer = EncryptingWriter(sealed, key)
    for start in range(0, len(plain), 70_000):
        writer.write(plain[start:start + 70_000])
    writer.close()
    out = io.BytesIO()
    decrypt_to(io.BytesIO(sealed.getvalue()), out, key)
    assert out.getvalue() == plain


def _manifest(order):
    return json.dumps({"format": "asis-backup/1", "order": order, "counts": {}}).encode()


def test_restore_refuses_a_manifest_bomb_with_bounded_memory(people, tmp_path):
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb({"manifest.json": (b'{"format": "asis-backup/1", "x": "', b" " * MB, 300)}))
    before = _emails()
    tracemalloc.start()
    try:
        with pytest.raises(BackupError, match="manifest.json"):
            backup_restore(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MB, f"peak {peak / MB:.0f} MB"
    assert _emails() == before


def test_restore_refuses_members_no_backup_has(people, tmp_path):
    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", _manifest([]))
        archive.writestr("../../etc/cron.d/x", b"")
    with pytest.raises(BackupError, match="members no ASIS backup has"):
        backup_restore(path)


def test_cli_says_whether_the_backup_is_encrypted(people, settings, tmp_path, capsys):
    settings.ASIS_BACKUP_KEY = ""
    assert main(["backup", str(tmp_path / "plain.zip")]) == 0
    out = capsys.readouterr().out
    assert "NOT encrypted" in out and "Warning" not in out
    settings.SETTINGS_MODULE = "asis.settings.production"
    assert main(["backup", str(tmp_path / "plain2.zip")]) == 0
    assert "Warning: this backup holds password hashes" in capsys.readouterr().out
    settings.ASIS_BACKUP_KEY = KEY
    assert main(["backup", str(tmp_path / "sealed.zip")]) == 0
    assert "encrypted with ASIS_BACKUP_KEY" in capsys.readouterr().out
    settings.ASIS_BACKUP_KEY = OTHER_KEY
    assert main(["restore", str(tmp_path / "sealed.zip"), "--yes"]) == 2
    out = capsys.readouterr().out
    assert "Restore refused" in out and "Nothing was changed" in out
