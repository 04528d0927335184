"""`glutewake clinic`: run glutewake for a physiotherapy clinic, on PostgreSQL.

`init` sets up the database (as the owner role) and the first admin, `grant` gives the serving role
its rights, `serve` runs the web app with several worker processes, `worker` runs the background
jobs (emails), `audit verify` checks the audit log's hash chain. See README, "Running a clinic server".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from glutewake.cli._errors import CommandError

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["clinic"]

_DATABASE = click.option(
    "--database-url",
    envvar="GLUTEWAKE_DATABASE_URL",
    required=True,
    metavar="URL",
    help="The clinic's PostgreSQL database, such as postgresql://glutewake@db.internal/glutewake"
    " (or GLUTEWAKE_DATABASE_URL).",
)

_OWNER = click.option(
    "--owner-url",
    envvar="GLUTEWAKE_OWNER_DATABASE_URL",
    metavar="URL",
    help="The role that runs the migrations and owns the tables, such as"
    " postgresql://glutewake_owner@db.internal/glutewake (or GLUTEWAKE_OWNER_DATABASE_URL);"
    " --database-url's role, which serves, then owns nothing and cannot truncate or alter the audit log.",
)


def _postgresql(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise CommandError(f"not a database URL: {url!r}; use postgresql://USER@HOST/DATABASE") from None
    if backend not in ("postgresql", "postgres"):
        raise CommandError(
            "a clinic needs PostgreSQL: give --database-url postgresql://USER@HOST/DATABASE"
            " (SQLite is for the personal app on one computer)"
        )
    return url


def _base_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise CommandError(
            f"--base-url {url!r} is not an address the clinic is reached at; give one such as"
            " https://glutewake.example-clinic.org (no path)"
        )
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        click.echo(
            "warning: the base URL is http://, so sign-ins would cross the network unencrypted;"
            " put glutewake behind a TLS reverse proxy and give its https:// address",
            err=True,
        )
    return f"{parts.scheme}://{parts.netloc}/"


def _engine(url: str, *, migrate: bool) -> Engine:
    from glutewake.store import StoreError, connect

    try:
        return connect(url, migrate=migrate)
    except StoreError as error:
        raise CommandError(str(error)) from None
    except Exception as error:  # psycopg's OperationalError: server down, wrong name, no access
        from sqlalchemy.exc import OperationalError

        if isinstance(error, OperationalError):
            raise CommandError(
                f"cannot reach the database: {str(error.orig).strip().splitlines()[0]}"
            ) from None
        raise


@click.group()
def clinic() -> None:
    """Run glutewake for a physiotherapy clinic: staff and patients sign in, on PostgreSQL.

    \b
    Examples:
      glutewake clinic init --owner-url postgresql://glutewake_owner@db/glutewake \\
          --database-url postgresql://glutewake@db/glutewake \\
          --name "Riverside Physio" --admin-email admin@riverside.example
      glutewake clinic serve --database-url postgresql://glutewake@db/glutewake \\
          --base-url https://glutewake.riverside.example --workers 4
      glutewake clinic worker --database-url postgresql://glutewake@db/glutewake \\
          --base-url https://glutewake.riverside.example \\
          --smtp-url smtp+starttls://glutewake:PASSWORD@mail.riverside.example:587
    """


@clinic.command()
@_DATABASE
@_OWNER
@click.option("--name", required=True, help="The clinic's name, as patients and staff see it.")
@click.option("--admin-email", required=True, metavar="EMAIL", help="The first admin's email address.")
@click.option("--admin-name", metavar="NAME", help="The first admin's name (default: from the address).")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Read the admin's password from this file's first line ('-': standard input); otherwise asked.",
)
@click.option(
    "--base-url", default="http://localhost:8000/", show_default=True, help="Where the clinic is served."
)
def init(
    database_url: str,
    owner_url: str | None,
    name: str,
    admin_email: str,
    admin_name: str | None,
    password_file: Path | None,
    base_url: str,
) -> None:
    """Set up the clinic's database and its first admin (run once; add more clinics by running it again).

    With --owner-url, the owner role migrates the schema and owns the tables, and the role of
    --database-url (made if missing, when the owner may make roles) gets only what serving needs
    (`glutewake clinic grant` does that part alone).

    \b
    Example:
      glutewake clinic init --owner-url postgresql://glutewake_owner@db/glutewake \\
          --database-url postgresql://glutewake@db/glutewake \\
          --name "Riverside Physio" --admin-email admin@riverside.example \\
          --base-url https://glutewake.riverside.example --password-file admin-password.txt
    """
    from glutewake.app.clinic.accounts import Clinic, set_up_clinic
    from glutewake.app.refusals import InputError
    from glutewake.clock import SystemClock
    from glutewake.runtime.jobs import apply_schema
    from glutewake.store.clinic import ClinicStore

    url = _postgresql(database_url)
    owner = _postgresql(owner_url) if owner_url else None
    base = _base_url(base_url)
    password = _password(password_file)
    if owner is not None:
        _set_up_roles(owner, url)
    engine = _engine(url, migrate=owner is None)
    try:
        if owner is None:
            apply_schema(url)
            _warn_about_role(engine)
        store = ClinicStore(engine, SystemClock())
        display = admin_name or admin_email.split("@")[0].replace(".", " ").title()
        admin = set_up_clinic(Clinic(store, _NoOutbox(), base), name, admin_email, display, password)
    except InputError as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()
    click.echo(f"The clinic {name!r} is set up, with {admin.email} as its admin.")
    click.echo(f"Sign in at {base}signin/staff; you set up a second factor (an authenticator app) first.")
    click.echo("Next: `glutewake clinic serve` for the web app and `glutewake clinic worker` for its emails.")


class _NoOutbox:
    def send(self, email: object) -> None:  # setting up a clinic sends nothing
        raise AssertionError("no email while setting up")


def _set_up_roles(owner_url: str, url: str) -> None:
    """Migrate and make the queue's tables as the owner, then give the serving role its rights."""
    from sqlalchemy.engine import make_url

    from glutewake.runtime.jobs import apply_schema
    from glutewake.store import StoreError
    from glutewake.store.engine import HEAD, current_revision, upgrade
    from glutewake.store.roles import RoleError, check_roles, set_up_runtime_role

    runtime = make_url(url)
    if not runtime.username:
        raise CommandError(
            "--database-url must name the role the server connects as: postgresql://ROLE@HOST/DATABASE"
        )
    if make_url(owner_url).username == runtime.username:
        raise CommandError(
            f"--database-url and --owner-url both connect as {runtime.username!r}: the server must"
            " connect as a role that owns no table, or it could truncate or alter the audit log;"
            " give --database-url another role, such as postgresql://glutewake@HOST/DATABASE"
        )
    engine = _engine(owner_url, migrate=False)
    try:
        check_roles(engine, runtime.username)  # before anything changes
        if current_revision(engine) != HEAD:
            upgrade(engine)
        apply_schema(owner_url)
        setup = set_up_runtime_role(engine, runtime.username, runtime.password)
    except (RoleError, StoreError) as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()
    made = f"made the role {setup.runtime!r} and " if setup.created else ""
    click.echo(
        f"The tables belong to {setup.owner!r}; {made}gave {setup.runtime!r} what serving needs on"
        f" {setup.tables} tables (the audit log: read and add only)."
    )
    served = _engine(url, migrate=False)
    try:
        _warn_about_role(served)
    finally:
        served.dispose()


