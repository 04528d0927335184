"""Reading the clinic's audit log, and checking that nobody changed it.

Entries name people by account number only ("patient (account 7)"); the names shown are looked
up as the log is read, from the accounts, so once a patient is erased their entries read
"erased patient (account 7)" and no name of theirs is kept anywhere. Only the accounts an entry
is recorded as being about (who acted, the patient, the member of staff) are named, so a text
typed into an entry (a template's name) cannot make the log show anyone else's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from glutewake.core.audit_chain import ChainReport, verify_chain

if TYPE_CHECKING:
    from glutewake.app.clinic.accounts import Clinic
    from glutewake.identity import Who
    from glutewake.store.clinic import AuditEntry, ClinicStore

__all__ = ["AuditLine", "audit_log", "shown", "verify"]

_MENTION = re.compile(r"\b(admin|clinician|patient) \(account (\d+)\)")


@dataclass(frozen=True)
class AuditLine:
    """An entry as an admin reads it, with today's names."""

    at: datetime
    actor: str
    action: str
    patient_id: int | None
    patient: str | None  # the patient's name, or "erased patient"
    what: str


def shown(entry: AuditEntry) -> AuditLine:
    names = {
        number: name
        for number, name in (
            (entry.subject_id, entry.subject_name),
            (entry.patient_id, entry.patient),
            (entry.actor_id, entry.actor_name),
        )
        if number is not None
    }

    def named(found: re.Match[str]) -> str:
        role, number = found.group(1), int(found.group(2))
        if number not in names:  # not one of the entry's own accounts: left as written
            return found.group(0)
        name = names[number]
        return (
            f"{role} {name} (account {number})" if name is not None else f"erased {role} (account {number})"
        )

    patient = None
    if entry.patient_id is not None:
        patient = entry.patient if entry.patient is not None else "erased patient"
    return AuditLine(
        entry.at, _MENTION.sub(named, entry.actor), entry.action, entry.patient_id, patient,
        _MENTION.sub(named, entry.what),
    )  # fmt: skip


def audit_log(clinic: Clinic, who: Who, *, limit: int | None = 200) -> Iterator[AuditLine]:
    """The admin's clinic's log, newest first (`limit` None: all of it, streamed)."""
    for entry in clinic.store.audit_entries(who.clinic_id, limit=limit):
        yield shown(entry)


def verify(store: ClinicStore) -> ChainReport:
    """Walk the whole server's hash chain, oldest entry first, and say where it breaks."""
    head, entries = store.audit_chain()
    return verify_chain(entries, head)
