"""PostgreSQL roles: an owner that runs migrations, and an application role that cannot touch the
audit log's history.

Only a table's owner (or a superuser) may ALTER it, drop or disable its triggers. The
application therefore logs in as a role that owns nothing: it reads and writes the ordinary
tables, may only SELECT and INSERT the audit table, and cannot lift the append-only triggers.
"""

from __future__ import annotations

import re

from asis.core.db_triggers import TABLE as AUDIT_TABLE

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    # Role and database names end up in SQL that a superuser runs: accept plain identifiers only.
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a plain PostgreSQL identifier (a-z, 0-9, _)")
    return name


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _default_privileges(app: str, owner: str | None) -> list[str]:
    for_role = f"FOR ROLE {owner} " if owner else ""
    return [
        f"ALTER DEFAULT PRIVILEGES {for_role}IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};",
        f"ALTER DEFAULT PRIVILEGES {for_role}IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app};",
    ]


def db_grants_sql(*, app: str) -> list[str]:
    """What ``app`` may do on the tables of the role that runs these statements (the owner).

    Idempotent; run after every ``asis migrate``, as the owner, so that tables created by a
    migration are usable by the app and the audit table stays append-only for it.
    """
    app = _ident(app)
    return [
        f"GRANT USAGE ON SCHEMA public TO {app};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};",
        *_default_privileges(app, None),
        # The audit log: read and append only. The triggers refuse the rest as well; without
        # these privileges the app cannot even try, and as it owns nothing it cannot lift them.
        f"REVOKE ALL ON {AUDIT_TABLE} FROM PUBLIC;",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {app};",
    ]


def db_roles_sql(*, database: str, owner: str, app: str, owner_password: str, app_password: str) -> str:
    """The one-off setup a PostgreSQL superuser runs before the first migration."""
    database, owner, app = _ident(database), _ident(owner), _ident(app)
    lines = [
        "-- Run once as a PostgreSQL superuser: sudo -u postgres psql -v ON_ERROR_STOP=1 -f roles.sql",
        f"CREATE ROLE {owner} LOGIN PASSWORD {_literal(owner_password)};",
        f"CREATE ROLE {app} LOGIN PASSWORD {_literal(app_password)} NOSUPERUSER NOCREATEDB NOCREATEROLE;",
        f"CREATE DATABASE {database} OWNER {owner};",
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC;",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {app};",
        f"\\connect {database}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {owner};",
        f"GRANT USAGE ON SCHEMA public TO {app};",
        *_default_privileges(app, owner),
        "-- Then, with ASIS_DATABASE_URL set to the owner: asis migrate && "
        f"asis db-roles --grants --app {app} --apply",
        "-- The application itself runs with ASIS_DATABASE_URL set to the app role.",
    ]
    return "\n".join(lines) + "\n"
