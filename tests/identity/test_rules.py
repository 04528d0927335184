"""The clinic server's rule decisions, row by row."""

from __future__ import annotations

import pytest

from glutewake.identity import Who
from glutewake.identity.rules import decide


def who(role: str, stage: str = "full") -> Who:
    return Who(0, role, "session", "s", account_id=1, clinic_id=1, stage=stage)  # type: ignore[arg-type]


NOBODY = None
PATIENT, CLINICIAN, ADMIN = who("patient"), who("clinician"), who("admin")
HALF, ENROLLING = who("clinician", "second_factor"), who("admin", "enrol")
COMPUTER = Who(5, "patient", "bearer", "bearer", account_id=1, clinic_id=1)  # a linked computer's token

ROWS = [
    # rule, who, cares, decision
    ("anyone", NOBODY, False, "allow"),
    ("anyone", HALF, False, "allow"),
    (None, NOBODY, False, "sign-in"),
    (None, ADMIN, True, "not-found"),  # a route nobody listed is closed to everyone
    ("patient", NOBODY, False, "sign-in"),
    ("patient", PATIENT, False, "allow"),
    ("patient", CLINICIAN, False, "home"),
    ("patient", ADMIN, False, "home"),
    ("patient", HALF, False, "finish-sign-in"),
    ("staff", PATIENT, False, "not-found"),
    ("staff", CLINICIAN, False, "allow"),
    ("staff", ADMIN, False, "allow"),
    ("staff", HALF, False, "finish-sign-in"),
    ("staff", ENROLLING, False, "finish-sign-in"),
    ("admin", CLINICIAN, False, "not-found"),
    ("admin", ADMIN, False, "allow"),
    ("admin", ENROLLING, False, "finish-sign-in"),
    ("their-patient", CLINICIAN, True, "allow"),
    ("their-patient", CLINICIAN, False, "not-found"),
    ("their-patient", ADMIN, False, "not-found"),  # an admin reads records only as their clinician
    ("their-patient", ADMIN, True, "allow"),
    ("their-patient", PATIENT, True, "not-found"),
    ("their-patient", HALF, True, "finish-sign-in"),
    ("their-staff", ADMIN, True, "allow"),
    ("their-staff", ADMIN, False, "not-found"),  # another clinic's member of staff
    ("their-staff", CLINICIAN, True, "not-found"),
    ("second-factor", HALF, False, "allow"),
    ("second-factor", ENROLLING, False, "finish-sign-in"),
    ("second-factor", CLINICIAN, False, "home"),
    ("enrol", ENROLLING, False, "allow"),
    ("enrol", HALF, False, "finish-sign-in"),  # a password alone cannot replace the second factor
    ("enrol", CLINICIAN, False, "allow"),  # a new authenticator, once fully signed in
    ("signed-in", PATIENT, False, "allow"),
    ("signed-in", HALF, False, "finish-sign-in"),
    ("signed-in", NOBODY, False, "sign-in"),
    ("linked-computer", COMPUTER, False, "allow"),
    ("linked-computer", PATIENT, False, "sign-in"),  # a browser's session cannot act as the computer
    ("linked-computer", NOBODY, False, "sign-in"),
    ("patient", COMPUTER, False, "sign-in"),  # the token reads no record
    ("signed-in", COMPUTER, False, "sign-in"),
    ("their-patient", COMPUTER, True, "sign-in"),
]


@pytest.mark.parametrize(("rule", "caller", "cares", "decision"), ROWS)
def test_decide(rule: str | None, caller: Who | None, cares: bool, decision: str) -> None:
    assert decide(rule, caller, cares=cares) == decision  # type: ignore[arg-type]
