"""The clinic's audit log as a hash chain: each entry's hash covers the one before and its own content.

Pure: no I/O, no clock. An entry's hash is SHA-256 over the previous entry's hash and the entry's
fields as canonical JSON, so changing an entry breaks its own hash, and removing, inserting or
reordering one breaks the link of the entry after it. The chain's head (the newest entry's id and
hash, and how many there are) is kept apart, so removing the newest entries is seen too.
Migration 0009 chains the entries written before it with its own copy of `entry_hash`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["GENESIS", "ChainBreak", "ChainEntry", "ChainHead", "ChainReport", "entry_hash", "verify_chain"]

GENESIS = "0" * 64  # what the first entry follows


@dataclass(frozen=True)
class ChainEntry:
    """An audit entry as stored: its fields, the hash it follows and its own hash."""

    id: int
    at: datetime
    clinic_id: int
    actor_id: int | None
    actor: str
    patient_id: int | None
    subject_id: int | None
    action: str
    what: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainHead:
    last_id: int | None
    last_hash: str
    entries: int


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None  # None: the break is at the head (the newest entries)
    at: datetime | None
    problem: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    last_hash: str
    breaks: tuple[ChainBreak, ...]

    @property
    def intact(self) -> bool:
        return not self.breaks


def _moment(at: datetime) -> str:
    """UTC to the microsecond, as the database keeps it (naive means UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(sep=" ", timespec="microseconds")


def entry_hash(
    prev_hash: str,
    at: datetime,
    clinic_id: int,
    actor_id: int | None,
    actor: str,
    patient_id: int | None,
    subject_id: int | None,
    action: str,
    what: str,
) -> str:
    content = json.dumps(
        [_moment(at), clinic_id, actor_id, actor, patient_id, subject_id, action, what],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def _own_hash(entry: ChainEntry) -> str:
    return entry_hash(
        entry.prev_hash,
        entry.at,
        entry.clinic_id,
        entry.actor_id,
        entry.actor,
        entry.patient_id,
        entry.subject_id,
        entry.action,
        entry.what,
    )


def verify_chain(entries: Iterable[ChainEntry], head: ChainHead | None, *, most: int = 20) -> ChainReport:
    """Walk the entries oldest first (by id); every place the chain breaks, up to `most`."""
    breaks: list[ChainBreak] = []
    expected = GENESIS
    count = 0
    last_id: int | None = None
    for entry in entries:
        count += 1
        if entry.prev_hash != expected:
            breaks.append(
                ChainBreak(
                    entry.id,
                    entry.at,
                    "it does not follow the entry before it: an entry before it was removed, "
                    "changed or moved, or this one was put in",
                )
            )
        if _own_hash(entry) != entry.hash:
            breaks.append(ChainBreak(entry.id, entry.at, "its content was changed after it was written"))
        expected = entry.hash
        last_id = entry.id
        if len(breaks) >= most:
            return ChainReport(count, expected, tuple(breaks[:most]))
    if head is None:
        breaks.append(ChainBreak(None, None, "the chain's head is missing"))
    elif head.last_id != last_id or head.last_hash != expected or head.entries != count:
        breaks.append(
            ChainBreak(
                None,
                None,
                f"the log ends at entry {last_id} after {count} entries, but the chain's head "
                f"says entry {head.last_id} after {head.entries}: the newest entries were removed or changed",
            )
        )
    return ChainReport(count, expected, tuple(breaks))
