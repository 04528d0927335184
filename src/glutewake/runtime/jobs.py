"""The clinic server's background jobs, on a PostgreSQL task queue (procrastinate).

The web workers only put jobs on the queue (`QueueOutbox`); `glutewake clinic worker`
processes run them, as many as the clinic wants, on any machine that reaches the database.
A job that fails (say, the mail server is down) is tried again, with a growing wait, for
about a day. Jobs that succeeded are deleted, so no sign-in link stays in the database once
its email went out.

Jobs: sending an email (invitations, sign-in links, password resets); every minute, the
notices (`app/clinic/notices.py`: alerts to clinicians, questionnaire reminders to patients);
and every 15 minutes, forgetting sign-in attempts older than a day (and sent-email marks older
than 30 days).

What a worker survives:
- **The database going away** (a restart, a failover, a network cut): the worker logs one line,
  tries again with a growing wait (up to 2 s apart), and carries on when the database answers;
  it exits non-zero, with one line saying why, only when the database has stayed away longer
  than `WorkerSettings.give_up_after`.
- **A worker killed** (kill -9, out of memory, a lost machine): every worker beats a heartbeat in
  the database; every worker, when it starts and then regularly, puts the jobs of workers
  silent for `stalled_after` seconds back on the queue.
- **An email tried twice**: each email has an id, given when it is queued. Before sending, the
  job claims the id in `glutewake_sent_emails` (an uncommitted row: a second try of the same
  email waits on it) and commits the claim the moment the mail server has accepted the email; a
  later try finds the id and sends nothing. So an email goes out at least once and, unless the
  worker dies in the instant between the server's "accepted" and that commit, only once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from glutewake.app.clinic.mail import Email

if TYPE_CHECKING:
    import procrastinate

__all__ = ["QueueOutbox", "WorkerSettings", "WorkerStopped", "apply_schema", "queue", "run_worker"]

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
    from psycopg_pool import AsyncNullConnectionPool

    # A worker connects afresh for each query (a few a second at most): after a database restart
    # there is no pool of dead connections to wait out, so it carries on as soon as the database does.
    connector = procrastinate.PsycopgConnector(
        conninfo=_conninfo(database_url), pool_factory=AsyncNullConnectionPool
    )
    app = procrastinate.App(connector=connector)
    retry = procrastinate.RetryStrategy(max_attempts=12, exponential_wait=5)  # 5 s ... about 3 hours apart

    @app.task(name="glutewake.send_email", retry=retry, queue="email")
    def send_email(to: str, subject: str, body: str, email_id: str | None = None) -> None:
        from glutewake.runtime import mailer

        url = os.environ.get(SMTP_ENV)
        if not url:
            raise mailer.MailError(f"no mail server: start the worker with --smtp-url or set {SMTP_ENV}")
        settings = mailer.smtp_settings(url)
        email = Email(to, subject, body)
        if email_id is None:  # queued by a glutewake before emails had ids
            mailer.send(settings, email)
            return
        _send_once(
            _conninfo(database_url),
            email_id,
            lambda accepted: mailer.send(settings, email, message_id=email_id, accepted=accepted),
        )

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
        _forget_sent(_conninfo(database_url), days=30)

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
        task.defer(**_job_arguments(email))


def _job_arguments(email: Email) -> dict[str, str]:
    """A send_email job's arguments: the email and its own id (the same on every try)."""
    return {"to": email.to, "subject": email.subject, "body": email.body, "email_id": uuid.uuid4().hex}


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
        task.defer(**_job_arguments(email))

    def close(self) -> None:
        if self._opened:
            self.app.close()
            self._opened = False


SENT_TABLE = "glutewake_sent_emails"
_SENT_SCHEMA = f"""
CREATE TABLE {SENT_TABLE} (
    id text PRIMARY KEY,
    sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX {SENT_TABLE}_sent_at ON {SENT_TABLE} (sent_at);
COMMENT ON TABLE {SENT_TABLE} IS
    'The emails the clinic''s queue has sent, by id only (no address, no content): a job tried again'
    ' after its worker died sends nothing twice. Kept for 30 days.';
"""


def apply_schema(database_url: str) -> bool:
    """Create the queue's tables unless they exist; True if it made the queue's own."""
    import psycopg

    with psycopg.connect(_conninfo(database_url)) as db:
        queue_there = db.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() != (None,)
        if db.execute("SELECT to_regclass(%s)", (SENT_TABLE,)).fetchone() == (None,):
            db.execute(_SENT_SCHEMA)
    if queue_there:
        return False
    app = queue(database_url)
    with app.open():
        app.schema_manager.apply_schema()
    return True


