"""Database triggers that make the audit table append-only, for PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

TABLE = "core_auditentry"

_PG_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION asis_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'The audit log is append-only (% refused)', TG_OP;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"DROP TRIGGER IF EXISTS asis_audit_no_update ON {TABLE};",
    f"""CREATE TRIGGER asis_audit_no_update BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION asis_audit_append_only();""",
    f"DROP TRIGGER IF EXISTS asis_audit_no_truncate ON {TABLE};",
    f"""CREATE TRIGGER asis_audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION asis_audit_append_only();""",
]
_PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS asis_audit_no_update ON {TABLE};",
    f"DROP TRIGGER IF EXISTS asis_audit_no_truncate ON {TABLE};",
]
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS asis_audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'The audit log is append-only (UPDATE refused)'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS asis_audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'The audit log is append-only (DELETE refused)'); END;""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS asis_audit_no_update;",
    "DROP TRIGGER IF EXISTS asis_audit_no_delete;",
]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection: Any) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _PG_INSTALL)
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_INSTALL)


def remove(connection: Any) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _PG_REMOVE)
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_REMOVE)