def _warn_about_role(engine: Engine) -> None:
    from glutewake.store.roles import runtime_role_problems

    for problem in runtime_role_problems(engine):
        click.echo(
            f"warning: {problem}, so the server could truncate or alter the audit log; give"
            " `glutewake clinic init` or `glutewake clinic grant` an --owner-url (README,"
            ' "Running a clinic server")',
            err=True,
        )


@clinic.command()
@_DATABASE
@click.option(
    "--owner-url",
    envvar="GLUTEWAKE_OWNER_DATABASE_URL",
    required=True,
    metavar="URL",
    help="The role that owns the tables (or GLUTEWAKE_OWNER_DATABASE_URL).",
)
def grant(database_url: str, owner_url: str) -> None:
    """Give the serving role (--database-url's) what it needs and no more, as the owner role.

    Migrates the schema first, as the owner. Run it once to move a server that served as the
    tables' owner to two roles (after `REASSIGN OWNED BY glutewake TO glutewake_owner`, as a
    superuser); it does no harm to run again.

    \b
    Example:
      glutewake clinic grant --owner-url postgresql://glutewake_owner@db/glutewake \\
          --database-url postgresql://glutewake@db/glutewake
    """
    _set_up_roles(_postgresql(owner_url), _postgresql(database_url))


def _password(path: Path | None) -> str:
    if path is not None:
        try:
            text = sys.stdin.readline() if str(path) == "-" else path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                f"cannot read the password file {path}: {getattr(error, 'strerror', error)}"
            ) from None
        password = text.splitlines()[0] if text.strip() else ""
        if not password:
            raise CommandError(f"the password file {path} is empty; put the password on its first line")
        return password
    if not sys.stdin.isatty():
        raise CommandError("give the admin's password with --password-file FILE (or run this in a terminal)")
    return str(
        click.prompt("Admin's password (at least 12 characters)", hide_input=True, confirmation_prompt=True)
    )


