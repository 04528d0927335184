"""The emails the clinic server sends, and the port they go out through.

Every email says who sent it and why, holds one link (or none), and never any health record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["Email", "Outbox", "clinician_invitation", "password_reset", "patient_invitation", "signin_link"]


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


class Outbox(Protocol):
    def send(self, email: Email) -> None:
        """Hand the email on to be sent (it may go out a moment later, from a worker)."""


_FOOTER = (
    "\n\nIf you did not expect this email, you can ignore it; nothing happens unless the link is used."
    "\n\nglutewake at {clinic}"
)


def clinician_invitation(to: str, name: str, clinic: str, by: str, link: str) -> Email:
    return Email(
        to,
        f"{by} invited you to {clinic} on glutewake",
        f"Hello {name},\n\n{by} has made you a clinician's account at {clinic} on glutewake."
        f"\nChoose your password and set up your second factor here (the link works for 7 days):\n\n{link}"
        + _FOOTER.format(clinic=clinic),
    )


def patient_invitation(to: str, name: str, clinic: str, by: str, link: str) -> Email:
    return Email(
        to,
        f"Your exercise programme at {clinic}",
        f"Hello {name},\n\n{by} at {clinic} has set up glutewake for you: your exercises, guided"
        " sessions and check-ins, on your phone or computer, shared with your clinician."
        f"\nOpen it here (the link works for 7 days; you need no password):\n\n{link}"
        "\n\nLater, ask for a new sign-in link on the sign-in page whenever you need one."
        + _FOOTER.format(clinic=clinic),
    )


def signin_link(to: str, name: str, clinic: str, link: str) -> Email:
    return Email(
        to,
        f"Your sign-in link for {clinic}",
        f"Hello {name},\n\nHere is the link you asked for. It signs you in to glutewake at {clinic}"
        f" once, within 15 minutes:\n\n{link}" + _FOOTER.format(clinic=clinic),
    )


def password_reset(to: str, name: str, clinic: str, link: str) -> Email:
    return Email(
        to,
        f"Choose a new password for {clinic}",
        f"Hello {name},\n\nSomeone (we hope you) asked to choose a new glutewake password for {clinic}."
        f" This link works once, within an hour:\n\n{link}"
        "\n\nYour second factor stays as it is." + _FOOTER.format(clinic=clinic),
    )
