"""`glutewake check`: the symptom triage, interactive or from an answers file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.cli._answers import load_answers
from glutewake.cli._json import echo_json
from glutewake.cli._prompt import Asker, stopped

if TYPE_CHECKING:  # the core loads only when a command runs, so --help stays fast
    from glutewake.core.triage import Case

__all__ = ["check"]

_HINTS = (
    'An answers file looks like: {"age": 34, "sex": "female", "duration_days": 21, "answers": {"numb_when_sitting": true}}',
    "See `glutewake learn findings` for every finding id.",
)


@click.command()
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Read the case from a JSON file ('-' for standard input) instead of asking.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (needs --answers).")
@click.option(
    "--save/--no-save",
    default=None,
    help="Keep the result in your history (default: yes when asked interactively, no with --answers).",
)
@click.pass_context
def check(ctx: click.Context, answers_file: str | None, as_json: bool, save: bool | None) -> None:
    """Check your symptoms: sleepy glutes, or something a doctor should see?

    Asks the red-flag questions first, then only what can still change the result
    (answer y, n or ? for "don't know"), and ends with how urgent it is, the likely
    causes and why, what to do now, and what would change the advice.

    \b
    The answers file is JSON, for example:
      {"age": 34, "sex": "female", "duration_days": 21,
       "answers": {"numb_when_sitting": true, "eases_on_standing": true}}
    Finding ids are listed by `glutewake learn findings`; a finding left out is unknown.
    Interactive checks are kept in your history (`glutewake history`); checks from a file
    are not, unless you add --save, since they are often "what if" cases.

    \b
    Examples:
      glutewake check
      glutewake check --answers case.json --json
    """
    from glutewake.app import checks, region

    if answers_file is None:
        if as_json:
            raise click.UsageError("--json needs --answers FILE; the interactive check is meant for reading.")
        try:
            _ask_region_once(Asker())
            case = _interview(Asker())
        except (click.Abort, KeyboardInterrupt) as abort:
            raise stopped("The check", "glutewake check", abort) from None
        result = checks.triage_case(case)
    else:
        case = load_answers(answers_file, checks.parse_case, _HINTS)
        result = checks.triage_case(case)
    if save if save is not None else answers_file is None:
        from glutewake.cli._store import acting

        checks.record_triage(acting(ctx), case, result)
    if as_json:
        echo_json(result)
    else:
        from glutewake.cli import _render

        _render.triage_result(result, case, region.knowledge())


def _ask_region_once(ask: Asker) -> None:
    """Before the first check, where the user lives: every number the advice names depends on it."""
    from glutewake.app import region

    if region.region_setting() is not None:
        return
    regions = region.knowledge().regions
    chosen = ask.choice(
        "Where do you live? (glutewake names your emergency number and services)",
        {r.id: f"{r.name} (emergency {r.emergency_number})" for r in regions.values()},
    )[0]
    region.save_region(chosen)
    ask.tell("Saved. `glutewake config region` changes it.", style={"dim": True})
    ask.say()


def _interview(ask: Asker) -> Case:
    """Ask screen by screen, red flags first, until nothing left can change the result."""
    from glutewake.app.checks import answer_screen, next_screen
    from glutewake.core.triage import Case

    ask.tell(
        "Safety questions come first. Most screens are a short list: type the numbers of the ones "
        "you have. You can always answer ? if you are not sure."
    )
    ask.say()
    age = ask.whole_number("How old are you?", 0, 120)
    sex = ask.choice(
        "Which best describes you?",
        {"female": "Female", "male": "Male", "other": "Other, or prefer not to say"},
    )[0]
    days = ask.duration_days("How long have you had these symptoms? (for example 5 days, 3 weeks, 4 months)")
    case = Case(age, sex, days, {})  # type: ignore[arg-type]  # sex comes from the fixed choices above
    safety: bool | None = None
    while (screen := next_screen(case)) is not None:
        step = screen.step
        ask.say()
        if step.safety != safety:
            safety = step.safety
            ask.tell(_HEADINGS[safety], style={"bold": True})
        ask.tell(f"Screen {screen.number} of about {screen.about}", style={"dim": True})
        if step.kind == "checklist":
            ticked, unsure, rest = ask.checklist(
                step.title, [(f.label_yes, f.explanation) for f in step.findings]
            )
            ids = [f.id for f in step.findings]
            case = answer_screen(case, step, [ids[i] for i in ticked], rest, [ids[i] for i in unsure])
        else:
            finding = step.findings[0]
            case = case.with_answer(finding.id, ask.yes_no_unknown(finding.question, finding.explanation))
    ask.say()
    return case


_HEADINGS = {True: "First, some safety questions.", False: "Now, about your symptoms."}
