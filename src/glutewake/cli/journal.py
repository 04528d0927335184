"""`glutewake checkin` and `glutewake progress`: how you are doing, over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.cli._json import echo_json
from glutewake.cli._prompt import Asker, stopped
from glutewake.cli._text import say

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.core.progress import Trend

__all__ = ["checkin", "progress"]

_BARS = "▁▂▃▄▅▆▇█"


@click.command()
@click.option("--pain", type=click.IntRange(0, 10), help="Pain now, 0 (none) to 10 (worst imaginable).")
@click.option(
    "--numbness", type=click.IntRange(0, 10), help="Numbness when sitting, 0 (none) to 10 (complete)."
)
@click.option(
    "--psfs",
    "psfs_pairs",
    multiple=True,
    metavar="ACTIVITY=SCORE",
    help="An everyday activity and how well you can do it, 0 (unable) to 10 (as before). Repeatable.",
)
@click.option(
    "--red-flag",
    "red_flags",
    multiple=True,
    metavar="FINDING",
    help="A warning sign you have now (finding id). Repeatable.",
)
@click.option("--no-red-flags", is_flag=True, help="Answer no to every warning-sign question.")
@click.pass_context
def checkin(
    ctx: click.Context, pain: int | None, numbness: int | None, psfs_pairs: tuple[str, ...],
    red_flags: tuple[str, ...], no_red_flags: bool,
) -> None:  # fmt: skip
    """Record how you are: pain, numbness, everyday activities, and warning signs.

    The everyday activities are the Patient-Specific Functional Scale: name three to five
    things the problem makes hard (say, "sitting through a film") once, then rate each time.
    A warning sign, or a clear worsening since last time, sends you back to `glutewake check`
    and pauses the plan.

    \b
    Examples:
      glutewake checkin
      glutewake checkin --pain 3 --numbness 4 --psfs "sitting through a film=6" --no-red-flags
    """
    from glutewake.app.journal import last_check_case, record_checkin
    from glutewake.app.region import knowledge
    from glutewake.cli._store import acting, clock
    from glutewake.core.progress import Checkin, next_rescreen, rescreen_findings

    kb = knowledge()
    rescreen = rescreen_findings(kb)
    unknown = [f for f in red_flags if f not in rescreen]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)} is not a warning sign; use one of {', '.join(rescreen)}",
            param_hint="--red-flag",
        )
    psfs = dict(_pair(text) for text in psfs_pairs)
    records = acting(ctx)
    ask = Asker()
    try:
        if pain is None:
            pain = ask.whole_number("Pain right now, from 0 (none) to 10 (the worst imaginable)?", 0, 10)
        if numbness is None:
            numbness = ask.whole_number(
                "Numbness when you sit, from 0 (none) to 10 (completely numb)?", 0, 10
            )
        if not psfs:
            psfs = _rate_activities(records, ask)
        answers: dict[str, bool | None] = {f: f in red_flags for f in rescreen}
        if not red_flags and not no_red_flags:
            ask.say(click.style("\nA few safety questions.", bold=True))
            answers = {}
            check_case = last_check_case(records)
            # one screen at a time, until an answer means an emergency: then straight to what to do
            while (screen := next_rescreen(answers, kb, check_case)) is not None:
                items = [kb.findings[f] for f in screen.findings]
                ticked, unsure, rest = ask.checklist(
                    screen.title, [(f.label_yes, f.explanation) for f in items]
                )
                answers |= {
                    f.id: True if n in ticked else None if n in unsure else rest for n, f in enumerate(items)
                }
    except (click.Abort, KeyboardInterrupt) as abort:
        raise stopped("The check-in", "glutewake checkin", abort) from None
    verdict = record_checkin(records, Checkin(clock(ctx).now().date(), pain, numbness, psfs, answers))
    if verdict.outcome != "ok":
        from glutewake.app.clearance import current_clearance
        from glutewake.cli import _render

        click.echo()
        _render.clearance(current_clearance(records))
        if verdict.outcome == "red_flag":
            ask.tell("You reported: " + "; ".join(verdict.reasons) + ".")
        ask.tell("Your check-in is saved.")
    else:
        say("\nCheck-in saved. `glutewake progress` shows how things are going.")


def _pair(text: str) -> tuple[str, int]:
    name, _, score = text.rpartition("=")
    from glutewake.core.numbers import whole_number

    if not name.strip() or whole_number(score, 0, 10) is None:
        raise click.BadParameter(
            f"{text!r}: use ACTIVITY=SCORE with a score from 0 to 10", param_hint="--psfs"
        )
    return name.strip(), int(score)


def _rate_activities(records: Context, ask: Asker) -> dict[str, int]:
    from glutewake.app.journal import psfs_activities

    activities = psfs_activities(records)
    if not activities:
        ask.say("Name three to five everyday activities this problem makes hard (an empty line when done).")
        while len(activities) < 5:
            name = ask.text(f"  Activity {len(activities) + 1}:").strip()
            if not name:
                if len(activities) >= 3:
                    break
                ask.say("  Please name at least three.")
                continue
            activities.append(name)
    ask.say("How well can you do each now, from 0 (unable) to 10 (as well as before the problem)?")
    return {name: ask.whole_number(f"  {name}:", 0, 10) for name in activities}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--weeks", type=click.IntRange(1, 520), default=26, show_default=True, help="Weeks shown in the charts."
)
@click.pass_context
def progress(ctx: click.Context, as_json: bool, weeks: int) -> None:
    """Show how things are going: pain, numbness, activities, self-tests, sessions.

    Changes of about 2 points are the smallest a person tends to notice (the minimal
    important change); smaller moves are marked as within normal ups and downs.

    \b
    Examples:
      glutewake progress
      glutewake progress --json
    """
    from glutewake.app.journal import progress_report
    from glutewake.cli._store import acting, clock

    report = progress_report(acting(ctx), clock(ctx).now().date())
    if as_json:
        echo_json(report)
        return
    if (
        report.pain.latest is None
        and not report.sessions_done
        and not report.selftests
        and report.sitting_minutes_per_day.latest is None
    ):
        say(
            "Nothing to show yet: `glutewake checkin` records how you are, `glutewake session` your exercise."
        )
        return
    for label, trend, lower_is_better in (
        ("Pain (0-10)", report.pain, True),
        ("Numbness (0-10)", report.numbness, True),
        ("Activities (PSFS, 0-10)", report.psfs_mean, False),
    ):
        say(_trend_line(label, trend, weeks, lower_is_better=lower_is_better))
    sitting = report.sitting_minutes_per_day
    if sitting.latest is not None:
        hours = [w.mean / 60 for w in sitting.weekly[-weeks:]]
        spark = "".join(_BARS[min(7, int(h / 10 * 7.999))] for h in hours)
        say(f"{'Sitting (h/day, coach)':<25} {spark}  latest day {sitting.latest / 60:.1f} h")
    if report.selftests:
        last = report.selftests[-1]
        say(
            f"{'Latest self-tests':<25} {last.day:%d %b}: "
            f"left {last.left.replace('_', ' ')}, right {last.right.replace('_', ' ')}"
        )
    recent = report.adherence[-weeks:]
    if recent:
        bars = "".join(_BARS[round(7 * w.done / w.planned)] if w.planned else " " for w in recent)
        done = sum(w.done for w in recent)
        planned = sum(w.planned for w in recent)
        say(f"{'Sessions done / planned':<25} {bars}  {done}/{planned} ({done / planned:.0%})")
    say(f"{'Streak':<25} {report.current_streak} planned sessions in a row (best {report.longest_streak})")
    say(f"{'All time':<25} {report.sessions_done} sessions, {report.sets_done} sets")


def _trend_line(label: str, trend: Trend, weeks: int, *, lower_is_better: bool) -> str:
    if trend.latest is None:
        return f"{label:<25} no check-ins yet"
    values = [w.mean for w in trend.weekly[-weeks:]]
    spark = "".join(_BARS[min(7, int(v / 10 * 7.999))] for v in values)
    change = trend.change or 0.0
    better = (change < 0) == lower_is_better
    if not trend.meaningful_change:
        note = "no meaningful change yet"
    else:
        note = f"{'better' if better else 'worse'} by {abs(change):.1f} (a meaningful change)"
    return f"{label:<25} {spark}  now {trend.latest:.1f}, started {trend.first:.1f}: {note}"
