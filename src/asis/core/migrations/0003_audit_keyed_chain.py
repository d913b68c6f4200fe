from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # The column is added in place (nullable), so the triggers survive; installing them again
    # is idempotent and guards against a backend that rebuilt the table.
    from asis.core import db_triggers

    db_triggers.install(schema_editor.connection)


def seal_legacy_entries(apps, schema_editor):
    # Entries written before keys existed stay verifiable with their plain hash; this keyed
    # entry signs their head, so from now on nobody without the key can rewrite them.
    from asis.core.audit import audit_seal_legacy

    audit_seal_legacy(model=apps.get_model("core", "AuditEntry"))


class Migration(migrations.Migration):
    """Entries record which HMAC key signed them; NULL marks the legacy, unkeyed entries."""

    dependencies = [("core", "0002_audit_append_only")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, max_length=32, null=True, verbose_name="key id"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
        migrations.RunPython(seal_legacy_entries, migrations.RunPython.noop),
    ]
