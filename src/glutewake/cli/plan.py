"""`glutewake plan`: build, show and export the personal programme."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from glutewake.cli._json import echo_json
from glutewake.cli._text import say
from glutewake.knowledge.vocabulary import EQUIPMENT, WEEKDAYS
from glutewake.knowledge.vocabulary import SESSION_MINUTES as MINUTES

if TYPE_CHECKING:
    from rich.table import Table

    from glutewake.app.sessions import Due
    from glutewake.core.programme import Plan, Profile
    from glutewake.knowledge import Knowledge

__all__ = ["plan"]


def _days(value: str | None) -> tuple[int, ...] | Literal["every_other_day"] | None:
    from glutewake.knowledge.vocabulary import WEEKDAYS

    if value is None:
        return None
    if value.strip().lower() in {"", "every-other-day", "alternate"}:
        return "every_other_day"
    given = [part.strip().lower() for part in value.split(",") if part.strip()]
    names = {word: word[:3] for word in given}  # monday, mon: both fine
    unknown = [word for word, name in names.items() if name not in WEEKDAYS or not _a_day(word)]
    if unknown or not names:
        raise click.BadParameter(
            f"use weekday names such as mon,wed,fri (not {', '.join(map(repr, unknown)) or repr(value)})",
            param_hint="'--days'",
        )
    return tuple(sorted({WEEKDAYS.index(name) for name in names.values()}))


def _a_day(word: str) -> bool:
    """mon, monday, tues, tuesday, ...: a weekday's short name or a start of its full name."""
    from glutewake.knowledge.vocabulary import WEEKDAY_NAMES

    return any(full.lower().startswith(word) for full in WEEKDAY_NAMES) and len(word) >= 3


