"""Signing in to the clinic server, through its pages, as staff and as patients."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
from fastapi.testclient import TestClient

from tests.clinic.conftest import PASSWORD, World, form_token, sign_in


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _enrol(client: TestClient, world: World) -> str:
    """Set up an authenticator on the enrolment page; its secret."""
    page = client.get("/signin/enrol")
    assert page.status_code == 200
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text)
    assert secret is not None
    code = pyotp.TOTP(secret.group(1)).at(world.clock.now())
    done = client.post(
        "/signin/enrol",
        data={"secret": secret.group(1), "code": code, "csrf_token": form_token(client, "/signin/enrol")},
    )
    assert done.status_code == 303, done.text
    return secret.group(1)


def _password(client: TestClient, email: str, password: str = PASSWORD) -> int:
    return client.post("/signin/staff", data={"email": email, "password": password}).status_code


def test_staff_sign_in_takes_a_password_then_a_second_factor_they_must_set_up_first(
    client: TestClient, world: World
) -> None:
    assert (
        client.post("/signin/staff", data={"email": "CLEO@riverside.example ", "password": PASSWORD}).headers[
            "location"
        ]
        == "/signin/enrol"
    )
    assert client.get("/staff").headers["location"] == "/signin/enrol", "nothing else before a second factor"
    assert client.get("/plan").headers["location"] == "/signin/enrol"
    secret = _enrol(client, world)
    assert client.get("/staff").status_code == 200

    client.cookies.clear()
    assert (
        client.post("/signin/staff", data={"email": "cleo@riverside.example", "password": PASSWORD}).headers[
            "location"
        ]
        == "/signin/second-factor"
    )
    half = client.cookies.get("glutewake_clinic")
    assert client.get("/staff").headers["location"] == "/signin/second-factor"
    token = form_token(client, "/signin/second-factor")
    wrong = client.post("/signin/second-factor", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 401
    assert "not right" in wrong.text
    world.clock.wall += timedelta(seconds=30)  # the code that set it up works no more: the next one
    code = pyotp.TOTP(secret).at(world.clock.now())
    right = client.post("/signin/second-factor", data={"code": code, "csrf_token": token})
    assert right.headers["location"] == "/staff"
    assert client.get("/staff").status_code == 200
    client.cookies.clear()
    client.cookies.set("glutewake_clinic", half)
    assert client.get("/staff").headers["location"] == "/signin", "the half-way cookie is worth nothing now"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    client: TestClient, world: World
) -> None:
    wrong = client.post(
        "/signin/staff", data={"email": "cleo@riverside.example", "password": "not the password"}
    )
    unknown = client.post("/signin/staff", data={"email": "nobody@riverside.example", "password": PASSWORD})
    patient = client.post("/signin/staff", data={"email": "pat@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == patient.status_code == 401
    message = re.compile(r'<p class="errors" role="alert">(.*?)</p>')
    assert message.findall(wrong.text) == message.findall(unknown.text) == message.findall(patient.text)


def test_sign_in_attempts_are_limited_per_account_and_the_limit_passes(
    client: TestClient, world: World
) -> None:
    for _ in range(5):
        assert _password(client, "cleo@riverside.example", "wrong password!") == 401
    assert _password(client, "cleo@riverside.example") == 429, "even the right password waits now"
    assert (
        "wait 15 minutes"
        in client.post("/signin/staff", data={"email": "cleo@riverside.example", "password": PASSWORD}).text
    )
    assert _password(client, "cal@riverside.example") == 303, "another account is not held up"
    world.clock.wall += timedelta(minutes=16)
    assert _password(client, "cleo@riverside.example") == 303


def test_sign_in_attempts_are_limited_per_address(client: TestClient, world: World) -> None:
    for n in range(30):
        assert _password(client, f"guess{n}@riverside.example", "wrong password!") == 401
    assert _password(client, "cal@riverside.example") == 429


def test_a_patient_signs_in_by_an_emailed_link_that_works_once(client: TestClient, world: World) -> None:
    sent = client.post("/signin", data={"email": "Pat@Example.org"})
    assert sent.status_code == 200
    assert "Check your email" in sent.text
    link = world.outbox.link("pat@example.org")
    page = client.get(_path(link))
    assert page.status_code == 200
    assert "Sign in</button>" in page.text
    again = client.get(_path(link))  # a mail scanner opening the link does not use it up
    assert again.status_code == 200
    token = urlsplit(link).query.removeprefix("token=")
    signed_in = client.post("/signin", data={"token": token})
    assert signed_in.headers["location"] == "/"
    assert client.get("/checkin").status_code == 200
    client.cookies.clear()
    used = client.post("/signin", data={"token": token})
    assert used.status_code == 401
    assert "used or has expired" in used.text


def test_asking_for_a_link_says_the_same_whether_or_not_the_address_has_an_account(
    client: TestClient, world: World
) -> None:
    known = client.post("/signin", data={"email": "pat@example.org"})
    unknown = client.post("/signin", data={"email": "stranger@example.org"})
    staff = client.post("/signin", data={"email": "cleo@riverside.example"})
    assert known.status_code == unknown.status_code == staff.status_code == 200
    assert known.text.replace("pat@example.org", "X") == unknown.text.replace("stranger@example.org", "X")
    # An email goes to each (the same work, so the same time), a link only to the patient.
    assert [e.to for e in world.outbox.sent] == [
        "pat@example.org",
        "stranger@example.org",
        "cleo@riverside.example",
    ]
    assert "token=" in world.outbox.sent[0].body
    assert all("token=" not in e.body and "no patient's account" in e.body for e in world.outbox.sent[1:])
    bad = client.post("/signin", data={"email": "not an address"})
    assert bad.status_code == 422
    assert "name@example.org" in bad.text


def test_a_sign_in_link_expires_after_fifteen_minutes(client: TestClient, world: World) -> None:
    client.post("/signin", data={"email": "pat@example.org"})
    token = urlsplit(world.outbox.link("pat@example.org")).query.removeprefix("token=")
    world.clock.wall += timedelta(minutes=16)
    assert client.post("/signin", data={"token": token}).status_code == 401


def test_a_patient_signs_in_with_the_paper_code_and_their_year_of_birth(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    added = client.post(
        "/staff/patients",
        data={
            "name": "Nia New",
            "birth_year": "1975",
            "email": "",
            "csrf_token": form_token(client, "/staff"),
        },
    )
    assert added.status_code == 200
    code = re.search(r'<p class="paper-code"><code>([A-Z0-9-]+)</code>', added.text)
    assert code is not None
    sign_in(client, world.store, None)
    wrong = client.post("/signin/code", data={"code": code.group(1), "birth_year": "1976"})
    assert wrong.status_code == 401
    assert "do not match" in wrong.text
    typed = code.group(1).lower().replace("-", " ")  # as someone might type it
    right = client.post("/signin/code", data={"code": typed, "birth_year": "1975"})
    assert right.headers["location"] == "/"
    assert "Nia New" in client.get("/account").text


def test_an_invited_clinician_chooses_a_password_then_a_second_factor(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.admin)
    invited = client.post(
        "/admin/clinicians",
        data={
            "name": "Ivy New",
            "email": "ivy@riverside.example",
            "role": "clinician",
            "csrf_token": form_token(client, "/admin"),
        },
    )
    assert invited.status_code == 200
    assert "invitation is on its way" in invited.text
    link = world.outbox.link("ivy@riverside.example")
    sign_in(client, world.store, None)
    page = client.get(_path(link))
    assert page.status_code == 200
    assert "Ivy New" in page.text
    token = urlsplit(link).query.removeprefix("token=")
    short = client.post("/signin/invite", data={"token": token, "password": "short"})
    assert short.status_code == 422
    assert "at least 12 characters" in short.text
    chosen = client.post("/signin/invite", data={"token": token, "password": "a long new password"})
    assert chosen.headers["location"] == "/signin/enrol"
    _enrol(client, world)
    assert client.get("/staff").status_code == 200
    assert client.get(_path(link)).status_code == 404, "an invitation works once"


def test_a_password_reset_by_email_ends_every_session(client: TestClient, world: World) -> None:
    other = TestClient(client.app, base_url=str(client.base_url), follow_redirects=False)
    sign_in(other, world.store, world.cleo)
    assert other.get("/staff").status_code == 200
    asked = client.post("/signin/reset", data={"email": "cleo@riverside.example"})
    assert "Check your email" in asked.text
    client.post("/signin/reset", data={"email": "nobody@riverside.example"})
    assert [e.to for e in world.outbox.sent] == ["cleo@riverside.example", "nobody@riverside.example"]
    assert "token=" not in world.outbox.sent[1].body
    token = urlsplit(world.outbox.link("cleo@riverside.example")).query.removeprefix("token=")
    done = client.post("/signin/reset", data={"token": token, "password": "a brand new password"})
    assert done.headers["location"] == "/signin/staff?reset=1"
    assert other.get("/staff").headers["location"] == "/signin"
    assert _password(client, "cleo@riverside.example", "a brand new password") == 303
    assert _password(client, "cal@riverside.example", "a brand new password") == 401


def test_sessions_end_when_idle_staff_sooner_than_patients(client: TestClient, world: World) -> None:
    staff = TestClient(client.app, base_url=str(client.base_url), follow_redirects=False)
    sign_in(staff, world.store, world.cleo)
    sign_in(client, world.store, world.pat)
    world.clock.wall += timedelta(minutes=29)
    assert staff.get("/staff").status_code == 200
    world.clock.wall += timedelta(minutes=29)  # used 29 minutes ago: still on
    assert staff.get("/staff").status_code == 200
    world.clock.wall += timedelta(minutes=31)
    assert staff.get("/staff").headers["location"] == "/signin"
    assert client.get("/checkin").status_code == 200
    world.clock.wall += timedelta(days=13)
    assert client.get("/checkin").status_code == 200
    world.clock.wall += timedelta(days=15)
    assert client.get("/checkin").headers["location"] == "/signin"


def test_a_patient_sees_their_sessions_and_ends_one(client: TestClient, world: World) -> None:
    phone = TestClient(client.app, base_url=str(client.base_url), follow_redirects=False)
    sign_in(phone, world.store, world.pat)
    sign_in(client, world.store, world.pat)
    page = client.get("/account")
    assert page.status_code == 200
    sessions = re.findall(r'name="session" value="([0-9a-f]{64})"', page.text)
    assert len(sessions) == 2
    current = client.cookies.get("glutewake_clinic")
    from glutewake.identity import credentials

    other = next(s for s in sessions if s != credentials.digest(current))
    ended = client.post(
        "/account/sessions/end", data={"session": other, "csrf_token": form_token(client, "/account")}
    )
    assert ended.headers["location"] == "/account?done=ended"
    assert phone.get("/checkin").headers["location"] == "/signin"
    assert client.get("/checkin").status_code == 200
    foreign = client.post(
        "/account/sessions/end", data={"session": "0" * 64, "csrf_token": form_token(client, "/account")}
    )
    assert foreign.status_code == 409


def test_signing_out_ends_the_session(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.pat)
    cookie = client.cookies.get("glutewake_clinic")
    out = client.post("/signout", data={"csrf_token": form_token(client, "/account")})
    assert out.headers["location"] == "/signin"
    client.cookies.clear()
    client.cookies.set("glutewake_clinic", cookie)
    assert client.get("/account").headers["location"] == "/signin"


def test_a_form_posted_from_another_site_is_refused(client: TestClient, world: World) -> None:
    refused = client.post(
        "/signin/staff",
        data={"email": "cleo@riverside.example", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403


def test_behind_https_the_session_cookie_is_secure_and_host_only(clinic_db: str, world: World) -> None:
    from glutewake.web.clinic import create_clinic_app

    app = create_clinic_app(clinic_db, "https://clinic.example.org/", clock=world.clock, outbox=world.outbox)
    with TestClient(app, base_url="https://clinic.example.org", follow_redirects=False) as secure:
        signed = secure.post("/signin/staff", data={"email": "cleo@riverside.example", "password": PASSWORD})
        cookie = signed.headers["set-cookie"]
        assert cookie.startswith("__Host-glutewake=")
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "Domain" not in cookie
        assert "SameSite=lax" in cookie
    app.state.engine.dispose()
