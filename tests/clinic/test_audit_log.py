"""The audit log on real PostgreSQL: the serving role cannot truncate, alter or drop it; the hash
chain shows any change (`glutewake clinic audit verify`); appends at once keep one chain; and an
erased patient's name is nowhere in it."""

from __future__ import annotations

import csv
import io
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from glutewake.app.clinic.audit import shown, verify
from glutewake.cli import main
from glutewake.core.audit_chain import GENESIS, entry_hash
from glutewake.store.clinic import AuditEntry, ClinicStore
from glutewake.store.engine import connect, upgrade
from tests.clinic.conftest import BASE, PASSWORD, World, form_token, sign_in
from tests.fakes import FakeClock


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["clinic", *args])
    return result.exit_code, result.output


def _as(server: str, role: str, database: str) -> str:
    return make_url(server).set(username=role, database=database).render_as_string(hide_password=False)


@dataclass
class Roles:
    server: str  # the superuser's URL
    database: str
    owner: str
    runtime: str
    owner_url: str
    runtime_url: str


@pytest.fixture
def roles(postgres_server: str) -> Iterator[Roles]:
    """An empty database owned by an owner role that may make roles; the runtime role is not made yet."""
    suffix = uuid.uuid4().hex[:10]
    found = Roles(postgres_server, f"roles_{suffix}", f"gw_owner_{suffix}", f"gw_app_{suffix}", "", "")
    found.owner_url = _as(postgres_server, found.owner, found.database)
    found.runtime_url = _as(postgres_server, found.runtime, found.database)
    with psycopg.connect(postgres_server, autocommit=True) as su:
        su.execute(f'CREATE ROLE "{found.owner}" LOGIN CREATEROLE')
        su.execute(f'CREATE DATABASE "{found.database}" OWNER "{found.owner}"')
    yield found
    with psycopg.connect(postgres_server, autocommit=True) as su:
        su.execute(f'DROP DATABASE IF EXISTS "{found.database}" WITH (FORCE)')
        su.execute(f'DROP ROLE IF EXISTS "{found.runtime}"')
        su.execute(f'DROP ROLE IF EXISTS "{found.owner}"')


def _init(roles: Roles, tmp_path: Path, *extra: str) -> tuple[int, str]:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    return _cli("init", *extra, "--database-url", roles.runtime_url, "--name", "Riverside Physio",
                "--admin-email", "admin@riverside.example", "--admin-name", "Ada Admin",
                "--password-file", str(secret), "--base-url", "http://localhost:8000/")  # fmt: skip


@pytest.fixture
def two_roles(roles: Roles, tmp_path: Path) -> Roles:
    """`glutewake clinic init` with an owner role: it migrates, makes the runtime role and grants."""
    code, output = _init(roles, tmp_path, "--owner-url", roles.owner_url)
    assert code == 0, output
    assert f"made the role {roles.runtime!r}" in output
    assert "warning" not in output
    return roles


# Every way we know for a role that owns nothing to get rid of, or round, the log's protection.
TAMPERING = (
    "TRUNCATE audit_log",
    "TRUNCATE audit_log CASCADE",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "DROP TRIGGER audit_log_no_truncate ON audit_log",
    "UPDATE audit_log SET what = 'nothing'",
    "DELETE FROM audit_log",
    "DROP TABLE audit_log",
    "DROP TABLE audit_log CASCADE",
    "ALTER TABLE audit_log RENAME TO old_log",
    "ALTER TABLE audit_log ADD COLUMN note text",
    "ALTER TABLE audit_log OWNER TO CURRENT_USER",
    "CREATE TRIGGER quiet BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION glutewake_audit_append_only()",
    "CREATE OR REPLACE FUNCTION glutewake_audit_append_only() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN RETURN OLD; END $$",
    "DROP FUNCTION glutewake_audit_append_only() CASCADE",
    "SET session_replication_role = replica",
    "DROP SCHEMA public CASCADE",
    "TRUNCATE audit_chain",
    "DELETE FROM audit_chain",
    "INSERT INTO audit_chain (id, last_hash, entries) VALUES (2, 'x', 0)",
    "DELETE FROM alembic_version",
    "UPDATE alembic_version SET version_num = '0001'",
)


