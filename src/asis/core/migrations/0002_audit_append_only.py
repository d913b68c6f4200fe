from django.db import migrations


def install(apps, schema_editor):
    from asis.core import db_triggers

    db_triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from asis.core import db_triggers

    db_triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
