"""Organisation websites: only http(s) links (asis.core.links), and stored ones that are not
blanked, with one audit entry listing them (they could come in through imports and the admin,
whose URL check also accepted ftp:// and similar addresses)."""

from django.db import migrations, models

import asis.core.links


def blank_unsafe_websites(apps, schema_editor):
    from asis.core.audit import audit_record
    from asis.core.links import is_safe_link

    Organisation = apps.get_model("accounts", "Organisation")
    removed = {str(o.pk): o.website for o in Organisation.objects.exclude(website="").only("pk", "website")
               if not is_safe_link(o.website)}
    if not removed:
        return
    Organisation.objects.filter(pk__in=[int(pk) for pk in removed]).update(website="")
    audit_record(action="asis.accounts.unsafe_websites_removed", before={"websites": removed},
                 after={"websites": dict.fromkeys(removed, "")})


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_recovery_code"),
        ("core", "__latest__"),  # the data step writes through the live audit_record
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="website",
            field=models.URLField(blank=True, validators=[asis.core.links.LinkValidator()], verbose_name="website"),
        ),
        migrations.RunPython(blank_unsafe_websites, migrations.RunPython.noop),
    ]