def test_the_runtime_role_can_neither_truncate_nor_alter_nor_drop_the_audit_log(two_roles: Roles) -> None:
    with psycopg.connect(two_roles.runtime_url, autocommit=True) as app:
        entries = app.execute("SELECT count(*) FROM audit_log").fetchone()
        assert entries == (1,), "init's own entry: the clinic was set up"
        # Granting itself more is no error (PostgreSQL only warns), and grants nothing: all below still fail.
        app.execute("GRANT UPDATE, DELETE, TRUNCATE, TRIGGER ON audit_log TO CURRENT_USER")
        held = []
        for statement in (*TAMPERING, f'REASSIGN OWNED BY "{two_roles.owner}" TO CURRENT_USER'):
            try:
                app.execute(statement)
            except psycopg.Error:
                held.append(statement)
        assert len(held) == len(TAMPERING) + 1, set(TAMPERING) - set(held)
        assert app.execute("SELECT count(*) FROM audit_log").fetchone() == entries
        app.execute("INSERT INTO audit_log (at, clinic_id, actor, action, what, prev_hash, hash)"
                    " VALUES (now(), 1, 'x', 'read', 'it may add', 'a', 'b')")  # fmt: skip
    engine = connect(two_roles.runtime_url, migrate=False)
    try:
        report = verify(ClinicStore(engine, FakeClock(datetime(2026, 12, 1, tzinfo=UTC))))
    finally:
        engine.dispose()
    assert [b.entry_id for b in report.breaks[:1]] == [2], "an entry added past the chain is caught"


def test_even_the_owner_cannot_truncate_the_log_while_its_trigger_stands(two_roles: Roles) -> None:
    with psycopg.connect(two_roles.owner_url, autocommit=True) as owner:
        for statement in ("TRUNCATE audit_log", "TRUNCATE audit_chain", "DELETE FROM audit_chain"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                owner.execute(statement)
        assert owner.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)


