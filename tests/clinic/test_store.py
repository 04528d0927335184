"""The clinic's accounts, links, attempts and audit log, on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from glutewake.store.clinic import EmailTaken
from tests.clinic.conftest import World


def test_a_link_works_once_even_when_two_workers_use_it_at_once(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    world.store.add_token("t" * 64, world.pat.id, "signin", timedelta(minutes=15))
    assert world.store.use_token("t" * 64, "invite") is None, "a link is for one purpose"
    with ThreadPoolExecutor(8) as pool:
        used = list(pool.map(lambda _: world.store.use_token("t" * 64, "signin"), range(8)))
    assert used.count(world.pat.id) == 1
    assert used.count(None) == 7


def test_a_clinician_cares_only_for_their_own_patients_of_their_own_clinic(world: World) -> None:
    store = world.store
    assert store.cares_for(world.cleo.id, world.pat.id)
    assert not store.cares_for(world.cleo.id, world.peg.id)
    assert not store.cares_for(world.bea.id, world.pat.id)
    assert not store.cares_for(world.pat.id, world.pat.id)
    # A care row across clinics (which no use case makes) still gives no access.
    with store.engine.begin() as db:
        db.execute(text("INSERT INTO care VALUES (:p, :c, now())"), {"p": world.bob.id, "c": world.cleo.id})
    assert not store.cares_for(world.cleo.id, world.bob.id)
    store.remove_account(world.cleo.id)
    assert not store.cares_for(world.cleo.id, world.pat.id), "a removed clinician cares for nobody"


def test_one_account_per_email_address(world: World) -> None:
    with pytest.raises(EmailTaken):
        world.store.add_account(world.admin.clinic_id, "clinician", "Again", email="cleo@riverside.example")


def test_the_audit_log_cannot_be_changed_or_deleted(world: World) -> None:
    world.store.audit(world.admin.clinic_id, world.cleo.id, "clinician Cleo", "read", "GET /x", world.pat.id)
    for statement in ("UPDATE audit_log SET what = 'nothing'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), world.store.engine.begin() as db:
            db.execute(text(statement))
    entries = list(world.store.audit_entries(world.admin.clinic_id))
    assert entries[0].what == "GET /x"
    assert entries[0].patient == "Pat Patient"
    assert all(e.actor != "clinician Cleo" for e in world.store.audit_entries(world.b_admin.clinic_id))


def test_attempts_are_counted_in_a_sliding_window_and_old_ones_pruned(world: World) -> None:
    store = world.store
    store.record_attempt("address:10.0.0.1", "account:x")
    world.clock.wall += timedelta(minutes=10)
    store.record_attempt("address:10.0.0.1")
    assert store.attempts("address:10.0.0.1", timedelta(minutes=15)) == 2
    world.clock.wall += timedelta(minutes=6)
    assert store.attempts("address:10.0.0.1", timedelta(minutes=15)) == 1
    world.clock.wall += timedelta(days=2)
    assert store.prune_attempts(timedelta(days=1)) == 3
