"""The clinic server's records about people, not their health: clinics, accounts, who cares for
whom, sign-in sessions and links, sign-in attempts, and the audit log.

Everything a worker process needs to know about a request lives here, in the database, so any
number of workers (and machines) can serve one clinic. Tokens are stored only as their
SHA-256 (`identity.credentials.digest`); the caller hashes, this module never sees a secret.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, Literal

from sqlalchemy import Engine, and_, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from glutewake.clock import Clock
from glutewake.core.audit_chain import ChainEntry, ChainHead, entry_hash
from glutewake.store import tables as t
from glutewake.store.engine import WRITE

__all__ = [
    "AccessToken",
    "Account",
    "AuditEntry",
    "ClinicStore",
    "EmailTaken",
    "Passkey",
    "SignedIn",
    "WebSession",
]

AccountRole = Literal["admin", "clinician", "patient"]


class EmailTaken(ValueError):
    """Another account already uses this email address."""


@dataclass(frozen=True)
class Account:
    id: int
    clinic_id: int
    role: AccountRole
    person_id: int | None
    email: str | None
    display_name: str
    password_hash: str | None
    totp_secret: str | None
    birth_year: int | None
    created_at: datetime
    removed_at: datetime | None
    passkeys: int = 0

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None or self.passkeys > 0


@dataclass(frozen=True)
class WebSession:
    id: str  # the cookie's digest
    account_id: int
    stage: str
    created_at: datetime
    last_seen_at: datetime
    device: str


@dataclass(frozen=True)
class Passkey:
    id: str  # the credential id, base64url
    account_id: int
    public_key: str  # base64url
    sign_count: int


@dataclass(frozen=True)
class AccessToken:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class SignedIn:
    session: WebSession
    account: Account


@dataclass(frozen=True)
class AuditEntry:
    """An entry as stored (naming people by account number only), with the names of the people it
    names as they are now: None once their account is gone (an erased patient)."""

    at: datetime
    actor: str  # such as "clinician (account 3)"
    patient_id: int | None
    patient: str | None  # the patient's name now, if they still have an account
    action: str
    what: str
    actor_id: int | None = None
    actor_name: str | None = None
    subject_id: int | None = None
    subject_name: str | None = None
    id: int = 0


def _account(row: Any, passkeys: int = 0) -> Account:
    return Account(
        row.id,
        row.clinic_id,
        row.role,
        row.person_id,
        row.email,
        row.display_name,
        row.password_hash,
        row.totp_secret,
        row.birth_year,
        row.created_at,
        row.removed_at,
        passkeys,
    )


_PASSKEYS = (
    select(func.count()).select_from(t.passkeys).where(t.passkeys.c.account_id == t.accounts.c.id)
).scalar_subquery()


class ClinicStore:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def _write(self) -> Any:
        return self.engine.connect().execution_options(**{WRITE: True})

    def _run(self, statement: Any, *, write: bool = False) -> Any:
        connection = self._write() if write else self.engine.connect()
        with connection as db, db.begin():
            return db.execute(statement)

    # --- secrets of the server itself -------------------------------------------------------------

    def server_secret(self, name: str) -> str:
        """A random secret the server keeps (made on first use; every worker reads the same one)."""
        with self._write() as db, db.begin():
            found = db.execute(
                select(t.server_secrets.c.value).where(t.server_secrets.c.name == name)
            ).scalar()
            if found is not None:
                return str(found)
        value = secrets.token_urlsafe(32)
        try:
            with self._write() as db, db.begin():
                db.execute(insert(t.server_secrets).values(name=name, value=value))
        except IntegrityError:  # another worker made it first: use theirs
            pass
        with self.engine.connect() as db:
            return str(
                db.execute(select(t.server_secrets.c.value).where(t.server_secrets.c.name == name)).scalar()
            )

    # --- clinics and accounts --------------------------------------------------------------------

    def add_clinic(self, name: str) -> int:
        return int(
            self._run(
                insert(t.clinics).values(name=name, created_at=self.clock.now()).returning(t.clinics.c.id),
                write=True,
            ).scalar_one()
        )

    def clinic_name(self, clinic_id: int) -> str:
        with self.engine.connect() as db:
            return str(db.execute(select(t.clinics.c.name).where(t.clinics.c.id == clinic_id)).scalar_one())

    def clinics(self) -> list[tuple[int, str]]:
        with self.engine.connect() as db:
            return [(row.id, row.name) for row in db.execute(select(t.clinics).order_by(t.clinics.c.id))]

    def add_account(
        self,
        clinic_id: int,
        role: AccountRole,
        display_name: str,
        *,
        email: str | None = None,
        password_hash: str | None = None,
        birth_year: int | None = None,
        code_hash: str | None = None,
        clinicians: Sequence[int] = (),
    ) -> Account:
        """A new account; a patient gets a person of their own, whose records they are."""
        now = self.clock.now()
        try:
            with self._write() as db, db.begin():
                person_id = None
                if role == "patient":
                    person_id = db.execute(
                        insert(t.people)
                        .values(created_at=now, kind="patient", display_name=display_name)
                        .returning(t.people.c.id)
                    ).scalar_one()
                row = db.execute(
                    insert(t.accounts)
                    .values(
                        clinic_id=clinic_id,
                        role=role,
                        person_id=person_id,
                        email=email,
                        display_name=display_name,
                        password_hash=password_hash,
                        birth_year=birth_year,
                        code_hash=code_hash,
                        created_at=now,
                    )
                    .returning(*t.accounts.c)
                ).one()
                for clinician in clinicians:
                    db.execute(insert(t.care).values(patient_id=row.id, clinician_id=clinician, since=now))
        except IntegrityError as error:
            if "email" in str(error.orig).lower():
                raise EmailTaken(email) from None
            raise
        return _account(row)

    def account(self, account_id: int) -> Account | None:
        with self.engine.connect() as db:
            row = db.execute(
                select(t.accounts, _PASSKEYS.label("n")).where(t.accounts.c.id == account_id)
            ).first()
        return None if row is None else _account(row, row.n)

    def account_by_email(self, email: str) -> Account | None:
        """The live account with this address (addresses are kept in lower case)."""
        with self.engine.connect() as db:
            row = db.execute(
                select(t.accounts, _PASSKEYS.label("n")).where(
                    t.accounts.c.email == email.strip().lower(), t.accounts.c.removed_at.is_(None)
                )
            ).first()
        return None if row is None else _account(row, row.n)

    def account_by_code(self, code_hash: str) -> Account | None:
        with self.engine.connect() as db:
            row = db.execute(
                select(t.accounts).where(
                    t.accounts.c.code_hash == code_hash, t.accounts.c.removed_at.is_(None)
                )
            ).first()
        return None if row is None else _account(row)

    def staff(self, clinic_id: int) -> list[Account]:
        query = (
            select(t.accounts, _PASSKEYS.label("n"))
            .where(
                t.accounts.c.clinic_id == clinic_id,
                t.accounts.c.role != "patient",
                t.accounts.c.removed_at.is_(None),
            )
            .order_by(t.accounts.c.display_name, t.accounts.c.id)
        )
        with self.engine.connect() as db:
            return [_account(row, row.n) for row in db.execute(query)]

    def patients_of(self, clinician_id: int) -> list[Account]:
        query = (
            select(t.accounts)
            .join(t.care, t.care.c.patient_id == t.accounts.c.id)
            .where(t.care.c.clinician_id == clinician_id, t.accounts.c.removed_at.is_(None))
            .order_by(t.accounts.c.display_name, t.accounts.c.id)
        )
        with self.engine.connect() as db:
            return [_account(row) for row in db.execute(query)]

    def all_patients(self) -> list[Account]:
        """Every live patient of every clinic on the server (for the worker's notices)."""
        query = select(t.accounts).where(t.accounts.c.role == "patient", t.accounts.c.removed_at.is_(None))
        with self.engine.connect() as db:
            return [_account(row) for row in db.execute(query.order_by(t.accounts.c.id))]

    def claim_notice(self, person_id: int, event: str) -> bool:
        """Claim the one email about `event` (True), unless another worker already did (False)."""
        with self._write() as db, db.begin():
            found = db.execute(
                select(t.notices_sent.c.event).where(
                    t.notices_sent.c.person_id == person_id, t.notices_sent.c.event == event
                )
            ).first()
            if found is not None:
                return False
            try:
                with db.begin_nested():
                    db.execute(
                        insert(t.notices_sent).values(
                            person_id=person_id, event=event[:64], at=self.clock.now()
                        )
                    )
            except IntegrityError:
                return False
        return True

    def clinicians_of(self, patient_id: int) -> list[Account]:
        query = (
            select(t.accounts)
            .join(t.care, t.care.c.clinician_id == t.accounts.c.id)
            .where(t.care.c.patient_id == patient_id, t.accounts.c.removed_at.is_(None))
            .order_by(t.accounts.c.display_name)
        )
        with self.engine.connect() as db:
            return [_account(row) for row in db.execute(query)]

    def cares_for(self, clinician_id: int, patient_id: int) -> bool:
        """Whether `clinician_id` (live, of the patient's clinic) is a clinician of live patient `patient_id`."""
        clinician = t.accounts.alias("clinician")
        patient = t.accounts.alias("patient")
        query = select(
            exists()
            .where(t.care.c.clinician_id == clinician.c.id, t.care.c.patient_id == patient.c.id)
            .where(clinician.c.id == clinician_id, clinician.c.removed_at.is_(None))
            .where(patient.c.id == patient_id, patient.c.removed_at.is_(None), patient.c.role == "patient")
            .where(patient.c.clinic_id == clinician.c.clinic_id)
        )
        with self.engine.connect() as db:
            return bool(db.execute(query).scalar())

    def is_patient_of(self, account_id: int, clinic_id: int) -> bool:
        """Whether `account_id` is a live patient of `clinic_id`."""
        a = t.accounts.c
        query = select(
            exists().where(
                a.id == account_id, a.clinic_id == clinic_id, a.role == "patient", a.removed_at.is_(None)
            )
        )
        with self.engine.connect() as db:
            return bool(db.execute(query).scalar())

    def patients_in(self, clinic_id: int) -> list[Account]:
        a = t.accounts.c
        query = select(t.accounts).where(
            a.clinic_id == clinic_id, a.role == "patient", a.removed_at.is_(None)
        )
        with self.engine.connect() as db:
            return [_account(row) for row in db.execute(query.order_by(a.display_name, a.id))]

    def erase_person(self, person_id: int) -> None:
        """Delete the person: every record of theirs, and their account, goes with them."""
        with self._write() as db, db.begin():
            db.execute(delete(t.people).where(t.people.c.id == person_id))

    def is_staff_of(self, account_id: int, clinic_id: int) -> bool:
        """Whether `account_id` is a live member of staff (clinician or admin) of `clinic_id`."""
        query = select(
            exists().where(
                t.accounts.c.id == account_id,
                t.accounts.c.clinic_id == clinic_id,
                t.accounts.c.role != "patient",
                t.accounts.c.removed_at.is_(None),
            )
        )
        with self.engine.connect() as db:
            return bool(db.execute(query).scalar())

    def update_account(self, account_id: int, **values: Any) -> None:
        allowed = {"password_hash", "totp_secret", "code_hash", "display_name", "birth_year", "email"}
        assert set(values) <= allowed, set(values) - allowed
        self._run(update(t.accounts).where(t.accounts.c.id == account_id).values(**values), write=True)

    def remove_account(self, account_id: int) -> None:
        """Sign them out everywhere and close the account (the audit log shows their name from it)."""
        now = self.clock.now()
        with self._write() as db, db.begin():
            db.execute(
                update(t.accounts)
                .where(t.accounts.c.id == account_id)
                .values(removed_at=now, email=None, code_hash=None, password_hash=None, totp_secret=None)
            )
            db.execute(delete(t.passkeys).where(t.passkeys.c.account_id == account_id))
            db.execute(delete(t.signin_tokens).where(t.signin_tokens.c.account_id == account_id))
            self._end_sessions(db, account_id, now)

    def clear_second_factor(self, account_id: int) -> None:
        now = self.clock.now()
        with self._write() as db, db.begin():
            db.execute(update(t.accounts).where(t.accounts.c.id == account_id).values(totp_secret=None))
            db.execute(delete(t.passkeys).where(t.passkeys.c.account_id == account_id))
            self._end_sessions(db, account_id, now)

    # --- sessions ---------------------------------------------------------------------------------

    def start_session(self, session_id: str, account_id: int, stage: str, device: str) -> None:
        now = self.clock.now()
        self._run(
            insert(t.web_sessions).values(
                id=session_id,
                account_id=account_id,
                stage=stage,
                created_at=now,
                last_seen_at=now,
                device=device[:200],
            ),
            write=True,
        )

    def signed_in(self, session_id: str, idle: timedelta, *, touch_after: timedelta) -> SignedIn | None:
        """The live session and its account, or None when it ended, idled out or is unknown.

        Each use pushes the idle deadline on; the row is written at most once per `touch_after`.
        """
        now = self.clock.now()
        query = (
            select(t.web_sessions, t.accounts, _PASSKEYS.label("n"))
            .join(t.accounts, t.accounts.c.id == t.web_sessions.c.account_id)
            .where(
                t.web_sessions.c.id == session_id,
                t.web_sessions.c.ended_at.is_(None),
                t.web_sessions.c.last_seen_at > now - idle,
                t.accounts.c.removed_at.is_(None),
            )
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        if row is None:
            return None
        mapping = row._mapping
        session = WebSession(
            session_id,
            mapping[t.web_sessions.c.account_id],
            mapping[t.web_sessions.c.stage],
            mapping[t.web_sessions.c.created_at],
            mapping[t.web_sessions.c.last_seen_at],
            mapping[t.web_sessions.c.device],
        )
        values = {column.name: mapping[column] for column in t.accounts.c}
        account = _account(SimpleNamespace(**values), mapping["n"])
        if now - session.last_seen_at >= touch_after:
            self._run(
                update(t.web_sessions).where(t.web_sessions.c.id == session_id).values(last_seen_at=now),
                write=True,
            )
        return SignedIn(session, account)

    def set_stage(self, session_id: str, stage: str) -> None:
        self._run(
            update(t.web_sessions).where(t.web_sessions.c.id == session_id).values(stage=stage), write=True
        )

    def set_challenge(self, session_id: str, challenge: str | None) -> None:
        self._run(
            update(t.web_sessions).where(t.web_sessions.c.id == session_id).values(challenge=challenge),
            write=True,
        )

    def sessions_of(self, account_id: int, idle: timedelta) -> list[WebSession]:
        now = self.clock.now()
        query = (
            select(t.web_sessions)
            .where(
                t.web_sessions.c.account_id == account_id,
                t.web_sessions.c.ended_at.is_(None),
                t.web_sessions.c.last_seen_at > now - idle,
            )
            .order_by(t.web_sessions.c.last_seen_at.desc())
        )
        with self.engine.connect() as db:
            return [
                WebSession(row.id, row.account_id, row.stage, row.created_at, row.last_seen_at, row.device)
                for row in db.execute(query)
            ]

    def end_session(self, account_id: int, session_id: str) -> bool:
        """End one of `account_id`'s sessions; False if it was not theirs or already over."""
        result = self._run(
            update(t.web_sessions)
            .where(
                t.web_sessions.c.id == session_id,
                t.web_sessions.c.account_id == account_id,
                t.web_sessions.c.ended_at.is_(None),
            )
            .values(ended_at=self.clock.now()),
            write=True,
        )
        return bool(result.rowcount)

    def _end_sessions(self, db: Any, account_id: int, now: datetime) -> None:
        db.execute(
            update(t.web_sessions)
            .where(t.web_sessions.c.account_id == account_id, t.web_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    # --- passkeys -------------------------------------------------------------------------------

    def add_passkey(self, account_id: int, credential_id: str, public_key: str, sign_count: int) -> None:
        self._run(
            insert(t.passkeys).values(
                id=credential_id,
                account_id=account_id,
                public_key=public_key,
                sign_count=sign_count,
                created_at=self.clock.now(),
            ),
            write=True,
        )

    def passkeys_of(self, account_id: int) -> list[str]:
        """The credential ids of an account's passkeys."""
        query = (
            select(t.passkeys.c.id)
            .where(t.passkeys.c.account_id == account_id)
            .order_by(t.passkeys.c.created_at)
        )
        with self.engine.connect() as db:
            return [str(found) for found in db.execute(query).scalars()]

    def passkey(self, credential_id: str) -> Passkey | None:
        """A live account's passkey by its credential id."""
        query = (
            select(t.passkeys)
            .join(t.accounts, t.accounts.c.id == t.passkeys.c.account_id)
            .where(t.passkeys.c.id == credential_id, t.accounts.c.removed_at.is_(None))
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        return None if row is None else Passkey(row.id, row.account_id, row.public_key, row.sign_count)

    def count_passkey_use(self, credential_id: str, sign_count: int) -> None:
        self._run(
            update(t.passkeys).where(t.passkeys.c.id == credential_id).values(sign_count=sign_count),
            write=True,
        )

    def session_challenge(self, session_id: str) -> str | None:
        with self.engine.connect() as db:
            found = db.execute(
                select(t.web_sessions.c.challenge).where(t.web_sessions.c.id == session_id)
            ).scalar()
        return None if found is None else str(found)

    # --- tokens that link a patient's own computer ---------------------------------------------

    def add_access_token(self, digest: str, account_id: int, name: str) -> int:
        return int(
            self._run(
                insert(t.access_tokens)
                .values(digest=digest, account_id=account_id, name=name[:100], created_at=self.clock.now())
                .returning(t.access_tokens.c.id),
                write=True,
            ).scalar_one()
        )

    def access_tokens_of(self, account_id: int) -> list[AccessToken]:
        query = (
            select(t.access_tokens)
            .where(t.access_tokens.c.account_id == account_id, t.access_tokens.c.revoked_at.is_(None))
            .order_by(t.access_tokens.c.created_at.desc())
        )
        with self.engine.connect() as db:
            return [AccessToken(r.id, r.name, r.created_at, r.last_used_at) for r in db.execute(query)]

    def revoke_access_token(self, account_id: int, token_id: int) -> bool:
        result = self._run(
            update(t.access_tokens)
            .where(
                t.access_tokens.c.id == token_id,
                t.access_tokens.c.account_id == account_id,
                t.access_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=self.clock.now()),
            write=True,
        )
        return bool(result.rowcount)

    def token_holder(self, digest: str, *, touch_after: timedelta) -> Account | None:
        """The live account a live token belongs to; its last use is noted (at most once per `touch_after`)."""
        query = (
            select(
                t.accounts,
                t.access_tokens.c.id.label("token_id"),
                t.access_tokens.c.last_used_at.label("used"),
            )
            .join(t.access_tokens, t.access_tokens.c.account_id == t.accounts.c.id)
            .where(
                t.access_tokens.c.digest == digest,
                t.access_tokens.c.revoked_at.is_(None),
                t.accounts.c.removed_at.is_(None),
            )
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        if row is None:
            return None
        now = self.clock.now()
        if row.used is None or now - row.used >= touch_after:
            self._run(
                update(t.access_tokens).where(t.access_tokens.c.id == row.token_id).values(last_used_at=now),
                write=True,
            )
        return _account(row)

    # --- sign-in links ----------------------------------------------------------------------------

    def add_token(self, token_id: str, account_id: int, purpose: str, lifetime: timedelta) -> None:
        now = self.clock.now()
        self._run(
            insert(t.signin_tokens).values(
                id=token_id, account_id=account_id, purpose=purpose, created_at=now, expires_at=now + lifetime
            ),
            write=True,
        )

    def token_account(self, token_id: str, purpose: str) -> int | None:
        """The account a live, unused link is for (without using it up)."""
        with self.engine.connect() as db:
            found = db.execute(
                select(t.signin_tokens.c.account_id).where(self._live_token(token_id, purpose))
            ).scalar()
        return None if found is None else int(found)

    def use_token(self, token_id: str, purpose: str) -> int | None:
        """Use up a live link: its account, or None if it is unknown, used, expired or for something else.

        One UPDATE, so two workers given the same link at once cannot both use it.
        """
        result = self._run(
            update(t.signin_tokens)
            .where(self._live_token(token_id, purpose))
            .values(used_at=self.clock.now())
            .returning(t.signin_tokens.c.account_id),
            write=True,
        )
        found = result.scalar()
        return None if found is None else int(found)

    def set_password(
        self, account_id: int, password_hash: str, *, token: tuple[str, str] | None = None
    ) -> bool:
        """A new password, and every link of the account's that is not used yet ends with it
        (an older reset link cannot undo a newer one), and so does every session.

        With `token` (its digest and purpose), only if that link is live, using it up in the same
        transaction: two links used at once cannot both set a password. False: it was not live.
        """
        now = self.clock.now()
        tokens = t.signin_tokens.c
        with self._write() as db, db.begin():
            if token is not None:
                found = db.execute(
                    update(t.signin_tokens)
                    .where(self._live_token(*token), tokens.account_id == account_id)
                    .values(used_at=now)
                    .returning(tokens.id)
                ).first()
                if found is None:
                    return False
            db.execute(
                update(t.accounts).where(t.accounts.c.id == account_id).values(password_hash=password_hash)
            )
            db.execute(
                update(t.signin_tokens)
                .where(tokens.account_id == account_id, tokens.used_at.is_(None))
                .values(used_at=now)
            )
            self._end_sessions(db, account_id, now)
        return True

    def _live_token(self, token_id: str, purpose: str) -> Any:
        return and_(
            t.signin_tokens.c.id == token_id,
            t.signin_tokens.c.purpose == purpose,
            t.signin_tokens.c.used_at.is_(None),
            t.signin_tokens.c.expires_at > self.clock.now(),
        )

    # --- sign-in attempts (rate limits shared by every worker) -----------------------------------

    def attempts(self, key: str, window: timedelta) -> int:
        query = select(func.count()).where(
            t.signin_attempts.c.key == key, t.signin_attempts.c.at > self.clock.now() - window
        )
        with self.engine.connect() as db:
            return int(db.execute(query).scalar_one())

    def record_attempt(self, *keys: str) -> None:
        now = self.clock.now()
        with self._write() as db, db.begin():
            db.execute(insert(t.signin_attempts), [{"key": key[:200], "at": now} for key in keys])

    def take_attempt(self, limits: Sequence[tuple[str, int]], window: timedelta) -> list[int] | None:
        """Count an attempt against every (key, limit) before it is checked, all or none: the ids
        of the attempts counted, or None when a key already has `limit` in `window`.

        Counting and adding happen under a lock per key (PostgreSQL: a transaction-level
        advisory lock; SQLite: BEGIN IMMEDIATE), so a burst of simultaneous attempts on any
        number of workers is counted one by one and no more than `limit` are ever checked.
        """
        now = self.clock.now()
        keys = sorted({key[:200] for key, _ in limits})  # one order for every worker: no deadlock
        most: dict[str, int] = {}
        for key, limit in limits:
            most[key[:200]] = min(limit, most.get(key[:200], limit))
        with self._write() as db, db.begin():
            self._lock(db, keys)
            for key in keys:
                counted = db.execute(
                    select(func.count()).where(
                        t.signin_attempts.c.key == key, t.signin_attempts.c.at > now - window
                    )
                ).scalar_one()
                if counted >= most[key]:
                    return None
            ids = db.execute(
                insert(t.signin_attempts).returning(t.signin_attempts.c.id),
                [{"key": key, "at": now} for key in keys],
            ).scalars()
            return [int(found) for found in ids]

    def give_back_attempts(self, ids: Sequence[int]) -> None:
        """Uncount attempts taken by `take_attempt` (the attempt succeeded)."""
        if ids:
            self._run(delete(t.signin_attempts).where(t.signin_attempts.c.id.in_(list(ids))), write=True)

    def use_totp_step(self, account_id: int, step: int) -> bool:
        """Note that the account's authenticator code of time step `step` (30 s each since the
        epoch) was used: False if that step or a later one already was (a code works once)."""
        key = f"totp-step:{account_id}"
        at = datetime.fromtimestamp(step * 30, UTC)
        with self._write() as db, db.begin():
            self._lock(db, [key])
            last = db.execute(
                select(func.max(t.signin_attempts.c.at)).where(t.signin_attempts.c.key == key)
            ).scalar()
            if last is not None and last >= at:
                return False
            db.execute(delete(t.signin_attempts).where(t.signin_attempts.c.key == key))
            db.execute(insert(t.signin_attempts).values(key=key, at=at))
        return True

    @staticmethod
    def _lock(db: Any, keys: Sequence[str]) -> None:
        """Hold a lock per key until the transaction ends (SQLite's BEGIN IMMEDIATE holds one for all)."""
        if db.dialect.name != "postgresql":
            return
        for key in keys:
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            db.execute(select(func.pg_advisory_xact_lock(number)))

    def forget_attempts(self, key: str) -> None:
        self._run(delete(t.signin_attempts).where(t.signin_attempts.c.key == key), write=True)

    def prune_attempts(self, older_than: timedelta) -> int:
        result = self._run(
            delete(t.signin_attempts).where(t.signin_attempts.c.at < self.clock.now() - older_than),
            write=True,
        )
        return int(result.rowcount)

    # --- the audit log ----------------------------------------------------------------------------

    def audit(
        self,
        clinic_id: int,
        actor_id: int | None,
        actor: str,
        action: str,
        what: str,
        patient_id: int | None = None,
        subject_id: int | None = None,
    ) -> None:
        """Append an entry to the hash chain: the chain's head is locked (`FOR UPDATE`) in the same
        transaction as the insert, so concurrent writers queue and the chain never forks.

        `actor` and `what` name people by account number only (the log outlives erasure)."""
        now = self.clock.now()
        actor, what = actor[:400], what[:400]
        head = t.audit_chain.c
        with self._write() as db, db.begin():
            found = db.execute(
                select(head.last_hash, head.entries).where(head.id == 1).with_for_update()
            ).one()
            own = entry_hash(
                found.last_hash, now, clinic_id, actor_id, actor, patient_id, subject_id, action, what
            )
            entry_id = db.execute(
                insert(t.audit_log)
                .values(
                    at=now,
                    clinic_id=clinic_id,
                    actor_id=actor_id,
                    actor=actor,
                    patient_id=patient_id,
                    subject_id=subject_id,
                    action=action,
                    what=what,
                    prev_hash=found.last_hash,
                    hash=own,
                )
                .returning(t.audit_log.c.id)
            ).scalar_one()
            db.execute(
                update(t.audit_chain)
                .where(head.id == 1)
                .values(last_id=entry_id, last_hash=own, entries=found.entries + 1)
            )

    def audit_entries(self, clinic_id: int, *, limit: int | None = 200) -> Iterator[AuditEntry]:
        """The clinic's log, newest first (`limit` None: all of it, streamed), with the names of the
        accounts it names, looked up now and only in this clinic."""
        log = t.audit_log.c
        actor, patient, subject = (t.accounts.alias(name) for name in ("actor", "patient", "subject"))
        query = (
            select(
                t.audit_log,
                actor.c.display_name.label("actor_name"),
                patient.c.display_name.label("patient_name"),
                subject.c.display_name.label("subject_name"),
            )
            .outerjoin(actor, and_(actor.c.id == log.actor_id, actor.c.clinic_id == log.clinic_id))
            .outerjoin(patient, and_(patient.c.id == log.patient_id, patient.c.clinic_id == log.clinic_id))
            .outerjoin(subject, and_(subject.c.id == log.subject_id, subject.c.clinic_id == log.clinic_id))
            .where(log.clinic_id == clinic_id)
            .order_by(log.at.desc(), log.id.desc())
            .limit(limit)
        )
        connection = self.engine.connect()
        if limit is None:  # a server-side cursor, read 500 rows at a time
            connection = connection.execution_options(yield_per=500)
        with connection as db:
            result = db.execute(query)
            try:
                for row in result:
                    yield AuditEntry(
                        row.at,
                        row.actor,
                        row.patient_id,
                        row.patient_name,
                        row.action,
                        row.what,
                        row.actor_id,
                        row.actor_name,
                        row.subject_id,
                        row.subject_name,
                        row.id,
                    )
            finally:  # also when the reader stops early: the cursor closes before its connection
                result.close()

    def audit_chain(self) -> tuple[ChainHead | None, Iterator[ChainEntry]]:
        """The chain's head and every entry of every clinic, oldest first (streamed), to verify."""
        with self.engine.connect() as db:
            found = db.execute(select(t.audit_chain).where(t.audit_chain.c.id == 1)).first()
        head = None if found is None else ChainHead(found.last_id, found.last_hash, found.entries)
        return head, self._chain_entries()

    def _chain_entries(self) -> Iterator[ChainEntry]:
        log = t.audit_log.c
        query = select(t.audit_log).order_by(log.id)
        with self.engine.connect().execution_options(yield_per=2000) as db:
            result = db.execute(query)
            try:
                for row in result:
                    yield ChainEntry(
                        row.id,
                        row.at,
                        row.clinic_id,
                        row.actor_id,
                        row.actor,
                        row.patient_id,
                        row.subject_id,
                        row.action,
                        row.what,
                        row.prev_hash,
                        row.hash,
                    )
            finally:
                result.close()

    # --- programme templates ------------------------------------------------------------------

    def add_template(self, clinic_id: int, name: str, made_by: str, prescription: dict[str, Any]) -> int:
        statement = (
            insert(t.programme_templates)
            .values(
                clinic_id=clinic_id,
                name=name,
                made_by=made_by,
                created_at=self.clock.now(),
                prescription=prescription,
            )
            .returning(t.programme_templates.c.id)
        )
        return int(self._run(statement, write=True).scalar_one())

    def templates(self, clinic_id: int) -> list[Any]:
        p = t.programme_templates.c
        return list(
            self._run(select(t.programme_templates).where(p.clinic_id == clinic_id).order_by(p.name, p.id))
        )

    def template(self, clinic_id: int, template_id: int) -> Any:
        p = t.programme_templates.c
        return self._run(
            select(t.programme_templates).where(p.clinic_id == clinic_id, p.id == template_id)
        ).first()

    def delete_template(self, clinic_id: int, template_id: int) -> None:
        p = t.programme_templates.c
        self._run(
            delete(t.programme_templates).where(p.clinic_id == clinic_id, p.id == template_id), write=True
        )
