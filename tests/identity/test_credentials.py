"""Passwords, tokens, paper codes and authenticator codes."""

from __future__ import annotations

import pyotp

from glutewake.identity import credentials


def test_a_password_is_kept_as_an_argon2id_hash_that_only_it_matches() -> None:
    stored = credentials.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert credentials.password_ok(stored, "correct horse battery staple")
    assert not credentials.password_ok(stored, "correct horse battery stapl")
    assert not credentials.password_ok(None, "anything at all"), "no account: still refused"
    assert not credentials.password_ok("not a hash", "anything at all")


def test_a_password_is_long_enough_and_not_the_email_address() -> None:
    assert "12 characters" in (credentials.password_problem("short") or "")
    assert "email" in (credentials.password_problem("cleo.smith-2026!!", email="cleo.smith@x.org") or "")
    assert credentials.password_problem("three random words") is None


def test_paper_codes_avoid_letters_people_confuse_and_forgive_how_they_are_typed() -> None:
    codes = {credentials.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 11
        assert code[5] == "-"
        assert not set(code.replace("-", "")) & set("IL01O")
    assert credentials.normal_code(" k7qm2 xrp4t ") == "K7QM2-XRP4T"
    assert credentials.normal_code("k7qm2-xrp4t") == "K7QM2-XRP4T"


def test_only_a_tokens_digest_is_kept() -> None:
    token = credentials.new_token()
    assert len(token) >= 43
    assert credentials.digest(token) != token
    assert len(credentials.digest(token)) == 64


def test_an_authenticator_code_works_one_step_either_side_and_no_further() -> None:
    secret = credentials.new_totp_secret()
    now = 1_800_000_000
    code = pyotp.TOTP(secret).at(now)
    assert credentials.totp_ok(secret, code, now)
    assert credentials.totp_ok(secret, f"{code[:3]} {code[3:]}", now + 30), "a space and a late step are fine"
    assert not credentials.totp_ok(secret, code, now + 90)
    assert not credentials.totp_ok(secret, "12345", now)
    assert credentials.totp_uri(secret, "cleo@x.org", "glutewake Riverside").startswith("otpauth://totp/")