@click.command()
@click.option(
    "--new", "rebuild", is_flag=True, help="Build a new plan from your latest check and self-tests."
)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day of a new plan (default: today).")
@click.option("--equipment", type=click.Choice(list(EQUIPMENT)), help="Kit you have.")
@click.option(
    "--minutes", type=click.IntRange(*MINUTES), help=f"Minutes per session ({MINUTES[0]} to {MINUTES[1]})."
)
@click.option(
    "--days", metavar="DAYS", help="Weekdays to train, e.g. mon,wed,fri (default: every other day)."
)
@click.option(
    "--ics",
    "ics_file",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Also write the plan as an iCalendar file to import into a calendar app.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.pass_context
def plan(
    ctx: click.Context, rebuild: bool, start: datetime | None, equipment: str | None, minutes: int | None,
    days: str | None, ics_file: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Build or show your personal plan: about four weeks, three phases.

    Wake-up (activation), strengthen, then load, with a short warm-up, two or three main
    exercises and stretches each session, fitted to your kit, time, the symptom check
    (`glutewake check`, needed first) and your weaker side from `glutewake selftest`.
    The plan adapts to how each session felt, and says why it changed.

    \b
    Examples:
      glutewake plan --new --equipment band --minutes 20 --days mon,wed,fri
      glutewake plan
      glutewake plan --ics glutes.ics
    """
    from glutewake.app.clearance import current_clearance
    from glutewake.app.plans import (
        PlanChoices,
        check_allows_more,
        current_plan,
        new_plan,
        plan_ics,
        plan_profile,
        profile_chosen,
    )
    from glutewake.app.refusals import InputError, NotCleared, NoTriage
    from glutewake.app.region import knowledge
    from glutewake.app.sessions import next_session
    from glutewake.cli._errors import not_cleared
    from glutewake.cli._prompt import Asker, confirm_or_refuse
    from glutewake.cli._store import acting, clock

    records = acting(ctx)
    today = clock(ctx).now().date()
    active = current_plan(records)
    choices = PlanChoices(equipment, minutes, _days(days))  # type: ignore[arg-type]  # click.Choice checks
    changing = choices != PlanChoices() or start is not None
    if active is not None and not rebuild and changing:
        # a new choice means a new plan: never replace the current one unasked
        what = _changed(equipment, minutes, days, start)
        confirm_or_refuse(
            f"Changing {what} builds a new plan from {(start.date() if start else today):%A %d %b}, "
            "replacing your current one. Build it?",
            f"changing {what} builds a new plan and replaces your current one; to do that, run "
            f"`glutewake plan --new {' '.join(_given(equipment, minutes, days, start))}`",
        )
    if active is None or rebuild or changing:
        first_time = not profile_chosen(records)
        try:
            shown = new_plan(records, choices, start.date() if start else today)
        except NoTriage as error:
            say("error: run `glutewake check` first: the plan depends on what it finds.", err=True)
            raise SystemExit(1) from error
        except NotCleared as error:
            raise not_cleared(error.clearance) from error
        except InputError as error:
            raise click.BadParameter(str(error)) from error
        if first_time and not as_json:
            say(
                f"Using: {_choices(plan_profile(records))}. Change with --equipment, --minutes and --days.",
                err=True,
            )
    else:
        shown = active.plan
    cleared = current_clearance(records)
    if ics_file:
        if not cleared.may_exercise:  # a calendar of sessions is an offer of them
            raise not_cleared(cleared)
        from glutewake.cli._errors import CommandError
        from glutewake.privatefile import write_private

        try:
            calendar, target = plan_ics(shown, clock(ctx).now()), Path(ics_file)
            if target.exists() and not target.is_file():  # /dev/stdout, a pipe: nothing there to keep
                with target.open("wb") as stream:
                    stream.write(calendar)
            else:
                write_private(target, calendar)
        except OSError as error:
            raise CommandError(f"cannot write {ics_file}: {error.strerror}") from None
    if as_json:
        echo_json(shown)
        return
    if not cleared.may_exercise:
        from glutewake.cli import _render

        _render.clearance(cleared)
        if shown.sessions:
            Asker().tell(
                f"\nYour plan ({len(shown.sessions)} sessions from {shown.start_date:%d %b}) is kept for later."
            )
        return
    _show(shown, knowledge(), today, next_session(records, today))
    if check_allows_more(records, cleared):
        Asker().tell(
            "\nYour latest symptom check allows more than this plan was built for: "
            "`glutewake plan --new` builds one fitted to it."
        )
    if ics_file:
        say(f"Calendar written to {ics_file} ({len(shown.sessions)} sessions).")


def _choices(profile: Profile) -> str:
    days = (
        "every other day"
        if profile.preferred_days is None
        else "on " + ", ".join(WEEKDAYS[d] for d in profile.preferred_days)
    )
    return f"equipment {profile.equipment}, {profile.minutes_per_session} minutes, {days}"


def _given(equipment: str | None, minutes: int | None, days: str | None, start: datetime | None) -> list[str]:
    """The options given, as they would be typed again."""
    import shlex

    options = {"--equipment": equipment, "--minutes": minutes, "--days": days}
    typed = [f"{name} {shlex.quote(str(value))}" for name, value in options.items() if value is not None]
    return typed + ([f"--start {start:%Y-%m-%d}"] if start else [])


def _changed(equipment: str | None, minutes: int | None, days: str | None, start: datetime | None) -> str:
    named = {"the equipment": equipment, "the minutes": minutes, "the days": days, "the first day": start}
    words = [name for name, value in named.items() if value is not None]
    return " and ".join(filter(None, (", ".join(words[:-1]), *words[-1:])))


def _show(shown: Plan, kb: Knowledge, today: date, due: Due | None) -> None:
    """The plan, with `due` (what `glutewake session --next` does) as its next session."""
    from glutewake.cli import _render

    console = _render.console()
    if shown.status == "not_started":
        console.print("[bold]No exercise plan for now.[/bold]")
        for line in shown.advice:
            console.print(f"• {line}")
        return
    if shown.status == "stopped":
        console.print("[bold red]This plan is paused.[/bold red] " + shown.changes[-1].reason)
    phases = {p.id: p for p in kb.programme.phases}
    if console.width >= 120:
        console.print(_calendar(shown, kb, today))
    else:  # a week-by-week list
        from glutewake.cli import _render

        names = {p.id: p.name for p in kb.programme.phases}
        rows = [
            (
                f"{s.day:%a} {s.day.day} {s.day:%b}" + (" (today)" if s.day == today else ""),
                str((s.day - shown.start_date).days // 7 + 1),
                names[s.phase],
                ", ".join(kb.exercises[b.exercise_id].name for b in s.main),
            )
            for s in shown.sessions
        ]
        _render.listing(
            console,
            f"Your plan from {shown.start_date:%d %b %Y}",
            ("day", "week", "phase", "main exercises"),
            rows,
        )
    if due:
        upcoming = due.session
        console.print(f"\n[bold]Next session: {upcoming.day:%A %d %b}[/bold] ({phases[upcoming.phase].goal})")
        if due.part_way:
            console.print("  You stopped part-way through it: `glutewake session` goes on from there.")
        for title, blocks in (
            ("Warm-up", upcoming.warm_up),
            ("Main", upcoming.main),
            ("Stretches", upcoming.stretches),
        ):
            console.print(
                f"  {title}: "
                + "; ".join(f"{kb.exercises[b.exercise_id].name} {b.describe()}" for b in blocks)
            )
    if shown.maintenance:
        routine = "; ".join(f"{kb.exercises[b.exercise_id].name} {b.describe()}" for b in shown.maintenance)
        console.print(
            f"\n[bold]After the four weeks[/bold], keep it up {kb.programme.maintenance_often}: {routine}"
        )
    if shown.weaker_side:
        console.print(f"\nYour {shown.weaker_side} side gets an extra set in one-sided exercises.")
    if shown.changes:
        console.print("\n[bold]Why the plan changed[/bold]")
        for change in shown.changes:
            console.print(f"  {change.on:%d %b}: {change.reason}")


def _calendar(shown: Plan, kb: Knowledge, today: date) -> Table:
    """A month-style grid, for a wide terminal."""
    from rich.table import Table
    from rich.text import Text

    phases = {p.id: p.name for p in kb.programme.phases}
    title = f"Your plan from {shown.start_date:%d %b %Y}"
    grid = Table(*(d.capitalize() for d in WEEKDAYS), title=title, show_lines=True)
    by_day = {s.day: s for s in shown.sessions}
    first = shown.sessions[0].day if shown.sessions else shown.start_date
    first_monday = first.toordinal() - first.weekday()
    last = shown.sessions[-1].day if shown.sessions else shown.start_date
    for monday in range(first_monday, last.toordinal() + 1, 7):
        cells = []
        for offset in range(7):
            day = date.fromordinal(monday + offset)
            cell = Text(str(day.day), style="reverse" if day == today else "")
            planned = by_day.get(day)
            if planned:
                cell.append(f"\n{phases[planned.phase]}", style="bold")
                cell.append("".join(f"\n{kb.exercises[b.exercise_id].name}" for b in planned.main))
            cells.append(cell)
        grid.add_row(*cells)
    return grid