@clinic.command()
@_DATABASE
@click.option(
    "--base-url",
    required=True,
    metavar="URL",
    help="The public address, such as https://glutewake.example.org.",
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="The port to listen on."
)
@click.option(
    "--trusted-proxy",
    multiple=True,
    default=("127.0.0.1",),
    show_default=True,
    metavar="ADDRESS",
    help="A reverse proxy whose X-Forwarded-For/-Proto headers are believed (repeat for more).",
)
@click.option(
    "--region",
    default="uk",
    show_default=True,
    metavar="REGION",
    help="Where the clinic's patients live: the emergency and advice numbers every text names"
    " (`glutewake config region` lists the choices).",
)
def serve(
    database_url: str,
    base_url: str,
    workers: int,
    host: str,
    port: int,
    trusted_proxy: tuple[str, ...],
    region: str,
) -> None:
    """Serve the clinic's web app (never the desktop coach) until stopped.

    Put it behind a TLS reverse proxy (README has an example) and give the proxy's address
    with --trusted-proxy; sessions, rate limits and jobs live in PostgreSQL, so any number of
    workers (or machines) can serve one clinic.

    \b
    Example:
      glutewake clinic serve --database-url postgresql://glutewake@db/glutewake \\
          --base-url https://glutewake.riverside.example --workers 4 --port 8000
    """
    import uvicorn

    from glutewake.app.region import REGION_ENV, regions
    from glutewake.store.engine import HEAD, current_revision
    from glutewake.web.clinic.app import ENVIRONMENT
    from glutewake.web.server import serve_options

    url = _postgresql(database_url)
    base = _base_url(base_url)
    known = regions()
    if region not in known:
        choices = ", ".join(f"{key} ({name})" for key, name in known.items())
        raise CommandError(f"--region {region!r} is not a region glutewake knows; choose one of {choices}")
    from glutewake.store import StoreError

    engine = _engine(url, migrate=False)
    try:
        revision = current_revision(engine)
        if revision == HEAD:
            _warn_about_role(engine)
    except StoreError as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()
    if revision is None:
        raise CommandError("this database has no clinic yet; run `glutewake clinic init` first")
    if revision != HEAD:
        raise CommandError(
            f"the database's schema is {revision}, this glutewake needs {HEAD}: run `glutewake db upgrade`"
        )
    os.environ[ENVIRONMENT["database_url"]] = url
    os.environ[ENVIRONMENT["base_url"]] = base
    os.environ[REGION_ENV] = region
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"glutewake clinic running at http://{shown}:{port}/ ({workers} workers; public address {base})"
    )
    click.echo("Stop it with Ctrl-C.", err=True)
    uvicorn.run(
        "glutewake.web.clinic.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=list(trusted_proxy),
        server_header=False,
        **serve_options(),
    )


