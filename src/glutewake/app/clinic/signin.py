"""Signing in to the clinic server, and the sessions that follow.

- Staff: email and password (argon2id), then a second factor: a code from an authenticator
  app (TOTP) or a passkey. A new member of staff sets one up before anything else.
- Patients never have a password: a link by email (one use, 15 minutes), or the paper code
  their clinician gave them with their year of birth.
- Sessions live in the database (any worker can check one), end after a spell of no use
  (30 minutes for staff, 14 days for patients) and can be ended from the account page. A
  session is replaced by a new one when it gains rights (after the second factor), so a
  cookie seen before signing in is worth nothing after.
- Attempts are limited per account and per address, counted in the database so that every
  worker sees the same count, and counted before they are checked, under a lock per key, so a
  burst of simultaneous attempts checks no more than the limit (a success is uncounted after).
  The messages never say whether an address has an account, and asking for a link does the
  same work either way: an email goes out for an unknown address too, saying there is none.
- An authenticator code works once: the last time step used is kept per account. A new
  password ends every link of the account's not used yet (an older reset link included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from glutewake.app.clinic import mail
from glutewake.app.clinic.accounts import Clinic, account_label, clean_email, describe
from glutewake.app.refusals import InputError, Refusal
from glutewake.identity import Who, credentials
from glutewake.store.clinic import Account, WebSession

if TYPE_CHECKING:
    from glutewake.identity.who import Stage

__all__ = [
    "ACCOUNT_LIMIT",
    "ADDRESS_LIMIT",
    "IDLE",
    "WINDOW",
    "NewSession",
    "SignInRefused",
    "TooManyAttempts",
    "accept_invite",
    "address_key",
    "check_limits",
    "end_session",
    "enrol_authenticator",
    "give_second_factor",
    "identify",
    "promote",
    "request_link",
    "request_reset",
    "reset_password",
    "sessions",
    "sign_in_with_code",
    "sign_in_with_link",
    "sign_in_with_password",
    "sign_out",
    "start_session",
    "take_attempt",
]

IDLE = {"patient": timedelta(days=14), "clinician": timedelta(minutes=30), "admin": timedelta(minutes=30)}
TOUCH_AFTER = timedelta(minutes=1)  # how stale a session's "last seen" may get before it is written
WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5  # failed attempts (or links asked for) per account in WINDOW
ADDRESS_LIMIT = 30  # per network address in WINDOW
LINK_LIFETIME = timedelta(minutes=15)
RESET_LIFETIME = timedelta(hours=1)

_NO_MATCH = "That email address and password do not match an account here. Check both and try again."


class SignInRefused(Refusal):
    """The credentials do not sign anyone in (the message never says which part was wrong)."""


class TooManyAttempts(Refusal):
    """Too many tries in a short time, for this account or from this address."""


@dataclass(frozen=True)
class NewSession:
    cookie: str  # the browser's secret; only its digest is stored
    stage: Stage
    account: Account


def check_limits(clinic: Clinic, *keys_and_limits: tuple[str, int]) -> None:
    for key, limit in keys_and_limits:
        if clinic.store.attempts(key, WINDOW) >= limit:
            minutes = int(WINDOW.total_seconds() // 60)
            raise TooManyAttempts(
                f"Too many attempts. For your safety, wait {minutes} minutes and try again."
            )


def take_attempt(clinic: Clinic, *keys_and_limits: tuple[str, int]) -> list[int]:
    """Count an attempt against each key before it is checked (atomically, for every worker),
    or refuse when a key is at its limit; give the ids back (`store.give_back_attempts`) when it
    succeeds."""
    taken = clinic.store.take_attempt(keys_and_limits, WINDOW)
    if taken is None:
        minutes = int(WINDOW.total_seconds() // 60)
        raise TooManyAttempts(f"Too many attempts. For your safety, wait {minutes} minutes and try again.")
    return taken


def address_key(address: str) -> tuple[str, int]:
    return f"address:{address}", ADDRESS_LIMIT


def start_session(clinic: Clinic, account: Account, stage: Stage, device: str) -> NewSession:
    cookie = credentials.new_token()
    clinic.store.start_session(credentials.digest(cookie), account.id, stage, device)
    if stage == "full":
        clinic.store.audit(
            account.clinic_id,
            account.id,
            account_label(account.role, account.id),
            "sign-in",
            "signed in",
            account.id if account.role == "patient" else None,
        )
    return NewSession(cookie, stage, account)


def sign_in_with_password(clinic: Clinic, email: str, password: str, address: str, device: str) -> NewSession:
    """A member of staff's first step: a session that still needs the second factor (or to set one up)."""
    typed = email.strip().lower()
    taken = take_attempt(clinic, (f"account:{typed}", ACCOUNT_LIMIT), address_key(address))
    account = clinic.store.account_by_email(typed) if typed else None
    staff = account if account is not None and account.role != "patient" else None
    if not credentials.password_ok(staff.password_hash if staff else None, password) or staff is None:
        raise SignInRefused(_NO_MATCH)
    clinic.store.give_back_attempts(taken)
    return start_session(clinic, staff, "second_factor" if staff.has_second_factor else "enrol", device)


