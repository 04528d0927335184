"""Setting up a clinic and managing its people: the first admin, clinicians, patients, paper codes.

Every change is written to the clinic's audit log with who made it. Messages to the person
acting say what went wrong and what to do; none says whether some other address has an account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from glutewake.app.clinic import mail
from glutewake.app.refusals import InputError, Refusal
from glutewake.identity import credentials
from glutewake.store.clinic import Account, EmailTaken

if TYPE_CHECKING:
    from glutewake.app.clinic.mail import Outbox
    from glutewake.app.context import Context
    from glutewake.identity import Who
    from glutewake.store.clinic import ClinicStore
    from glutewake.store.clinical import ClinicalRecords

__all__ = [
    "INVITE_LIFETIME",
    "Clinic",
    "NewPatient",
    "NotFound",
    "account_label",
    "add_patient",
    "audit",
    "clean_email",
    "clean_name",
    "clinic_patient",
    "clinical_records",
    "describe",
    "invite_clinician",
    "new_paper_code",
    "patient_context",
    "remove_clinician",
    "reset_second_factor",
    "set_up_clinic",
    "their_patient",
]

INVITE_LIFETIME = timedelta(days=7)
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")


class NotFound(Refusal, LookupError):
    """No such record for this person (whether it exists elsewhere is never said)."""


@dataclass(frozen=True)
class Clinic:
    """What the clinic's use cases act with: its accounts, the outbox, and the address it is served at."""

    store: ClinicStore
    outbox: Outbox
    base_url: str  # such as https://clinic.example.org/ (with the slash)

    def link(self, path: str, token: str) -> str:
        return f"{self.base_url}{path.lstrip('/')}?token={token}"

    def link_to(self, path: str) -> str:
        return f"{self.base_url}{path.lstrip('/')}"


def clean_email(email: str) -> str:
    address = email.strip().lower()
    if not _EMAIL.fullmatch(address) or len(address) > 320:
        raise InputError(f"{email.strip()!r} is not an email address; write it as name@example.org")
    return address


