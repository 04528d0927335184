"""`glutewake learn`: browse conditions, exercises, self-tests and the triage questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.knowledge.vocabulary import EQUIPMENT, POSITIONS

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from glutewake.app.library import LibraryItem
    from glutewake.knowledge import Knowledge

__all__ = ["learn"]

_TOPICS = {
    "conditions": "what can make a bottom numb or sore, and what to do",
    "exercises": "exercises, stretches and desk moves (filter with --position, --equipment, --level)",
    "selftests": "the glute self-tests",
    "findings": "the triage questions and their ids (for `glutewake check --answers`)",
}


@click.command()
@click.argument("topic", required=False)
@click.option(
    "--position",
    type=click.Choice(list(POSITIONS)),
    help="Only exercises done in this position.",
)
@click.option(
    "--equipment",
    type=click.Choice(list(EQUIPMENT)),
    help="Only exercises you can do with this kit (a chair is assumed): "
    + "; ".join(f"{kit}: {words.lower()}" for kit, words in EQUIPMENT.items()),
)
@click.option(
    "--level", type=click.IntRange(1, 3), help="Only exercises up to this level (1 easy to 3 hard)."
)
def learn(topic: str | None, position: str | None, equipment: str | None, level: int | None) -> None:
    """Browse what glutewake knows: conditions, exercises and self-tests.

    TOPIC is one of conditions, exercises, selftests or findings, or the name or id
    of one item (a condition, exercise or self-test), such as sciatica or "glute bridge".

    \b
    Examples:
      glutewake learn
      glutewake learn conditions
      glutewake learn "dead butt syndrome"
      glutewake learn exercises --position seated
      glutewake learn glute_bridge
    """
    import difflib

    from glutewake.app import region
    from glutewake.app.library import search_library
    from glutewake.cli import _render

    kb = region.knowledge()
    console = _render.console()
    if topic is None:
        for name, about in _TOPICS.items():
            console.print(f"[bold]{name:<11}[/bold] {about}")
        console.print("\nShow one item with `glutewake learn NAME`, for example `glutewake learn sciatica`.")
        return
    key = topic.strip().lower()
    if key == "exercises" or position or equipment or level:
        _exercise_table(kb, console, position, equipment, level)
        return
    if key in _TOPICS:
        _topic_table(kb, console, key)
        return
    found = search_library(kb, topic)
    if not found.items:
        close = ", ".join(f"{item.id} ({item.name})" for item in found.suggestions)
        hint = f" Did you mean: {close}?" if close else ""
        topics = difflib.get_close_matches(key, list(_TOPICS), n=1)
        hint += f" Did you mean the topic {topics[0]}?" if topics else ""
        raise click.UsageError(
            f"nothing called {topic!r}.{hint} `glutewake learn conditions` (or exercises, selftests) "
            "lists what there is."
        )
    if len(found.items) > 1:
        _matches(console, topic, list(found.items))
        return
    (item,) = found.items
    if item.kind == "condition":
        _render.condition(kb.conditions[item.id], kb)
    elif item.kind == "exercise":
        _render.exercise(kb.exercises[item.id], kb)
    else:
        console.print(_render.selftest(kb.selftests[item.id]))


_KINDS = {"condition": "condition", "exercise": "exercise", "selftest": "self-test"}


def _matches(console: Console, topic: str, items: list[LibraryItem]) -> None:
    table = _table(("id", "kind", "name"), [item.id for item in items], title=f"{len(items)} match {topic!r}")
    for item in items:
        called = f" (also called {item.called})" if item.called not in (item.name, item.id) else ""
        table.add_row(item.id, _KINDS[item.kind], item.name + called)
    console.print(table)
    console.print(f"Show one with `glutewake learn ID`, for example `glutewake learn {items[0].id}`.")


def _table(headings: tuple[str, ...], ids: list[str], *, title: str) -> Table:
    """A table whose first column, the ids people type, is never cut short: the others wrap."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column(headings[0], no_wrap=True, min_width=max(map(len, [headings[0], *ids])))
    for heading in headings[1:]:
        table.add_column(heading, overflow="fold")
    return table


def _exercise_table(
    kb: Knowledge, console: object, position: str | None, equipment: str | None, level: int | None
) -> None:

    from glutewake.app.library import find_exercises

    found = find_exercises(position, equipment, level)
    headings = ("id", "name", "position", "equipment", "level")
    table = _table(headings, [ex.id for ex in found], title="Exercises")
    for ex in found:
        table.add_row(ex.id, ex.name, ex.position, ", ".join(ex.equipment) or "none", str(ex.level))
    if not found:
        raise click.UsageError("no exercise matches those filters; try fewer of them.")
    console.print(table)  # type: ignore[attr-defined]


def _topic_table(kb: Knowledge, console: object, topic: str) -> None:

    if topic == "conditions":
        table = _table(("id", "name", "also called"), list(kb.conditions), title="Conditions")
        for c in kb.conditions.values():
            table.add_row(c.id, c.name, ", ".join(c.aliases))
    elif topic == "selftests":
        table = _table(("id", "name", "what it shows"), list(kb.selftests), title="Self-tests")
        for t in kb.selftests.values():
            table.add_row(t.id, t.name, t.purpose)
    else:
        table = _table(("id", "question"), list(kb.findings), title="Triage questions (red flags first)")
        for f in kb.findings.values():
            table.add_row(f.id, f.question)
    console.print(table)  # type: ignore[attr-defined]
