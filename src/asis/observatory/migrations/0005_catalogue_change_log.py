"""A catalogue version and change log written by database triggers (ADR 0004).

Every statement that writes an initiative, its regions, challenges, axes, organisations or search
documents bumps ``observatory_catalogueversion.version`` and records the initiatives it touched,
in the same transaction, whatever wrote it (services, imports, admin, bulk updates, raw SQL). A
relabelling of an organisation's type, a challenge's or axis's code or a region's code/country
records every initiative linked to it.

PostgreSQL: a BEFORE STATEMENT trigger bumps the counter first (taking the row's lock before any
row of the statement is locked, so writers always queue on it in the same order, and versions
become visible in commit order); an AFTER STATEMENT trigger logs the touched ids from the
transition tables (one row per initiative and statement, not per row). SQLite (one writer at a
time) has row triggers only.
"""

from django.db import migrations, models

# (table, column holding the initiative id)
TRACKED = [
    ("observatory_initiative", "id"),
    ("observatory_initiative_regions", "initiative_id"),
    ("observatory_initiative_challenges", "initiative_id"),
    ("observatory_initiative_axes", "initiative_id"),
    ("observatory_initiativeorganisation", "initiative_id"),
    ("observatory_initiativesearch", "initiative_id"),
]
# (table, watched columns, link table, link column): a relabelling touches every linked initiative
RELABELLED = [
    ("accounts_organisation", ("type",), "observatory_initiativeorganisation", "organisation_id"),
    ("observatory_challenge", ("code",), "observatory_initiative_challenges", "challenge_id"),
    ("observatory_axis", ("code",), "observatory_initiative_axes", "axis_id"),
    ("regions_region", ("code", "country"), "observatory_initiative_regions", "region_id"),
]
BUMP = ("INSERT INTO observatory_catalogueversion (id, version, pruned_through) VALUES (1, 1, 0) "
        "ON CONFLICT (id) DO UPDATE SET version = observatory_catalogueversion.version + 1")

PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION observatory_catalogue_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP};
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION observatory_catalogue_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  SELECT version INTO v FROM observatory_catalogueversion WHERE id = 1;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO observatory_cataloguechange (version, initiative_id) '
                   'SELECT DISTINCT $1, %I FROM new_rows', TG_ARGV[0]) USING v;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE format('INSERT INTO observatory_cataloguechange (version, initiative_id) '
                   'SELECT DISTINCT $1, o.%I FROM old_rows o', TG_ARGV[0]) USING v;
  END IF;
  RETURN NULL;
END $$;

-- TG_ARGV: link table, link column, watched columns...
CREATE OR REPLACE FUNCTION observatory_catalogue_relabel() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint; changed boolean; cond text := 'false'; i int;
BEGIN
  FOR i IN 2 .. TG_NARGS - 1 LOOP
    cond := cond || format(' OR n.%1$I IS DISTINCT FROM o.%1$I', TG_ARGV[i]);
  END LOOP;
  EXECUTE 'SELECT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON n.id = o.id WHERE ' || cond || ')'
    INTO changed;
  IF changed THEN
    {BUMP} RETURNING version INTO v;
    EXECUTE format('INSERT INTO observatory_cataloguechange (version, initiative_id) '
                   'SELECT DISTINCT $1, l.initiative_id FROM %I l JOIN new_rows n ON l.%I = n.id '
                   'JOIN old_rows o ON n.id = o.id WHERE ' || cond, TG_ARGV[0], TG_ARGV[1]) USING v;
  END IF;
  RETURN NULL;
END $$;
"""


def _pg_triggers() -> list[str]:
    sql = [PG_FUNCTIONS]
    for table, column in TRACKED:
        sql.append(f"CREATE TRIGGER {table}_cat_bump BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION observatory_catalogue_bump()")
        for event, refs in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                            ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows")):
            sql.append(f"CREATE TRIGGER {table}_cat_{event.lower()} AFTER {event} ON {table} "
                       f"REFERENCING {refs} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION observatory_catalogue_log('{column}')")
    for table, columns, link, link_column in RELABELLED:
        args = ", ".join(f"'{a}'" for a in (link, link_column, *columns))
        sql.append(f"CREATE TRIGGER {table}_cat_relabel AFTER UPDATE ON {table} "
                   "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION observatory_catalogue_relabel({args})")
    return sql


def _sqlite_log(ref: str) -> str:
    return (f"{BUMP.replace('observatory_catalogueversion.version + 1', 'version + 1')}; "
            "INSERT INTO observatory_cataloguechange (version, initiative_id) "
            f"SELECT version, {ref} FROM observatory_catalogueversion WHERE id = 1;")


def _sqlite_triggers() -> list[str]:
    sql = []
    for table, column in TRACKED:
        for event, ref in (("INSERT", "NEW"), ("DELETE", "OLD"), ("UPDATE", "NEW")):
            sql.append(f"CREATE TRIGGER {table}_cat_{event.lower()} AFTER {event} ON {table} "
                       f"BEGIN {_sqlite_log(f'{ref}.{column}')} END")
    for table, columns, link, link_column in RELABELLED:
        when = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        bump = BUMP.replace("observatory_catalogueversion.version + 1", "version + 1")
        sql.append(f"CREATE TRIGGER {table}_cat_relabel AFTER UPDATE ON {table} FOR EACH ROW WHEN {when} "
                   f"BEGIN {bump}; INSERT INTO observatory_cataloguechange (version, initiative_id) "
                   f"SELECT v.version, l.initiative_id FROM {link} l, observatory_catalogueversion v "
                   f"WHERE v.id = 1 AND l.{link_column} = NEW.id; END")
    return sql


def _names() -> list[tuple[str, str]]:
    names = [(f"{t}_cat_{e}", t) for t, _c in TRACKED for e in ("bump", "insert", "delete", "update")]
    return names + [(f"{t}_cat_relabel", t) for t, *_rest in RELABELLED]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = _pg_triggers() if vendor == "postgresql" else _sqlite_triggers() if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)
    apps.get_model("observatory", "CatalogueVersion").objects.get_or_create(pk=1)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table in _names():
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        elif vendor == "sqlite" and not name.endswith("_bump"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    if vendor == "postgresql":
        for function in ("bump", "log", "relabel"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS observatory_catalogue_{function}()")


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0004_initiative_safe_links"),
        ("accounts", "0002_organisation_moderation_reason_organisation_status_and_more"),
        ("regions", "0002_load_regions"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
                ("pruned_through", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="CatalogueChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(db_index=True)),
                ("initiative_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
