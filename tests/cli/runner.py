"""Running the glutewake CLI in-process against a given database, with a fake clock."""

from __future__ import annotations

from click.testing import CliRunner

from glutewake.cli import main
from tests.fakes import FakeClock

# A plain case of sleepy glutes: numb when sitting, gone on standing.
SELF_CARE_CASE = {
    "age": 34,
    "sex": "female",
    "duration_days": 30,
    "answers": {"numb_when_sitting": True, "eases_on_standing": True},
}


def run(
    url: str, *args: str, stdin: str | None = None, clock: FakeClock | None = None, flat: bool = False
) -> tuple[int, str, str]:
    """Exit code, standard output (whitespace folded when `flat`) and standard error."""
    result = CliRunner().invoke(
        main, ["--database-url", url, *args], input=stdin, obj={"clock": clock or FakeClock()}
    )
    return result.exit_code, " ".join(result.stdout.split()) if flat else result.stdout, result.stderr
