"""`glutewake selftest`: the glute self-tests, guided step by step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.cli._answers import load_answers
from glutewake.cli._errors import not_cleared
from glutewake.cli._json import echo_json
from glutewake.cli._prompt import Asker, stopped

if TYPE_CHECKING:  # the core loads only when a command runs, so --help stays fast
    from glutewake.clock import Clock
    from glutewake.core.selftests import SelfTestAnswers, Side
    from glutewake.knowledge.schema import SelfTest

__all__ = ["selftest"]

_COUNTDOWN_SECONDS = 3
_HINTS = (
    'An answers file looks like: {"squeeze_seconds": {"left": 2.5, "right": 0.8}, "belt_line": "level"}',
)


@click.command()
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Score answers from a JSON file ('-' for standard input) instead of guiding.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (prompts go to standard error)."
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="TEST",
    help="Run only this test (repeatable): single_leg_squeeze, glute_bridge_test, mirror_check, clench_test, signs_checklist.",
)
@click.option(
    "--save/--no-save",
    default=None,
    help="Keep the result in your history (default: yes when guided, no with --answers).",
)
@click.pass_context
def selftest(
    ctx: click.Context, answers_file: str | None, as_json: bool, only: tuple[str, ...], save: bool | None
) -> None:
    """Test how well your glutes switch on, side by side.

    Guides the single-leg stand squeeze test (timed, each side), the glute bridge test,
    the side-on mirror check and the clench test, then the checklist of everyday signs.
    Skip any test you cannot do. Ends with activation per side and what it suggests.

    \b
    Examples:
      glutewake selftest
      glutewake selftest --only single_leg_squeeze --json
      glutewake selftest --answers answers.json --json
    """
    from glutewake.app import region, selftests

    kb = region.knowledge()
    unknown = [test_id for test_id in only if test_id not in kb.selftests]
    if unknown:
        raise click.BadParameter(
            f"no self-test called {', '.join(unknown)}; choose from {', '.join(kb.selftests)}",
            param_hint="--only",
        )
    if answers_file is None:
        from glutewake.cli._store import acting
        from glutewake.cli._store import clock as injected_clock

        clock: Clock = injected_clock(ctx)
        wanted = [test for test in kb.selftests.values() if not only or test.id in only]
        cleared, offered = selftests.selftests_offered(acting(ctx))
        tests = [test for test in wanted if test in offered]
        if cleared is not None and not tests:
            raise not_cleared(cleared, err=as_json)
        if cleared is not None and len(tests) < len(wanted):
            left_out = ", ".join(test.name for test in wanted if test not in offered)
            Asker(err=as_json).tell(f"Left out for now: {left_out}. {cleared.reason}\n")
        try:
            answers = _guide(tests, Asker(err=as_json), clock)
        except (click.Abort, KeyboardInterrupt) as abort:
            raise stopped("The self-tests", "glutewake selftest", abort) from None
    else:
        answers = load_answers(answers_file, selftests.parse_selftest_answers, _HINTS)
    result = selftests.score_selftests(answers)
    if save if save is not None else answers_file is None:
        from glutewake.app.refusals import NotCleared
        from glutewake.cli._store import acting

        try:
            selftests.record_own_selftest(acting(ctx), result)
        except NotCleared as error:
            raise not_cleared(error.clearance, err=as_json) from error
    if as_json:
        echo_json(result)
    else:
        from glutewake.cli import _render

        _render.selftest_result(result, kb)


def _guide(tests: list[SelfTest], ask: Asker, clock: Clock) -> SelfTestAnswers:

    from glutewake.cli import _render
    from glutewake.core.selftests import BELT_LINES, SIDES, WHERE_FELT, Clench, SelfTestAnswers

    console = _render.console(err=ask.err)
    squeeze: dict[Side, float | None] = {}
    felt: tuple[str, ...] | None = None
    belt = None
    clench = None
    signs: tuple[str, ...] | None = None
    for test in tests:
        console.print()
        console.print(_render.selftest(test))
        if not ask.yes_no("Do this test now?"):
            continue
        prompts = test.prompts
        if test.kind == "squeeze_timing":
            for side in SIDES:
                done, seconds = _time_squeeze(side, prompts, ask, clock)
                if done:
                    squeeze[side] = seconds
        elif test.kind == "where_felt":
            felt = tuple(ask.choice(prompts["where"], {key: prompts[key] for key in WHERE_FELT}, many=True))
        elif test.kind == "pelvic_tilt":
            belt = ask.choice(prompts["line"], {key: prompts[key] for key in BELT_LINES})[0]
        elif test.kind == "clench":
            clench = Clench(*(ask.yes_no(prompts[key]) for key in ("both", "left", "right")))
        elif test.kind == "checklist":
            signs = tuple(item.id for item in test.items if ask.yes_no(item.text))
    return SelfTestAnswers(squeeze, felt, belt, clench, signs)  # type: ignore[arg-type]  # belt is one of BELT_LINES


def _time_squeeze(side: Side, prompts: dict[str, str], ask: Asker, clock: Clock) -> tuple[bool, float | None]:
    """Whether the side was tested, and the seconds until it felt firm (None if it never did)."""
    ask.say()
    if ask.text(prompts["ready"].format(side=side) + " (s to skip)") == "s":
        return False, None
    for remaining in range(_COUNTDOWN_SECONDS, 0, -1):
        ask.say(f"  {remaining}…")
        clock.sleep(1)
    started = clock.monotonic()
    while True:
        reply = ask.text(prompts["firm"])
        elapsed = clock.monotonic() - started
        if reply == "":
            return True, round(elapsed, 1)
        if reply in {"n", "no"}:
            return True, None
        try:
            seconds = float(reply)
        except ValueError:
            seconds = -1.0
        if 0 <= seconds <= 120:
            return True, seconds
        ask.say("  Press Enter, type the seconds (0 to 120), or n.")
