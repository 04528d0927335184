"""A property over every surface: whatever a person's records, each surface that offers exercise
(the web's pages and API, the terminal, the coach's break prompt) says what the core's one value,
what the person may do now, says (issue 23; DESIGN.md, "One policy object every surface consults")."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from glutewake.app.checks import record_triage, triage_case
from glutewake.app.clearance import current_clearance
from glutewake.app.coach import GLUTE_BREAK, break_prompt
from glutewake.app.context import acting_for
from glutewake.app.journal import record_checkin
from glutewake.app.plans import PlanChoices, new_plan
from glutewake.app.refusals import NotCleared
from glutewake.cli import main
from glutewake.core.clearance import Clearance
from glutewake.core.coach import ShowPrompt
from glutewake.core.progress import Checkin
from glutewake.core.triage import Case
from glutewake.store import Store, connect
from glutewake.web import create_app
from tests.fakes import FakeClock
from tests.web.conftest import owner_client
from tests.web.test_pages import text

CLEAR = {"numb_when_sitting": True, "eases_on_standing": True}
CHECKS = {
    "clear": CLEAR,
    "gentle": {**CLEAR, "getting_worse": True},
    "unexplained": {"buttock_pain": True},
    "not sure": {**CLEAR, "saddle_numbness": None},
    "emergency": {**CLEAR, "saddle_numbness": True},
}
CHECKINS: dict[str, tuple[int, dict[str, bool | None]]] = {
    "fine": (2, {}),
    "warning sign": (2, {"bladder_change": True}),
    "worse": (8, {}),
}
Event = tuple[str, str]
events = st.lists(
    st.one_of(
        st.tuples(st.just("check"), st.sampled_from(sorted(CHECKS))),
        st.tuples(st.just("plan"), st.just("")),
        st.tuples(st.just("checkin"), st.sampled_from(sorted(CHECKINS))),
    ),
    min_size=1,
    max_size=5,
)


@contextmanager
def a_store() -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/store.db", Path(folder)


def happen(url: str, clock: FakeClock, history: list[Event]) -> None:
    engine = connect(url)
    ctx = acting_for(Store(engine, clock).owner(), "uk")
    for kind, which in history:
        clock.wall += timedelta(hours=5)  # life goes on between events
        if kind == "check":
            case = Case(40, "female", 14, CHECKS[which])
            record_triage(ctx, case, triage_case(case))
        elif kind == "plan":
            # not allowed now, or no check yet: each surface is asked all the same
            with contextlib.suppress(NotCleared, LookupError):
                new_plan(ctx, PlanChoices(), clock.now().date())
        else:
            pain, signs = CHECKINS[which]
            record_checkin(ctx, Checkin(clock.now().date(), pain, 2, {"sitting": 5}, signs))
    engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events)
def test_every_surface_says_what_the_core_says(monkeypatch: Any, history: list[Event]) -> None:
    with a_store() as (url, home):
        monkeypatch.setenv("GLUTEWAKE_HOME", str(home / "home"))
        from glutewake.app.region import save_region

        save_region("uk")
        clock = FakeClock()
        happen(url, clock, history)
        engine = connect(url)
        ctx = acting_for(Store(engine, clock).owner(), "uk")
        core = current_clearance(ctx)
        allowed = core.may_exercise
        # the web: the API's flags, the session API, the pages
        with owner_client(create_app(url, clock)) as client:
            assert client.get("/api/clearance").json() == TypeAdapter(Clearance).dump_python(
                core, mode="json"
            )
            session = client.get("/api/session").json()
            assert (session["clearance"] is None) == allowed, history
            for path in ("/", "/plan", "/session", "/selftests"):
                words = text(client.get(path).text)
                if not allowed and core.source != "no_check" and (path != "/" or core.seek_help):
                    assert core.title in words, (history, path)
                if not allowed:
                    for offer in (
                        "Start today's session",
                        "Do the next session now",
                        "Start the guided session",
                    ):
                        assert offer not in words, (history, path, offer)
        # the terminal
        today = CliRunner().invoke(main, ["--database-url", url, "today"], obj={"clock": clock})
        assert (today.exit_code == 3) == (not allowed), (history, today.output)
        as_json = CliRunner().invoke(main, ["--database-url", url, "today", "--json"], obj={"clock": clock})
        said = json.loads(as_json.stdout)
        assert (said["clearance"] is None) == allowed, (history, said)
        assert said["session"] is None or allowed, (history, "no session offered when it is ruled out")
        # the desktop coach's break prompt
        title, _ = break_prompt(ShowPrompt(clock.now(), "seated_glute_squeeze", 1500, 2), core)
        assert (title == GLUTE_BREAK) == allowed, history
        engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events)
def test_whatever_came_before_a_clear_check_with_nothing_after_it_lets_a_person_exercise(
    monkeypatch: Any, history: list[Event]
) -> None:
    """On one's own plan nothing outlives a newer check: no stop, check-in or earlier result
    keeps a person from exercising once a clear check comes after it."""
    with a_store() as (url, home):
        monkeypatch.setenv("GLUTEWAKE_HOME", str(home / "home"))
        clock = FakeClock()
        happen(url, clock, [*history, ("check", "clear")])
        engine = connect(url)
        cleared = current_clearance(acting_for(Store(engine, clock).owner(), "uk"))
        engine.dispose()
        assert (cleared.exercise, cleared.source) == ("full", "check"), (history, cleared.reason)
