"""The library: finding exercises by position, kit and level, and any item by what it is called.

The search is for people typing what they remember: "tailbone", "numb bum", "squeeze test".
It matches names, aliases and ids word by word (case, hyphens and underscores ignored; each
word typed may be the start of a word), and offers close names when nothing matches.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from glutewake.app.region import knowledge
from glutewake.knowledge import Knowledge
from glutewake.knowledge.schema import Exercise

__all__ = ["Found", "LibraryItem", "find_exercises", "search_library"]

ItemKind = Literal["condition", "exercise", "selftest"]


def find_exercises(
    position: str | None = None, equipment: str | None = None, level: int | None = None
) -> list[Exercise]:
    """Library exercises done in `position`, possible with the kit of `equipment` (none, band,
    dumbbells, gym; a chair is assumed), up to `level`; unset filters let everything through."""
    kb = knowledge()
    kits = {str(name): set(items) for name, items in kb.programme.kits.items()}
    kit = kits[equipment] | {"chair"} if equipment in kits else None
    return [
        e
        for e in kb.exercises.values()
        if (not position or e.position == position)
        and (kit is None or set(e.equipment) <= kit)
        and (level is None or e.level <= level)
    ]


@dataclass(frozen=True)
class LibraryItem:
    kind: ItemKind
    id: str
    name: str
    called: str  # the name or alias the search matched


@dataclass(frozen=True)
class Found:
    """What a search found: `exact` when the words are an item's id, name or alias (then
    `items` is that one item), else every item whose names hold the words; `suggestions`
    (names close to what was typed) only when nothing matched."""

    items: tuple[LibraryItem, ...]
    exact: bool = False
    suggestions: tuple[LibraryItem, ...] = ()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("_", " "))


def _names(kb: Knowledge) -> list[tuple[ItemKind, str, str, list[str]]]:
    """Every item as (kind, id, name, what it is called: id, name, aliases)."""
    rows: list[tuple[ItemKind, str, str, list[str]]] = []
    for item_id, condition in kb.conditions.items():
        rows.append(("condition", item_id, condition.name, [condition.name, *condition.aliases, item_id]))
    for item_id, exercise in kb.exercises.items():
        rows.append(("exercise", item_id, exercise.name, [exercise.name, *exercise.aliases, item_id]))
    for item_id, test in kb.selftests.items():
        rows.append(("selftest", item_id, test.name, [test.name, item_id]))
    return rows


def _holds(called: str, wanted: list[str]) -> bool:
    """Whether every word wanted starts a word of `called`, each a different one."""
    words = _words(called)
    for word in wanted:
        match = next((i for i, w in enumerate(words) if w.startswith(word)), None)
        if match is None:
            return False
        del words[match]
    return True


def search_library(kb: Knowledge, query: str) -> Found:
    """Conditions, exercises and self-tests called what `query` says (see the module's note)."""
    wanted = _words(query)
    if not wanted:
        return Found(())
    rows = _names(kb)
    exact = [
        LibraryItem(kind, item_id, name, called)
        for kind, item_id, name, names in rows
        for called in names
        if _words(called) == wanted
    ]
    if exact:
        return Found((exact[0],), exact=True)
    items = []
    for kind, item_id, name, names in rows:
        called = next((c for c in names if _holds(c, wanted)), None)
        if called is not None:
            items.append(LibraryItem(kind, item_id, name, called))
    if items:
        return Found(tuple(items))
    return Found((), suggestions=tuple(_close(rows, wanted)))


def _close(rows: list[tuple[ItemKind, str, str, list[str]]], wanted: list[str]) -> list[LibraryItem]:
    """Up to three items called something close to the words typed (a misspelling)."""
    phrase = " ".join(wanted)
    by_phrase = {
        " ".join(_words(called)): LibraryItem(kind, item_id, name, called)
        for kind, item_id, name, names in rows
        for called in names
    }
    close = difflib.get_close_matches(phrase, list(by_phrase), n=3, cutoff=0.7)
    found = [by_phrase[c] for c in close]
    if not found:  # a misspelt word of a longer name: "tailbon pian"
        by_word = {
            word: LibraryItem(kind, item_id, name, called)
            for kind, item_id, name, names in rows
            for called in names
            for word in _words(called)
        }
        for word in wanted:
            found += [by_word[w] for w in difflib.get_close_matches(word, list(by_word), n=2, cutoff=0.75)]
    return list({item.id: item for item in found}.values())[:3]