def give_second_factor(clinic: Clinic, who: Who, code: str, address: str, now: float) -> NewSession:
    """The authenticator's code: the half-signed-in session is replaced by a full one.

    A code works once: one already used (or older than the last used) is refused."""
    taken = take_attempt(clinic, (f"account:{who.account_id}", ACCOUNT_LIMIT), address_key(address))
    account = clinic.store.account(who.account_id)
    secret = account.totp_secret if account is not None else None
    step = credentials.totp_step(secret, code, now) if secret is not None else None
    if account is None or step is None:
        raise SignInRefused("That code is not right. Type the 6 digits your authenticator app shows now.")
    if not clinic.store.use_totp_step(account.id, step):
        raise SignInRefused(
            "That code has been used already. Wait for your authenticator app to show the next one, then type it."
        )
    clinic.store.give_back_attempts(taken)
    return promote(clinic, who, account)


def promote(clinic: Clinic, who: Who, account: Account) -> NewSession:
    clinic.store.end_session(who.account_id, who.session)
    clinic.store.forget_attempts(f"account:{who.account_id}")
    return start_session(clinic, account, "full", _device_of(clinic, who))


def _device_of(clinic: Clinic, who: Who) -> str:
    found = [s for s in clinic.store.sessions_of(who.account_id, IDLE["admin"]) if s.id == who.session]
    return found[0].device if found else ""


def enrol_authenticator(clinic: Clinic, who: Who, secret: str, code: str, now: float) -> NewSession | None:
    """Keep `secret` as the account's authenticator once a code from it is right.

    Half-way through a first sign-in this completes it (a new, full session); a member of
    staff already signed in replaces their authenticator and stays signed in (None).
    """
    if len(secret) < 16 or len(secret) > 64 or not secret.isalnum():
        raise InputError("the authenticator's key was lost on the way; reload the page and scan the new code")
    step = credentials.totp_step(secret, code, now)
    if step is None:
        raise InputError(
            "That code is not right. Check that the app added the key shown here, then type the 6 digits it shows now."
        )
    clinic.store.update_account(who.account_id, totp_secret=secret)
    clinic.store.use_totp_step(who.account_id, step)  # the code that set it up signs nobody in again
    clinic.store.audit(who.clinic_id, who.account_id, describe(who), "staff", "set up an authenticator app")
    account = clinic.store.account(who.account_id)
    assert account is not None
    return promote(clinic, who, account) if who.stage != "full" else None


def sign_in_with_code(clinic: Clinic, code: str, birth_year: str, address: str, device: str) -> NewSession:
    """A patient's paper code with their year of birth."""
    taken = take_attempt(clinic, address_key(address))
    digest = credentials.digest(credentials.normal_code(code))
    account = clinic.store.account_by_code(digest)
    # The same work for a code that is nobody's: an attempt counted against it too.
    taken += take_attempt(clinic, (f"account:{account.id}" if account else f"code:{digest}", ACCOUNT_LIMIT))
    if account is None or account.role != "patient" or str(account.birth_year) != birth_year.strip():
        raise SignInRefused(
            "That code and year of birth do not match. Check the code on your sheet (letters and digits,"
            " such as K7QM2-XRP4T) and give your year of birth in four digits."
        )
    clinic.store.give_back_attempts(taken)
    return start_session(clinic, account, "full", device)


def request_link(clinic: Clinic, email: str, address: str) -> None:
    """Email a patient a sign-in link. Says nothing about whether the address has an account, and
    does the same work either way (an address with no patient's account is told so by email),
    so neither the reply nor its timing tells them apart."""
    typed = clean_email(email)
    take_attempt(clinic, (f"link:{typed}", ACCOUNT_LIMIT), address_key(address))
    account = clinic.store.account_by_email(typed)
    token = credentials.new_token()
    if account is None or account.role != "patient":
        clinic.store.record_attempt(f"told-none:{typed}")  # one write, as a link's is
        clinic.outbox.send(mail.no_account(typed, "patient", clinic.link_to("/signin")))
        return
    clinic.store.add_token(credentials.digest(token), account.id, "signin", LINK_LIFETIME)
    clinic_name = clinic.store.clinic_name(account.clinic_id)
    clinic.outbox.send(
        mail.signin_link(typed, account.display_name, clinic_name, clinic.link("/signin", token))
    )


