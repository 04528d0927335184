"""Rich terminal output for people. Imported only by commands printing for a person."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from glutewake.cli._clearance_words import what_lifts_it
from glutewake.core.clearance import Clearance
from glutewake.core.selftests import SelfTestResult, side_lines, summary
from glutewake.core.triage import Case, TriageResult, condition_escalation
from glutewake.knowledge import Knowledge
from glutewake.knowledge.schema import Condition, Exercise, SelfTest

__all__ = [
    "clearance",
    "condition",
    "console",
    "exercise",
    "listing",
    "selftest",
    "selftest_result",
    "triage_result",
]

_BANNER = {
    "emergency": "bold white on red",
    "urgent": "bold black on dark_orange",
    "gp": "bold white on blue",
    "self_care": "bold white on green",
}


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """What reads the output stopped reading (`| head`): end quietly, as any command does."""
        from glutewake.cli._text import reader_gone

        self.quiet = True
        raise reader_gone()


def console(*, err: bool = False) -> Console:
    """The console every command prints rich text with (to standard error with `err`)."""
    return _Console(highlight=False, stderr=err)


def _console() -> Console:
    return console()


def listing(out: Console, title: str, headings: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """Rows as a table when the terminal has room for every column's words, else each row as
    a short paragraph: its first cell (what people type) on a line, the others under it as
    "heading: value", wrapped between words. No word is ever cut."""
    import textwrap

    from rich.table import Table

    first = max(len(cell) for cell in [headings[0], *(row[0] for row in rows)])
    longest_words = [
        max((len(word) for row in rows for word in (row[n] or "-").split()), default=1)
        for n in range(1, len(headings))
    ]
    # borders and padding: 3 columns a cell and 1 at the end
    if (
        first
        + sum(max(w, len(h)) for w, h in zip(longest_words, headings[1:], strict=True))
        + 3 * len(headings)
        + 1
        <= out.width
    ):
        table = Table(title=title)
        table.add_column(headings[0], no_wrap=True, min_width=first)
        for heading in headings[1:]:
            table.add_column(heading)
        for row in rows:
            table.add_row(*row)
        out.print(table)
        return
    out.print(Text(title, style="bold"))
    for row in rows:
        out.print(Text(row[0], style="bold"))
        for heading, cell in zip(headings[1:], row[1:], strict=True):
            if cell:
                lines = textwrap.fill(
                    cell,
                    out.width,
                    initial_indent=f"  {heading}: ",
                    subsequent_indent="    ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
                out.print(Text(lines))


def _bullets(lines: tuple[str, ...] | list[str]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column()
    for line in lines:
        grid.add_row("•", line)
    return grid


def finding_label(kb: Knowledge, finding_id: str, answer: bool | None) -> str:
    finding = kb.findings[finding_id]
    return finding.label_no if answer is False else finding.label_yes


def triage_result(result: TriageResult, case: Case, kb: Knowledge) -> None:
    console = _console()
    title = result.title or kb.level(result.urgency).title
    console.print(Panel(Text(title, justify="center"), style=_BANNER[result.urgency], padding=(1, 2)))
    console.print(Text("What to do now", style="bold"))
    console.print(_bullets(result.advice.now))
    if result.causes:
        console.print()
        console.print(Text("What it may be", style="bold"))
        for rank, cause in enumerate(result.causes[:5], start=1):
            name = kb.conditions[cause.id].name
            because = "; ".join(finding_label(kb, f, case.answers.get(f)) for f in cause.because)
            console.print(Text.assemble(f"{rank}. ", (name, "bold"), f" ({cause.likelihood})"))
            if because:
                console.print(Text(f"   because: {because}", style="dim"))
    console.print()
    console.print(Text("What would change this advice", style="bold"))
    console.print(_bullets(result.advice.safety_net))
    console.print()
    console.print(Text(result.notice, style="italic"))


def clearance(cleared: Clearance, *, err: bool = False) -> None:
    """Why exercise is not on offer now, led by what to do: the check's own banner and number
    when help is needed, in the words the check used."""
    out = console(err=err)
    style = _BANNER[cleared.urgency] if cleared.urgency in ("emergency", "urgent") else "bold"
    out.print(Panel(Text(cleared.title, justify="center"), style=style, padding=(1, 2)))
    if cleared.call:
        out.print(Text(f"Phone {cleared.call} now.", style="bold"))
    if cleared.actions:
        out.print(Text("What to do now", style="bold"))
        out.print(_bullets(cleared.actions))
    out.print(Text(cleared.reason))
    out.print(Text(what_lifts_it(cleared)))


def selftest_result(result: SelfTestResult, kb: Knowledge) -> None:
    console = _console()
    console.print(
        Panel(
            Text("\n".join(side_lines(result, kb))),
            title="Glute activation",
            title_align="left",
            style="bold",
        )
    )
    console.print(_bullets(summary(result, kb)[1:]))
    if result.glutes_underactive:
        console.print()
        console.print(
            "Your glutes look slow to switch on. Start with the activation exercises: `glutewake learn exercises`."
        )
    console.print()
    console.print(
        Text(
            "These tests guide exercise; they are not a diagnosis. Run `glutewake check` if you have pain or numbness.",
            style="italic",
        )
    )


def selftest(test: SelfTest) -> Panel:
    steps = Text("\n".join(f"{n}. {step}" for n, step in enumerate(test.steps, start=1)))
    return Panel(
        Group(Text(test.purpose, style="italic"), Text(), steps), title=test.name, title_align="left"
    )


def condition(item: Condition, kb: Knowledge) -> None:
    console = _console()
    body: list[Text | Table] = [Text(item.summary), Text()]
    if item.aliases:
        body += [Text("Also called: " + ", ".join(item.aliases), style="dim"), Text()]
    body += [Text("What to do", style="bold"), _bullets(item.what_to_do), Text()]
    if item.build_up:
        body += [
            Text("Then, when the check allows full exercise", style="bold"),
            _bullets(item.build_up),
            Text(),
        ]
    help_lines = [*item.when_to_get_help, *condition_escalation(item.id, kb)]
    body += [Text("When to get help", style="bold"), _bullets(help_lines), Text()]
    body += [Text("Sources: " + "; ".join(_cite(kb, ref) for ref in item.references), style="dim")]
    console.print(Panel(Group(*body), title=item.name, title_align="left"))


def exercise(item: Exercise, kb: Knowledge) -> None:
    console = _console()
    dose = item.dose
    amount = f"{dose.reps} reps" if dose.reps else f"hold {dose.hold_seconds} s"
    per_side = " each side" if dose.per_side else ""
    facts = Table.grid(padding=(0, 2))
    facts.add_row("Dose", f"{dose.sets} × {amount}{per_side}, rest {dose.rest_seconds} s")
    if item.tempo:
        t = item.tempo
        facts.add_row("Tempo", f"lift {t.lift_seconds} s, hold {t.hold_seconds} s, lower {t.lower_seconds} s")
    facts.add_row("Works", ", ".join(m.replace("_", " ") for m in item.target_muscles))
    facts.add_row("Position", item.position)
    facts.add_row("Equipment", ", ".join(e.replace("_", " ") for e in item.equipment) or "none")
    facts.add_row("Level", str(item.level))
    body: list[Text | Table] = [facts, Text()]
    body += [
        Text("How to", style="bold"),
        Text("\n".join(f"{n}. {s}" for n, s in enumerate(item.steps, 1))),
        Text(),
    ]
    body += [Text("Feel it", style="bold"), _bullets(item.cues), Text()]
    body += [Text("Avoid", style="bold"), _bullets(item.mistakes)]
    for label, ids in (("Easier", item.regressions), ("Harder", item.progressions)):
        if ids:
            body += [Text(), Text(f"{label}: " + ", ".join(kb.exercises[i].name for i in ids), style="dim")]
    if item.min_exercise_level == "full":
        body += [Text(), Text("Not while the check advises gentle exercise only.", style="yellow")]
    if item.avoid_with:
        names = ", ".join(kb.avoid_name(c) for c in item.avoid_with)
        body += [Text(), Text(f"Not advised with: {names}.", style="yellow")]
    console.print(Panel(Group(*body), title=item.name, title_align="left"))


def _cite(kb: Knowledge, reference_id: str) -> str:
    ref = kb.references[reference_id]
    return f"{ref.publisher}, {ref.title}" if ref.kind == "article" else f"{ref.publisher}: {ref.title}"
