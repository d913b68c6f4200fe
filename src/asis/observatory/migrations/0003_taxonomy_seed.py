"""Seed the societal challenges and intervention axes (five languages, SDG mapping)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from asis.observatory.taxonomy_seed import seed_taxonomies

    seed_taxonomies(apps.get_model("observatory", "Challenge"), apps.get_model("observatory", "Axis"))


def backwards(apps, schema_editor):
    from asis.observatory.taxonomy_seed import AXES, CHALLENGES

    apps.get_model("observatory", "Challenge").objects.filter(code__in=[c[0] for c in CHALLENGES]).delete()
    apps.get_model("observatory", "Axis").objects.filter(code__in=[a[0] for a in AXES]).delete()


class Migration(migrations.Migration):
    dependencies = [("observatory", "0002_fulltext")]
    operations = [migrations.RunPython(forwards, backwards)]
