"""The clinic's queue worker as it runs for real (`glutewake clinic worker` processes, a real SMTP
server on this machine, PostgreSQL) under faults: the database restarted under it, the database
gone for good, and workers killed with SIGKILL in the middle of sending."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import IO, Any

import pytest

from glutewake.app.clinic.mail import Email
from tests.clinic.serving import Mailbox, free_port
from tests.pg_cluster import restart_cluster, start_cluster, stop_cluster, throwaway_cluster

SENDER = "glutewake@riverside.example"


@pytest.fixture(scope="module")
def restartable_server() -> Iterator[str]:
    """A PostgreSQL cluster of these tests' own, to restart and stop (never the suite's shared one)."""
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def queue_db(restartable_server: str) -> Iterator[str]:
    """A fresh database on the restartable cluster, with glutewake's schema and the queue's."""
    import uuid

    import psycopg

    from glutewake.runtime.jobs import apply_schema
    from glutewake.store.engine import connect

    name = f"queue_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(restartable_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = restartable_server.replace("/postgres?", f"/{name}?", 1)
    connect(url).dispose()
    apply_schema(url)
    yield url
    with psycopg.connect(restartable_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Worker:
    """A `glutewake clinic worker` process; what it prints goes to a file (read with `.output()`)."""

    def __init__(
        self, database_url: str, smtp_port: int, log: Path, *options: str, sender: str = SENDER
    ) -> None:
        self.log = log
        self._file: IO[str] = log.open("a")
        smtp = f"smtp://127.0.0.1:{smtp_port}?from={sender}"
        self.process = subprocess.Popen(
            ["glutewake", "clinic", "worker", "--database-url", database_url, "--smtp-url", smtp, *options],
            stdout=self._file, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        code = self.process.wait(timeout=30)
        self._file.close()
        return code


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Every worker a test starts is stopped at its end, whatever happened."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def queue_emails(database_url: str, *emails: Email) -> None:
    from glutewake.runtime.jobs import QueueOutbox

    outbox = QueueOutbox(database_url)
    try:
        for email in emails:
            outbox.send(email)
    finally:
        outbox.close()


def note(to: str) -> Email:
    return Email(to, f"A note for {to}", "Your sign-in link is on its way.")


def test_a_worker_carries_on_after_the_database_restarts(
    queue_db: str, mailbox: tuple[Any, int], workers: list[Worker], tmp_path: Path
) -> None:
    box, smtp_port = mailbox
    worker = Worker(queue_db, smtp_port, tmp_path / "worker.log")
    workers.append(worker)
    queue_emails(queue_db, note("before@example.org"))
    box.wait_for("before@example.org")

    resumed = []
    for round, down_for in enumerate((2.0, 0.0)):  # down for a while, then a plain restart
        restart_cluster(queue_db, down_for=down_for)
        up = time.monotonic()
        to = f"after-{round}@example.org"
        queue_emails(queue_db, note(to))  # queued after the restart
        box.wait_for(to, timeout=20)
        resumed.append(time.monotonic() - up)
        assert worker.process.poll() is None, worker.output()
    print(f"emails sent again {resumed[0]:.1f} s and {resumed[1]:.1f} s after the database came back")

    # One line when the database went, one when it came back, per outage seen (a restart quicker
    # than the worker's next query goes unseen); no tracebacks.
    output = worker.output()
    assert 1 <= output.count("lost the database") == output.count("the database answers again") <= 2, output
    assert "Traceback" not in output, output
    assert worker.stop() == 0, output  # SIGTERM: a clean stop
    assert sorted(m["To"] for m in box.messages) == [
        "after-0@example.org",
        "after-1@example.org",
        "before@example.org",
    ]


def test_a_worker_gives_up_with_an_error_when_the_database_stays_away(
    queue_db: str, mailbox: tuple[Any, int], workers: list[Worker], tmp_path: Path
) -> None:
    box, smtp_port = mailbox
    worker = Worker(queue_db, smtp_port, tmp_path / "worker.log", "--give-up-after", "3")
    workers.append(worker)
    queue_emails(queue_db, note("before@example.org"))
    box.wait_for("before@example.org")  # it is connected and working
    gone = time.monotonic()
    stop_cluster(queue_db)
    try:
        code = worker.process.wait(timeout=30)
        waited = time.monotonic() - gone
    finally:
        start_cluster(queue_db)
    output = worker.output()
    assert code == 2, output  # for a service manager's restart-on-failure
    assert 3 <= waited < 20, (waited, output)
    last = output.strip().splitlines()[-1]
    assert re.fullmatch(
        r"Error: the worker stopped: the database has not answered for \d+ s \(the limit is 3 s\): .+", last
    ), output
    assert output.count("lost the database") == 1, output
    assert "Traceback" not in output, output


def test_a_worker_that_may_not_make_the_queue_tables_says_what_to_run(
    queue_db: str, mailbox: tuple[Any, int], tmp_path: Path
) -> None:
    """A server moved to two roles before the sent-emails table existed: the serving role may not
    make it (PostgreSQL 15 gives no one but the owner CREATE in `public`)."""
    import uuid

    import psycopg

    role = f"serving_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(queue_db, autocommit=True) as db:
        db.execute("DROP TABLE glutewake_sent_emails")
        db.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        worker = Worker(queue_db.replace("postgres@", f"{role}@", 1), mailbox[1], tmp_path / "worker.log")
        worker.process.wait(timeout=30)
        code = worker.stop()
    finally:
        with psycopg.connect(queue_db, autocommit=True) as db:
            db.execute(f'DROP ROLE "{role}"')
    output = worker.output()
    assert code == 2, output
    assert "may not make them: run `glutewake clinic grant --owner-url ...`" in output, output
    assert "Traceback" not in output, output


class KillingMailbox(Mailbox):
    """A mail server that, on some deliveries, kills the worker sending it with SIGKILL: either in
    the middle of the email (before the server has accepted it: the email must be sent again) or
    just after accepting it, before the worker could mark its job done (it must not be sent again).
    It takes a moment over each email, as a real server does."""

    def __init__(self, every: int, kills: int) -> None:
        super().__init__()
        self.every, self.kills_left = every, kills
        self.pids: dict[str, int] = {}  # sender -> the pid of the worker using it
        self.deliveries = 0
        self.killed: list[str] = []
        self._kill_at_quit: dict[int, str] = {}  # id(session) -> sender

    def _kill(self, sender: str, when: str) -> None:
        os.kill(self.pids[sender], signal.SIGKILL)
        self.kills_left -= 1
        self.killed.append(when)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.deliveries += 1
        sender, chosen = envelope.mail_from, self.kills_left and self.deliveries % self.every == 0
        await asyncio.sleep(0.05)
        if chosen and len(self.killed) % 2 == 0:
            self._kill(sender, "mid-send")  # the worker never hears "250": nothing was delivered
            await asyncio.sleep(1)  # aiosmtpd ends this on the connection's end
            return "451 Try again later"
        if chosen:
            self._kill_at_quit[id(session)] = sender
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        sender = self._kill_at_quit.pop(id(session), None)
        if sender is not None and self.kills_left:
            self._kill(sender, "after acceptance")  # accepted, marked sent, the job not yet done
        return "221 Bye"


def test_workers_killed_mid_send_lose_no_email_and_send_none_twice(
    clinic_db: str, workers: list[Worker], tmp_path: Path
) -> None:
    from aiosmtpd.controller import Controller

    from glutewake.runtime.jobs import apply_schema

    apply_schema(clinic_db)
    emails, kills = 48, 8
    box = KillingMailbox(every=5, kills=kills)
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        senders = ["worker-a@riverside.example", "worker-b@riverside.example"]
        running: dict[str, Worker] = {}

        def start(sender: str) -> None:
            worker = Worker(
                clinic_db, port, tmp_path / f"worker-{len(workers)}.log", "--stalled-after", "2", "--concurrency", "1",
                sender=sender,
            )  # fmt: skip
            workers.append(worker)
            running[sender] = worker
            box.pids[sender] = worker.process.pid

        for sender in senders:
            start(sender)
        began = time.monotonic()
        queue_emails(clinic_db, *(note(f"patient-{n}@example.org") for n in range(emails)))
        restarts = 0
        expected = {f"patient-{n}@example.org" for n in range(emails)}
        deadline = began + 90

        def restart_killed() -> None:  # as a service manager does
            nonlocal restarts
            for sender in senders:
                if running[sender].process.poll() is not None:
                    assert running[sender].process.returncode == -signal.SIGKILL
                    start(sender)
                    restarts += 1

        while {m["To"] for m in box.messages} != expected and time.monotonic() < deadline:
            restart_killed()
            time.sleep(0.1)
        took = time.monotonic() - began
        # The last killed worker's job may still wait to be found stalled (2 s) and retried: wait
        # until every job accepted before a kill has been found sent, then a moment for anything
        # sent twice to arrive.
        settled = time.monotonic() + 30

        def unsettled() -> bool:
            """Some killed worker's job is not yet found stalled and queued again, or an accepted
            one not yet found sent (the last kill is only noticed a few seconds later)."""
            logs = "".join(w.output() for w in workers)
            return logs.count("of a worker that stopped answering: queued again") < kills or logs.count(
                "was sent before; not sending it again"
            ) < box.killed.count("after acceptance")

        while time.monotonic() < settled and unsettled():
            restart_killed()
            time.sleep(0.2)
        time.sleep(1)
    finally:
        controller.stop()

    received = Counter(m["To"] for m in box.messages)
    missing = expected - set(received)
    twice = {to: n for to, n in received.items() if n > 1}
    print(
        f"{emails} emails, {len(box.killed)} kills ({Counter(box.killed)}), {restarts} restarts:"
        f" {len(received)} arrived in {took:.1f} s ({box.deliveries} deliveries tried), {len(missing)} missing,"
        f" {len(twice)} twice"
    )
    assert len(box.killed) == kills
    assert not missing, sorted(missing)
    assert not twice, twice
    # Every email carried its own Message-ID, the same on every try.
    assert len({m["Message-ID"] for m in box.messages}) == emails
    # The jobs of each killed worker were queued again by a live one; those whose email had been
    # accepted were found sent and not sent again.
    logs = "".join(worker.output() for worker in workers)
    assert logs.count("of a worker that stopped answering: queued again") >= kills, logs
    assert logs.count("was sent before; not sending it again") >= box.killed.count("after acceptance"), logs
