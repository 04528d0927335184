"""`glutewake learn`: browse conditions, exercises, self-tests and the triage questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.knowledge.vocabulary import EQUIPMENT, POSITIONS

if TYPE_CHECKING:
    from rich.console import Console

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
@click.option("--json", "as_json", is_flag=True, help="Print what is found as JSON.")
def learn(
    topic: str | None, position: str | None, equipment: str | None, level: int | None, as_json: bool
) -> None:
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
      glutewake learn exercises --level 1 --json
    """
    import difflib

    from glutewake.app import region
    from glutewake.app.library import search_library
    from glutewake.cli import _render

    kb = region.knowledge()
    console = _render.console()
    if as_json:
        _as_json(kb, topic, position, equipment, level)
        return
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


def _as_json(
    kb: Knowledge, topic: str | None, position: str | None, equipment: str | None, level: int | None
) -> None:
    """The same lookups as the text, as JSON: the topics, a list, or one item whole."""
    from glutewake.app.library import find_exercises, search_library
    from glutewake.cli._json import echo_json

    key = (topic or "").strip().lower()
    if topic is None and not (position or equipment or level):
        echo_json({"topics": _TOPICS})
    elif key == "exercises" or position or equipment or level:
        echo_json({"exercises": find_exercises(position, equipment, level)})
    elif key == "conditions":
        echo_json({"conditions": list(kb.conditions.values())})
    elif key == "selftests":
        echo_json({"selftests": list(kb.selftests.values())})
    elif key == "findings":
        echo_json({"findings": list(kb.findings.values())})
    else:
        found = search_library(kb, topic or "")
        if not found.items:
            raise click.UsageError(f"nothing called {topic!r}; `glutewake learn` lists the topics.")

        def whole(kind: str, item_id: str) -> object:
            if kind == "condition":
                return kb.conditions[item_id]
            return kb.exercises[item_id] if kind == "exercise" else kb.selftests[item_id]

        echo_json({"matches": [{"kind": i.kind, "item": whole(i.kind, i.id)} for i in found.items]})


def _matches(console: Console, topic: str, items: list[LibraryItem]) -> None:
    from glutewake.cli import _render

    rows = []
    for item in items:
        called = f" (also called {item.called})" if item.called not in (item.name, item.id) else ""
        rows.append((item.id, _KINDS[item.kind], item.name + called))
    _render.listing(console, f"{len(items)} match {topic!r}", ("id", "kind", "name"), rows)
    console.print(f"Show one with `glutewake learn ID`, for example `glutewake learn {items[0].id}`.")


def _exercise_table(
    kb: Knowledge, console: object, position: str | None, equipment: str | None, level: int | None
) -> None:

    from glutewake.app.library import find_exercises
    from glutewake.cli import _render

    found = find_exercises(position, equipment, level)
    if not found:
        raise click.UsageError("no exercise matches those filters; try fewer of them.")
    rows = [(ex.id, ex.name, ex.position, ", ".join(ex.equipment) or "none", str(ex.level)) for ex in found]
    _render.listing(console, "Exercises", ("id", "name", "position", "equipment", "level"), rows)  # type: ignore[arg-type]


def _topic_table(kb: Knowledge, console: object, topic: str) -> None:

    from glutewake.cli import _render

    rows: list[tuple[str, ...]]
    headings: tuple[str, ...]
    if topic == "conditions":
        title, headings = "Conditions", ("id", "name", "also called")
        rows = [(c.id, c.name, ", ".join(c.aliases)) for c in kb.conditions.values()]
    elif topic == "selftests":
        title, headings = "Self-tests", ("id", "name", "what it shows")
        rows = [(t.id, t.name, t.purpose) for t in kb.selftests.values()]
    else:
        title, headings = "Triage questions (red flags first)", ("id", "question")
        rows = [(f.id, f.question) for f in kb.findings.values()]
    _render.listing(console, title, headings, rows)  # type: ignore[arg-type]
