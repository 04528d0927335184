"""`glutewake learn`: browse conditions, exercises, self-tests and the triage questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.knowledge.vocabulary import EQUIPMENT, POSITIONS

if TYPE_CHECKING:
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
    from rich.console import Console

    from glutewake.app import region
    from glutewake.cli import _render

    kb = region.knowledge()
    console = Console(highlight=False)
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
    found = _find(kb, key)
    if found is None:
        import difflib

        names = [*_TOPICS, *kb.conditions, *kb.exercises, *kb.selftests]
        close = difflib.get_close_matches(key.replace(" ", "_"), list(dict.fromkeys(names)), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise click.UsageError(f"nothing called {topic!r}.{hint} Try `glutewake learn` for the topics.")
    kind, item_id = found
    if kind == "condition":
        _render.condition(kb.conditions[item_id], kb)
    elif kind == "exercise":
        _render.exercise(kb.exercises[item_id], kb)
    else:
        console.print(_render.selftest(kb.selftests[item_id]))


def _find(kb: Knowledge, key: str) -> tuple[str, str] | None:
    """A condition, exercise or self-test by id, name or alias (case and spacing ignored)."""
    wanted = key.replace("-", " ").replace("_", " ")
    groups = (("condition", kb.conditions), ("exercise", kb.exercises), ("selftest", kb.selftests))
    for kind, items in groups:
        for item_id, item in items.items():
            names = [item_id, item.name, *getattr(item, "aliases", ())]
            if wanted in {n.lower().replace("-", " ").replace("_", " ") for n in names}:
                return kind, item_id
    return None


def _exercise_table(
    kb: Knowledge, console: object, position: str | None, equipment: str | None, level: int | None
) -> None:
    from rich.table import Table

    from glutewake.app.library import find_exercises

    table = Table(title="Exercises")
    table.add_column("id", no_wrap=True)
    for heading in ("name", "position", "equipment", "level"):
        table.add_column(heading)
    for ex in find_exercises(position, equipment, level):
        table.add_row(ex.id, ex.name, ex.position, ", ".join(ex.equipment) or "none", str(ex.level))
    if not table.rows:
        raise click.UsageError("no exercise matches those filters; try fewer of them.")
    console.print(table)  # type: ignore[attr-defined]


def _topic_table(kb: Knowledge, console: object, topic: str) -> None:
    from rich.table import Table

    if topic == "conditions":
        table = Table("id", "name", "also called", title="Conditions")
        for c in kb.conditions.values():
            table.add_row(c.id, c.name, ", ".join(c.aliases))
    elif topic == "selftests":
        table = Table("id", "name", "what it shows", title="Self-tests")
        for t in kb.selftests.values():
            table.add_row(t.id, t.name, t.purpose)
    else:
        table = Table("id", "question", title="Triage questions (red flags first)")
        for f in kb.findings.values():
            table.add_row(f.id, f.question)
    console.print(table)  # type: ignore[attr-defined]
