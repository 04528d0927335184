"""The emails the clinic server sends, and the port they go out through.

Every email says who sent it and why, holds one link (or none), and never any health record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "Email",
    "Outbox",
    "clinician_invitation",
    "no_account",
    "password_reset",
    "patient_invitation",
    "signin_link",
]


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


def no_account(to: str, kind: str, link: str) -> Email:
    """The answer to a request for a sign-in or password link from an address with no `kind`
    ("patient" or "staff") account: sent as a link would be, so the reply and its timing say nothing."""
    wanted = "sign-in link" if kind == "patient" else "link to choose a new password"
    who = "patient's" if kind == "patient" else "staff"
    ask = (
        "If you are a patient, ask your clinic to add this address, or sign in with the code on the sheet they gave you."
        if kind == "patient"
        else "If you work at a clinic here, ask its admin for an invitation, or use the address they invited."
    )
    return Email(
        to,
        "About your glutewake sign-in",
        f"Hello,\n\nSomeone (we hope you) asked for a glutewake {wanted} for this address, but no"
        f" {who} account on this server uses it, so there is no link to send.\n\n{ask}\n\n{link}"
        "\n\nIf you did not ask, you can ignore this email; nothing has changed.",
    )
