"""Sending email over SMTP, from a URL such as `smtp://user:password@mail.example.org:587`.

- `smtp://` sends over STARTTLS when the server offers it (plain only to a server on this
  machine, such as a local relay); `smtp+starttls://` insists on STARTTLS; `smtps://` is TLS
  from the first byte (port 465).
- The sender is `?from=glutewake@example.org` in the URL, or `glutewake@<host>`.
- `send` calls `accepted` the moment the server has taken the email (before saying goodbye), so
  the queue can record it as sent at once; a `message_id` stays the same on every try, so mail
  systems that keep one copy per Message-ID show even a rare second copy once.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from glutewake.app.clinic.mail import Email

__all__ = ["MailError", "SmtpSettings", "send", "smtp_settings"]

_LOCAL = frozenset({"localhost", "127.0.0.1", "::1"})


class MailError(ValueError):
    """The SMTP settings cannot be used; the message says what to change."""


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str


def smtp_settings(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
        raise MailError(
            f"not an SMTP address: {url!r}; use smtp://HOST:PORT, smtp+starttls://USER:PASSWORD@HOST:587"
            " or smtps://USER:PASSWORD@HOST:465"
        )
    try:
        port = parts.port or (
            465 if parts.scheme == "smtps" else 587 if parts.scheme == "smtp+starttls" else 25
        )
    except ValueError:
        raise MailError(f"the port in {url!r} is not a number from 1 to 65535") from None
    sender = parse_qs(parts.query).get("from", [f"glutewake@{parts.hostname}"])[0]
    return SmtpSettings(
        parts.scheme,
        parts.hostname,
        port,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
        sender,
    )


def send(
    settings: SmtpSettings,
    email: Email,
    timeout: float = 30.0,
    *,
    message_id: str | None = None,
    accepted: Callable[[], None] | None = None,
) -> None:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    if message_id is not None:
        message["Message-ID"] = f"<{message_id}@{settings.sender.rpartition('@')[2] or settings.host}>"
    message.set_content(email.body)
    context = ssl.create_default_context()
    if settings.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with client:
        client.ehlo()
        if settings.scheme != "smtps" and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif settings.scheme == "smtp+starttls":
            raise MailError(f"{settings.host} does not offer STARTTLS; use smtps:// or another server")
        elif settings.user and settings.host not in _LOCAL:
            raise MailError(
                f"{settings.host} offers no encryption; glutewake will not send a password in the clear"
            )
        if settings.user and settings.password:
            client.login(settings.user, settings.password)
        client.send_message(message)
        if accepted is not None:
            accepted()
