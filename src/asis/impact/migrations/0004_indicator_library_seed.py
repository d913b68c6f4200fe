"""Seed the indicator library: ESF+ common indicators, a subset of SDG indicators and the ASIS
challenge indicators, in five languages (see asis.impact.library_seed)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from asis.impact.library_seed import seed_library

    seed_library(apps.get_model("impact", "Indicator"), apps.get_model("observatory", "Challenge"))


def backwards(apps, schema_editor):
    from asis.impact.library_seed import INDICATORS

    apps.get_model("impact", "Indicator").objects.filter(code__in=[spec[0] for spec in INDICATORS],
                                                         uses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("impact", "0003_report_reminders"), ("observatory", "0003_taxonomy_seed")]
    operations = [migrations.RunPython(forwards, backwards)]
