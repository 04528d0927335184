"""The clinic server's background jobs, on a PostgreSQL task queue (procrastinate).

The web workers only put jobs on the queue (`QueueOutbox`); `glutewake clinic worker`
processes run them, as many as the clinic wants, on any machine that reaches the database.
A job that fails (say, the mail server is down) is tried again, with a growing wait, for
about a day. Jobs that succeeded are deleted, so no sign-in link stays in the database once
its email went out.

Jobs: sending an email (invitations, sign-in links, password resets); every minute, the
notices (`app/clinic/notices.py`: alerts to clinicians, questionnaire reminders to patients);
and every 15 minutes, forgetting sign-in attempts older than a day.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

from glutewake.app.clinic.mail import Email

if TYPE_CHECKING:
    import procrastinate

__all__ = ["QueueOutbox", "apply_schema", "queue", "run_worker"]

SMTP_ENV = "GLUTEWAKE_SMTP_URL"
BASE_URL_ENV = "GLUTEWAKE_CLINIC_BASE_URL"  # where the links in the worker's own emails lead


def _conninfo(database_url: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@functools.cache
def queue(database_url: str) -> procrastinate.App:
    """The task queue on the clinic's database, with glutewake's jobs registered."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=_conninfo(database_url)))
    retry = procrastinate.RetryStrategy(max_attempts=12, exponential_wait=5)  # 5 s ... about 3 hours apart

    @app.task(name="glutewake.send_email", retry=retry, queue="email")
    def send_email(to: str, subject: str, body: str) -> None:
        from glutewake.runtime import mailer

        url = os.environ.get(SMTP_ENV)
        if not url:
            raise mailer.MailError(f"no mail server: start the worker with --smtp-url or set {SMTP_ENV}")
        mailer.send(mailer.smtp_settings(url), Email(to, subject, body))

    @app.periodic(cron="*/15 * * * *")
    @app.task(name="glutewake.prune_attempts", queue="housekeeping")
    def prune_attempts(timestamp: int) -> None:
        from glutewake.clock import SystemClock
        from glutewake.store.clinic import ClinicStore
        from glutewake.store.engine import connect

        engine = connect(database_url, migrate=False)
        try:
            from datetime import timedelta

            ClinicStore(engine, SystemClock()).prune_attempts(timedelta(days=1))
        finally:
            engine.dispose()

    @app.periodic(cron="* * * * *")
    @app.task(name="glutewake.send_notices", queue="housekeeping")
    def send_notices(timestamp: int) -> None:
        from glutewake.app.clinic.accounts import Clinic
        from glutewake.app.clinic.notices import send_notices as notices
        from glutewake.clock import SystemClock
        from glutewake.store.clinic import ClinicStore
        from glutewake.store.engine import connect

        engine = connect(database_url, migrate=False)
        try:
            base = os.environ.get(BASE_URL_ENV, "").rstrip("/") + "/"
            clinic = Clinic(ClinicStore(engine, SystemClock()), _Deferring(app), base)
            notices(clinic, SystemClock().now())
        finally:
            engine.dispose()

    return app


class _Deferring:
    """An outbox for jobs: each email becomes a job of its own on the open queue (so it is retried)."""

    def __init__(self, app: procrastinate.App) -> None:
        self.app = app

    def send(self, email: Email) -> None:
        task: Any = self.app.tasks["glutewake.send_email"]
        task.defer(to=email.to, subject=email.subject, body=email.body)


class QueueOutbox:
    """An `Outbox` that puts each email on the queue for a worker to send."""

    def __init__(self, database_url: str) -> None:
        self.app = queue(database_url)
        self._opened = False

    def send(self, email: Email) -> None:
        if not self._opened:
            self.app.open()
            self._opened = True
        task: Any = self.app.tasks["glutewake.send_email"]
        task.defer(to=email.to, subject=email.subject, body=email.body)

    def close(self) -> None:
        if self._opened:
            self.app.close()
            self._opened = False


def apply_schema(database_url: str) -> bool:
    """Create the queue's tables unless they exist; True if it made them."""
    import psycopg

    with psycopg.connect(_conninfo(database_url)) as db:
        if db.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() != (None,):
            return False
    app = queue(database_url)
    with app.open():
        app.schema_manager.apply_schema()
    return True


def run_worker(database_url: str, *, concurrency: int = 2) -> None:
    """Run jobs until stopped (Ctrl-C or SIGTERM finishes the job in hand first)."""
    app = queue(database_url)
    with app.open():
        app.run_worker(concurrency=concurrency, delete_jobs="successful", install_signal_handlers=True)
