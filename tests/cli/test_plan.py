"""`glutewake plan`: from a stored symptom check to a plan, shown and exported."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from glutewake.store import Repository
from tests.cli.runner import SELF_CARE_CASE, run
from tests.fakes import FakeClock

SELF_CARE = SELF_CARE_CASE
EMERGENCY = {**SELF_CARE, "answers": {"bladder_change": True}}


def checked(url: str, case: dict[str, object] = SELF_CARE) -> None:
    assert run(url, "check", "--answers", "-", "--save", "--json", stdin=json.dumps(case))[0] == 0


def test_a_plan_needs_a_symptom_check_first(database_url: str) -> None:
    code, _, err = run(database_url, "plan")
    assert code == 1
    assert "run `glutewake check` first" in err


def test_builds_fitted_to_the_options_and_keeps_it(database_url: str) -> None:
    checked(database_url)
    code, out, err = run(
        database_url, "plan", "--equipment", "none", "--minutes", "15", "--days", "tue,thu", "--json"
    )
    assert code == 0, err
    built = json.loads(out)
    assert built["equipment"] == "none"
    assert {date.fromisoformat(s["day"]).weekday() for s in built["sessions"]} == {1, 3}
    assert all(len(s["main"]) == 2 for s in built["sessions"])
    again = json.loads(run(database_url, "plan", "--json")[1])
    assert again == built, "showing the plan does not rebuild it"


def test_an_emergency_check_gives_no_sessions_and_leads_with_what_to_do(database_url: str) -> None:
    checked(database_url, EMERGENCY)
    code, out, _ = run(database_url, "plan")  # no plan yet: it would build one, and may not
    words = " ".join(out.split())
    assert code == 3
    assert "Emergency: call 999 or go to A&E now" in words
    assert "Phone 999 now." in words
    assert "Next session" not in words
    code, out, _ = run(database_url, "plan", "--new")
    assert "Emergency: call 999" in " ".join(out.split())
    assert "Next session" not in out


def test_after_an_emergency_a_new_plan_is_refused_and_the_one_kept_for_later_stays(database_url: str) -> None:
    checked(database_url)
    assert run(database_url, "plan", "--new")[0] == 0
    before = json.loads(run(database_url, "plan", "--json")[1])
    checked(database_url, EMERGENCY)
    code, out, _ = run(database_url, "plan", "--new", "--equipment", "gym")
    assert code == 3
    assert "Emergency: call 999" in " ".join(out.split())
    after = json.loads(run(database_url, "plan", "--json")[1])
    assert after["sessions"] == before["sessions"]
    assert after["status"] == "stopped"
    assert run(database_url, "plan", "--ics", "x.ics")[0] == 3


def test_a_gentle_result_after_a_full_plan_makes_it_gentle_and_says_what_changed(database_url: str) -> None:
    checked(database_url)
    assert run(database_url, "plan", "--new", "--equipment", "gym", "--minutes", "40")[0] == 0
    gentle = {**SELF_CARE, "answers": {**SELF_CARE["answers"], "getting_worse": True}}  # type: ignore[dict-item]
    checked(database_url, gentle)
    plan = json.loads(run(database_url, "plan", "--json")[1])
    assert plan["exercise_level"] == "gentle"
    assert plan["changes"][-1]["action"] == "restricted"
    out = run(database_url, "plan")[1]
    assert "made gentle" in " ".join(out.split())


def test_the_calendar_shows_phases_and_the_next_session(database_url: str) -> None:
    checked(database_url)
    _, out, _ = run(database_url, "plan", "--new")
    for words in ("Wake-up", "Strengthen", "Load", "Next session: Monday 23 Nov", "Warm-up:", "Stretches:",
                  "After the four weeks"):  # fmt: skip
        assert words in " ".join(out.split())


def test_choices_are_kept_and_a_choice_left_out_keeps_the_last_one(
    database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    checked(database_url)
    assert run(database_url, "plan", "--equipment", "band", "--days", "tue,fri")[0] == 0
    assert run(database_url, "plan", "--new", "--minutes", "30")[0] == 0
    profile = repo_for(database_url).profile()
    assert profile is not None
    assert (profile.equipment, profile.minutes_per_session, profile.preferred_days) == ("band", 30, (1, 4))
    assert run(database_url, "plan", "--new", "--days", "every-other-day")[0] == 0
    again = repo_for(database_url).profile()
    assert again is not None
    assert again.preferred_days is None


def test_ics_export_parses_back_with_one_event_per_session(database_url: str, tmp_path: Path) -> None:
    checked(database_url)
    ics = tmp_path / "plan.ics"
    code, out, _ = run(database_url, "plan", "--new", "--ics", str(ics), "--json")
    assert code == 0
    sessions = json.loads(out)["sessions"]
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(sessions)
    first = events[0]
    assert first.decoded("dtstart") == date.fromisoformat(sessions[0]["day"])
    assert str(first["summary"]) == "glutewake: Wake-up session"
    description = str(first["description"])
    assert "Glute bridge: 3 × 10 reps" in description
    assert "Stand up every 20 to 30 minutes" in description
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_bad_days_are_rejected(database_url: str) -> None:
    checked(database_url)
    code, _, err = run(database_url, "plan", "--days", "monday,funday")
    assert code == 2
    assert "weekday names such as mon,wed,fri" in err


def test_a_wrong_weekday_is_named_whole(database_url: str) -> None:
    checked(database_url)
    code, _, err = run(database_url, "plan", "--days", "mon,someday")
    assert code == 2
    assert "(not 'someday')" in err
    assert run(database_url, "plan", "--days", "Monday,thurs")[0] == 0


@pytest.mark.parametrize(
    ("args", "again"),
    [
        (["--equipment", "none"], "glutewake plan --new --equipment none"),
        (["--minutes", "30"], "glutewake plan --new --minutes 30"),
        (
            ["--days", "mon,thu", "--start", "2026-12-01"],
            "glutewake plan --new --days mon,thu --start 2026-12-01",
        ),
    ],
)
def test_a_new_choice_without_new_does_not_replace_the_plan_unasked(
    database_url: str, repo_for: Callable[[str], Repository], args: list[str], again: str
) -> None:
    checked(database_url)
    assert run(database_url, "plan", "--new", "--equipment", "band")[0] == 0
    before = repo_for(database_url).current_plan()
    code, out, err = run(database_url, "plan", *args)  # no terminal: nobody to ask
    assert code == 2
    assert out == ""
    message = " ".join(err.split())
    assert "builds a new plan and replaces your current one" in message
    assert f"`{again}`" in message
    assert "Traceback" not in err
    assert repo_for(database_url).current_plan() == before
    assert run(database_url, "plan", "--new", *args)[0] == 0, "the command it names works"


def test_the_next_session_is_the_one_after_a_session_done_early(
    database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    checked(database_url)
    assert run(database_url, "plan", "--new")[0] == 0  # Monday 23 Nov, then every other day
    repo = repo_for(database_url)
    active = repo.current_plan()
    assert active is not None
    monday, wednesday, friday = sorted(active.session_ids)[:3]
    for day in (monday, wednesday):  # Wednesday's done ahead of its day, on Monday
        repo.finish_session(repo.start_session(active.session_ids[day], guided=True), "completed")
    plan_out = " ".join(run(database_url, "plan")[1].split())
    assert f"Next session: {friday:%A %d %b}" in plan_out
    today_out = " ".join(run(database_url, "today")[1].split())
    assert f"No session is planned for today. Next session: {friday:%A %d %b}." in today_out


def test_the_plan_and_today_name_a_session_left_part_way(
    database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    checked(database_url)
    assert run(database_url, "plan", "--new")[0] == 0
    repo = repo_for(database_url)
    active = repo.current_plan()
    assert active is not None
    monday = min(active.session_ids)
    log = repo.start_session(active.session_ids[monday], guided=True)
    repo.finish_session(log, "quit")
    tuesday = FakeClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # the day after, no session planned
    plan_out = " ".join(run(database_url, "plan", clock=tuesday)[1].split())
    assert f"Next session: {monday:%A %d %b}" in plan_out
    assert "You stopped part-way through it: `glutewake session` goes on from there." in plan_out
    today_out = " ".join(run(database_url, "today", clock=tuesday)[1].split())
    assert f"You stopped part-way through the session of {monday:%A %d %b}." in today_out
    assert "Go on from where you stopped with `glutewake session`." in today_out
    assert run(database_url, "session", "--abandon", clock=tuesday)[0] == 0
    today_out = " ".join(run(database_url, "today", clock=tuesday)[1].split())
    assert "No session is planned for today. Next session: Wednesday 25 Nov." in today_out
    code, _, err = run(database_url, "session", "--abandon", clock=tuesday)
    assert code == 2
    assert "no session is part-way, so there is nothing to abandon" in err


def test_the_calendar_goes_to_a_pipe_as_it_is_and_to_a_file_privately(tmp_path: Path) -> None:
    """`--ics /dev/stdout` (or a named pipe) is written into, never replaced; a file is 0600."""
    import os
    import subprocess
    import sys
    import threading

    url = f"sqlite:///{tmp_path / 'ics.db'}"
    checked(url)
    assert run(url, "plan", "--new")[0] == 0
    pipe = tmp_path / "calendar.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    assert run(url, "plan", "--ics", str(pipe))[0] == 0
    reader.join(timeout=10)
    assert received[0].startswith(b"BEGIN:VCALENDAR")
    assert pipe.is_fifo(), "the pipe is still a pipe"
    environment = {**os.environ, "GLUTEWAKE_HOME": str(tmp_path / "home")}
    shown = subprocess.run([sys.executable, "-m", "glutewake", "--database-url", url, "plan", "--ics", "/dev/stdout"],
                           capture_output=True, env=environment, check=False)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert b"BEGIN:VCALENDAR" in shown.stdout
    assert Path("/dev/stdout").is_symlink(), "the link in /dev is left as it was"
    target = tmp_path / "plan.ics"
    assert run(url, "plan", "--ics", str(target))[0] == 0
    assert target.stat().st_mode & 0o777 == 0o600
