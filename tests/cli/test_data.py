"""Export, import and forget, on both engines and from one engine to the other."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from glutewake.store import Repository
from tests.cli.runner import SELF_CARE_CASE, run

CASE = SELF_CARE_CASE


def fill(url: str, tmp_path: Path) -> None:
    """A little of everything: a check, self-tests, a plan, a logged session, a check-in."""
    answers = tmp_path / "selftest.json"
    answers.write_text(
        json.dumps(
            {
                "squeeze_seconds": {"left": 3.0, "right": 1.0},
                "clench": {"both": True, "left": False, "right": True},
            }
        )
    )
    steps = [
        ("check", "--answers", "-", "--save"),
        ("selftest", "--answers", str(answers), "--save"),
        ("plan", "--new", "--equipment", "band"),
        ("log", "glute_bridge", "3x12", "clamshell", "2x15"),
        ("checkin", "--pain", "3", "--numbness", "4", "--psfs", "film=6", "--no-red-flags"),
    ]
    for args in steps:
        code, _, err = run(url, *args, stdin=json.dumps(CASE))
        assert code == 0, (args, err)


def exported(url: str) -> dict[str, Any]:
    code, out, err = run(url, "export", "-")
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def records_of(document: dict[str, Any]) -> dict[str, Any]:
    """A document's records, without when it was exported."""
    lists = ("checks", "selftests", "plans", "sessions", "checkins", "sitting_bouts", "coach_events")
    return {"profile": document.get("profile"), **{name: document.get(name, []) for name in lists}}


def test_export_then_import_into_an_empty_store_round_trips(database_url: str, tmp_path: Path) -> None:
    fill(database_url, tmp_path)
    before = exported(database_url)
    assert (before["format"], before["version"]) == ("glutewake-export", 2)
    assert before["profile"]
    assert all(before[name] for name in ("checks", "selftests", "plans", "sessions", "checkins"))
    assert before["sessions"][0]["sets"], "sets travel inside their session"
    path = tmp_path / "backup.json"
    code, out, _ = run(database_url, "export", str(path))
    assert code == 0
    assert f"to {path}" in " ".join(out.split())
    assert run(database_url, "forget", "--yes")[0] == 0
    assert records_of(exported(database_url)) == records_of({"profile": None})
    code, out, err = run(database_url, "import", str(path))
    assert code == 0, err
    assert records_of(exported(database_url)) == records_of(before)
    assert run(database_url, "plan")[0] == 0, "the restored plan works as before"


def test_an_export_moves_from_sqlite_to_postgresql(
    tmp_path: Path, postgres_server: str, database_url: str
) -> None:
    source = f"sqlite:///{tmp_path / 'laptop.db'}"
    fill(source, tmp_path)
    path = tmp_path / "move.json"
    assert run(source, "export", str(path))[0] == 0
    assert run(database_url, "import", str(path))[0] == 0
    assert records_of(exported(database_url)) == records_of(exported(source))


def test_import_refuses_a_store_with_records_and_changes_nothing(database_url: str, tmp_path: Path) -> None:
    fill(database_url, tmp_path)
    before = exported(database_url)
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(before))
    code, _, err = run(database_url, "import", str(path))
    assert code == 2
    assert "already has records" in err
    assert records_of(exported(database_url)) == records_of(before)


BAD: list[Any] = [
    pytest.param({"format": "something-else"}, "not a glutewake export", id="not an export"),
    pytest.param(
        {"format": "glutewake-export", "version": 99, "tables": {}},
        "version 99 is not supported",
        id="future version",
    ),
    pytest.param(
        {"format": "glutewake-export", "version": 1, "tables": {"passwords": []}},
        "not recognised: passwords",
        id="unknown table",
    ),
    pytest.param(
        {"format": "glutewake-export", "version": 1, "tables": {"checkins": [{"id": 1, "mood": 3}]}},
        "fields this glutewake does not know",
        id="unknown field",
    ),
    pytest.param(
        {
            "format": "glutewake-export",
            "version": 1,
            "tables": {"checkins": [{"id": 1, "created_at": "yesterday"}]},
        },
        "is not a date glutewake can read",
        id="bad date",
    ),
]