def clean_name(name: str, what: str = "name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InputError(f"give a {what}")
    if len(cleaned) > 200:
        raise InputError(f"the {what} is too long (at most 200 characters)")
    return cleaned


def audit(
    clinic: Clinic,
    who: Who,
    action: str,
    what: str,
    patient_id: int | None = None,
    *,
    subject_id: int | None = None,
) -> None:
    clinic.store.audit(who.clinic_id, who.account_id, describe(who), action, what, patient_id, subject_id)


def describe(who: Who) -> str:
    """Who acted, for the audit log: role and account number, never a name (names are looked up
    when the log is read, so an erased patient's name goes with their account)."""
    if who.account_id == 0:  # no account: the server's command line
        return who.name
    return account_label(who.role, who.account_id)


def account_label(role: str, account_id: int) -> str:
    return f"{role} (account {account_id})"


def set_up_clinic(clinic: Clinic, name: str, admin_email: str, admin_name: str, password: str) -> Account:
    """A new clinic and its first admin, who signs in with this password and then sets up a second factor."""
    name = clean_name(name, "clinic name")
    email = clean_email(admin_email)
    problem = credentials.password_problem(password, email=email)
    if problem:
        raise InputError(f"the password will not do: {problem}")
    if clinic.store.account_by_email(email) is not None:
        raise InputError(f"{email} already has an account on this server; use another address")
    clinic_id = clinic.store.add_clinic(name)
    try:
        admin = clinic.store.add_account(
            clinic_id,
            "admin",
            clean_name(admin_name),
            email=email,
            password_hash=credentials.hash_password(password),
        )
    except EmailTaken:
        raise InputError(f"{email} already has an account on this server; use another address") from None
    clinic.store.audit(clinic_id, admin.id, account_label("admin", admin.id), "staff", "set up the clinic")
    return admin


def invite_clinician(clinic: Clinic, by: Who, email: str, name: str, *, admin: bool = False) -> Account:
    """A clinician's account (or a second admin's), and an email inviting them to choose a password."""
    address = clean_email(email)
    role: Literal["admin", "clinician"] = "admin" if admin else "clinician"
    try:
        account = clinic.store.add_account(by.clinic_id, role, clean_name(name), email=address)
    except EmailTaken:
        raise InputError(f"{address} already has an account on this server") from None
    token = credentials.new_token()
    clinic.store.add_token(credentials.digest(token), account.id, "invite", INVITE_LIFETIME)
    clinic_name = clinic.store.clinic_name(by.clinic_id)
    clinic.outbox.send(
        mail.clinician_invitation(
            address, account.display_name, clinic_name, by.name, clinic.link("/signin/invite", token)
        )
    )
    audit(clinic, by, "staff", f"invited {account_label(role, account.id)}", subject_id=account.id)
    return account


def _staff_member(clinic: Clinic, by: Who, account_id: int) -> Account:
    account = clinic.store.account(account_id)
    if (
        account is None
        or account.clinic_id != by.clinic_id
        or account.role == "patient"
        or account.removed_at
    ):
        raise NotFound("no such member of staff at this clinic")
    return account


def remove_clinician(clinic: Clinic, by: Who, account_id: int) -> Account:
    account = _staff_member(clinic, by, account_id)
    if account.id == by.account_id:
        raise InputError("you cannot remove your own account; ask another admin")
    clinic.store.remove_account(account.id)
    audit(clinic, by, "staff", f"removed {account_label(account.role, account.id)}", subject_id=account.id)
    return account


def reset_second_factor(clinic: Clinic, by: Who, account_id: int) -> Account:
    """Clear a colleague's authenticator and passkeys and sign them out; they set up a new one at next sign-in."""
    account = _staff_member(clinic, by, account_id)
    clinic.store.clear_second_factor(account.id)
    label = account_label(account.role, account.id)
    audit(clinic, by, "staff", f"reset the second factor of {label}", subject_id=account.id)
    return account


@dataclass(frozen=True)
class NewPatient:
    account: Account
    code: str  # for the paper handout, shown once
    emailed: str | None = None  # where the invitation went (the account keeps it only if no other does)


def add_patient(
    clinic: Clinic, by: Who, name: str, birth_year: int, email: str | None, this_year: int
) -> NewPatient:
    """A patient under `by`, with a paper code (with their year of birth it signs them in) and,
    given an address, an email with a sign-in link.

    An address another clinic's account already uses (one account per address on a server) is
    neither refused nor named: the patient is added all the same and invited at that address,
    with the same reply and the same work as for a new address; only this new account does not
    keep it (its sign-in links come from this invitation and the paper code). An address of one
    of this clinic's own accounts is refused, as the mistake it usually is.
    """
    if not this_year - 120 <= birth_year <= this_year:
        raise InputError(f"the year of birth {birth_year} is not possible; give four digits, such as 1984")
    address = clean_email(email) if email and email.strip() else None
    holder = clinic.store.account_by_email(address) if address else None
    if holder is not None and holder.clinic_id == by.clinic_id:
        raise InputError(
            f"{address} already has an account at this clinic; leave the address out and hand over the code"
        )
    code = credentials.new_code()

    def add(keep: str | None) -> Account:
        return clinic.store.add_account(
            by.clinic_id,
            "patient",
            clean_name(name),
            email=keep,
            birth_year=birth_year,
            code_hash=credentials.digest(code),
            clinicians=(by.account_id,),
        )

    try:
        account = add(address if holder is None else None)
    except EmailTaken:  # taken a moment ago, by whoever: as if it had been taken before
        account = add(None)
    if address:
        token = credentials.new_token()
        clinic.store.add_token(credentials.digest(token), account.id, "signin", INVITE_LIFETIME)
        clinic_name = clinic.store.clinic_name(by.clinic_id)
        clinic.outbox.send(
            mail.patient_invitation(
                address, account.display_name, clinic_name, by.name, clinic.link("/signin", token)
            )
        )
    audit(clinic, by, "change", "added the patient and gave them a sign-in code", account.id)
    return NewPatient(account, code, address)


def their_patient(clinic: Clinic, by: Who, patient_id: int) -> Account:
    """A patient of `by`'s, or NotFound (the route's rule has already checked; this fetches)."""
    account = clinic.store.account(patient_id)
    if account is None or account.role != "patient" or not clinic.store.cares_for(by.account_id, patient_id):
        raise NotFound("no such patient of yours")
    return account


def clinic_patient(clinic: Clinic, by: Who, patient_id: int) -> Account:
    """A patient `by` cares for, or (for an admin) any patient of `by`'s clinic; else NotFound."""
    account = clinic.store.account(patient_id)
    if account is None or account.role != "patient":
        raise NotFound("no such patient of yours")
    if clinic.store.cares_for(by.account_id, patient_id):
        return account
    if by.role == "admin" and clinic.store.is_patient_of(patient_id, by.clinic_id):
        return account
    raise NotFound("no such patient of yours")


def clinical_records(clinic: Clinic, by: Who, patient_id: int) -> ClinicalRecords:
    """The records of a patient of `by`'s, with what their clinicians write about them."""
    from glutewake.store.clinical import ClinicalRecords

    patient = their_patient(clinic, by, patient_id)
    return ClinicalRecords(clinic.store.engine, clinic.store.clock, patient.person_id or 0)


def patient_context(clinic: Clinic, by: Who, patient_id: int) -> Context:
    """The records of a patient of `by`'s, to act on with the same use cases as the patient's own."""
    from glutewake.app.context import acting_for

    return acting_for(clinical_records(clinic, by, patient_id))


def new_paper_code(clinic: Clinic, by: Who, patient_id: int) -> str:
    """A new paper code for the patient; the old one stops working."""
    account = their_patient(clinic, by, patient_id)
    code = credentials.new_code()
    clinic.store.update_account(account.id, code_hash=credentials.digest(code))
    audit(clinic, by, "change", "gave a new sign-in code", account.id)
    return code
