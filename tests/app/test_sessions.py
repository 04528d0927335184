"""Which session comes next is decided once, in `app/sessions.py`, for the CLI and the web alike:
a session left part-way comes first, on any day, until it is finished or abandoned; a session
done ahead of its day counts as done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from glutewake.app.context import Context, acting_for
from glutewake.app.sessions import Due, NotDue, abandon, due_session, next_session
from glutewake.store import Repository, SetRecord
from tests.fakes import FakeClock
from tests.plans import save_ready_plan, tiny_plan

MONDAY = FakeClock().now().date()  # tiny_plan's sessions: Monday and Wednesday
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))


def planned(repo: Repository) -> dict[str, int]:
    save_ready_plan(repo, tiny_plan(MONDAY))
    active = repo.current_plan()
    assert active is not None
    return {"monday": active.session_ids[MONDAY], "wednesday": active.session_ids[WEDNESDAY]}


def quit_part_way(repo: Repository, planned_id: int) -> int:
    log = repo.start_session(planned_id, guided=True)
    repo.log_set(log, SetRecord("glute_bridge", None, 2, None))
    repo.finish_session(log, "quit")
    return log


def test_a_session_left_part_way_is_due_first_on_any_day(repo: Repository) -> None:
    ids = planned(repo)
    ctx = acting_for(repo)
    quit_part_way(repo, ids["monday"])
    for day in (MONDAY, TUESDAY, WEDNESDAY, THURSDAY):
        due = due_session(ctx, day)
        assert due == Due(ids["monday"], tiny_plan(MONDAY).sessions[0], part_way=True), day
        assert next_session(ctx, day) == due


def test_a_session_finished_after_it_was_left_lets_the_next_one_come(repo: Repository) -> None:
    ids = planned(repo)
    ctx = acting_for(repo)
    log = quit_part_way(repo, ids["monday"])
    repo.reopen_session(log)
    repo.finish_session(log, "completed")
    assert due_session(ctx, TUESDAY) == NotDue("none_today", WEDNESDAY)
    wednesday = due_session(ctx, WEDNESDAY)
    assert isinstance(wednesday, Due)
    assert (wednesday.planned_session_id, wednesday.part_way) == (ids["wednesday"], False)


def test_a_session_done_ahead_of_its_day_counts_as_done_for_next(repo: Repository) -> None:
    ids = planned(repo)
    ctx = acting_for(repo)
    for planned_id in ids.values():  # Monday's, then Wednesday's, both on Monday
        repo.finish_session(repo.start_session(planned_id, guided=True), "completed")
    assert due_session(ctx, MONDAY) == NotDue("finished")
    assert due_session(ctx, TUESDAY, allow_next=True) == NotDue("finished")
    assert next_session(ctx, TUESDAY) is None


def test_the_next_session_skips_one_done_early_and_names_its_day(repo: Repository) -> None:
    ids = planned(repo)
    ctx = acting_for(repo)
    repo.finish_session(repo.start_session(ids["monday"], guided=True), "completed")
    assert due_session(ctx, MONDAY) == NotDue("none_today", WEDNESDAY)
    ahead = next_session(ctx, MONDAY)
    assert ahead is not None
    assert ahead.planned_session_id == ids["wednesday"]


def test_abandoning_keeps_the_sets_and_moves_on(repo: Repository) -> None:
    ids = planned(repo)
    ctx = acting_for(repo)
    log = quit_part_way(repo, ids["monday"])
    assert abandon(ctx, TUESDAY) is not None
    assert [(s.id, s.status, s.sets) for s in repo.session_logs()] == [(log, "abandoned", 1)]
    assert due_session(ctx, TUESDAY) == NotDue("none_today", WEDNESDAY)
    assert abandon(ctx, TUESDAY) is None, "nothing is part-way any more"


def test_the_same_set_sent_twice_at_once_is_kept_once(
    database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    """A phone on a bad connection sends a set again while the first is still being saved: two
    requests (two connections, as two server workers would hold), the same step, at the same
    moment, 40 times over. Each step is kept once."""
    import threading

    from glutewake.app.sessions import record_step, start_or_resume, steps

    first, second = repo_for(database_url), repo_for(database_url)
    ids = planned(first)
    contexts = (acting_for(first), acting_for(second))
    plan = first.current_plan()
    assert plan is not None
    session = plan.plan.session_on(MONDAY)
    assert session is not None
    sets = [n for n, step in enumerate(steps(session, contexts[0].knowledge)) if step.kind == "set"]
    pairs = 0
    for _ in range(14):
        log = start_or_resume(contexts[0], Due(ids["monday"], session, part_way=False))
        for index in sets:
            barrier = threading.Barrier(2)
            answers: list[int] = []

            def send(
                ctx: Context, log_id: int, index: int, barrier: threading.Barrier, answers: list[int]
            ) -> None:
                barrier.wait()
                answers.append(record_step(ctx, log_id, index, reps=2, seconds=2))

            threads = [
                threading.Thread(target=send, args=(ctx, log.session_log_id, index, barrier, answers))
                for ctx in contexts
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            pairs += 1
            assert sorted(answers)[-1] == sets.index(index) + 1, "both are told the same count"
        assert len(first.sets_of(log.session_log_id)) == len(sets)
        first.finish_session(log.session_log_id, "completed")
    assert pairs >= 40
