"""The coach runner with a fake activity source, notifier and clock, on a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from glutewake.app.coach import coach_rules, stats_between
from glutewake.app.coach import coach_settings as _settings
from glutewake.app.context import acting_for
from glutewake.core.coach import Phase
from glutewake.runtime.coach_host import CoachRunner
from glutewake.runtime.notify import FakeNotifier
from glutewake.store import Repository
from tests.fakes import FakeActivity, FakeClock
from tests.plans import checked_clear

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def runner(
    repo: Repository, *, checked: bool = True
) -> tuple[CoachRunner, FakeActivity, FakeNotifier, FakeClock]:
    if checked:  # a clear symptom check: the breaks may offer desk moves
        checked_clear(repo)
    clock = FakeClock(MONDAY_9)
    activity, notifier = FakeActivity(), FakeNotifier()
    return (
        CoachRunner(activity, [notifier], acting_for(repo), coach_rules(_settings()), clock),
        activity,
        notifier,
        clock,
    )


def sit(run: CoachRunner, clock: FakeClock, minutes: int) -> None:
    for _ in range(minutes * 2):
        clock.wall += timedelta(seconds=30)
        run.sample()


def test_prompts_after_the_interval_and_records_the_break(repo: Repository) -> None:
    run, _, notifier, clock = runner(repo)
    run.sample()
    sit(run, clock, 25)
    assert len(notifier.shown) == 1
    text, can_postpone = notifier.shown[0]
    assert "for 10 seconds, 3 times. You have been sitting for 25 minutes." in text
    assert can_postpone
    assert run.answer("done") is None
    assert notifier.closed == 1
    assert run.state.phase == Phase.AWAY
    figures = stats_between(acting_for(repo), MONDAY_9, MONDAY_9 + timedelta(days=1))
    assert (figures.prompts, figures.breaks_prompted, figures.bouts) == (1, 1, 1)
    assert figures.active_seconds == 25 * 60


def test_an_answer_that_makes_no_sense_is_explained_not_raised(repo: Repository) -> None:
    run, _, _, _ = runner(repo)
    run.sample()
    assert run.answer("done") == "Done is not possible while sitting"


def test_going_idle_is_a_natural_break(repo: Repository) -> None:
    run, activity, _, clock = runner(repo)
    run.sample()
    sit(run, clock, 10)
    activity.idle = 150
    clock.wall += timedelta(seconds=150)
    run.sample()
    figures = stats_between(acting_for(repo), MONDAY_9, MONDAY_9 + timedelta(days=1))
    assert (figures.breaks_natural, figures.bouts) == (1, 1)


def test_pause_silences_prompts_until_resumed(repo: Repository) -> None:
    run, _, notifier, clock = runner(repo)
    run.sample()
    run.pause(3600)
    sit(run, clock, 30)
    assert notifier.shown == []
    assert run.status()["quiet_until"] is not None
    run.resume()
    sit(run, clock, 1)
    assert len(notifier.shown) == 1


def test_stopping_keeps_the_bout_in_progress(repo: Repository) -> None:
    run, _, _, clock = runner(repo)
    run.sample()
    sit(run, clock, 12)
    run.stop()
    figures = stats_between(acting_for(repo), MONDAY_9, MONDAY_9 + timedelta(days=1))
    assert figures.bouts == 1
    assert figures.active_seconds == 12 * 60


def test_status_line_reads_like_the_issue(repo: Repository) -> None:
    run, _, _, clock = runner(repo)
    run.sample()
    sit(run, clock, 17)
    assert (
        run.status_line() == "sitting for 17 min, next break in 8 min, breaks today 0 (prompts followed 0/0)"
    )


def test_a_long_gap_between_samples_is_a_suspend_and_a_natural_break(repo: Repository) -> None:
    run, activity, _, clock = runner(repo)
    run.sample()
    sit(run, clock, 10)
    clock.wall += timedelta(hours=1)  # the laptop slept; the idle counter may not show it
    activity.idle = 0
    run.sample()
    assert run.state.phase == Phase.SITTING, "a new bout starts on the first input after waking"
    figures = stats_between(acting_for(repo), MONDAY_9, MONDAY_9 + timedelta(days=1))
    assert (figures.breaks_natural, figures.bouts) == (1, 1)
    assert figures.active_seconds == 10 * 60


def test_the_terminal_prompt_rings_and_offers_the_allowed_answers(capsys: pytest.CaptureFixture[str]) -> None:
    from glutewake.runtime.notify import TerminalNotifier

    answers: list[str] = []
    prompt = TerminalNotifier(answers.append, loop=None)
    prompt.show(
        "Time for a glute break",
        "Stand up and squeeze your glutes for 10 seconds, 3 times.",
        can_postpone=True,
    )
    shown = capsys.readouterr().out
    assert shown.startswith("\a")
    assert "Time for a glute break: Stand up and squeeze your glutes" in shown
    assert "[d] done, [p] 5 more minutes, [s] skip" in shown
    prompt.show("Time for a glute break", "Sit tall and squeeze.", can_postpone=False)
    assert "[d] done, [s] skip" in capsys.readouterr().out


def test_a_pause_without_an_end_lasts_until_resumed(repo: Repository) -> None:
    run, _, _, _ = runner(repo)
    run.sample()
    run.pause(None)
    assert run.status()["quiet_until"] == "resumed"
    run.resume()
    assert run.status()["quiet_until"] is None


@pytest.mark.parametrize("seconds", ["abc", -5, 1e300, True, [1]])
def test_a_bad_pause_is_answered_with_an_error_and_changes_nothing(repo: Repository, seconds: object) -> None:
    import asyncio

    run, *_ = runner(repo)
    reply = asyncio.run(run.control({"command": "pause", "seconds": seconds}))
    assert reply["ok"] is False
    assert "seconds must be a number" in str(reply["error"])
    assert run.status()["quiet_until"] is None, "nothing changed"


def keep_check(repo: Repository, answers: dict[str, bool | None]) -> None:
    from glutewake.app.checks import record_triage, triage_case
    from glutewake.core.triage import Case

    case = Case(40, "female", 10, answers)
    record_triage(acting_for(repo), case, triage_case(case))


def test_after_an_emergency_result_the_break_prompt_says_what_to_do_and_offers_no_exercise(
    repo: Repository,
) -> None:
    run, _, notifier, clock = runner(repo)
    keep_check(repo, {"numb_when_sitting": True, "saddle_numbness": True})
    run.sample()
    sit(run, clock, 25)
    assert notifier.titles == ["Emergency: call 999 or go to A&E now"]
    text, _ = notifier.shown[0]
    assert text.startswith("Call 999 or go to A&E now.")
    assert "No glute exercises." in text
    assert "squeeze" not in text


def test_before_any_check_the_break_is_standing_up_only_and_says_why(repo: Repository) -> None:
    run, _, notifier, clock = runner(repo, checked=False)
    run.sample()
    sit(run, clock, 25)
    assert notifier.titles == ["Time to stand up"]
    text, _ = notifier.shown[0]
    assert "Stand up and walk about for a minute." in text
    assert "Do the symptom check" in text
    assert "squeeze" not in text


def test_a_gentle_result_keeps_the_desk_squeeze(repo: Repository) -> None:
    run, _, notifier, clock = runner(repo)
    keep_check(repo, {"numb_when_sitting": True, "eases_on_standing": True, "getting_worse": True})
    run.sample()
    sit(run, clock, 25)
    assert notifier.titles == ["Time for a glute break"]
    assert "seconds" in notifier.shown[0][0]