def test_the_app_serves_as_the_runtime_role_and_audits(
    two_roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glutewake.app.region import REGION_ENV
    from glutewake.identity import credentials
    from glutewake.web.clinic import create_clinic_app

    monkeypatch.setenv(REGION_ENV, "uk")
    clock = FakeClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    engine = connect(two_roles.runtime_url, migrate=False)
    store = ClinicStore(engine, clock)
    admin = store.account_by_email("admin@riverside.example")
    assert admin is not None
    cleo = store.add_account(admin.clinic_id, "clinician", "Cleo Clinician", email="cleo@riverside.example",
                             password_hash=credentials.hash_password(PASSWORD))  # fmt: skip
    pat = store.add_account(admin.clinic_id, "patient", "Pat Patient", birth_year=1980, clinicians=(cleo.id,))
    app = create_clinic_app(two_roles.runtime_url, BASE, clock=clock)  # emails through the real queue
    try:
        with TestClient(app, base_url=BASE.rstrip("/"), follow_redirects=False) as client:
            sign_in(client, store, pat)
            saved = client.post("/api/checkins", json={"pain": 2, "numbness": 3, "psfs": {"sitting": 5}})
            assert saved.status_code == 200, saved.text
            sign_in(client, store, cleo)
            assert client.get(f"/staff/patients/{pat.id}").status_code == 200
            sign_in(client, store, admin)
            token = form_token(client, "/admin")
            invited = client.post("/admin/clinicians", data={"name": "Cal Clinician",
                                  "email": "cal@riverside.example", "role": "clinician", "csrf_token": token})  # fmt: skip
            assert invited.status_code == 200, invited.text
            page = client.get("/admin/audit").text
        report = verify(store)
    finally:
        app.state.engine.dispose()
        engine.dispose()
    for shown_text in (
        "patient Pat Patient (account",
        "clinician Cleo Clinician (account",
        "invited clinician Cal",
    ):
        assert shown_text in page
    with psycopg.connect(two_roles.owner_url) as owner:
        assert owner.execute("SELECT count(*) FROM procrastinate_jobs").fetchone() == (1,), "the invitation"
    assert report.intact, report.breaks
    assert report.entries == 4  # set up, the check-in, the record read, the invitation


def test_init_says_clearly_what_to_do_when_the_roles_are_wrong(roles: Roles, tmp_path: Path) -> None:
    code, output = _init(roles, tmp_path, "--owner-url", roles.runtime_url)
    assert code == 2
    assert "both connect as" in output
    # A server set up before: the role that serves made (and so owns) the tables.
    with psycopg.connect(roles.server, autocommit=True) as su:
        su.execute(f'CREATE ROLE "{roles.runtime}" LOGIN')
        su.execute(f'ALTER DATABASE "{roles.database}" OWNER TO "{roles.runtime}"')
    code, output = _init(roles, tmp_path)
    assert code == 0, output
    assert f"warning: {roles.runtime!r} owns" in output
    code, output = _cli("grant", "--owner-url", roles.owner_url, "--database-url", roles.runtime_url)
    assert code == 2
    assert f"REASSIGN OWNED BY {roles.runtime} TO {roles.owner}" in output
    superuser = make_url(roles.server).set(database=roles.database).render_as_string(hide_password=False)
    with psycopg.connect(superuser, autocommit=True) as su:  # as the message says
        su.execute(f'REASSIGN OWNED BY "{roles.runtime}" TO "{roles.owner}"')
    code, output = _cli("grant", "--owner-url", roles.owner_url, "--database-url", roles.runtime_url)
    assert code == 0, output
    with psycopg.connect(roles.runtime_url, autocommit=True) as app:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("TRUNCATE audit_log")
        assert app.execute("SELECT count(*) FROM accounts").fetchone() == (1,)
    code, output = _cli("grant", "--owner-url", roles.owner_url, "--database-url", superuser)
    assert code == 2
    assert "is a PostgreSQL superuser" in output


# --- the hash chain --------------------------------------------------------------------------------


def _entries(world: World, n: int) -> list[int]:
    for number in range(n):
        world.store.audit(world.admin.clinic_id, world.cleo.id, f"clinician (account {world.cleo.id})",
                          "read", f"GET /staff/patients/{world.pat.id} #{number}", world.pat.id)  # fmt: skip
        world.clock.wall += timedelta(seconds=1)
    with psycopg.connect(_url(world)) as db:
        return [row[0] for row in db.execute("SELECT id FROM audit_log ORDER BY id")]


def _url(world: World) -> str:
    return world.store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _as_the_owner(world: World, *statements: str) -> None:
    with psycopg.connect(_url(world)) as db:
        db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        for statement in statements:
            db.execute(statement)
        db.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


def test_verify_passes_on_a_clean_log(world: World) -> None:
    _entries(world, 5)
    code, output = _cli("audit", "verify", "--database-url", _url(world))
    assert code == 0, output
    assert "The audit log is intact: 7 entries" in output  # the two clinics' set-up, and these


def _rehash(world: World, entry_id: int, what: str) -> str:
    """What an attacker who knows the algorithm writes: the changed entry with a hash that fits it."""
    with psycopg.connect(_url(world)) as db:
        row = db.execute("SELECT at, clinic_id, actor_id, actor, patient_id, subject_id, action, prev_hash"
                         " FROM audit_log WHERE id = %s", (entry_id,)).fetchone()  # fmt: skip
    assert row is not None
    at, clinic_id, actor_id, actor, patient_id, subject_id, action, prev = row
    own = entry_hash(prev, at, clinic_id, actor_id, actor, patient_id, subject_id, action, what)
    return f"UPDATE audit_log SET what = '{what}', hash = '{own}' WHERE id = {entry_id}"


@pytest.mark.parametrize(
    ("tamper", "broken", "says"),
    [
        ("changed", 3, "its content was changed"),
        ("changed and rehashed", 4, "does not follow the entry before it"),
        ("removed", 4, "does not follow the entry before it"),
        ("swapped", 3, "does not follow the entry before it"),
        ("newest removed", None, "the newest entries were removed"),
        ("all removed", None, "the newest entries were removed"),
    ],
)
def test_verify_names_where_the_chain_breaks(
    world: World, tamper: str, broken: int | None, says: str
) -> None:
    ids = _entries(world, 5)
    columns = "at, clinic_id, actor_id, actor, patient_id, subject_id, action, what, prev_hash, hash"
    statements = {
        "changed": [f"UPDATE audit_log SET what = 'GET /nothing' WHERE id = {ids[2]}"],
        "changed and rehashed": [_rehash(world, ids[2], "GET /nothing")],
        "removed": [f"DELETE FROM audit_log WHERE id = {ids[2]}"],
        "swapped": [  # entries 3 and 4 trade places, each whole with its hashes
            f"UPDATE audit_log a SET ({columns}) = (SELECT {columns} FROM audit_log b WHERE b.id = "
            f"CASE a.id WHEN {ids[2]} THEN {ids[3]} ELSE {ids[2]} END) WHERE a.id IN ({ids[2]}, {ids[3]})"
        ],
        "newest removed": [f"DELETE FROM audit_log WHERE id = {ids[-1]}"],
        "all removed": ["DELETE FROM audit_log"],
    }[tamper]
    _as_the_owner(world, *statements)
    code, output = _cli("audit", "verify", "--database-url", _url(world))
    assert code == 1, output
    assert "NOT intact" in output
    first = output.splitlines()[0]
    assert first.startswith("At the end" if broken is None else f"Entry {ids[broken - 1]} ("), output
    assert says in first


def test_concurrent_appends_keep_one_chain(world: World) -> None:
    threads, each = 8, 25
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def append(number: int) -> None:
        store = ClinicStore(world.store.engine, world.clock)
        start.wait()
        try:
            for n in range(each):
                store.audit(
                    world.admin.clinic_id, world.cleo.id, "clinician", "read", f"t{number} #{n}", None
                )
        except BaseException as error:
            failures.append(error)

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    report = verify(world.store)
    assert report.intact, report.breaks
    assert report.entries == 2 + threads * each
    with psycopg.connect(_url(world)) as db:
        assert db.execute("SELECT count(DISTINCT prev_hash), count(*) FROM audit_log").fetchone() == (
            report.entries,
            report.entries,
        ), "no two entries follow the same one: the chain never forked"


# --- names: looked up when read, gone with the patient -------------------------------------------


def test_after_erasure_the_audit_page_and_csv_name_nobody(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.pat)
    for pain in (2, 3):
        client.post("/api/checkins", json={"pain": pain, "numbness": 3, "psfs": {"sitting": 5}})
    sign_in(client, world.store, world.cleo)
    client.get(f"/staff/patients/{world.pat.id}")
    sign_in(client, world.store, world.admin)
    assert "patient Pat Patient (account" in client.get("/admin/audit").text, (
        "named while they have an account"
    )
    sign_in(client, world.store, world.cleo)
    token = form_token(client, f"/staff/patients/{world.pat.id}/erase")
    erased = client.post(
        f"/staff/patients/{world.pat.id}/erase", data={"name": "Pat Patient", "csrf_token": token}
    )
    assert erased.status_code == 303
    sign_in(client, world.store, world.admin)
    page = client.get("/admin/audit").text
    table = client.get("/admin/audit.csv").text
    for text in (page, table):
        assert "Pat Patient" not in text
        assert "Pat" not in text.replace("Patient", "").replace("patients", "")
        assert f"erased patient (account {world.pat.id})" in text
        assert f"clinician Cleo Clinician (account {world.cleo.id})" in text, "the living are still named"
    rows = list(csv.reader(io.StringIO(table)))
    assert any(row[3] == str(world.pat.id) and row[4] == "erased patient" for row in rows[1:])
    with psycopg.connect(_url(world)) as db:
        stored = db.execute("SELECT count(*) FROM audit_log WHERE actor || what LIKE '%Pat%'").fetchone()
    assert stored == (0,), "no name in the log itself either"
    assert verify(world.store).intact


def _entry(**values: Any) -> AuditEntry:
    fields: dict[str, Any] = {"at": datetime(2026, 12, 1, tzinfo=UTC), "actor": "clinician (account 3)",
                              "patient_id": None, "patient": None, "action": "change", "what": "",
                              "actor_id": 3, "actor_name": "Cleo Clinician"}  # fmt: skip
    return AuditEntry(**{**fields, **values})


def test_only_the_accounts_an_entry_is_about_are_named() -> None:
    typed = _entry(what="saved the programme template 'admin (account 1)'")
    assert shown(typed).what == typed.what, "a typed text names nobody"
    removed = shown(_entry(what="removed clinician (account 9)", subject_id=9, subject_name="Cal Clinician"))
    assert removed.what == "removed clinician Cal Clinician (account 9)"
    assert removed.actor == "clinician Cleo Clinician (account 3)"
    gone = shown(_entry(actor="patient (account 7)", actor_id=7, actor_name=None, patient_id=7))
    assert (gone.actor, gone.patient) == ("erased patient (account 7)", "erased patient")


# --- migration 0009 ------------------------------------------------------------------------------


def test_0009_writes_the_names_out_of_earlier_entries_and_chains_them(postgres_server: str) -> None:
    name = f"old_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as su:
        su.execute(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    engine = connect(url, migrate=False)
    try:
        upgrade(engine, "0008")
        at = datetime(2026, 11, 1, 9, 0)
        with psycopg.connect(url) as db:
            db.execute("INSERT INTO clinics (id, name, created_at) VALUES (1, 'Riverside', %s)", (at,))
            db.execute("INSERT INTO people (id, created_at, kind, display_name) VALUES (5, %s, 'patient', 'Alice Patient')", (at,))  # fmt: skip
            for number, role, who, email, person in ((1, "admin", "Ada Admin", "ada@r.example", None),
                                                     (2, "clinician", "Cal Clinician", "cal@r.example", None),
                                                     (7, "patient", "Alice Patient", None, 5)):  # fmt: skip
                db.execute("INSERT INTO accounts (id, clinic_id, role, person_id, email, display_name, created_at)"
                           " VALUES (%s, 1, %s, %s, %s, %s, %s)", (number, role, person, email, who, at))  # fmt: skip
            old = [
                (1, "admin Ada Admin (account 1)", None, "staff", "set up the clinic"),
                (1, "admin Ada Admin (account 1)", None, "staff", "invited clinician Cal Clinician <cal@r.example>"),
                (7, "patient Alice Patient (account 7)", 7, "sign-in", "signed in"),
                (7, "patient Alice Patient (account 7)", 7, "change", "POST /api/checkins"),
                (0, "admin the server's command line (account 0)", 7, "read", "exported the record as FHIR"),
                (1, "admin Ada Admin (account 1)", None, "staff", "reset the second factor of Cal Clinician (account 2)"),
                (1, "admin Ada Admin (account 1)", None, "staff", "removed clinician Cal Clinician (account 2)"),
            ]  # fmt: skip
            for actor_id, actor, patient_id, action, what in old:
                db.execute("INSERT INTO audit_log (at, clinic_id, actor_id, actor, patient_id, action, what)"
                           " VALUES (%s, 1, %s, %s, %s, %s, %s)", (at, actor_id, actor, patient_id, action, what))  # fmt: skip
        upgrade(engine)
        with psycopg.connect(url) as db:
            rows = db.execute(
                "SELECT actor, what, subject_id, prev_hash FROM audit_log ORDER BY id"
            ).fetchall()
            db.execute("DELETE FROM people WHERE id = 5")  # Alice is erased
        assert [row[:3] for row in rows] == [
            ("admin (account 1)", "set up the clinic", None),
            ("admin (account 1)", "invited clinician (account 2)", 2),
            ("patient (account 7)", "signed in", None),
            ("patient (account 7)", "POST /api/checkins", None),
            ("the server's command line", "exported the record as FHIR", None),
            ("admin (account 1)", "reset the second factor of clinician (account 2)", 2),
            ("admin (account 1)", "removed clinician (account 2)", 2),
        ]
        assert rows[0][3] == GENESIS
        store = ClinicStore(engine, FakeClock(datetime(2026, 12, 1, tzinfo=UTC)))
        store.audit(1, 1, "admin (account 1)", "staff", "after the upgrade")
        report = verify(store)
        assert report.intact, report.breaks
        assert report.entries == len(old) + 1
        lines = [shown(e) for e in store.audit_entries(1, limit=None)]
        assert not any("Alice" in f"{line.actor}{line.patient}{line.what}" for line in lines)
        assert "erased patient (account 7)" in {line.actor for line in lines}
        assert "removed clinician Cal Clinician (account 2)" in {line.what for line in lines}
    finally:
        engine.dispose()
        with psycopg.connect(postgres_server, autocommit=True) as su:
            su.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_upgrade_as_the_runtime_role_says_to_use_the_owner(two_roles: Roles) -> None:
    """The runtime role may not change the schema: `db upgrade` with its URL says in one line
    which role to use, and changes nothing."""
    with psycopg.connect(two_roles.owner_url, autocommit=True) as owner:
        (head,) = owner.execute("SELECT version_num FROM alembic_version").fetchone() or ("",)
        owner.execute("UPDATE alembic_version SET version_num = '0008'")  # as if 0009 were still due
    result = CliRunner().invoke(main, ["--database-url", two_roles.runtime_url, "db", "upgrade"])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "the database role may not do this" in message
    assert "glutewake --database-url OWNER_URL db upgrade" in message
    assert "Traceback" not in result.output
    with psycopg.connect(two_roles.owner_url, autocommit=True) as owner:
        assert owner.execute("SELECT version_num FROM alembic_version").fetchone() == ("0008",)
        owner.execute("UPDATE alembic_version SET version_num = %s", (head,))