def _send_once(conninfo: str, email_id: str, send: Callable[[Callable[[], None]], None]) -> bool:
    """Send an email unless it was sent before; True if it was sent now.

    `send` is given the callback to call once the mail server has accepted the email. The claim
    is a row inserted in a transaction that stays open while the email goes out: another try of
    the same email (a job retried while its first worker was only slow) waits on that row and,
    once the first commits, finds it and sends nothing; if the first fails (the server refused,
    the worker died), its row goes with it and the other sends.
    """
    import psycopg

    with psycopg.connect(conninfo, connect_timeout=10) as db:
        claimed = db.execute(
            f"INSERT INTO {SENT_TABLE} (id) VALUES (%s) ON CONFLICT (id) DO NOTHING RETURNING id",
            (email_id,),
        ).fetchone()
        if claimed is None:
            _log.info("email %s was sent before; not sending it again", email_id)
            return False

        def accepted() -> None:
            try:
                db.commit()
            except psycopg.OperationalError:  # the database went away with the claim: mark it anew
                _mark_sent(conninfo, email_id)

        send(accepted)
    return True


def _mark_sent(conninfo: str, email_id: str, patience: float = 30.0) -> None:
    """Record an email as sent on a new connection, trying for `patience` seconds."""
    import psycopg

    deadline = time.monotonic() + patience
    wait = 0.25
    while True:
        try:
            with psycopg.connect(conninfo, connect_timeout=5) as db:
                db.execute(
                    f"INSERT INTO {SENT_TABLE} (id) VALUES (%s) ON CONFLICT (id) DO NOTHING", (email_id,)
                )
            return
        except psycopg.OperationalError:
            if time.monotonic() + wait > deadline:
                raise
            time.sleep(wait)
            wait = min(wait * 2, 5.0)


def _forget_sent(conninfo: str, *, days: int) -> None:
    import psycopg

    with psycopg.connect(conninfo) as db:
        db.execute(f"DELETE FROM {SENT_TABLE} WHERE sent_at < now() - make_interval(days => %s)", (days,))


# --- the worker ------------------------------------------------------------------------------------

_log = logging.getLogger("glutewake.worker")


@dataclass(frozen=True)
class WorkerSettings:
    concurrency: int = 2
    give_up_after: float = 900.0  # seconds without the database before the worker exits (status 1)
    stalled_after: float = 30.0  # a worker whose heartbeat is this old is dead; its jobs run again

    @property
    def heartbeat_every(self) -> float:
        return self.stalled_after / 3

    @property
    def stalled_check_every(self) -> float:
        return min(60.0, self.stalled_after / 2)


class WorkerStopped(RuntimeError):
    """The worker had to stop; the message says why, in one line."""


_MAX_WAIT = 2.0  # seconds between tries to reach the database, at most
_QUICK_RESTARTS = 5  # the worker stopping this often in a row while the database answers is a fault


def run_worker(database_url: str, settings: WorkerSettings | None = None) -> None:
    """Run jobs until stopped (Ctrl-C or SIGTERM finish the jobs in hand first).

    Raises `WorkerStopped` when the database has been away for longer than
    `settings.give_up_after`, or when the worker keeps stopping though the database answers.
    """
    failures = _log_to_stderr()
    asyncio.run(_supervise(database_url, settings or WorkerSettings(), failures))


