"""The plan as read is adapted to what happened, but reading it stores nothing; events store it."""

from __future__ import annotations

from datetime import date

from glutewake.app.context import acting_for
from glutewake.app.journal import record_checkin
from glutewake.app.plans import PlanChoices, current_plan, new_plan
from glutewake.codec import dump
from glutewake.core.progress import Checkin
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge
from glutewake.store import Repository


def planned(repo: Repository, kb: Knowledge) -> None:
    case = Case(34, "female", 21, {"numb_when_sitting": True, "eases_on_standing": True})
    repo.add_triage_run(dump(case), dump(triage(case, kb)))
    new_plan(acting_for(repo), PlanChoices("band", 20), date(2026, 11, 23))


def test_reading_the_plan_does_not_write_it(repo: Repository, kb: Knowledge) -> None:
    planned(repo, kb)
    # A check-in kept behind the plan's back (as an import or another process would).
    repo.add_checkin(8, 8, {"film": 1}, {"bladder_change": True}, "red_flag")
    read = current_plan(acting_for(repo))
    assert read is not None
    assert read.plan.status == "stopped", "the plan as read reacts to the warning sign"
    stored = repo.current_plan()
    assert stored is not None
    assert stored.plan.status == "active", "but reading it stored nothing"


def test_a_check_in_keeps_the_plan_it_adapts(repo: Repository, kb: Knowledge) -> None:
    planned(repo, kb)
    record_checkin(acting_for(repo), Checkin(date(2026, 11, 24), 8, 8, {"film": 1}, {"bladder_change": True}))
    stored = repo.current_plan()
    assert stored is not None
    assert stored.plan.status == "stopped"
