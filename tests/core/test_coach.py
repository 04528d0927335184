"""The coach's state machine: one row per transition, illegal events, and invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glutewake.core.coach import (
    TRANSITIONS,
    Away,
    BoutEnded,
    BreakTaken,
    ClosePrompt,
    CoachRules,
    CoachState,
    Done,
    IllegalEvent,
    Lock,
    Locked,
    Phase,
    Postpone,
    PromptAnswered,
    Prompted,
    QuietFor,
    QuietTillResumed,
    QuietUntil,
    QuietUntilResumed,
    Resume,
    Sample,
    Settings,
    ShowPrompt,
    Sitting,
    Skip,
    Snoozed,
    Suspend,
    Unlock,
    is_quiet,
    next_check,
    prompts_allowed,
    simulate,
    step,
)

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RULES = CoachRules(Settings(), seated_moves=("seated_glute_squeeze", "single_leg_seated_squeeze"),
                   standing_moves=("standing_glute_squeeze", "walking_in_place"))  # fmt: skip


def at(minutes: float) -> datetime:
    return MONDAY_9 + timedelta(minutes=minutes)


def sitting(minutes: float = 10, since_break: float | None = None) -> CoachState:
    """Sitting since 9:00, sampled at `minutes`, with that much active time."""
    active = minutes * 60
    return CoachState(
        Sitting(),
        at(minutes),
        at(minutes),
        MONDAY_9,
        active,
        active if since_break is None else since_break,
    )


def prompted(minutes: float = 25, postpones: int = 0) -> CoachState:
    return replace(sitting(minutes), current=Prompted(), postpones=postpones, prompts_shown=1)


def kinds(effects: list[Any]) -> list[str]:
    return [type(e).__name__ for e in effects]


# (name, state, event, now, phase after, effect kinds)
ROWS: list[Any] = [
    pytest.param(CoachState(), Sample(0), at(0), Phase.SITTING, [], id="away + input -> sitting"),
    pytest.param(CoachState(), Sample(300), at(0), Phase.AWAY, [], id="away + idle -> still away"),
    pytest.param(sitting(10), Sample(1), at(10.5), Phase.SITTING, [], id="sitting + input -> counts"),
    pytest.param(
        sitting(24.75),
        Sample(0),
        at(25),
        Phase.PROMPTED,
        ["ShowPrompt"],
        id="sitting reaches interval -> prompt",
    ),
    pytest.param(
        sitting(10),
        Sample(130),
        at(12),
        Phase.AWAY,
        ["BoutEnded", "BreakTaken"],
        id="sitting + 2 min idle -> natural break",
    ),
    pytest.param(sitting(10), Sample(60), at(11), Phase.SITTING, [], id="sitting + 1 min idle -> no break"),
    pytest.param(prompted(), Sample(0), at(25.5), Phase.PROMPTED, [], id="prompted + input -> overdue grows"),
    pytest.param(
        prompted(),
        Sample(150),
        at(28),
        Phase.AWAY,
        ["PromptAnswered", "ClosePrompt", "BoutEnded", "BreakTaken"],
        id="prompted + idle break length -> done",
    ),
    pytest.param(
        prompted(),
        Done(),
        at(26),
        Phase.AWAY,
        ["PromptAnswered", "ClosePrompt", "BoutEnded", "BreakTaken"],
        id="prompted + done",
    ),
    pytest.param(
        prompted(),
        Postpone(),
        at(26),
        Phase.SNOOZED,
        ["PromptAnswered", "ClosePrompt"],
        id="prompted + postpone -> snoozed",
    ),
    pytest.param(
        prompted(),
        Skip(),
        at(26),
        Phase.SITTING,
        ["PromptAnswered", "ClosePrompt"],
        id="prompted + skip -> sitting",
    ),
    pytest.param(
        replace(prompted(), current=Snoozed(at(30)), postpones=1),
        Sample(0),
        at(29),
        Phase.SNOOZED,
        [],
        id="snoozed before the end",
    ),
    pytest.param(
        replace(prompted(), current=Snoozed(at(30)), postpones=1),
        Sample(0),
        at(30),
        Phase.PROMPTED,
        ["ShowPrompt"],
        id="snoozed until the end -> prompt again",
    ),
    pytest.param(
        replace(prompted(), current=Snoozed(at(30))),
        Done(),
        at(27),
        Phase.AWAY,
        ["PromptAnswered", "BoutEnded", "BreakTaken"],
        id="snoozed + done",
    ),
    pytest.param(
        replace(prompted(), current=Snoozed(at(30))),
        Skip(),
        at(27),
        Phase.SITTING,
        ["PromptAnswered"],
        id="snoozed + skip",
    ),
    pytest.param(sitting(10), Lock(), at(10), Phase.LOCKED, [], id="sitting + lock"),
    pytest.param(sitting(10), Suspend(), at(10), Phase.LOCKED, [], id="sitting + suspend"),
    pytest.param(CoachState(), Lock(), at(0), Phase.LOCKED, [], id="away + lock"),
    pytest.param(prompted(), Lock(), at(26), Phase.LOCKED, [], id="prompted + lock"),
    pytest.param(prompted(), Suspend(), at(26), Phase.LOCKED, [], id="prompted + suspend"),
    pytest.param(CoachState(), Suspend(), at(0), Phase.LOCKED, [], id="away + suspend"),
    pytest.param(
        replace(prompted(), current=Snoozed(at(30))),
        Lock(),
        at(27),
        Phase.LOCKED,
        [],
        id="snoozed + lock",
    ),
    pytest.param(
        replace(prompted(), current=Snoozed(at(30))),
        Suspend(),
        at(27),
        Phase.LOCKED,
        [],
        id="snoozed + suspend",
    ),
    pytest.param(
        replace(sitting(10), current=Locked(at(10), Sitting())),
        Unlock(),
        at(11),
        Phase.SITTING,
        [],
        id="short lock -> sitting again",
    ),
    pytest.param(
        replace(sitting(10), current=Locked(at(10), Sitting())),
        Unlock(),
        at(15),
        Phase.AWAY,
        ["BoutEnded", "BreakTaken"],
        id="long lock -> natural break",
    ),
    pytest.param(
        replace(sitting(10), current=Locked(at(10), Sitting())),
        Resume(),
        at(40),
        Phase.AWAY,
        ["BoutEnded", "BreakTaken"],
        id="long suspend -> natural break",
    ),
    pytest.param(
        replace(prompted(), current=Locked(at(26), Prompted())),
        Unlock(),
        at(30),
        Phase.AWAY,
        ["PromptAnswered", "ClosePrompt", "BoutEnded", "BreakTaken"],
        id="prompted, locked long -> break done",
    ),
    pytest.param(
        replace(CoachState(), current=Locked(at(0), Away())),
        Unlock(),
        at(1),
        Phase.AWAY,
        [],
        id="away, short lock -> away",
    ),
    pytest.param(
        replace(sitting(10), current=Locked(at(10), Sitting())),
        Sample(90),
        at(11),
        Phase.LOCKED,
        [],
        id="locked + sample -> ignored",
    ),
    pytest.param(
        prompted(),
        QuietUntil(at(60)),
        at(26),
        Phase.SITTING,
        ["ClosePrompt"],
        id="do not disturb closes a prompt",
    ),
    pytest.param(
        sitting(10), QuietUntil(at(60)), at(10), Phase.SITTING, [], id="do not disturb while sitting"
    ),
    pytest.param(
        replace(sitting(10), quiet=QuietFor(at(60))),
        QuietUntil(None),
        at(11),
        Phase.SITTING,
        [],
        id="do not disturb ends",
    ),
    pytest.param(
        replace(CoachState(), current=Locked(at(0), Away())),
        QuietUntil(at(5)),
        at(1),
        Phase.LOCKED,
        [],
        id="do not disturb while locked",
    ),
    pytest.param(
        replace(CoachState(), current=Snoozed(at(5))),
        QuietUntil(at(5)),
        at(1),
        Phase.SNOOZED,
        [],
        id="do not disturb while snoozed",
    ),
    pytest.param(CoachState(), QuietUntil(at(5)), at(1), Phase.AWAY, [], id="do not disturb while away"),
    pytest.param(
        prompted(), QuietUntilResumed(), at(26), Phase.SITTING, ["ClosePrompt"], id="paused: prompt closes"
    ),
    pytest.param(
        prompted(), QuietUntil(None), at(26), Phase.PROMPTED, [], id="a pause ending leaves the prompt"
    ),
    pytest.param(
        prompted(), Sample(0), at(9 * 60), Phase.SITTING, ["ClosePrompt"], id="work ends: prompt closes"
    ),
    pytest.param(
        replace(prompted(), current=Snoozed(at(30))),
        Sample(300),
        at(27),
        Phase.AWAY,
        ["PromptAnswered", "BoutEnded", "BreakTaken"],
        id="snoozed, then a long idle spell: the break was taken",
    ),
    *(
        pytest.param(
            replace(before, current=Locked(at(26), before.current)),
            back,
            at(26.5),
            before.phase,
            [],
            id=f"locked briefly while {before.phase.value}, {type(back).__name__.lower()}: back where it was",
        )
        for before in (
            sitting(26),
            prompted(26),
            replace(prompted(26), current=Snoozed(at(30))),
        )
        for back in (Unlock(), Resume())
    ),
    *(
        pytest.param(
            state, QuietUntilResumed(), at(10), state.phase, [], id=f"paused while {state.phase.value}"
        )
        for state in (
            CoachState(),
            sitting(10),
            replace(CoachState(), current=Snoozed(at(15))),
            replace(CoachState(), current=Locked(at(0), Away())),
        )
    ),
]


@pytest.mark.parametrize(("state", "event", "now", "phase", "effects"), ROWS)
def test_transition(state: CoachState, event: Any, now: datetime, phase: Phase, effects: list[str]) -> None:
    after, produced = step(state, event, now, RULES)
    assert after.phase == phase
    assert kinds(produced) == effects


def test_every_entry_of_the_transition_table_has_a_row() -> None:
    covered = {(row.values[0].phase, type(row.values[1])) for row in ROWS}
    assert set(TRANSITIONS) <= covered


def test_every_target_the_table_names_is_reached_by_a_row() -> None:
    """The table says where each event can lead; a row shows each of those ways happening."""
    reached = {(row.values[0].phase, type(row.values[1]), row.values[3]) for row in ROWS}
    named = {(phase, kind, to) for (phase, kind), t in TRANSITIONS.items() for to in t.to}
    assert named - reached == set()


def test_every_phase_is_reachable_from_the_start_and_can_get_back_to_away() -> None:
    edges = {(phase, to) for (phase, _), t in TRANSITIONS.items() for to in t.to}

    def reachable(start: Phase, forward: bool) -> set[Phase]:
        seen, todo = {start}, [start]
        while todo:
            here = todo.pop()
            for a, b in edges:
                nxt = b if forward and a == here else a if not forward and b == here else None
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert reachable(CoachState().phase, forward=True) == set(Phase)
    assert reachable(Phase.AWAY, forward=False) == set(Phase), "no phase is a dead end"


ILLEGAL: list[Any] = [
    pytest.param(sitting(), Done(), id="done without a prompt"),
    pytest.param(CoachState(), Skip(), id="skip while away"),
    pytest.param(sitting(), Postpone(), id="postpone without a prompt"),
    pytest.param(prompted(postpones=2), Postpone(), id="a third postpone in a row"),
    pytest.param(sitting(), Unlock(), id="unlock when not locked"),
    pytest.param(
        replace(sitting(), current=Locked(at(10), Sitting())),
        Lock(),
        id="lock twice",
    ),
    pytest.param(replace(CoachState(), current=Snoozed(at(5))), Postpone(), id="postpone while snoozed"),
]


@pytest.mark.parametrize(("state", "event"), ILLEGAL)
def test_illegal_events_raise_and_change_nothing(state: CoachState, event: Any) -> None:
    before = replace(state)
    with pytest.raises(IllegalEvent):
        step(state, event, at(30), RULES)
    assert state == before


def test_time_never_goes_backwards() -> None:
    with pytest.raises(IllegalEvent):
        step(sitting(10), Sample(0), at(5), RULES)


def test_only_active_time_counts() -> None:
    state, _ = step(sitting(10), Sample(45), at(11), RULES)  # input stopped 45 s ago
    assert state.bout_active == pytest.approx(10 * 60 + 15 + 5)  # up to the last input plus 5 s grace


def test_the_prompt_names_a_move_rotates_and_says_how_long() -> None:
    state, (first,) = step(sitting(24.75), Sample(0), at(25), RULES)
    assert isinstance(first, ShowPrompt)
    assert (first.exercise_id, first.sitting_seconds, first.postpones_left) == (
        "standing_glute_squeeze",
        25 * 60,
        2,
    )
    state, _ = step(state, Done(), at(26), RULES)
    state, _ = step(state, Sample(0), at(27), RULES)
    for minute in range(28, 53):
        state, effects = step(state, Sample(0), at(minute), RULES)
    assert [e.exercise_id for e in effects if isinstance(e, ShowPrompt)] == ["walking_in_place"]


def test_a_seated_move_after_declining_in_the_last_hour() -> None:
    state, _ = step(prompted(), Postpone(), at(25), RULES)
    state, (shown,) = step(state, Sample(0), at(30), RULES)
    assert isinstance(shown, ShowPrompt)
    assert shown.exercise_id in RULES.seated_moves
    assert shown.postpones_left == 1


def test_two_postpones_then_the_prompt_stays() -> None:
    state = prompted()
    for minute in (26, 31):
        state, _ = step(state, Postpone(), at(minute), RULES)
        state, _ = step(state, Sample(0), at(minute + 5), RULES)
    assert state.phase == Phase.PROMPTED
    with pytest.raises(IllegalEvent):
        step(state, Postpone(), at(37), RULES)


QUIET: list[Any] = [
    pytest.param(datetime(2026, 11, 28, 10, 0, tzinfo=UTC), id="Saturday"),
    pytest.param(datetime(2026, 11, 23, 7, 59, tzinfo=UTC), id="before 8"),
    pytest.param(datetime(2026, 11, 23, 18, 0, tzinfo=UTC), id="at 18:00"),
]


@pytest.mark.parametrize("now", QUIET)
def test_no_prompt_outside_working_hours(now: datetime) -> None:
    state = replace(sitting(30), last_sample=now - timedelta(seconds=30), last_input=now)
    after, effects = step(state, Sample(0), now, RULES)
    assert after.phase == Phase.SITTING
    assert effects == []


def test_no_prompt_with_a_full_screen_window_or_do_not_disturb() -> None:
    assert step(sitting(29.5), Sample(0, fullscreen=True), at(30), RULES)[1] == []
    assert step(replace(sitting(29.5), quiet=QuietFor(at(45))), Sample(0), at(30), RULES)[1] == []
    assert prompts_allowed(CoachState(quiet=QuietFor(at(45))), at(45), Settings())
    assert not prompts_allowed(CoachState(quiet=QuietTillResumed()), at(45 + 60 * 24 * 365), Settings())


def test_next_check_wakes_when_something_can_change() -> None:
    assert next_check(sitting(24.9), at(24.9), RULES) == at(25)  # the prompt falls due
    assert next_check(sitting(10), at(10), RULES) == at(10.5)  # the regular poll
    idle = replace(sitting(10), last_input=at(9.5))
    assert next_check(idle, at(10), RULES) == at(10.5)  # 2 min after the last input, a break
    snoozed = replace(prompted(), current=Snoozed(at(25.2)))
    assert next_check(snoozed, at(25), RULES) == at(25.2)


# --- invariants over random days -------------------------------------------------------------------

EVENTS = st.one_of(
    st.builds(Sample, idle_seconds=st.floats(0, 600), fullscreen=st.booleans()),
    st.sampled_from([Lock(), Unlock(), Suspend(), Resume(), Done(), Postpone(), Skip()]),
    st.builds(QuietUntil, st.one_of(st.none(), st.integers(0, 120).map(lambda m: at(m)))),
    st.just(QuietUntilResumed()),
)
TIMELINES = st.lists(st.tuples(st.floats(0.05, 20), EVENTS), max_size=80)


@settings(max_examples=300)
@given(TIMELINES, st.integers(15, 60), st.integers(6, 17))
def test_invariants(timeline: list[tuple[float, Any]], interval: int, start_hour: int) -> None:
    rules = replace(RULES, settings=replace(Settings(), interval_minutes=interval))
    now = datetime(2026, 11, 23, start_hour, 0, tzinfo=UTC)
    state, logged, previous_total = CoachState(), 0.0, 0.0
    for gap, event in timeline:
        now += timedelta(minutes=gap)
        try:
            state, effects = step(state, event, now, rules)
        except IllegalEvent:
            continue
        logged += sum(e.active_seconds for e in effects if isinstance(e, BoutEnded))
        total = logged + state.bout_active
        assert total >= previous_total - 1e-6, "active time never decreases"
        previous_total = total
        for effect in effects:
            if isinstance(effect, ShowPrompt):
                assert prompts_allowed(state, now, rules.settings), "never a prompt in quiet time"
                assert not is_quiet(state, now)
                assert now.time() < time(18)
                assert now.weekday() < 5
        if state.bout_start is not None:
            assert state.bout_active <= (now - state.bout_start).total_seconds() + 1e-6, (
                "no more active time than the bout lasted"
            )
    # the sum of the bouts equals the active time
    assert logged + state.bout_active == pytest.approx(previous_total)


def test_simulate_skips_stale_answers() -> None:
    timeline = [(at(0), Sample(0)), (at(1), Done()), *((at(m), Sample(0)) for m in range(2, 27))]
    state, effects = simulate(RULES, timeline)
    assert state.phase == Phase.PROMPTED
    assert kinds(effects) == ["ShowPrompt"]
    assert not any(isinstance(e, (BreakTaken, ClosePrompt, PromptAnswered)) for e in effects)


def test_a_phase_keeps_its_own_data_through_a_short_lock() -> None:
    snoozed = replace(prompted(26), current=Snoozed(at(30)))
    locked, _ = step(snoozed, Lock(), at(27), RULES)
    assert locked.current == Locked(at(27), Snoozed(at(30)))
    back, _ = step(locked, Unlock(), at(27.5), RULES)
    assert back.current == Snoozed(at(30)), "the snooze ends when it would have"
    after, _ = step(locked, Unlock(), at(40), RULES)
    assert after.current == Away(), "a long lock is a break: no snooze is left behind"
