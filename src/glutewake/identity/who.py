"""The person a request acts for, and in which role.

The personal app has one person, its owner; the clinic server adds staff and patients, so
the same shape carries a role and, later, the person's id in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Role", "Who"]

Role = Literal["owner", "patient", "clinician", "admin"]


@dataclass(frozen=True)
class Who:
    person_id: int
    role: Role
    how: Literal["bearer", "session"]  # a script's token, or a browser's signed-in session
    session: str  # what the anti-forgery token is bound to

    @classmethod
    def owner(cls, how: Literal["bearer", "session"], session: str) -> Who:
        return cls(1, "owner", how, session)