@pytest.mark.parametrize(("document", "message"), BAD)
def test_bad_files_are_rejected(
    database_url: str, tmp_path: Path, document: dict[str, Any], message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    code, _, err = run(database_url, "import", str(path))
    assert code == 2
    assert message in err


def test_a_file_whose_records_do_not_fit_imports_nothing(
    database_url: str, tmp_path: Path, repo_for: Callable[[str], Repository]
) -> None:
    fill(database_url, tmp_path)
    document = exported(database_url)
    document["sessions"][0]["plan"] = 7  # a plan the file does not have
    run(database_url, "forget", "--yes")
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    code, _, err = run(database_url, "import", str(path))
    assert code == 2
    assert "session 1: plan 8 has no session on" in err
    assert repo_for(database_url).is_empty()


def test_forget_asks_first(database_url: str, tmp_path: Path, repo_for: Callable[[str], Repository]) -> None:
    fill(database_url, tmp_path)
    code, out, _ = run(database_url, "forget", stdin="n\n")
    assert code == 1
    assert "Nothing was deleted." in out
    assert not repo_for(database_url).is_empty()
    assert run(database_url, "forget", stdin="y\n")[0] == 0
    assert repo_for(database_url).is_empty()


def test_a_second_export_the_same_day_is_not_overwritten_unasked(database_url: str, tmp_path: Path) -> None:
    fill(database_url, tmp_path)
    runner_dir = tmp_path / "here"
    runner_dir.mkdir()
    path = runner_dir / "glutewake-export-2026-11-23.json"  # the fake clock's day
    cwd = Path.cwd()
    os.chdir(runner_dir)
    try:
        assert run(database_url, "export")[0] == 0
        path.write_text("kept")
        code, _, err = run(database_url, "export")  # no terminal: nobody to ask
        assert code == 2
        message = " ".join(err.split())
        assert f"{path.name} already exists; add --force to overwrite it, or give another FILE" in message
        assert path.read_text() == "kept"
        for flag in ("--force", "--yes"):
            path.write_text("kept")
            assert run(database_url, "export", flag)[0] == 0
            assert json.loads(path.read_text())["format"] == "glutewake-export"
    finally:
        os.chdir(cwd)


def test_an_export_into_a_shared_folder_is_private_and_follows_no_link(
    database_url: str, tmp_path: Path
) -> None:
    """Another account, in a folder both may write to, plants the old temporary names (for this
    process) and a link at the export's name: the export is the owner's alone, 0600, and what
    the links pointed at is untouched."""
    fill(database_url, tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o1777)
    shared.chmod(0o1777)
    precious = tmp_path / "precious.txt"
    precious.write_text("the owner's own notes")
    target = shared / "backup.json"
    planted = shared / f".{target.name}.{os.getpid()}.tmp"
    planted.write_text("")
    planted.chmod(0o666)
    os.chown(planted, 65534, 65534)  # nobody's, as another account would leave it
    (shared / "link.json").symlink_to(precious)
    for name in (target, shared / "link.json"):
        code, _, err = run(database_url, "export", str(name), "--force")
        assert code == 0, err
        assert not name.is_symlink()
        assert json.loads(name.read_text())["format"] == "glutewake-export"
        assert (name.stat().st_mode & 0o777, name.stat().st_uid) == (0o600, os.getuid())
    assert precious.read_text() == "the owner's own notes"
    assert (planted.read_text(), planted.stat().st_uid) == ("", 65534), "the planted file was not used"
    assert sorted(p.name for p in shared.iterdir()) == sorted([planted.name, "backup.json", "link.json"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["plans"][0]["plan"]["sessions"][0]["main"][0].update(exercise_id="../../etc/passwd"),
         "'../../etc/passwd' is not an exercise glutewake knows"),
        (lambda d: d["checks"][0]["case"].update(age=-5), "check 1: age: must be from 0 to 120, not -5"),
        (lambda d: d["checks"][0]["case"].update(age=10**30), "check 1: age"),
        (lambda d: d["checks"][0]["case"]["answers"].update(made_up_sign=True), "check 1: answers.made_up_sign"),
        (lambda d: d["sessions"][0]["sets"][0].update(exercise_id="nope"), "session 1, set 1: 'nope' is not an"),
        (lambda d: d["plans"][0]["plan"]["sessions"][0]["main"][0].update(sets=5000), "has 5000 sets; a plan has 1 to 10"),
        (lambda d: d["profile"].update(minutes_per_session=-3), "profile: kit one of"),
        (lambda d: d["sessions"][0]["sets"][0].update(side="middle"), "session 1: a set's side is left, right or none"),
        (lambda d: d["sessions"][0].update(finished_at="2001-01-01T00:00:00+00:00"), "session 1 finishes before it starts"),
    ],
)  # fmt: skip
def test_an_import_meets_the_rules_the_api_meets_or_changes_nothing(
    database_url: str,
    tmp_path: Path,
    repo_for: Callable[[str], Repository],
    change: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    """A record the API or a form would refuse is refused in a file too, and then the pages
    that would have failed on it (the plan and its calendar) are never reached."""
    fill(database_url, tmp_path)
    document = exported(database_url)
    run(database_url, "forget", "--yes")
    change(document)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document))
    code, _, err = run(database_url, "import", str(path))
    assert code == 2, err
    assert message in " ".join(err.split())
    assert repo_for(database_url).is_empty(), "all or nothing"


