"""Results are kept and listed; operators can check and upgrade the schema."""

from __future__ import annotations

import json
from pathlib import Path

from glutewake.store.engine import HEAD
from tests.cli.runner import SELF_CARE_CASE, run

CASE = SELF_CARE_CASE


def test_interactive_checks_are_kept_and_file_checks_only_with_save(database_url: str) -> None:
    assert run(database_url, "check", "--answers", "-", "--json", stdin=json.dumps(CASE))[0] == 0
    code, out, _ = run(database_url, "history", "--json")
    assert code == 0
    assert json.loads(out) == []
    assert run(database_url, "check", "--answers", "-", "--save", stdin=json.dumps(CASE))[0] == 0
    assert run(database_url, "check", stdin="1\n45\n2\n3 days\n1\n")[0] == 0  # the UK, then the check
    entries = json.loads(run(database_url, "history", "--json")[1])
    assert [e["result"]["result"]["urgency"] for e in entries] == ["emergency", "self_care"], "newest first"
    assert all(e["kind"] == "triage" for e in entries)


def test_self_tests_are_kept_and_listed(database_url: str, tmp_path: Path) -> None:
    clear = json.dumps(SELF_CARE_CASE)  # the standing test is kept after a clear check
    assert run(database_url, "check", "--answers", "-", "--save", stdin=clear)[0] == 0
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"squeeze_seconds": {"left": 3.0, "right": 0.8}}))
    assert run(database_url, "selftest", "--answers", str(answers), "--save")[0] == 0
    code, out, _ = run(database_url, "history")
    assert code == 0
    assert "left: slow to activate (about 3 s)" in " ".join(out.split())


def test_empty_history_says_how_to_fill_it(database_url: str) -> None:
    assert "Run `glutewake check`" in run(database_url, "history")[1]


def test_db_status_and_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    assert "needs `glutewake db upgrade`" in run(url, "db", "status")[1]
    assert f"upgraded from an empty database to {HEAD}" in run(url, "db", "upgrade")[1]
    assert "up to date" in run(url, "db", "status")[1]
    assert "already up to date" in run(url, "db", "upgrade")[1]


def test_password_is_hidden_in_status(postgres_server: str) -> None:
    url = postgres_server.replace("postgres@", "postgres:secret@")
    _, out, _ = run(url, "db", "status")
    assert "secret" not in out


def test_unsupported_database_is_a_clear_error() -> None:
    code, _, err = run("mysql://someone@host/db", "history")
    assert code == 2
    assert "unsupported database 'mysql'" in err
