from __future__ import annotations

import datetime
import json
import zipfile

import pytest
from django.core import serializers

from asis.accounts.models import Membership, Organisation, User
from asis.cli import main
from asis.core.audit import audit_verify
from asis.core.backup import BackupError, backup_restore, backup_write, covered_models
from asis.core.models import AuditEntry
from asis.demo.generator import DemoSize, demo_generate

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot():
    """Every covered record, serialised: equal snapshots mean nothing was lost."""
    return {
        f"{m._meta.app_label}.{m._meta.model_name}": serializers.serialize("json", m._default_manager.order_by("pk"))
        for m in covered_models()
    }


def test_backup_restore_round_trip_loses_nothing(tmp_path):
    demo_generate(seed=7, size=DemoSize(organisations_per_region=1, members_per_organisation=2))
    org = Organisation.objects.order_by("pk").first()
    org.set_translation("it", "description", "Testo tradotto")
    org.save()
    # A time whose microseconds are below one millisecond is where millisecond JSON loses data.
    User.objects.filter(pk=User.objects.order_by("pk").first().pk).update(
        date_joined=datetime.datetime(2026, 1, 2, 3, 4, 5, 123, tzinfo=datetime.UTC))
    exact = list(User.objects.order_by("pk").values_list("date_joined", flat=True))
    before = _snapshot()
    path = tmp_path / "backup.zip"
    manifest = backup_write(path)
    assert manifest["counts"]["accounts.organisation"] == 42

    Organisation.objects.filter(pk=org.pk).update(name="Changed after backup")
    User.objects.filter(pk=User.objects.first().pk).delete()

    backup_restore(path)
    assert _snapshot() == before
    assert list(User.objects.order_by("pk").values_list("date_joined", flat=True)) == exact
    assert audit_verify().ok
    # The append-only triggers are back after a restore.
    with pytest.raises(Exception):
        AuditEntry.objects.order_by("seq").first().save()


def test_restore_of_a_broken_file_changes_nothing(tmp_path):
    # People, organisations and the catalogue are enough to see a rollback (the round trip above
    # runs on the whole demo).
    demo_generate(seed=7, size=DemoSize(organisations_per_region=1, members_per_organisation=1),
                  steps=("asis.observatory.demo",))
    before = _snapshot()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(BackupError):
        backup_restore(bad)
    good = tmp_path / "good.zip"
    backup_write(good)
    corrupt = tmp_path / "corrupt.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(corrupt, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "data/accounts.membership.json":
                data = b'[{"model": "accounts.membership", "pk": 1, "fields": {"user": ["nobody@x"]}}]'
            dst.writestr(item, data)
    with pytest.raises(BackupError):
        backup_restore(corrupt)
    assert _snapshot() == before


def test_demo_is_deterministic_and_covers_all_regions():
    size = DemoSize(organisations_per_region=2, members_per_organisation=4, initiatives=50)
    demo_generate(seed=11, size=size)
    first = list(Organisation.objects.order_by("pk").values("name", "region__code", "description", "translations"))
    people = list(User.objects.order_by("pk").values_list("email", "full_name"))
    assert len({o["region__code"] for o in first}) == 42
    assert set(Membership.objects.values_list("role", flat=True)) == {"programme_manager", "evaluator",
                                                                       "project_holder", "member"}
    languages = set(Organisation.objects.values_list("original_language", flat=True))
    assert languages == {"de", "fr", "it", "sl"}
    assert demo_generate(seed=11, size=size)["status"] == "demo data already present"
    from asis.calls.demo import clear
    from asis.observatory.models import Initiative

    clear()  # demo calls and their applications protect organisations and users
    Initiative.objects.all().delete()  # organisations are protected while initiatives name them
    User.objects.all().delete()
    Organisation.objects.all().delete()
    demo_generate(seed=11, size=size)
    assert list(Organisation.objects.order_by("pk").values("name", "region__code", "description", "translations")) == first
    assert list(User.objects.order_by("pk").values_list("email", "full_name")) == people


def test_cli_createadmin_and_audit_verify(capsys):
    assert main(["createadmin", "--email", "boss@example.org", "--password", "a-long-enough-pass"]) == 0
    assert User.objects.get(email="boss@example.org").is_platform_admin
    assert main(["audit-verify"]) == 0
    assert "intact" in capsys.readouterr().out


def test_cli_backup_and_restore_commands(tmp_path, capsys):
    demo_generate(seed=3, size=DemoSize(organisations_per_region=1, members_per_organisation=1),
                  steps=("asis.observatory.demo",))
    path = str(tmp_path / "b.zip")
    assert main(["backup", path]) == 0
    assert main(["restore", path]) == 2  # needs --yes
    assert main(["restore", path, "--yes"]) == 0
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["format"] == "asis-backup/1"


def test_cli_jobs_start_and_watch(capsys):
    from asis.core.jobs import run_job
    from asis.core.models import Job

    assert main(["jobs", "start", "no.such.kind"]) == 2
    assert main(["jobs", "start", "audit.verify"]) == 0
    job = Job.objects.get()
    run_job.call(str(job.pk))
    assert main(["jobs", "watch", str(job.pk)]) == 0
    assert main(["jobs", "list"]) == 0
    out = capsys.readouterr().out
    assert "Done." in out and "audit.verify" in out
