"""This computer's link to the person's clinic: where it is, the token the patient made for it on
the clinic's Account page, and sharing the coach's daily sitting statistics over HTTPS.

The link lives in `clinic-link.json` in the data directory (private to the user, like the
token file). Only `SharedDay`s are ever sent: per day, minutes sat, stretches and breaks.
The running coach shares today and yesterday once an hour while a link exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from glutewake.codec import dump
from glutewake.core.sitting import SharedDay

if TYPE_CHECKING:
    from glutewake.app.context import Context

__all__ = ["LINK_FILE", "Link", "LinkError", "check_link", "daily_shares", "forget_link", "load_link", "save_link",
           "share_hourly", "upload"]  # fmt: skip

LINK_FILE = "clinic-link.json"
SHARE_EVERY = 3600.0


class LinkError(RuntimeError):
    """The clinic cannot be reached, or refused; the message says what to do."""


@dataclass(frozen=True)
class Link:
    url: str  # the clinic's address, with the slash
    token: str
    clinic: str
    patient: str


def load_link(home: Path) -> Link | None:
    try:
        data = json.loads((home / LINK_FILE).read_text(encoding="utf-8"))
        return Link(str(data["url"]), str(data["token"]), str(data["clinic"]), str(data["patient"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_link(home: Path, link: Link) -> None:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = home / LINK_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(
            {"url": link.url, "token": link.token, "clinic": link.clinic, "patient": link.patient}, handle
        )


def forget_link(home: Path) -> bool:
    try:
        (home / LINK_FILE).unlink()
    except FileNotFoundError:
        return False
    return True


def _call(url: str, token: str, path: str, body: dict[str, Any] | None = None, timeout: float = 20) -> Any:
    request = urllib.request.Request(
        url.rstrip("/") + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        with contextlib.closing(error):  # its connection, read or not, is closed here
            _refusal(error)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise LinkError(f"cannot reach the clinic at {url}: {reason}") from None


def _refusal(error: urllib.error.HTTPError) -> NoReturn:
    """The clinic's refusal, in words that say what to do."""
    if error.code in (401, 404):
        raise LinkError(
            "the clinic does not accept this computer's token (it was unlinked, or mistyped):"
            " make a new one on the clinic's Account page and run `glutewake clinic link` again"
        ) from None
    detail = ""
    with contextlib.suppress(ValueError, OSError):
        detail = str(json.loads(error.read()).get("detail", ""))
    raise LinkError(f"the clinic answered {error.code}: {detail or error.reason}") from None


def check_link(url: str, token: str) -> Link:
    """The link, once the clinic has said whose token this is."""
    found = _call(url, token, "/api/clinic/link")
    return Link(url if url.endswith("/") else url + "/", token, str(found["clinic"]), str(found["patient"]))


def upload(link: Link, days: list[SharedDay]) -> int:
    kept = _call(link.url, link.token, "/api/clinic/sitting", {"days": dump(tuple(days))})
    return int(kept["kept"])


def daily_shares(ctx: Context, days: int, today: date) -> list[SharedDay]:
    """The coach's statistics of each of the last `days` local days (today included), oldest
    first; days with no sitting and no prompts are left out."""
    from glutewake.app.coach import stats_between

    zone = ctx.clock.now().tzinfo
    shared = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(), zone)
        stats = stats_between(ctx, start, start + timedelta(days=1))
        if stats.active_seconds or stats.prompts:
            shared.append(SharedDay(day, stats))
    return shared


async def share_hourly(home: Path, ctx: Context) -> None:
    """While the coach runs: share today and yesterday each hour, if this computer is linked.
    A clinic that cannot be reached is tried again at the next hour; nothing else changes."""
    while True:
        link = load_link(home)
        if link is not None:
            days = daily_shares(ctx, 2, ctx.clock.now().date())
            if days:
                with contextlib.suppress(LinkError):
                    await asyncio.to_thread(upload, link, days)
        await asyncio.sleep(SHARE_EVERY)