def sign_in_with_link(clinic: Clinic, token: str, device: str) -> NewSession:
    account_id = clinic.store.use_token(credentials.digest(token), "signin")
    account = clinic.store.account(account_id) if account_id is not None else None
    if account is None or account.removed_at is not None:
        raise SignInRefused("This sign-in link has been used or has expired. Ask for a new one below.")
    return start_session(clinic, account, "full", device)


def invited(clinic: Clinic, token: str) -> Account | None:
    """Whose invitation this is, while it can still be used."""
    account_id = clinic.store.token_account(credentials.digest(token), "invite")
    return clinic.store.account(account_id) if account_id is not None else None


def accept_invite(clinic: Clinic, token: str, password: str, device: str) -> NewSession:
    """A new member of staff chooses their password; next they set up their second factor."""
    account = invited(clinic, token)
    if account is None:
        raise SignInRefused(
            "This invitation has been used or has expired. Ask your clinic's admin for a new one."
        )
    problem = credentials.password_problem(password, email=account.email or "")
    if problem:
        raise InputError(f"The password will not do: {problem}.")
    chosen = credentials.hash_password(password)
    if not clinic.store.set_password(account.id, chosen, token=(credentials.digest(token), "invite")):
        raise SignInRefused(
            "This invitation has been used or has expired. Ask your clinic's admin for a new one."
        )
    return start_session(clinic, account, "enrol", device)


def request_reset(clinic: Clinic, email: str, address: str) -> None:
    """Email a member of staff a link to choose a new password; the reply and the work are the
    same for an unknown address (told by email that no staff account uses it)."""
    typed = clean_email(email)
    take_attempt(clinic, (f"reset:{typed}", ACCOUNT_LIMIT), address_key(address))
    account = clinic.store.account_by_email(typed)
    token = credentials.new_token()
    if account is None or account.role == "patient" or account.password_hash is None:
        clinic.store.record_attempt(f"told-none:{typed}")  # one write, as a link's is
        clinic.outbox.send(mail.no_account(typed, "staff", clinic.link_to("/signin/staff")))
        return
    clinic.store.add_token(credentials.digest(token), account.id, "reset", RESET_LIFETIME)
    clinic_name = clinic.store.clinic_name(account.clinic_id)
    clinic.outbox.send(
        mail.password_reset(typed, account.display_name, clinic_name, clinic.link("/signin/reset", token))
    )


def reset_password(clinic: Clinic, token: str, password: str) -> Account:
    """The new password from a reset link; every session, and every other link, of the account ends."""
    account_id = clinic.store.token_account(credentials.digest(token), "reset")
    account = clinic.store.account(account_id) if account_id is not None else None
    if account is None:
        raise SignInRefused("This link has been used or has expired. Ask for a new one.")
    problem = credentials.password_problem(password, email=account.email or "")
    if problem:
        raise InputError(f"The password will not do: {problem}.")
    chosen = credentials.hash_password(password)
    if not clinic.store.set_password(account.id, chosen, token=(credentials.digest(token), "reset")):
        raise SignInRefused("This link has been used or has expired. Ask for a new one.")
    clinic.store.audit(
        account.clinic_id,
        account.id,
        account_label(account.role, account.id),
        "staff",
        "chose a new password by email link",
    )
    return account


def identify(clinic: Clinic, cookie: str) -> Who | None:
    """Who a session cookie belongs to, if its session is live; None otherwise."""
    if not cookie or len(cookie) > 100:
        return None
    found = clinic.store.signed_in(credentials.digest(cookie), max(IDLE.values()), touch_after=TOUCH_AFTER)
    if found is None:
        return None
    session, account = found.session, found.account
    if clinic.store.clock.now() - session.last_seen_at > IDLE[account.role]:
        return None
    stage: Stage = session.stage if session.stage in ("second_factor", "enrol") else "full"  # type: ignore[assignment]
    return Who(
        account.person_id or 0,
        account.role,
        "session",
        session.id,
        account_id=account.id,
        clinic_id=account.clinic_id,
        stage=stage,
        name=account.display_name,
    )


def sessions(clinic: Clinic, who: Who) -> list[WebSession]:
    return clinic.store.sessions_of(who.account_id, IDLE[who.role])


def end_session(clinic: Clinic, who: Who, session_id: str) -> None:
    if not clinic.store.end_session(who.account_id, session_id):
        raise InputError("that session has already ended")


def sign_out(clinic: Clinic, who: Who) -> None:
    clinic.store.end_session(who.account_id, who.session)
