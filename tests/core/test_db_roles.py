"""The application's PostgreSQL role cannot lift the audit log's protection; the owner can.

Runs against the real PostgreSQL: the test creates a restricted login role with the grants that
``asis db-roles --grants`` applies and attacks the audit table with it (scripts/postgres gives
the test role CREATEROLE for this).
"""

from __future__ import annotations

import os
import secrets

import psycopg
import pytest
from django.db import connection

from asis.cli import main
from asis.core.db_roles import db_grants_sql, db_roles_sql

pytestmark = pytest.mark.postgres


def _connect(**overrides):
    db = connection.settings_dict
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "dbname": db["NAME"],
              "user": db["USER"], "password": db["PASSWORD"], "options": "-c lock_timeout=20000", **overrides}
    return psycopg.connect(autocommit=True, **params)


def _revoke_and_drop(owner, name):
    # DROP OWNED BY needs membership in the role; revoking what was granted does not.
    for statement in (
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}",
        f"REVOKE ALL ON SCHEMA public FROM {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {name}",
        f"DROP ROLE {name}",
    ):
        owner.execute(statement)


@pytest.fixture
def app_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    name, password = f"asis_app_test_{os.getpid()}", secrets.token_urlsafe(16)
    with _connect() as owner:
        owner.execute(f"DROP ROLE IF EXISTS {name}")
        owner.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        for statement in db_grants_sql(app=name):
            owner.execute(statement)
        try:
            with _connect(user=name, password=password) as app:
                yield owner, app, name
        finally:
            owner.execute(f"DROP TABLE IF EXISTS audit_probe_{os.getpid()}")
            _revoke_and_drop(owner, name)


@pytest.mark.parametrize("sql", [
    "ALTER TABLE core_auditentry DISABLE TRIGGER asis_audit_no_update",
    "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER asis_audit_no_update ON core_auditentry",
    "SET session_replication_role = replica",  # would skip every trigger
    "UPDATE core_auditentry SET action = 'asis.forged'",
    "DELETE FROM core_auditentry",
    "TRUNCATE core_auditentry",
    "DROP TABLE core_auditentry",
])
def test_app_role_cannot_touch_the_audit_history(app_role, sql):
    _, app, _ = app_role
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(sql)


def test_app_role_reads_and_appends_and_uses_the_other_tables(app_role):
    owner, app, name = app_role
    privileges = {
        (table, privilege): app.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, privilege]).fetchone()[0]
        for table in ("core_auditentry", "core_job")
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
    }
    assert [k for k, allowed in privileges.items() if allowed] == [
        ("core_auditentry", "SELECT"), ("core_auditentry", "INSERT"),
        ("core_job", "SELECT"), ("core_job", "INSERT"), ("core_job", "UPDATE"), ("core_job", "DELETE"),
    ]
    assert app.execute("SELECT count(*) FROM core_auditentry").fetchone()[0] == 0
    # Default privileges: a table a later migration creates is usable by the app too.
    owner.execute(f"CREATE TABLE audit_probe_{os.getpid()} (id serial primary key, note text)")
    app.execute(f"INSERT INTO audit_probe_{os.getpid()} (note) VALUES ('ok')")
    assert app.execute(f"SELECT note FROM audit_probe_{os.getpid()}").fetchone()[0] == "ok"


def test_owner_keeps_control_for_migrations(app_role):
    owner, _, _ = app_role
    owner.execute("BEGIN")
    owner.execute("ALTER TABLE core_auditentry DISABLE TRIGGER asis_audit_no_update")
    owner.execute("ROLLBACK")


@pytest.mark.django_db(transaction=True)
def test_db_roles_command_applies_the_grants(capsys):
    # Transactional: the command's GRANTs must commit before another connection revokes them.
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    name = f"asis_app_cli_{os.getpid()}"
    with _connect() as owner:
        owner.execute(f"CREATE ROLE {name} NOLOGIN")
        try:
            assert main(["db-roles", "--grants", "--app", name, "--apply"]) == 0
            allowed = owner.execute(
                "SELECT has_table_privilege(%s, 'core_auditentry', 'INSERT'),"
                " has_table_privilege(%s, 'core_auditentry', 'UPDATE')", [name, name]).fetchone()
            assert allowed == (True, False)
        finally:
            _revoke_and_drop(owner, name)
    assert f"Grants for {name} applied" in capsys.readouterr().out


def test_setup_sql_names_both_roles():
    sql = db_roles_sql(database="asis", owner="asis_owner", app="asis_app", owner_password="o'x", app_password="a")
    assert "CREATE ROLE asis_owner LOGIN PASSWORD 'o''x';" in sql
    assert "CREATE DATABASE asis OWNER asis_owner;" in sql
    assert "ALTER DEFAULT PRIVILEGES FOR ROLE asis_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE" in sql
    with pytest.raises(ValueError, match="identifier"):
        db_grants_sql(app="app; DROP TABLE x")
