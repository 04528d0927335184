"""The passkey sign-in's challenge, made before anyone is known, travels sealed in a cookie."""

from __future__ import annotations

from glutewake.app.clinic.passkeys import CHALLENGE_SECONDS, open_challenge, seal_challenge

KEY = b"k" * 32


def test_a_sealed_challenge_opens_until_it_expires() -> None:
    sealed = seal_challenge(KEY, b"challenge bytes", 1_000)
    assert open_challenge(KEY, sealed, 1_000) == open_challenge(KEY, sealed, 1_000 + CHALLENGE_SECONDS)
    assert open_challenge(KEY, sealed, 1_000) is not None
    assert open_challenge(KEY, sealed, 1_001 + CHALLENGE_SECONDS) is None


def test_a_changed_or_foreign_challenge_does_not_open() -> None:
    sealed = seal_challenge(KEY, b"challenge bytes", 1_000)
    body, expiry, signature = sealed.split(".")
    assert open_challenge(b"x" * 32, sealed, 1_000) is None
    assert open_challenge(KEY, f"{body}.{int(expiry) + 9999}.{signature}", 1_000) is None
    assert open_challenge(KEY, f"AAAA.{expiry}.{signature}", 1_000) is None
    for junk in ("", "a.b", "a.b.c.d", f"{body}.soon.{signature}"):
        assert open_challenge(KEY, junk, 1_000) is None
