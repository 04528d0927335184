"""The clinic server's two PostgreSQL roles: an owner that runs the migrations and owns the tables,
and the runtime role the web app and the queue worker connect as, which owns nothing.

Only a table's owner (or a superuser) may TRUNCATE, ALTER, DISABLE TRIGGER on or DROP it, so a
runtime role that owns nothing cannot get round the audit log's triggers. It is given exactly
what the server needs: on the audit log SELECT and INSERT; on the chain's head SELECT and UPDATE
(appends lock it); on `alembic_version` SELECT; on every other table SELECT, INSERT, UPDATE and
DELETE (never TRUNCATE); the sequences; and the same on tables the owner makes later (default
privileges), so an upgrade run as the owner needs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

__all__ = ["RoleError", "RoleSetup", "check_roles", "runtime_role_problems", "set_up_runtime_role"]

# Tables the runtime role may not use as the others; every table not named has READ_WRITE.
READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"
LIMITED = {"audit_log": "SELECT, INSERT", "audit_chain": "SELECT, UPDATE", "alembic_version": "SELECT"}


class RoleError(RuntimeError):
    """The roles cannot be set up as they are; the message says why and what to run."""


@dataclass(frozen=True)
class RoleSetup:
    owner: str
    runtime: str
    created: bool  # the runtime role was made now
    tables: int  # how many tables it was given rights on


def _sql(db: Any, template: str, *args: str) -> None:
    """Run DDL built by PostgreSQL's own format() (%I an identifier, %L a literal)."""
    values = {"template": template, **{f"a{n}": arg for n, arg in enumerate(args)}}
    casts = "".join(f", CAST(:a{n} AS text)" for n in range(len(args)))
    statement = db.execute(text(f"SELECT format(CAST(:template AS text){casts})"), values).scalar_one()
    raw: Any = db.connection.driver_connection  # no placeholders read in it: a password may hold "%"
    raw.execute(statement)


def check_roles(owner: Engine, runtime: str) -> None:
    """Refuse, before anything changes, a runtime role that is the owner (whose engine this is), a
    superuser or the owner of a table, and tables that belong to neither."""
    with owner.connect() as db:
        _check(db, runtime)


def _check(db: Any, runtime: str) -> tuple[str, str, list[str], bool]:
    """The owner's name, the schema, its tables, and whether the runtime role exists."""
    me = str(db.execute(text("SELECT current_user")).scalar_one())
    schema = str(db.execute(text("SELECT current_schema()")).scalar_one())
    if runtime == me:
        raise RoleError(
            f"--database-url and --owner-url both connect as {runtime!r}: the server must connect"
            " as a role that owns no table, or it could truncate or alter the audit log;"
            " give --database-url another role, such as postgresql://glutewake@HOST/DATABASE"
        )
    found = db.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": runtime}).first()
    if found is not None and found.rolsuper:
        raise RoleError(
            f"{runtime!r} is a PostgreSQL superuser, which may do anything to the audit log;"
            " serve as an ordinary role (CREATE ROLE glutewake LOGIN PASSWORD '...')"
        )
    owners = db.execute(
        text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
        {"s": schema},
    ).all()
    theirs = [name for name, who in owners if who == runtime]
    if theirs:
        raise RoleError(
            f"the role {runtime!r} owns {len(theirs)} tables ({', '.join(theirs[:4])}"
            f"{', ...' if len(theirs) > 4 else ''}), so it could truncate or alter the audit log;"
            f" as a PostgreSQL superuser, in this database, run: REASSIGN OWNED BY {runtime} TO {me};"
            " then run this again"
        )
    others = sorted({who for _, who in owners if who != me})
    if others:
        raise RoleError(
            f"some tables belong to {', '.join(others)}, not to {me!r} (--owner-url's role):"
            f" as a PostgreSQL superuser, in this database, run: REASSIGN OWNED BY {others[0]} TO {me};"
            " or give --owner-url the role that owns them"
        )
    return me, schema, [name for name, _ in owners], found is not None


def set_up_runtime_role(owner: Engine, runtime: str, password: str | None = None) -> RoleSetup:
    """As the owner (whose engine this is), on a migrated database: make the runtime role if it is
    missing (when the owner may make roles) and give it its rights (see `check_roles` for what
    is refused)."""
    with owner.connect() as db, db.begin():
        me, schema, tables, exists = _check(db, runtime)
        if "audit_log" not in tables:
            raise RoleError(f"there is no audit_log in the schema {schema!r}: migrate the database first")
        if not exists:
            try:
                with db.begin_nested():
                    if password:
                        _sql(db, "CREATE ROLE %I LOGIN PASSWORD %L", runtime, password)
                    else:
                        _sql(db, "CREATE ROLE %I LOGIN", runtime)
            except DBAPIError:
                raise RoleError(
                    f"there is no role {runtime!r}, and {me!r} may not make one; as a PostgreSQL"
                    f" superuser run: CREATE ROLE {runtime} LOGIN PASSWORD '...'; then run this again"
                ) from None
        if not db.execute(
            text("SELECT has_schema_privilege(:r, :s, 'USAGE')"), {"r": runtime, "s": schema}
        ).scalar_one():
            _sql(db, "GRANT USAGE ON SCHEMA %I TO %I", schema, runtime)
        for table in tables:
            _sql(db, "REVOKE ALL ON TABLE %I.%I FROM %I", schema, table, runtime)
            _sql(db, f"GRANT {LIMITED.get(table, READ_WRITE)} ON TABLE %I.%I TO %I", schema, table, runtime)
        _sql(db, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I", schema, runtime)
        _sql(db, "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO %I", schema, runtime)
        _sql(db, f"ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT {READ_WRITE} ON TABLES TO %I", schema, runtime)
        _sql(
            db,
            "ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I",
            schema,
            runtime,
        )
        _sql(db, "ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT EXECUTE ON FUNCTIONS TO %I", schema, runtime)
    return RoleSetup(me, runtime, not exists, len(tables))


def runtime_role_problems(engine: Engine) -> list[str]:
    """What the role this engine connects as could do to the audit log that it should not."""
    with engine.connect() as db:
        row = db.execute(
            text(
                "SELECT current_user AS me, r.rolsuper AS superuser,"
                " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                "  AND tableowner = current_user) AS owned,"
                " has_table_privilege('audit_log', 'TRUNCATE') AS may_truncate"
                " FROM pg_roles r WHERE r.rolname = current_user"
            )
        ).one()
    problems = []
    if row.superuser:
        problems.append(f"{row.me!r} is a PostgreSQL superuser")
    elif row.owned:
        problems.append(f"{row.me!r} owns {row.owned} of glutewake's tables")
    elif row.may_truncate:
        problems.append(f"{row.me!r} may truncate the audit log")
    return problems