def test_what_glutewake_derives_is_derived_again_on_import(
    database_url: str, tmp_path: Path, repo_for: Callable[[str], Repository]
) -> None:
    """A file whose check has a warning sign but says "self-care", and whose check-in has one but
    says all is well, cannot clear anyone to exercise: both are judged again on the way in."""
    fill(database_url, tmp_path)
    document = exported(database_url)
    run(database_url, "forget", "--yes")
    document["checks"][0]["case"]["answers"]["saddle_numbness"] = True
    document["checkins"][0]["red_flags"]["saddle_numbness"] = True
    document["checkins"][0]["outcome"] = "ok"
    path = tmp_path / "doctored.json"
    path.write_text(json.dumps(document))
    code, _, err = run(database_url, "import", str(path))
    assert code == 0, err
    again = exported(database_url)
    assert again["checks"][0]["result"]["urgency"] == "emergency"
    assert again["checkins"][0]["outcome"] == "red_flag"
    code, out, _ = run(database_url, "today", flat=True)
    assert code == 3
    assert "999" in out


def test_a_stricter_verdict_in_a_file_is_kept(database_url: str, tmp_path: Path) -> None:
    """A check an older glutewake judged more strictly than today's rules would keeps that
    verdict: judging again never makes a result milder."""
    fill(database_url, tmp_path)
    document = exported(database_url)
    run(database_url, "forget", "--yes")
    document["checks"][0]["result"].update(urgency="urgent", exercise="none")
    path = tmp_path / "older.json"
    path.write_text(json.dumps(document))
    assert run(database_url, "import", str(path))[0] == 0
    kept = exported(database_url)["checks"][0]["result"]
    assert (kept["urgency"], kept["exercise"]) == ("urgent", "none")


def test_export_import_and_forget_name_the_same_kinds_of_record() -> None:
    from click.testing import CliRunner

    from glutewake.app.transfer import KINDS
    from glutewake.cli import main

    for command in ("export", "import", "forget"):
        words = " ".join(CliRunner().invoke(main, [command, "--help"]).stdout.split())
        for _, _, many in KINDS:
            assert many in words, (command, many)
