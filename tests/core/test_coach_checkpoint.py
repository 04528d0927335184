"""The bout in progress as the coach keeps it, and carrying on with it after the coach was killed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from glutewake.core.coach import (
    BoutEnded,
    Checkpoint,
    CoachRules,
    CoachState,
    Phase,
    Sample,
    Settings,
    ShowPrompt,
    checkpoint_of,
    resumed,
    step,
)

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RULES = CoachRules(
    Settings(), seated_moves=("seated_glute_squeeze",), standing_moves=("standing_glute_squeeze",)
)


def at(minutes: float) -> datetime:
    return MONDAY_9 + timedelta(minutes=minutes)


def sat(minutes: float, state: CoachState | None = None, start: float = 0) -> tuple[CoachState, list[object]]:
    """Samples every 30 s with input, from `start` to `start + minutes`."""
    state = state or CoachState()
    effects: list[object] = []
    for half in range(int(minutes * 2) + 1):
        state, produced = step(state, Sample(0), at(start + half / 2), RULES)
        effects += produced
    return state, effects


def test_no_bout_no_checkpoint() -> None:
    assert checkpoint_of(CoachState()) is None


def test_the_checkpoint_is_the_bout_as_far_as_it_went() -> None:
    state, _ = sat(12)
    assert checkpoint_of(state) == Checkpoint(MONDAY_9, at(12), 12 * 60, 12 * 60, 0)


@pytest.mark.parametrize(
    ("gone_seconds", "carries_on"),
    [
        (0, True),
        (45, True),  # a crash and a service manager's restart
        (119, True),
        (120, False),  # a natural break's length: the bout ended at its last save
        (3 * 3600, False),  # a power cut over lunch
        (-60, False),  # a save from the future (the clock was wrong): not trusted
    ],
)
def test_a_restart_carries_on_only_if_back_within_a_natural_break(
    gone_seconds: int, carries_on: bool
) -> None:
    saved = Checkpoint(MONDAY_9, at(40), 38 * 60, 13 * 60, 1)
    state = resumed(saved, at(40) + timedelta(seconds=gone_seconds), RULES)
    if not carries_on:
        assert state is None
        return
    assert state is not None
    assert state.phase == Phase.SITTING
    assert (
        state.bout_start,
        state.last_sample,
        state.bout_active,
        state.since_break,
        state.prompts_shown,
    ) == (
        MONDAY_9,
        at(40),
        38 * 60,
        13 * 60,
        1,
    )


def test_killed_and_back_at_the_next_sample_the_day_is_as_if_nothing_happened() -> None:
    whole, _ = sat(20)
    whole, _ = sat(10, whole, start=20.5)
    before, _ = sat(20)
    saved = checkpoint_of(before)
    assert saved is not None
    after = resumed(saved, at(20.5), RULES)
    assert after is not None
    after, _ = sat(10, after, start=20.5)
    assert checkpoint_of(after) == checkpoint_of(whole)


def test_a_prompt_that_was_showing_comes_back_after_the_restart() -> None:
    state, effects = sat(25)
    assert any(isinstance(e, ShowPrompt) for e in effects)
    saved = checkpoint_of(state)
    assert saved is not None
    back = resumed(saved, at(25.5), RULES)
    assert back is not None
    back, effects = step(back, Sample(0), at(25.5), RULES)
    assert back.phase == Phase.PROMPTED
    assert [type(e) for e in effects] == [ShowPrompt]


def test_the_resumed_bout_ends_as_one_bout() -> None:
    state, _ = sat(10)
    saved = checkpoint_of(state)
    assert saved is not None
    back = resumed(saved, at(10.5), RULES)
    assert back is not None
    back, _ = sat(5, back, start=10.5)
    _, effects = step(back, Sample(150), at(15.5) + timedelta(seconds=150), RULES)
    bouts = [e for e in effects if isinstance(e, BoutEnded)]
    assert bouts == [BoutEnded(MONDAY_9, at(15.5), 15.5 * 60 + 5)]  # and the grace after the last input