@clinic.command()
@_DATABASE
@click.option(
    "--smtp-url",
    envvar="GLUTEWAKE_SMTP_URL",
    required=True,
    metavar="URL",
    help="The mail server: smtp://HOST:25, smtp+starttls://USER:PASSWORD@HOST:587 or smtps://...:465;"
    " the sender as ?from=ADDRESS (or GLUTEWAKE_SMTP_URL).",
)
@click.option(
    "--base-url",
    envvar="GLUTEWAKE_CLINIC_BASE_URL",
    default="",
    metavar="URL",
    help="The clinic's public address, for the links in alert and reminder emails (as given to serve).",
)
@click.option(
    "--concurrency", default=2, show_default=True, type=click.IntRange(1, 32), help="Jobs run at once."
)
@click.option(
    "--give-up-after",
    default=900.0,
    show_default=True,
    type=click.FloatRange(1),
    metavar="SECONDS",
    help="While the database is away the worker waits and tries again; after this long it exits"
    " with an error (status 2), for the service manager to see.",
)
@click.option(
    "--stalled-after",
    default=30.0,
    show_default=True,
    type=click.FloatRange(1),
    metavar="SECONDS",
    help="A worker silent this long (killed, its machine lost) is taken for dead and its jobs run again.",
)
def worker(
    database_url: str,
    smtp_url: str,
    base_url: str,
    concurrency: int,
    give_up_after: float,
    stalled_after: float,
) -> None:
    """Run the clinic's background jobs (emails, alerts, reminders) until stopped; run as many as you like.

    A worker outlives a database restart (it says so in one line and carries on) and runs again the
    jobs of a worker that died; it exits non-zero only on a bad setting or when the database stays
    away longer than --give-up-after.

    \b
    Example:
      glutewake clinic worker --database-url postgresql://glutewake@db/glutewake \\
          --base-url https://glutewake.riverside.example \\
          --smtp-url "smtp+starttls://glutewake:PASSWORD@mail.riverside.example:587?from=glutewake@riverside.example"
    """
    from glutewake.runtime import jobs, mailer

    url = _postgresql(database_url)
    try:
        mailer.smtp_settings(smtp_url)
    except mailer.MailError as error:
        raise CommandError(str(error)) from None
    import psycopg

    try:
        jobs.apply_schema(url)
    except psycopg.OperationalError as error:
        raise CommandError(f"cannot reach the database: {str(error).strip().splitlines()[0]}") from None
    except psycopg.errors.InsufficientPrivilege:
        raise CommandError(
            "the queue's tables are not all there and this role may not make them: run"
            " `glutewake clinic grant --owner-url ...` (or `glutewake db upgrade` as the owner) first"
        ) from None
    os.environ[jobs.SMTP_ENV] = smtp_url
    if base_url:
        os.environ[jobs.BASE_URL_ENV] = base_url
    else:
        click.echo("No --base-url: alert and reminder emails will say to sign in, without a link.", err=True)
    click.echo("glutewake clinic worker running: sending the clinic's emails. Stop it with Ctrl-C.")
    settings = jobs.WorkerSettings(concurrency, give_up_after=give_up_after, stalled_after=stalled_after)
    try:
        jobs.run_worker(url, settings)
    except jobs.WorkerStopped as error:
        raise CommandError(f"the worker stopped: {error}") from None


@clinic.command("export-fhir")
@_DATABASE
@click.option(
    "--patient",
    "patient_id",
    required=True,
    type=click.IntRange(1),
    help="The patient's account number (in their page's address).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
    help="Write the Bundle to this file (default: standard output).",
)  # fmt: skip
def export_fhir(database_url: str, patient_id: int, out: Path | None) -> None:
    """Export one patient's record as a FHIR R4B Bundle (JSON), checked against the R4B models.

    The export is written to the clinic's audit log as the server's command line.

    \b
    Example:
      glutewake clinic export-fhir --database-url postgresql://glutewake@db/glutewake \\
          --patient 42 --out patient-42.fhir.json
    """
    import json

    from glutewake.app.clinic.accounts import Clinic, NotFound
    from glutewake.app.clinic.exchange import fhir_record
    from glutewake.clock import SystemClock
    from glutewake.identity import Who
    from glutewake.store.clinic import ClinicStore

    engine = _engine(_postgresql(database_url), migrate=False)
    try:
        store = ClinicStore(engine, SystemClock())
        patient = store.account(patient_id)
        if patient is None or patient.role != "patient" or patient.removed_at is not None:
            raise CommandError(
                f"no patient has the account number {patient_id}; it is the number in their page's address"
            )
        operator = Who(
            0, "admin", "session", "", clinic_id=patient.clinic_id, name="the server's command line"
        )
        try:
            bundle = fhir_record(Clinic(store, _NoOutbox(), ""), operator, patient_id, SystemClock().now())
        except NotFound:
            raise CommandError(f"no patient has the account number {patient_id}") from None
    finally:
        engine.dispose()
    text = json.dumps(bundle, indent=1)
    if out is None:
        click.echo(text)
    else:
        from glutewake.privatefile import write_private

        try:  # a patient's whole record: private, and never through a link someone else left there
            write_private(out, (text + "\n").encode("utf-8"))
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}") from None
        click.echo(f"Wrote {len(bundle['entry'])} resources for {patient.display_name} to {out}.", err=True)


# --- this computer, linked to the person's clinic ------------------------------------------------


