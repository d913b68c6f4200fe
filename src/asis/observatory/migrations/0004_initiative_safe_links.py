"""Initiative links that are not http(s) addresses (``javascript:``, ``data:``, ...: the API
accepted them before it shared the link rule of the web form, asis.core.links) are removed from
stored initiatives, so that the API and the open-data exports never publish them; one audit entry
lists what was removed."""

from django.db import migrations


def _url(entry):
    return entry.get("url") if isinstance(entry, dict) else entry


def remove_unsafe_links(apps, schema_editor):
    from asis.core.audit import audit_record
    from asis.core.links import is_safe_link

    Initiative = apps.get_model("observatory", "Initiative")
    removed = {}
    for initiative in Initiative.objects.exclude(links=[]).only("pk", "links").iterator():
        links = initiative.links if isinstance(initiative.links, list) else []
        keep = [entry for entry in links if is_safe_link(_url(entry))]
        if keep != initiative.links:
            removed[str(initiative.pk)] = [entry for entry in links if entry not in keep] or initiative.links
            Initiative.objects.filter(pk=initiative.pk).update(links=keep)
    if removed:
        audit_record(action="asis.observatory.unsafe_links_removed", before={"links": removed},
                     after={"initiatives": sorted(removed, key=int)})


class Migration(migrations.Migration):

    dependencies = [
        ("observatory", "0003_taxonomy_seed"),
        ("core", "__latest__"),  # the data step writes through the live audit_record
    ]

    operations = [
        migrations.RunPython(remove_unsafe_links, migrations.RunPython.noop),
    ]
