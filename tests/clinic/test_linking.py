"""A patient's own computer, linked to the clinic: it shares the coach's daily sitting figures,
and its token does nothing else."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from glutewake.cli import main
from tests.clinic.conftest import World, form_token, sign_in

STATS = {
    "active_seconds": 5400.0, "bouts": 3, "longest_bout_seconds": 2700.0, "prolonged_seconds": 2700.0,
    "prompts": 2, "breaks_prompted": 1, "breaks_natural": 4, "postponed": 1, "skipped": 0,
}  # fmt: skip


def _link(client: TestClient, world: World, name: str = "Work laptop") -> str:
    page = client.post(
        "/account/computers", data={"name": name, "csrf_token": form_token(client, "/account")}
    )
    assert page.status_code == 200
    found = re.search(r"--token (gwl_[A-Za-z0-9_-]+)", page.text)
    assert found is not None
    return found.group(1)


def test_a_linked_computer_shares_sitting_and_nothing_else(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.pat)
    token = _link(client, world)
    assert "Work laptop" in client.get("/account").text
    sign_in(client, world.store, None)
    computer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/clinic/link", headers=computer).json() == {
        "clinic": "Riverside Physio",
        "patient": "Pat Patient",
    }
    day = world.clock.now().date()
    shared = client.post(
        "/api/clinic/sitting", headers=computer, json={"days": [{"day": str(day), "stats": STATS}]}
    )
    assert shared.json() == {"kept": 1}
    again = {**STATS, "active_seconds": 7200.0}
    client.post("/api/clinic/sitting", headers=computer, json={"days": [{"day": str(day), "stats": again}]})
    for path in ("/api/progress", "/api/history", "/api/plan", "/progress", "/account"):
        assert client.get(path, headers=computer).status_code in (401, 303), path
    sign_in(client, world.store, world.pat)
    sitting = client.get("/api/progress").json()["sitting_minutes_per_day"]
    assert sitting["latest"] == 120.0, "the patient's own progress shows what their computer shared"
    sign_in(client, world.store, world.cleo)
    page = client.get(f"/staff/patients/{world.pat.id}").text
    assert "2 h 00 min" in page, "the day shared again replaced its figures"
    assert "45 min" in page
    sign_in(client, world.store, world.cal)
    assert client.get(f"/staff/patients/{world.pat.id}").status_code == 404


def test_bad_uploads_say_what_is_wrong_and_keep_nothing(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.pat)
    token = _link(client, world)
    sign_in(client, world.store, None)
    computer = {"Authorization": f"Bearer {token}"}
    future = str(world.clock.now().date() + timedelta(days=5))
    for body, message in [
        ({}, "days"),
        ({"days": [{"day": "Monday", "stats": STATS}]}, "date"),
        ({"days": [{"day": future, "stats": STATS}]}, "future"),
        ({"days": [{"day": "2026-11-30", "stats": {**STATS, "active_seconds": 999999.0}}]}, "24 hours"),
        ({"days": [{"day": "2026-11-30", "stats": {**STATS, "extra": 1}}]}, "extra"),
    ]:
        refused = client.post("/api/clinic/sitting", headers=computer, json=body)
        assert refused.status_code == 422, body
        assert message in refused.text, (body, refused.text)
    sign_in(client, world.store, world.cleo)
    assert "Nothing shared" in client.get(f"/staff/patients/{world.pat.id}").text


def test_an_unlinked_or_unknown_token_is_refused(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.pat)
    token = _link(client, world)
    page = client.get("/account").text
    token_id = re.search(r"/account/computers/(\d+)/unlink", page).group(1)  # type: ignore[union-attr]
    done = client.post(
        f"/account/computers/{token_id}/unlink", data={"csrf_token": form_token(client, "/account")}
    )
    assert done.headers["location"] == "/account?done=unlinked"
    sign_in(client, world.store, None)
    for bearer in (token, "gwl_" + "x" * 43, "not-a-token"):
        assert (
            client.get("/api/clinic/link", headers={"Authorization": f"Bearer {bearer}"}).status_code == 401
        )
    sign_in(client, world.store, world.peg)
    foreign = client.post(
        f"/account/computers/{token_id}/unlink", data={"csrf_token": form_token(client, "/account")}
    )
    assert foreign.status_code == 404, "another patient cannot unlink it (or learn it exists)"


def test_the_personal_app_links_and_shares_its_coachs_figures(
    app: Any, client: TestClient, world: World, glutewake_home: Path, tmp_path: Path
) -> None:
    from glutewake.store import Store, connect
    from tests.fakes import FakeClock
    from tests.web.browsing import serving

    sign_in(client, world.store, world.pat)
    token = _link(client, world, "Home desktop")
    personal = f"sqlite:///{tmp_path / 'personal.db'}"
    records = Store(connect(personal), FakeClock()).owner()
    now = world.clock.now()  # the personal app's day is the clinic's
    records.add_bout(now - timedelta(minutes=50), now - timedelta(minutes=5), 2700.0)
    records.close()
    runner = CliRunner()
    unlinked = runner.invoke(main, ["--database-url", personal, "clinic", "share"])
    assert unlinked.exit_code == 2
    assert "not linked" in unlinked.output
    with serving(app) as url:
        wrong = runner.invoke(main, ["clinic", "link", url, "--token", "gwl_wrong"])
        assert wrong.exit_code == 2
        assert "does not accept this computer's token" in wrong.output
        linked = runner.invoke(main, ["clinic", "link", url, "--token", token])
        assert linked.exit_code == 0, linked.output
        assert "Linked to Riverside Physio as Pat Patient" in linked.output
        assert (glutewake_home / "clinic-link.json").stat().st_mode & 0o077 == 0, "private to the user"
        shared = runner.invoke(
            main, ["--database-url", personal, "clinic", "share", "--days", "3"], obj={"clock": world.clock}
        )
        assert shared.exit_code == 0, shared.output
        assert "Shared 1 day of sitting figures with Riverside Physio" in shared.output
    assert runner.invoke(main, ["clinic", "unlink"]).output.startswith("This computer no longer shares")
    sign_in(client, world.store, world.cleo)
    assert "45 min" in client.get(f"/staff/patients/{world.pat.id}").text
