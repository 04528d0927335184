"""`glutewake clinic init/serve/worker` on wrong input: one clear line, exit 2, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from glutewake.cli import main

NOWHERE = "postgresql://nobody@/nodb?host=/tmp/no-such-postgres"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["clinic", *args], input=stdin)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("init", "--database-url", "sqlite:///x.db", "--name", "A", "--admin-email", "a@b.example"), "needs PostgreSQL"),
        (("init", "--database-url", NOWHERE, "--name", "A", "--admin-email", "a@b.example", "--password-file", "-"),
         "password file - is empty"),
        (("init", "--database-url", NOWHERE, "--name", "A", "--admin-email", "a@b.example"),
         "give the admin's password with --password-file"),
        (("serve", "--database-url", NOWHERE, "--base-url", "https://clinic.example"), "cannot open the database"),
        (("serve", "--database-url", NOWHERE, "--base-url", "clinic.example"), "is not an address"),
        (("serve", "--database-url", NOWHERE, "--base-url", "https://clinic.example/app"), "no path"),
        (("serve", "--database-url", NOWHERE, "--base-url", "https://clinic.example", "--region", "mars"),
         "not a region glutewake knows"),
        (("worker", "--database-url", NOWHERE, "--smtp-url", "http://mail.example"), "not an SMTP address"),
        (("worker", "--database-url", NOWHERE, "--smtp-url", "smtp://127.0.0.1:25"), "cannot reach the database"),
        (("worker", "--database-url", "not a url", "--smtp-url", "smtp://127.0.0.1:25"), "not a database URL"),
        (("export-fhir", "--database-url", NOWHERE, "--patient", "1"), "the database could not be used"),
        (("export-fhir", "--database-url", NOWHERE, "--patient", "0"), "is not in the range"),
    ],
)  # fmt: skip
def test_wrong_input_gets_one_clear_line(args: tuple[str, ...], message: str) -> None:
    code, output = _run(*args, stdin="")
    assert code == 2, output
    assert message in output
    assert "Traceback" not in output


def test_init_refuses_a_weak_password_and_sets_up_nothing(server_db: str, tmp_path: Path) -> None:
    import psycopg

    weak = tmp_path / "pw"
    weak.write_text("short\n")
    code, output = _run("init", "--database-url", server_db, "--name", "A", "--admin-email", "a@b.example",
                        "--password-file", str(weak))  # fmt: skip
    assert code == 2
    assert "at least 12 characters" in output
    with psycopg.connect(server_db) as db:
        assert db.execute("SELECT count(*) FROM clinics").fetchone() == (0,)


def test_serve_on_a_database_with_no_clinic_says_to_run_init(server_db: str) -> None:
    code, output = _run("serve", "--database-url", server_db, "--base-url", "https://clinic.example")
    assert code == 2
    assert "run `glutewake clinic init` first" in output


def test_export_fhir_writes_a_valid_bundle_and_names_a_wrong_patient(tmp_path: Path, world: object) -> None:
    import json

    from fhir.resources.R4B.bundle import Bundle

    from tests.clinic.conftest import World

    assert isinstance(world, World)
    url = world.store.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "pat.fhir.json"
    code, output = _run(
        "export-fhir", "--database-url", url, "--patient", str(world.pat.id), "--out", str(out)
    )
    assert code == 0, output
    assert "Wrote 1 resources for Pat Patient" in output
    bundle = Bundle.model_validate(json.loads(out.read_text()))
    assert bundle.entry[0].resource.name[0].text == "Pat Patient"
    assert any(
        e.what == "exported the record as FHIR" for e in world.store.audit_entries(world.pat.clinic_id)
    )
    code, output = _run("export-fhir", "--database-url", url, "--patient", str(world.cleo.id))
    assert code == 2
    assert f"no patient has the account number {world.cleo.id}" in output
