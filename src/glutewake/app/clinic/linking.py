"""A patient's own computer, linked to their clinic: a token the patient makes and can revoke,
which lets glutewake there share one thing, the coach's daily sitting statistics.

The token does nothing else: it cannot read any record, nor sign a browser in.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from glutewake.app.clinic.accounts import Clinic, clean_name, describe
from glutewake.app.refusals import InputError
from glutewake.core.sitting import SharedDay
from glutewake.identity import Who, credentials
from glutewake.store.clinic import AccessToken

if TYPE_CHECKING:
    from glutewake.app.context import Context

__all__ = [
    "MAX_DAYS",
    "NewLink",
    "link_computer",
    "linked_computers",
    "linked_who",
    "receive_sitting",
    "unlink",
]

MAX_DAYS = 400  # days one upload may carry
_TOUCH = timedelta(hours=1)


class NewLink:
    def __init__(self, token: str, record_id: int) -> None:
        self.token = token  # shown once
        self.record_id = record_id


def link_computer(clinic: Clinic, who: Who, name: str) -> NewLink:
    token = "gwl_" + credentials.new_token()
    record_id = clinic.store.add_access_token(
        credentials.digest(token), who.account_id, clean_name(name, "name for the computer")
    )
    clinic.store.audit(
        who.clinic_id,
        who.account_id,
        describe(who),
        "change",
        "linked a computer to share sitting statistics",
        who.account_id,
    )
    return NewLink(token, record_id)


def linked_computers(clinic: Clinic, who: Who) -> list[AccessToken]:
    return clinic.store.access_tokens_of(who.account_id)


def unlink(clinic: Clinic, who: Who, token_id: int) -> None:
    if not clinic.store.revoke_access_token(who.account_id, token_id):
        raise InputError("that computer is not linked (any more)")
    clinic.store.audit(
        who.clinic_id, who.account_id, describe(who), "change", "unlinked a computer", who.account_id
    )


def linked_who(clinic: Clinic, bearer: str) -> Who | None:
    """Who a linked computer's token acts for (a patient, by token), or None."""
    if not bearer.startswith("gwl_") or len(bearer) > 100:
        return None
    account = clinic.store.token_holder(credentials.digest(bearer), touch_after=_TOUCH)
    if account is None or account.role != "patient" or account.person_id is None:
        return None
    return Who(
        account.person_id,
        "patient",
        "bearer",
        "bearer",
        account_id=account.id,
        clinic_id=account.clinic_id,
        name=account.display_name,
    )


def receive_sitting(ctx: Context, days: list[SharedDay], today: date) -> int:
    """Keep the days a linked computer shared (a day shared again replaces its figures)."""
    if len(days) > MAX_DAYS:
        raise InputError(f"share at most {MAX_DAYS} days at a time")
    for shared in days:
        if shared.day > today + timedelta(days=1):
            raise InputError(f"{shared.day} is in the future; check the computer's clock")
        if shared.stats.active_seconds < 0 or shared.stats.active_seconds > 86_400:
            raise InputError(f"{shared.day}: active sitting must be between 0 and 24 hours")
    ctx.records.share_sitting(days)
    return len(days)