@clinic.command()
@click.argument("url")
@click.option(
    "--token",
    metavar="TOKEN",
    help='The token from the clinic\'s Account page, "Link a computer" (asked for if not given).',
)
def link(url: str, token: str | None) -> None:
    """Link this computer's glutewake to your clinic, to share the coach's daily sitting figures.

    Only each day's sitting statistics are shared (minutes sat, the longest stretch, breaks),
    never anything you type or your other records; the running coach shares today's and
    yesterday's once an hour. `glutewake clinic unlink` stops it.

    \b
    Example:
      glutewake clinic link https://glutewake.riverside.example --token gwl_...
    """
    from urllib.parse import urlsplit

    from glutewake.config import home_dir
    from glutewake.runtime.clinic_link import LinkError, check_link, save_link

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandError(f"{url!r} is not the clinic's address; give it as https://...")
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise CommandError("the clinic's address must start with https://, so the token travels encrypted")
    typed = token or str(click.prompt("Token (from the clinic's Account page)", hide_input=True))
    try:
        found = check_link(url, typed.strip())
    except LinkError as error:
        raise CommandError(str(error)) from None
    save_link(home_dir(ensure=True), found)
    click.echo(f"Linked to {found.clinic} as {found.patient}. The coach shares each day's sitting figures;")
    click.echo("`glutewake clinic share` shares the last days now.")


@clinic.command()
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 366), help="How many days back.")
@click.pass_context
def share(ctx: click.Context, days: int) -> None:
    """Share the last days' sitting figures with your clinic now (a day shared again is replaced).

    \b
    Example:
      glutewake clinic share --days 14
    """
    from glutewake.cli._store import acting
    from glutewake.config import home_dir
    from glutewake.runtime.clinic_link import LinkError, daily_shares, load_link, upload

    found = load_link(home_dir(ensure=True))
    if found is None:
        raise CommandError("this computer is not linked to a clinic; run `glutewake clinic link URL` first")
    context = acting(ctx)
    shared = daily_shares(context, days, context.clock.now().date())
    if not shared:
        click.echo(f"Nothing to share: the coach recorded no sitting in the last {days} days.")
        return
    try:
        kept = upload(found, shared)
    except LinkError as error:
        raise CommandError(str(error)) from None
    click.echo(f"Shared {kept} day{'s' if kept != 1 else ''} of sitting figures with {found.clinic}.")


@clinic.command()
def unlink() -> None:
    """Stop sharing with your clinic: forget the link on this computer.

    To stop the token working everywhere, also unlink the computer on the clinic's Account page.

    \b
    Example:
      glutewake clinic unlink
    """
    from glutewake.config import home_dir
    from glutewake.runtime.clinic_link import forget_link

    if forget_link(home_dir(ensure=True)):
        click.echo("This computer no longer shares anything with the clinic.")
    else:
        click.echo("This computer was not linked to a clinic.")


# --- the audit log ------------------------------------------------------------------------------


@clinic.group()
def audit() -> None:
    """The clinic server's audit log: who read or changed which record, and when.

    \b
    Example:
      glutewake clinic audit verify --database-url postgresql://glutewake@db/glutewake
    """


@audit.command()
@_DATABASE
def verify(database_url: str) -> None:
    """Check the whole audit log's hash chain: every entry unchanged, none removed, moved or added.

    Exits 0 when it is intact; otherwise names each entry where the chain breaks and exits 1.
    The last line's hash stands for the whole log so far: note it somewhere else, and a log
    rewritten from scratch is caught too (it would end in another hash).

    \b
    Example:
      glutewake clinic audit verify --database-url postgresql://glutewake@db/glutewake
    """
    from glutewake.app.clinic.audit import verify as verify_log
    from glutewake.clock import SystemClock
    from glutewake.store.clinic import ClinicStore

    engine = _engine(_postgresql(database_url), migrate=False)
    try:
        report = verify_log(ClinicStore(engine, SystemClock()))
    finally:
        engine.dispose()
    if report.intact:
        click.echo(f"The audit log is intact: {report.entries} entries, each following the one before.")
        click.echo(f"Its newest hash: {report.last_hash}")
        return
    for found in report.breaks:
        where = "At the end" if found.entry_id is None else f"Entry {found.entry_id}"
        when = f" ({found.at:%Y-%m-%d %H:%M:%S} UTC)" if found.at is not None else ""
        click.echo(f"{where}{when}: {found.problem}.", err=True)
    click.echo(
        f"The audit log is NOT intact: {len(report.breaks)} break(s) in {report.entries} entries.", err=True
    )
    sys.exit(1)