async def _supervise(database_url: str, settings: WorkerSettings, failures: _SideTaskFailures) -> None:
    app = queue(database_url)
    conninfo = _conninfo(database_url)
    stop = asyncio.Event()
    running: list[Any] = []  # the procrastinate worker of the moment

    def stop_soon() -> None:
        stop.set()
        for worker in running:
            worker.stop()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_soon)
    quick = 0  # times in a row the worker stopped soon after starting while the database answered
    try:
        while True:
            started = time.monotonic()
            failures.last = failures.at = None
            try:
                async with app.open_async():
                    await _run_once(app, settings, stop, running)
            except Exception as error:
                if not _database_error(error):
                    raise
                failures.last = failures.last or error
            if stop.is_set():
                return
            lost_at = failures.at or time.monotonic()
            reason = _one_line(failures.last) if failures.last else "the worker stopped"
            _log.warning(
                "lost the database (%s); trying again, giving up after %s s",
                reason,
                f"{settings.give_up_after:g}",
            )
            answered_at_once = await _await_database(conninfo, lost_at, settings, stop)
            if stop.is_set():
                return
            quick = quick + 1 if answered_at_once and lost_at - started < 10 else 0
            if quick >= _QUICK_RESTARTS:
                raise WorkerStopped(
                    f"the worker stopped {quick} times in a row though the database answers (last: {reason})"
                )
            _log.info("the database answers again after %.1f s; carrying on", time.monotonic() - lost_at)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _run_once(
    app: procrastinate.App, settings: WorkerSettings, stop: asyncio.Event, running: list[Any]
) -> None:
    """Run a procrastinate worker and the stalled-jobs check until asked to stop or the database goes."""
    from procrastinate.worker import Worker

    worker: Any = Worker(  # untyped
        app,
        concurrency=settings.concurrency,
        delete_jobs="successful",
        install_signal_handlers=False,  # _supervise's handlers stop it, and tell a stop from a loss
        update_heartbeat_interval=settings.heartbeat_every,
        stalled_worker_timeout=settings.stalled_after,
    )
    running[:] = [worker]
    run = asyncio.create_task(worker.run(), name="worker")
    check = asyncio.create_task(_retry_stalled(app, settings), name="stalled jobs")
    stopped = asyncio.create_task(stop.wait(), name="stop")
    try:
        await asyncio.wait({run, check, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not run.done():
            worker.stop()  # asked to stop, or the stalled-jobs check lost the database
        await run
        if check.done() and not check.cancelled() and (error := check.exception()) is not None:
            raise error
    finally:
        running.clear()
        for task in (check, stopped):
            task.cancel()
        await asyncio.gather(check, stopped, return_exceptions=True)


async def _retry_stalled(app: procrastinate.App, settings: WorkerSettings) -> None:
    """At once and then regularly: put the jobs of workers gone silent back on the queue."""
    from procrastinate.exceptions import ConnectorException

    manager = app.job_manager
    while True:
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=settings.stalled_after):
            try:
                await manager.retry_job(job)
            except ConnectorException as error:
                if _database_error(error):
                    raise
                continue  # it finished (or was retried by another worker) meanwhile
            _log.info("job %s (%s) of a worker that stopped answering: queued again", job.id, job.task_name)
        await asyncio.sleep(settings.stalled_check_every)


async def _await_database(
    conninfo: str, lost_at: float, settings: WorkerSettings, stop: asyncio.Event
) -> bool:
    """Wait, trying again and again, until the database answers (True if it did at the first try);
    raise `WorkerStopped` once it has been away for `settings.give_up_after` seconds."""
    import psycopg

    wait = 0.25
    tries = 0
    while True:
        tries += 1
        try:
            async with await psycopg.AsyncConnection.connect(
                conninfo, connect_timeout=5, autocommit=True
            ) as db:
                await db.execute("SELECT 1 FROM procrastinate_jobs LIMIT 0")
            return tries == 1
        except psycopg.OperationalError as error:
            last = error
        away = time.monotonic() - lost_at
        if away >= settings.give_up_after:
            raise WorkerStopped(
                f"the database has not answered for {away:.0f} s (the limit is {settings.give_up_after:g} s):"
                f" {_one_line(last)}"
            )
        try:
            await asyncio.wait_for(stop.wait(), timeout=min(wait, settings.give_up_after - away))
            return False
        except TimeoutError:
            wait = min(wait * 2, _MAX_WAIT)


def _database_error(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (as opposed to a fault in a query or here)."""
    import psycopg
    from procrastinate.exceptions import ConnectorException

    if isinstance(error, ConnectorException):
        error = error.__cause__ or error
    return isinstance(error, psycopg.OperationalError | OSError)


def _one_line(error: BaseException) -> str:
    from procrastinate.exceptions import ConnectorException

    cause = error.__cause__ if isinstance(error, ConnectorException) and error.__cause__ else error
    text = " ".join(str(cause).split()) or type(cause).__name__
    return text if len(text) <= 200 else text[:197] + "..."


class _SideTaskFailures(logging.Filter):
    """Keeps the first error by which procrastinate's worker found the database gone (its listener
    or heartbeat failing, which makes it stop itself), and when, instead of printing a traceback
    for each: the supervisor says it in one line."""

    def __init__(self) -> None:
        super().__init__()
        self.last: BaseException | None = None
        self.at: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if record.name.startswith("procrastinate") and error is not None and _database_error(error):
            if self.last is None:
                self.last, self.at = error, time.monotonic()
            return False
        return True


class _OneLine(logging.Formatter):
    """Each record on one line: tracebacks become the error's own line."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.exc_info and isinstance(record.exc_info[1], BaseException):
            text += f": {_one_line(record.exc_info[1])}"
        if not record.name.startswith("glutewake"):
            text = f"{record.name}: {text}"
        return text


def _log_to_stderr() -> _SideTaskFailures:
    import sys

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    failures = _SideTaskFailures()
    handler.addFilter(failures)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    _log.setLevel(logging.INFO)
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)  # "error connecting" on every try
    return failures
