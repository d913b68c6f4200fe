"""A catalogue version and change log written by database triggers (ADR 0004).

Every statement that writes an initiative, its regions, challenges, axes, organisations or search
documents bumps ``observatory_catalogueversion.version`` and records the initiatives it touched,
in the same transaction, whatever wrote it (services, imports, admin, bulk updates, raw SQL). A
relabelling of an organisation's type, a challenge's or axis's code or a region's code/country
records every initiative linked to it.

PostgreSQL: an AFTER STATEMENT trigger logs the touched ids from the transition tables (one row
per initiative and statement, not per row) with version NULL, and files the transaction in
``observatory_cataloguepending``. A deferred constraint trigger on that table runs at commit, once
per transaction: it bumps the counter and stamps the transaction's rows with the new version. The
counter's row lock is taken there, so concurrent writers only queue for the moment between that
trigger and their commit (never for a whole import), and versions still become visible in commit
order. Only the writing transaction can see its NULL rows (MVCC), so the stamp needs no
transaction id on them, and a rollback (or a rolled-back savepoint) takes them away. SQLite (one
writer at a time) has row triggers that write the version at once.
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

PENDING = "observatory_cataloguepending"
STAMP = "observatory_catalogue_stamp"  # the constraint trigger: SET CONSTRAINTS can name it

PG_FUNCTIONS = f"""
CREATE TABLE {PENDING} (txid bigint PRIMARY KEY);

-- Files this transaction for its stamp at commit (a no-op when it already is).
CREATE OR REPLACE FUNCTION observatory_catalogue_pending() RETURNS void LANGUAGE sql AS $$
  INSERT INTO {PENDING} (txid) VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT (txid) DO NOTHING
$$;

-- At commit (deferred): the only place that takes the counter's row lock.
CREATE OR REPLACE FUNCTION observatory_catalogue_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  {BUMP} RETURNING version INTO v;
  -- NULL rows of other transactions are invisible here (uncommitted) or do not exist (stamped
  -- before their commit): these are this transaction's.
  UPDATE observatory_cataloguechange SET version = v WHERE version IS NULL;
  DELETE FROM {PENDING} WHERE txid = NEW.txid;  -- a later write in this transaction files it again
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION observatory_catalogue_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n bigint; logged bigint := 0;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO observatory_cataloguechange (version, initiative_id) '
                   'SELECT DISTINCT NULL::bigint, %I FROM new_rows', TG_ARGV[0]);
    GET DIAGNOSTICS n = ROW_COUNT;
    logged := logged + n;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE format('INSERT INTO observatory_cataloguechange (version, initiative_id) '
                   'SELECT DISTINCT NULL::bigint, o.%I FROM old_rows o', TG_ARGV[0]);
    GET DIAGNOSTICS n = ROW_COUNT;
    logged := logged + n;
  END IF;
  IF logged > 0 THEN
    PERFORM observatory_catalogue_pending();
  END IF;
  RETURN NULL;
END $$;

-- TG_ARGV: link table, link column, watched columns...
CREATE OR REPLACE FUNCTION observatory_catalogue_relabel() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n bigint; cond text := 'false'; i int;
BEGIN
  FOR i IN 2 .. TG_NARGS - 1 LOOP
    cond := cond || format(' OR n.%1$I IS DISTINCT FROM o.%1$I', TG_ARGV[i]);
  END LOOP;
  EXECUTE format('INSERT INTO observatory_cataloguechange (version, initiative_id) '
                 'SELECT DISTINCT NULL::bigint, l.initiative_id FROM %I l JOIN new_rows n ON l.%I = n.id '
                 'JOIN old_rows o ON n.id = o.id WHERE ' || cond, TG_ARGV[0], TG_ARGV[1]);
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    PERFORM observatory_catalogue_pending();
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER {STAMP} AFTER INSERT ON {PENDING}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION observatory_catalogue_stamp();
"""  # nosec B608  # DDL made only of this module's constants; no input reaches it


def _pg_triggers() -> list[str]:
    sql = [PG_FUNCTIONS]
    for table, column in TRACKED:
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
            f"SELECT version, {ref} FROM observatory_catalogueversion WHERE id = 1;")  # nosec B608  # trigger DDL from this module's constants


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
                   f"WHERE v.id = 1 AND l.{link_column} = NEW.id; END")  # nosec B608  # trigger DDL from this module's constants
    return sql


def _names() -> list[tuple[str, str]]:
    names = [(f"{t}_cat_{e}", t) for t, _c in TRACKED for e in ("insert", "delete", "update")]
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
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {PENDING}")  # with its constraint trigger
        for function in ("stamp", "log", "relabel"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS observatory_catalogue_{function}()")
        schema_editor.execute("DROP FUNCTION IF EXISTS observatory_catalogue_pending()")


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
                ("version", models.BigIntegerField(db_index=True, null=True)),
                ("initiative_id", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(condition=models.Q(("version__isnull", True)), fields=["id"],
                                         name="obs_catchange_unstamped")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
