"""Passkeys (WebAuthn, the `webauthn` package): a second factor for staff, and for patients a way
to sign in on their phone with its screen lock instead of an emailed link.

- Adding one needs a signed-in session (a new member of staff may add one instead of an
  authenticator app); the challenge is kept with the session.
- Staff give theirs after the password, as the second factor.
- A patient signs in with theirs alone (the phone checks it is them: user verification is
  required); the challenge, made before anyone is known, travels signed in a short-lived
  cookie. A member of staff's passkey never signs in on its own.

Every ceremony checks the origin and the relying party (the clinic's host name), so a passkey
made for this clinic works nowhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from glutewake.app.clinic.accounts import Clinic, describe
from glutewake.app.clinic.signin import (
    ACCOUNT_LIMIT,
    NewSession,
    SignInRefused,
    address_key,
    promote,
    start_session,
    take_attempt,
)
from glutewake.app.refusals import InputError

if TYPE_CHECKING:
    from glutewake.identity import Who

__all__ = [
    "CHALLENGE_SECONDS",
    "Party",
    "add_passkey",
    "open_challenge",
    "registration_options",
    "seal_challenge",
    "second_factor_options",
    "sign_in_options",
    "sign_in_with_passkey",
    "verify_second_factor",
]

CHALLENGE_SECONDS = 300


@dataclass(frozen=True)
class Party:
    """The relying party: the clinic server as passkeys know it."""

    id: str  # its host name, such as glutewake.riverside.example
    name: str
    origin: str  # https://glutewake.riverside.example


def _b64(data: bytes) -> str:
    from webauthn.helpers import bytes_to_base64url

    return str(bytes_to_base64url(data))


def _bytes(text: str) -> bytes:
    from webauthn.helpers import base64url_to_bytes

    return bytes(base64url_to_bytes(text))


def _refused(error: Exception) -> InputError:
    return InputError(f"the passkey could not be checked ({error}); try again, or use another way to sign in")


def registration_options(clinic: Clinic, who: Who, party: Party) -> str:
    """The options for the browser's `navigator.credentials.create`, as JSON."""
    import webauthn
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    account = clinic.store.account(who.account_id)
    assert account is not None
    options = webauthn.generate_registration_options(
        rp_id=party.id,
        rp_name=party.name,
        user_id=f"glutewake-account-{account.id}".encode(),
        user_name=account.email or account.display_name,
        user_display_name=account.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,  # a patient signs in without typing who they are
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=_bytes(found)) for found in clinic.store.passkeys_of(account.id)
        ],
    )
    clinic.store.set_challenge(who.session, _b64(options.challenge))
    return str(webauthn.options_to_json(options))


def add_passkey(clinic: Clinic, who: Who, credential: str, party: Party) -> NewSession | None:
    """Keep the passkey the browser made. Half-way through a first staff sign-in this completes
    it (a new, full session); otherwise the session stays as it is (None)."""
    import webauthn
    from webauthn.helpers.exceptions import WebAuthnException

    challenge = clinic.store.session_challenge(who.session)
    if challenge is None:
        raise InputError("this passkey request has expired; press the button again")
    clinic.store.set_challenge(who.session, None)
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=_bytes(challenge),
            expected_rp_id=party.id,
            expected_origin=party.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise _refused(error) from None
    clinic.store.add_passkey(
        who.account_id,
        _b64(verified.credential_id),
        _b64(verified.credential_public_key),
        verified.sign_count,
    )
    clinic.store.audit(who.clinic_id, who.account_id, describe(who), "staff" if who.role != "patient" else "change",
                       "added a passkey", who.account_id if who.role == "patient" else None)  # fmt: skip
    if who.stage == "full":
        return None
    account = clinic.store.account(who.account_id)
    assert account is not None
    return promote(clinic, who, account)


