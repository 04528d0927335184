"""What proves who someone is on the clinic server: passwords, random tokens and paper codes, TOTP codes.

- Staff passwords are hashed with argon2id (argon2-cffi's defaults: 64 MiB, 3 passes).
- Links, session cookies and paper codes are random; only their SHA-256 is stored, so a copy
  of the database signs nobody in. A paper code is 10 letters and digits in two groups
  (about 50 bits), printed without the letters and digits people confuse.
- TOTP codes are RFC 6238, 30-second steps, one step of drift allowed either way.

Time is a parameter (seconds since the epoch) wherever it matters; nothing here reads a clock.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

__all__ = [
    "CODE_ALPHABET",
    "digest",
    "hash_password",
    "new_code",
    "new_token",
    "new_totp_secret",
    "normal_code",
    "password_ok",
    "password_problem",
    "totp_ok",
    "totp_step",
    "totp_uri",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0 or 1
MIN_PASSWORD = 12


@functools.cache
def _hasher() -> object:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    hasher = _hasher()
    assert isinstance(hasher, PasswordHasher)
    return hasher.hash(password)


def password_ok(stored: str | None, password: str) -> bool:
    """Whether `password` matches; with nothing stored, a hash is still checked (same time taken)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    assert isinstance(hasher, PasswordHasher)
    try:
        return hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password will not do, or None (NCSC advice: length over rules)."""
    if len(password) < MIN_PASSWORD:
        return f"use at least {MIN_PASSWORD} characters (three random words make a good password)"
    if len(password) > 256:
        return "use at most 256 characters"
    if email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) >= 4:
        return "do not use your email address in your password"
    return None


def new_token() -> str:
    """A random token for a link or a session cookie (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is stored for a token or code: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    """A paper sign-in code such as `K7QM2-XRP4T`."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def normal_code(typed: str) -> str:
    """A typed code as it was printed: upper case, spaces and dashes ignored, O read as 0 is not
    possible (neither is printed), so common slips are forgiven."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{letters[:5]}-{letters[5:]}" if len(letters) == 10 else letters


def new_totp_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def totp_ok(secret: str, code: str, now: float) -> bool:
    import pyotp

    typed = "".join(ch for ch in code if ch.isdigit())
    return len(typed) == 6 and pyotp.TOTP(secret).verify(typed, for_time=int(now), valid_window=1)


def totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step (30 seconds each since the epoch) whose code `code` is, within one step
    either side of `now`, or None. The caller keeps the last step used, so a code works once."""
    import hmac

    import pyotp

    typed = "".join(ch for ch in code if ch.isdigit())
    if len(typed) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now) // totp.interval
    found = [
        step
        for step in (current - 1, current, current + 1)
        if hmac.compare_digest(totp.generate_otp(step), typed)
    ]
    return max(found) if found else None


def totp_uri(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads (shown as a QR code and as text)."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)
