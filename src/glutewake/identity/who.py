"""The person a request acts for, and in which role.

The personal app has one person, its owner. On the clinic server a request comes from an
account (an admin, a clinician or a patient) of one clinic; a patient acts for their own
person's records, staff hold no records of their own. A staff sign-in goes through stages:
the password given (`second_factor` to give, or to `enrol` one first), then `full`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Role", "Stage", "Who"]

Role = Literal["owner", "patient", "clinician", "admin"]
Stage = Literal["second_factor", "enrol", "full"]


@dataclass(frozen=True)
class Who:
    person_id: int  # whose records they act for; 0 for staff, who hold none
    role: Role
    how: Literal["bearer", "session"]  # a script's token, or a browser's signed-in session
    session: str  # what the anti-forgery token is bound to
    account_id: int = 0  # the clinic account (0 on the personal app)
    clinic_id: int = 0
    stage: Stage = "full"
    name: str = ""

    @classmethod
    def owner(cls, how: Literal["bearer", "session"], session: str) -> Who:
        return cls(1, "owner", how, session)