def second_factor_options(clinic: Clinic, who: Who, party: Party) -> str:
    """The options for a member of staff's passkey, after their password."""
    import webauthn
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

    mine = clinic.store.passkeys_of(who.account_id)
    if not mine:
        raise InputError("your account has no passkey; type the code from your authenticator app instead")
    options = webauthn.generate_authentication_options(
        rp_id=party.id,
        allow_credentials=[PublicKeyCredentialDescriptor(id=_bytes(found)) for found in mine],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    clinic.store.set_challenge(who.session, _b64(options.challenge))
    return str(webauthn.options_to_json(options))


def _verify(clinic: Clinic, credential: str, challenge: str, party: Party, *, account_id: int | None) -> int:
    """Check an assertion; the account whose passkey it is (one of `account_id`'s, if given)."""
    import json

    import webauthn
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        credential_id = str(json.loads(credential)["id"])
    except (ValueError, KeyError, TypeError):
        raise _refused(ValueError("not a passkey's answer")) from None
    found = clinic.store.passkey(credential_id)
    if found is None or (account_id is not None and found.account_id != account_id):
        raise SignInRefused(
            "This passkey is not known here. Sign in another way, then add it on your Account page."
        )
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=_bytes(challenge),
            expected_rp_id=party.id,
            expected_origin=party.origin,
            credential_public_key=_bytes(found.public_key),
            credential_current_sign_count=found.sign_count,
            require_user_verification=account_id is None,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise _refused(error) from None
    clinic.store.count_passkey_use(credential_id, verified.new_sign_count)
    return found.account_id


def verify_second_factor(clinic: Clinic, who: Who, credential: str, party: Party, address: str) -> NewSession:
    taken = take_attempt(clinic, (f"account:{who.account_id}", ACCOUNT_LIMIT), address_key(address))
    challenge = clinic.store.session_challenge(who.session)
    clinic.store.set_challenge(who.session, None)
    if challenge is None:
        raise InputError("this passkey request has expired; press the button again")
    _verify(clinic, credential, challenge, party, account_id=who.account_id)
    clinic.store.give_back_attempts(taken)
    account = clinic.store.account(who.account_id)
    assert account is not None
    return promote(clinic, who, account)


def sign_in_options(party: Party) -> tuple[str, bytes]:
    """The options for a patient's passkey sign-in (anyone's: the phone offers its own), and the challenge."""
    import webauthn
    from webauthn.helpers.structs import UserVerificationRequirement

    options = webauthn.generate_authentication_options(
        rp_id=party.id, user_verification=UserVerificationRequirement.REQUIRED
    )
    return str(webauthn.options_to_json(options)), options.challenge


def seal_challenge(key: bytes, challenge: bytes, now: int) -> str:
    """The challenge, its expiry and a signature, for a cookie (nothing is stored before sign-in)."""
    body = f"{_b64(challenge)}.{now + CHALLENGE_SECONDS}"
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def open_challenge(key: bytes, sealed: str, now: int) -> str | None:
    """The challenge a sealed cookie carries, if genuine and unexpired."""
    parts = sealed.split(".")
    if len(parts) != 3 or not parts[1].isdecimal() or len(parts[1]) > 12:
        return None
    body = f"{parts[0]}.{parts[1]}"
    genuine = secrets.compare_digest(parts[2], _b64(hmac.new(key, body.encode(), hashlib.sha256).digest()))
    return parts[0] if genuine and now <= int(parts[1]) else None


def sign_in_with_passkey(
    clinic: Clinic, credential: str, challenge: str | None, party: Party, address: str, device: str
) -> NewSession:
    """A patient's passkey, on its own."""
    taken = take_attempt(clinic, address_key(address))
    if challenge is None:
        raise InputError("this passkey request has expired; press the button again")
    account_id = _verify(clinic, credential, challenge, party, account_id=None)
    account = clinic.store.account(account_id)
    if account is None or account.role != "patient":
        raise SignInRefused("Staff sign in with their password first, then their passkey.")
    clinic.store.give_back_attempts(taken)
    return start_session(clinic, account, "full", device)
