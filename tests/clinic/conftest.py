"""A clinic on a real PostgreSQL database: two clinics, their staff and patients, an outbox that
keeps what it was given, a fake clock, and clients signed in as any of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from glutewake.app.clinic.accounts import Clinic, set_up_clinic
from glutewake.app.clinic.mail import Email
from glutewake.identity import credentials
from glutewake.store.clinic import Account, ClinicStore
from tests.fakes import FakeClock

BASE = "http://testserver/"
PASSWORD = "three random words here"


@dataclass
class Outbox:
    sent: list[Email] = field(default_factory=list)

    def send(self, email: Email) -> None:
        self.sent.append(email)

    def link(self, to: str) -> str:
        """The link in the newest email to `to`."""
        email = next(e for e in reversed(self.sent) if e.to == to)
        found = re.search(r"https?://\S+", email.body)
        assert found is not None, email.body
        return found.group(0)


@pytest.fixture(autouse=True)
def _leaks_found_where_made() -> Iterator[None]:
    """Whatever a test leaves open (a connection, a socket) is collected at its own end, so the
    warning fails that test, not whichever later test the collector happened to run in."""
    import gc

    yield
    gc.collect()


@pytest.fixture(scope="session")
def _schema_template(postgres_server: str) -> Iterator[str]:
    """A database with glutewake's schema, migrated once for the run, that `clinic_db` copies."""
    from glutewake.store.engine import connect
    from tests.pg_cluster import create_database, drop_database

    url = create_database(postgres_server, "template_schema")
    connect(url).dispose()  # nothing may stay connected to a database that is copied
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def _world_template(postgres_server: str, _schema_template: str) -> Iterator[str]:
    """`_schema_template` with the `World` set up in it, once for the run (its five staff
    passwords take argon2 half a second to hash), for `clinic_db` to copy when a test uses `world`."""
    from glutewake.store.engine import connect
    from tests.pg_cluster import create_database, drop_database

    url = create_database(postgres_server, "template_world", _schema_template)
    engine = connect(url, migrate=False)
    try:
        built = _set_up_world(ClinicStore(engine, _start_clock()), Outbox())
        assert _world_in(built.store, built.outbox, built.clock) == built, "the world reads back as made"
        assert built.outbox.sent == [], "setting up the world sends no email (a copy of it has none either)"
    finally:
        engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture
def clinic_db(postgres_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database with glutewake's schema: a copy of a template migrated once for the
    run; for a test that uses `world`, with the world in it (as `world` would have set it up)."""
    from tests.pg_cluster import create_database, drop_database

    template = "_world_template" if "world" in request.fixturenames else "_schema_template"
    url = create_database(postgres_server, "clinic", request.getfixturevalue(template))
    yield url
    drop_database(url)


def _start_clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def clock() -> FakeClock:
    return _start_clock()


@dataclass
class World:
    """Clinic A: admin, clinicians Cleo (patient Pat) and Cal (patient Peg); clinic B: its admin,
    clinician Bea and patient Bob."""

    store: ClinicStore
    clinic: Clinic
    outbox: Outbox
    clock: FakeClock
    admin: Account
    cleo: Account
    cal: Account
    pat: Account
    peg: Account
    b_admin: Account
    bea: Account
    bob: Account


WORLD_EMAILS = {
    "admin": "admin@riverside.example",
    "cleo": "cleo@riverside.example",
    "cal": "cal@riverside.example",
    "pat": "pat@example.org",
    "peg": "peg@example.org",
    "b_admin": "admin@hilltop.example",
    "bea": "bea@hilltop.example",
    "bob": "bob@example.org",
}


def _set_up_world(store: ClinicStore, outbox: Outbox) -> World:
    """Set up the two clinics, their staff and patients, in `store` (on its clock)."""
    clinic = Clinic(store, outbox, BASE)
    admin = set_up_clinic(clinic, "Riverside Physio", "admin@riverside.example", "Ada Admin", PASSWORD)
    b_admin = set_up_clinic(clinic, "Hilltop Clinic", "admin@hilltop.example", "Bo Admin", PASSWORD)

    def staff(clinic_id: int, name: str, email: str) -> Account:
        return store.add_account(
            clinic_id, "clinician", name, email=email, password_hash=credentials.hash_password(PASSWORD)
        )

    cleo = staff(admin.clinic_id, "Cleo Clinician", "cleo@riverside.example")
    cal = staff(admin.clinic_id, "Cal Clinician", "cal@riverside.example")
    bea = staff(b_admin.clinic_id, "Bea Clinician", "bea@hilltop.example")

    def patient(clinician: Account, name: str, email: str) -> Account:
        return store.add_account(
            clinician.clinic_id, "patient", name, email=email, birth_year=1980, clinicians=(clinician.id,)
        )

    assert isinstance(store.clock, FakeClock)
    return World(
        store,
        clinic,
        outbox,
        store.clock,
        admin,
        cleo,
        cal,
        patient(cleo, "Pat Patient", "pat@example.org"),
        patient(cal, "Peg Patient", "peg@example.org"),
        b_admin,
        bea,
        patient(bea, "Bob Patient", "bob@example.org"),
    )


def _world_in(store: ClinicStore, outbox: Outbox, clock: FakeClock) -> World:
    """The `World` already set up in `store`'s database (a copy of `_world_template`)."""

    def account(key: str) -> Account:
        found = store.account_by_email(WORLD_EMAILS[key])
        assert found is not None, f"{WORLD_EMAILS[key]} is not in this database"
        return found

    return World(
        store, Clinic(store, outbox, BASE), outbox, clock, **{key: account(key) for key in WORLD_EMAILS}
    )


@pytest.fixture
def world(clinic_db: str, clock: FakeClock) -> Iterator[World]:
    """The world in `clinic_db` (a copy of the one set up once for the run), on this test's clock
    and with an empty outbox."""
    from glutewake.store.engine import connect

    engine = connect(clinic_db, migrate=False)
    yield _world_in(ClinicStore(engine, clock), Outbox(), clock)
    engine.dispose()


@pytest.fixture
def app(clinic_db: str, world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from glutewake.app.region import REGION_ENV
    from glutewake.web.clinic import create_clinic_app

    monkeypatch.setenv(REGION_ENV, "uk")  # as `glutewake clinic serve --region uk` sets it
    app = create_clinic_app(clinic_db, BASE, clock=world.clock, outbox=world.outbox)
    yield app
    app.state.engine.dispose()  # also when no client ran the app's lifespan


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE.rstrip("/"), follow_redirects=False) as test_client:
        yield test_client


def sign_in(client: TestClient, store: ClinicStore, account: Account | None) -> TestClient:
    """Make `client` signed in as `account` (a full session, as after every step), or signed out."""
    client.cookies.clear()
    if account is not None:
        cookie = credentials.new_token()
        store.start_session(credentials.digest(cookie), account.id, "full", "test browser")
        client.cookies.set("glutewake_clinic", cookie)
    return client


def form_token(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None, f"no form token on {path}"
    return found.group(1)


@pytest.fixture
def mailbox() -> Iterator[tuple[Any, int]]:
    """A real SMTP server on this machine (aiosmtpd) and its port; what it received."""
    from aiosmtpd.controller import Controller

    from tests.clinic.serving import Mailbox, free_port

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def server_db(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (for `glutewake clinic init` to set up)."""
    from tests.pg_cluster import create_database, drop_database

    url = create_database(postgres_server, "server")
    yield url
    drop_database(url)
