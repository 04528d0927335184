"""A person's repository: every read and write of one person's records.

It is obtained for one person (`Store.person`, `Store.owner` in `store/people.py`) and can
only see and change that person's rows: every query it makes names the person, and a write
that refers to another record (a set to its session, say) first checks that the record is
theirs. Every write is its own transaction, so an interrupted session keeps every set logged
before the interruption. No domain rules here: values come in and go out as the core's
types (or plain rows), and the core decides what they mean.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    Table,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from glutewake.clock import Clock
from glutewake.codec import dump, load
from glutewake.core.programme import Plan, PlannedSession, Profile
from glutewake.core.progress import Checkin, ScoreTrends, SessionTotals, Trend, WeekMean
from glutewake.core.sitting import SharedDay, SittingStats
from glutewake.store import tables as t
from glutewake.store.changes import Version
from glutewake.store.engine import WRITE, data_version

__all__ = ["ActivePlan", "NotTheirs", "Repository", "SessionLog", "SessionRecord", "SetRecord", "Stored"]


@dataclass(frozen=True)
class Stored:
    """A stored record: its id, when it was made, and its content as the core wrote it."""

    id: int
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class ActivePlan:
    id: int
    created_at: datetime
    plan: Plan
    session_ids: dict[date, int]  # planned session id by day
    triage_run_id: int | None = None  # the symptom check it was built (or prescribed) on


@dataclass(frozen=True)
class SetRecord:
    exercise_id: str
    side: str | None = None
    reps: int | None = None
    seconds: int | None = None
    load_kg: float | None = None
    target_reps: int | None = None
    target_seconds: int | None = None
    counted_by: str | None = None  # "camera" when the camera coach counted the set
    # The camera coach's form flags: each {"id": the check, "t": seconds into the set, "rep": from 1 or None}
    form_flags: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class SessionRecord:
    """A session done (or begun): when, how far, how it felt, and which planned day it was."""

    id: int
    planned_session_id: int | None
    started_at: datetime
    status: str  # in_progress, completed, quit
    planned_day: date | None
    plan_id: int | None
    rpe: int | None
    pain: int | None
    felt: list[str] | None
    sets: int
    feedback_at: datetime | None = None  # when its feedback was given


@dataclass(frozen=True)
class SessionLog:
    planned_session_id: int | None
    status: str  # in_progress, completed, quit
    has_feedback: bool


_T = TypeVar("_T")


class NotTheirs(LookupError):
    """A record this person does not have (it is someone else's, or does not exist)."""


class Repository:
    def __init__(self, engine: Engine, clock: Clock, person_id: int) -> None:
        self.engine = engine
        self.clock = clock
        self.person_id = person_id
        self._kept: tuple[Version | None, dict[Hashable, Any]] = (None, {})

    def kept(self, key: Hashable, derive: Callable[[], _T]) -> _T:
        """`derive()`, kept under `key` until anything in the store changes (see `version`);
        derived afresh every time when the store cannot tell. The version is read before
        deriving, so a change made meanwhile is never hidden: it makes the next call derive again."""
        values = self._values_at(self.version())
        if values is None:
            return derive()
        if key not in values:
            values[key] = derive()
        return cast(_T, values[key])

    def peek(self, key: Hashable) -> tuple[bool, Any]:
        """(True, what `kept` keeps under `key`) when that is current and no record need be
        read for it; else (False, None)."""
        values = self._values_at(self.version())
        return (True, values[key]) if values is not None and key in values else (False, None)

    def _values_at(self, version: Version | None) -> dict[Hashable, Any] | None:
        """What is kept at `version` (nothing yet, if it is new); None when nothing may be kept."""
        seen, values = self._kept
        if version is None:
            self._kept = (None, {})  # what was kept before can no longer be vouched for
            return None
        if seen != version:
            values = {}
            self._kept = (version, values)
        return values

    def close(self) -> None:
        self.engine.dispose()

    def version(self) -> Version | None:
        """A version that changes whenever anything in the store changes (anyone's records, by
        any process); None when the store cannot tell now, and then nothing derived may be kept."""
        return data_version(self.engine)

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
            yield connection

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def _mine(self, table: Table) -> ColumnElement[bool]:
        return table.c.person_id == self.person_id

    def _check_mine(self, db: Connection, table: Table, record_id: int) -> None:
        """Raise `NotTheirs` unless `record_id` is one of this person's rows of `table`."""
        key = next(iter(table.primary_key.columns))
        if db.execute(select(key).where(key == record_id, self._mine(table))).first() is None:
            raise NotTheirs(f"no {table.name} record {record_id} for this person")

    # --- profile -----------------------------------------------------------------------------

    def profile(self) -> Profile | None:
        with self._reading() as db:
            row = db.execute(select(t.profile).where(self._mine(t.profile))).mappings().first()
        if row is None:
            return None
        return load(Profile, {k: v for k, v in row.items() if k not in ("id", "person_id", "updated_at")})

    def save_profile(self, profile: Profile) -> None:
        values = {**dump(profile), "updated_at": self.clock.now()}
        with self._writing() as db:
            if db.execute(select(t.profile.c.id).where(self._mine(t.profile))).first() is None:
                db.execute(insert(t.profile).values(person_id=self.person_id, **values))
            else:
                db.execute(update(t.profile).where(self._mine(t.profile)).values(**values))

    # --- triage runs and self-test results ---------------------------------------------------

    def add_triage_run(self, case: dict[str, Any], result: dict[str, Any]) -> int:
        with self._writing() as db:
            row = db.execute(
                insert(t.triage_runs)
                .values(
                    person_id=self.person_id,
                    created_at=self.clock.now(),
                    urgency=result["urgency"],
                    case=case,
                    result=result,
                )
                .returning(t.triage_runs.c.id)
            )
            return int(row.scalar_one())

    def add_selftest_result(self, result: dict[str, Any]) -> int:
        with self._writing() as db:
            row = db.execute(
                insert(t.selftest_results)
                .values(person_id=self.person_id, created_at=self.clock.now(), result=result)
                .returning(t.selftest_results.c.id)
            )
            return int(row.scalar_one())

    def triage_runs(self, limit: int | None = None) -> list[Stored]:
        runs = t.triage_runs
        query = select(runs).where(self._mine(runs)).order_by(runs.c.created_at.desc(), runs.c.id.desc())
        with self._reading() as db:
            rows = db.execute(query.limit(limit)).mappings().all()
        return [Stored(r["id"], r["created_at"], {"case": r["case"], "result": r["result"]}) for r in rows]

    def selftest_results(self, limit: int | None = None) -> list[Stored]:
        table = t.selftest_results
        query = select(table).where(self._mine(table)).order_by(table.c.created_at.desc(), table.c.id.desc())
        with self._reading() as db:
            rows = db.execute(query.limit(limit)).mappings().all()
        return [Stored(r["id"], r["created_at"], r["result"]) for r in rows]

    # --- plans -------------------------------------------------------------------------------

    def save_plan(self, plan: Plan, triage_run_id: int | None) -> int:
        """Store a new plan; the previous active plan, if any, is marked replaced."""
        meta = _plan_meta(plan)
        with self._writing() as db:
            if triage_run_id is not None:
                self._check_mine(db, t.triage_runs, triage_run_id)
            db.execute(
                update(t.plans)
                .where(self._mine(t.plans), t.plans.c.status == "active")
                .values(status="replaced")
            )
            plan_id = int(
                db.execute(
                    insert(t.plans)
                    .values(
                        person_id=self.person_id,
                        created_at=self.clock.now(),
                        status=plan.status,
                        start_date=plan.start_date,
                        triage_run_id=triage_run_id,
                        plan=meta,
                    )
                    .returning(t.plans.c.id)
                ).scalar_one()
            )
            if plan.sessions:
                db.execute(
                    insert(t.planned_sessions),
                    [
                        {
                            "person_id": self.person_id,
                            "plan_id": plan_id,
                            "day": s.day,
                            "position": n,
                            "phase": s.phase,
                            "session": dump(s),
                        }
                        for n, s in enumerate(plan.sessions)
                    ],
                )
        return plan_id

    def current_plan(self) -> ActivePlan | None:
        """The newest plan that is not replaced (active, stopped or not started)."""
        with self._reading() as db:
            row = (
                db.execute(
                    select(t.plans)
                    .where(self._mine(t.plans), t.plans.c.status != "replaced")
                    .order_by(t.plans.c.created_at.desc(), t.plans.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            sessions = db.execute(
                select(t.planned_sessions.c.id, t.planned_sessions.c.session)
                .where(t.planned_sessions.c.plan_id == row["id"])
                .order_by(t.planned_sessions.c.position)
            ).all()
        planned = [load(PlannedSession, s.session) for s in sessions]
        plan = replace(
            load(Plan, {**row["plan"], "status": row["status"], "sessions": []}), sessions=tuple(planned)
        )
        return ActivePlan(
            row["id"],
            row["created_at"],
            plan,
            {p.day: s.id for p, s in zip(planned, sessions, strict=True)},
            row["triage_run_id"],
        )

    def update_plan(self, plan_id: int, plan: Plan) -> None:
        """Save an adapted plan: its status and changes, and each planned session's content."""
        meta = _plan_meta(plan)
        with self._writing() as db:
            self._check_mine(db, t.plans, plan_id)
            db.execute(update(t.plans).where(t.plans.c.id == plan_id).values(status=plan.status, plan=meta))
            for session in plan.sessions:
                db.execute(
                    update(t.planned_sessions)
                    .where(t.planned_sessions.c.plan_id == plan_id, t.planned_sessions.c.day == session.day)
                    .values(session=dump(session), phase=session.phase)
                )

    # --- sessions ----------------------------------------------------------------------------

    def start_session(self, planned_session_id: int | None, *, guided: bool) -> int:
        with self._writing() as db:
            if planned_session_id is not None:
                self._check_mine(db, t.planned_sessions, planned_session_id)
            row = db.execute(
                insert(t.session_logs)
                .values(
                    person_id=self.person_id,
                    planned_session_id=planned_session_id,
                    started_at=self.clock.now(),
                    status="in_progress",
                    guided=int(guided),
                )
                .returning(t.session_logs.c.id)
            )
            return int(row.scalar_one())

    def log_set(self, session_log_id: int, done: SetRecord, *, after: int | None = None) -> int | None:
        """Record one finished set at once, in its own transaction; its id. With `after`, only
        if the session then holds exactly that many sets (else None, nothing recorded): the same
        set sent twice at once is kept once, however the two requests interleave (the session's
        row is locked, on PostgreSQL; SQLite's writes take the whole file)."""
        with self._writing() as db:
            self._check_mine(db, t.session_logs, session_log_id)
            if after is not None:
                db.execute(
                    select(t.session_logs.c.id).where(t.session_logs.c.id == session_log_id).with_for_update()
                )
                held = db.execute(
                    select(func.count())
                    .select_from(t.set_logs)
                    .where(t.set_logs.c.session_log_id == session_log_id)
                ).scalar_one()
                if held != after:
                    return None
            row = db.execute(
                insert(t.set_logs)
                .values(
                    person_id=self.person_id,
                    session_log_id=session_log_id,
                    done_at=self.clock.now(),
                    **vars(done),
                )
                .returning(t.set_logs.c.id)
            )
            return int(row.scalar_one())

    def log_session(self, planned_session_id: int | None, done: Sequence[SetRecord]) -> int:
        """Record a whole session done without the guide, its sets and its end, in one
        transaction: a crash or a full disk part-way keeps none of it, never half."""
        now = self.clock.now()
        with self._writing() as db:
            if planned_session_id is not None:
                self._check_mine(db, t.planned_sessions, planned_session_id)
            session_log_id = int(
                db.execute(
                    insert(t.session_logs)
                    .values(
                        person_id=self.person_id,
                        planned_session_id=planned_session_id,
                        started_at=now,
                        finished_at=now,
                        status="completed",
                        guided=0,
                    )
                    .returning(t.session_logs.c.id)
                ).scalar_one()
            )
            if done:
                db.execute(
                    insert(t.set_logs),
                    [
                        {
                            "person_id": self.person_id,
                            "session_log_id": session_log_id,
                            "done_at": now,
                            **vars(d),
                        }
                        for d in done
                    ],
                )
            return session_log_id

    def finish_session(self, session_log_id: int, status: str) -> None:
        with self._writing() as db:
            self._check_mine(db, t.session_logs, session_log_id)
            db.execute(
                update(t.session_logs)
                .where(t.session_logs.c.id == session_log_id)
                .values(status=status, finished_at=self.clock.now())
            )

    def reopen_session(self, session_log_id: int) -> None:
        """Put a session that was quit part-way back in progress, to go on with it."""
        with self._writing() as db:
            self._check_mine(db, t.session_logs, session_log_id)
            db.execute(
                update(t.session_logs)
                .where(t.session_logs.c.id == session_log_id)
                .values(status="in_progress", finished_at=None)
            )

    def session_log(self, session_log_id: int) -> SessionLog | None:
        logs, feedback = t.session_logs, t.session_feedback
        with self._reading() as db:
            row = db.execute(
                select(logs.c.planned_session_id, logs.c.status, feedback.c.session_log_id.is_not(None))
                .select_from(logs.outerjoin(feedback, feedback.c.session_log_id == logs.c.id))
                .where(logs.c.id == session_log_id, self._mine(logs))
            ).first()
        return None if row is None else SessionLog(row[0], str(row[1]), bool(row[2]))

    def save_feedback(self, session_log_id: int, rpe: int, pain: int, felt: Sequence[str]) -> None:
        with self._writing() as db:
            self._check_mine(db, t.session_logs, session_log_id)
            db.execute(
                insert(t.session_feedback).values(
                    person_id=self.person_id,
                    session_log_id=session_log_id,
                    created_at=self.clock.now(),
                    rpe=rpe,
                    pain=pain,
                    felt=list(felt),
                )
            )

    def session_for(self, planned_session_id: int) -> tuple[int, str] | None:
        """The latest log of a planned session: its id and status (in_progress, completed, quit)."""
        logs = t.session_logs
        with self._reading() as db:
            row = db.execute(
                select(logs.c.id, logs.c.status)
                .where(logs.c.planned_session_id == planned_session_id, self._mine(logs))
                .order_by(logs.c.started_at.desc(), logs.c.id.desc())
                .limit(1)
            ).first()
        return None if row is None else (int(row.id), str(row.status))

    def sets_of(self, session_log_id: int) -> list[SetRecord]:
        columns = [getattr(t.set_logs.c, name) for name in SetRecord.__dataclass_fields__]
        with self._reading() as db:
            rows = db.execute(
                select(*columns)
                .where(t.set_logs.c.session_log_id == session_log_id, self._mine(t.set_logs))
                .order_by(t.set_logs.c.id)
            ).all()
        return [SetRecord(*row) for row in rows]

    def session_logs(self, since: datetime | None = None) -> list[SessionRecord]:
        """Every session log (oldest first) with its planned day, feedback and set count."""
        logs, feedback, planned = t.session_logs, t.session_feedback, t.planned_sessions
        # One pass over the sets, grouped, rather than a count per session; with `since`, only
        # the sets of those sessions (through the sets' session index), not a whole history's.
        sets = select(t.set_logs.c.session_log_id, func.count().label("sets")).where(self._mine(t.set_logs))
        if since is not None:
            recent = select(logs.c.id).where(self._mine(logs), logs.c.started_at >= since)
            sets = sets.where(t.set_logs.c.session_log_id.in_(recent))
        counts = sets.group_by(t.set_logs.c.session_log_id).subquery()
        query = (
            select(
                logs.c.id,
                logs.c.planned_session_id,
                logs.c.started_at,
                logs.c.status,
                planned.c.day.label("planned_day"),
                planned.c.plan_id,
                feedback.c.rpe,
                feedback.c.pain,
                feedback.c.felt,
                func.coalesce(counts.c.sets, 0).label("sets"),
                feedback.c.created_at.label("feedback_at"),
            )
            .select_from(
                logs.outerjoin(feedback)
                .outerjoin(planned)
                .outerjoin(counts, counts.c.session_log_id == logs.c.id)
            )
            .where(self._mine(logs))
            .order_by(logs.c.started_at, logs.c.id)
        )
        if since is not None:
            query = query.where(logs.c.started_at >= since)
        with self._reading() as db:
            return [SessionRecord(**row) for row in db.execute(query).mappings()]

    def session_days(self, planned_from: date | None = None) -> list[tuple[datetime, date | None, str, int]]:
        """Each session log's start, planned day, status and set count, oldest first; with
        `planned_from`, only the logs of sessions planned for that day or later."""
        logs, planned = t.session_logs, t.planned_sessions
        counts = (
            select(t.set_logs.c.session_log_id, func.count().label("sets"))
            .where(self._mine(t.set_logs))
            .group_by(t.set_logs.c.session_log_id)
            .subquery()
        )
        query = (
            select(logs.c.started_at, planned.c.day, logs.c.status, func.coalesce(counts.c.sets, 0))
            .select_from(logs.outerjoin(planned).outerjoin(counts, counts.c.session_log_id == logs.c.id))
            .where(self._mine(logs))
            .order_by(logs.c.started_at, logs.c.id)
        )
        if planned_from is not None:
            query = query.where(planned.c.day >= planned_from)
        with self._reading() as db:
            return [(row[0], row[1], row[2], int(row[3])) for row in db.execute(query)]

    def session_totals(self) -> SessionTotals:
        """`core.progress.session_totals` of every session log, counted by the database."""
        logs, planned = t.session_logs, t.planned_sessions
        completed = logs.c.status == "completed"
        with self._reading() as db:
            done = db.execute(select(func.count()).where(self._mine(logs), completed)).scalar_one()
            sets = db.execute(select(func.count()).where(self._mine(t.set_logs))).scalar_one()
            days = db.execute(
                select(planned.c.day).distinct().join(logs, logs.c.planned_session_id == planned.c.id)
                .where(self._mine(logs), completed)
            ).scalars().all()  # fmt: skip
        return SessionTotals(frozenset(days), int(done), int(sets))

    def planned_days(self) -> list[date]:
        """Every planned session day that counts: a replaced plan's days end where the next plan starts."""
        with self._reading() as db:
            plans = db.execute(
                select(t.plans.c.id, t.plans.c.start_date)
                .where(self._mine(t.plans))
                .order_by(t.plans.c.created_at, t.plans.c.id)
            ).all()
            days = db.execute(
                select(t.planned_sessions.c.plan_id, t.planned_sessions.c.day).where(
                    self._mine(t.planned_sessions)
                )
            ).all()
        ends = {plan.id: nxt.start_date for plan, nxt in itertools.pairwise(plans)}
        return sorted({row.day for row in days if row.plan_id not in ends or row.day < ends[row.plan_id]})

    # --- check-ins ---------------------------------------------------------------------------

    def add_checkin(
        self, pain: int, numbness: int, psfs: dict[str, int], red_flags: dict[str, bool | None], outcome: str
    ) -> int:
        with self._writing() as db:
            row = db.execute(
                insert(t.checkins)
                .values(
                    person_id=self.person_id,
                    created_at=self.clock.now(),
                    pain=pain,
                    numbness=numbness,
                    psfs=psfs,
                    psfs_mean=psfs_mean(psfs),
                    red_flags=red_flags,
                    outcome=outcome,
                )
                .returning(t.checkins.c.id)
            )
            return int(row.scalar_one())

    def checkins(self, since: datetime | None = None) -> list[Stored]:
        """Check-ins, oldest first (those from `since` on, if given)."""
        query = (
            select(t.checkins)
            .where(self._mine(t.checkins))
            .order_by(t.checkins.c.created_at, t.checkins.c.id)
        )
        return self._checkins(query if since is None else query.where(t.checkins.c.created_at >= since))

    def checkin_scores(self) -> list[tuple[datetime, int, int, dict[str, int]]]:
        """Just the scores of every check-in, oldest first (for progress: no other columns to read)."""
        c = t.checkins
        with self._reading() as db:
            rows = db.execute(
                select(c.c.created_at, c.c.pain, c.c.numbness, c.c.psfs)
                .where(self._mine(c))
                .order_by(c.c.created_at, c.c.id)
            ).all()
        return [(row.created_at, row.pain, row.numbness, row.psfs) for row in rows]

    def score_trends(self, offset: timedelta) -> ScoreTrends:
        """`core.progress.score_trends` of every check-in, computed by the database: a few rows
        come back however long the history (days are local, `offset` from UTC)."""
        shift = int(offset.total_seconds())
        postgres = self.engine.dialect.name == "postgresql"
        with self._reading() as db:
            weeks = db.execute(
                text(_WEEKLY_SCORES[postgres]), {"person": self.person_id, "shift": _shift(shift, postgres)}
            ).all()
            ends = [
                db.execute(
                    text(_END_SCORE.format(order=order, only=only)), {"person": self.person_id}
                ).first()
                for only in ("", "AND psfs_mean IS NOT NULL")
                for order in ("ASC", "DESC")
            ]

        def weekly(column: int) -> tuple[WeekMean, ...]:
            return tuple(
                WeekMean(_as_date(row[0]), round(float(row[column]), 2))
                for row in weeks
                if row[column] is not None
            )

        first, latest, psfs_first, psfs_latest = ends
        return ScoreTrends(
            pain=Trend(_float(first, 0), _float(latest, 0), weekly(1)),
            numbness=Trend(_float(first, 1), _float(latest, 1), weekly(2)),
            psfs_mean=Trend(_float(psfs_first, 2), _float(psfs_latest, 2), weekly(3)),
        )

    def sitting_minutes_by_day(self, offset: timedelta) -> list[tuple[date, float]]:
        """Active sitting per local day, in minutes, oldest first (summed by the database)."""
        postgres = self.engine.dialect.name == "postgresql"
        day = (
            "CAST(ended_at + make_interval(secs => :shift) AS date)" if postgres else "date(ended_at, :shift)"
        )
        query = (
            f"SELECT {day} AS day, sum(active_seconds) / 60.0 FROM sitting_bouts"
            " WHERE person_id = :person GROUP BY 1 ORDER BY 1"
        )
        shift = _shift(int(offset.total_seconds()), postgres)
        with self._reading() as db:
            rows = db.execute(text(query), {"person": self.person_id, "shift": shift}).all()
        return [(_as_date(row[0]), float(row[1])) for row in rows]

    def latest_checkin(self) -> Stored | None:
        c = t.checkins
        newest = select(c).where(self._mine(c)).order_by(c.c.created_at.desc(), c.c.id.desc()).limit(1)
        found = self._checkins(newest)
        return found[0] if found else None

    def _checkins(self, query: Select[Any]) -> list[Stored]:
        fields = ("pain", "numbness", "psfs", "red_flags", "outcome")
        with self._reading() as db:
            rows = db.execute(query).mappings().all()
        return [Stored(r["id"], r["created_at"], {k: r[k] for k in fields}) for r in rows]

    # --- the sitting coach ---------------------------------------------------------------------

    def add_bout(self, started_at: datetime, ended_at: datetime, active_seconds: float) -> None:
        with self._writing() as db:
            db.execute(
                insert(t.sitting_bouts).values(
                    person_id=self.person_id,
                    started_at=started_at,
                    ended_at=ended_at,
                    active_seconds=active_seconds,
                )
            )

    def save_bout(
        self, started_at: datetime, ended_at: datetime, active_seconds: float, bout_id: int | None = None
    ) -> int:
        """Keep a bout that may still be going on: a new row, or the row `bout_id` names again
        (when it is still there, this person's and of this start; else a new row). Its id."""
        bouts = t.sitting_bouts
        values = {"ended_at": ended_at, "active_seconds": active_seconds}
        with self._writing() as db:
            if bout_id is not None:
                changed = db.execute(
                    update(bouts)
                    .where(self._mine(bouts), bouts.c.id == bout_id, bouts.c.started_at == started_at)
                    .values(**values)
                )
                if changed.rowcount:
                    return bout_id
            row = db.execute(
                insert(bouts)
                .values(person_id=self.person_id, started_at=started_at, **values)
                .returning(bouts.c.id)
            )
            return int(row.scalar_one())

    def add_coach_event(self, at: datetime, kind: str, exercise_id: str | None = None) -> None:
        with self._writing() as db:
            db.execute(
                insert(t.coach_events).values(
                    person_id=self.person_id, at=at, kind=kind, exercise_id=exercise_id
                )
            )

    def bouts_between(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime, float]]:
        """Bouts that ended in [start, end), oldest first."""
        bouts = t.sitting_bouts
        with self._reading() as db:
            rows = db.execute(
                select(bouts.c.started_at, bouts.c.ended_at, bouts.c.active_seconds)
                .where(self._mine(bouts), bouts.c.ended_at >= start, bouts.c.ended_at < end)
                .order_by(bouts.c.ended_at)
            ).all()
        return [(row.started_at, row.ended_at, row.active_seconds) for row in rows]

    def share_sitting(self, days: Sequence[SharedDay]) -> None:
        """Keep the sitting statistics a linked computer shared; a day shared again replaces its figures."""
        table = t.shared_sitting
        now = self.clock.now()
        with self._writing() as db:
            for shared in days:
                db.execute(delete(table).where(self._mine(table), table.c.day == shared.day))
                db.execute(
                    insert(table).values(
                        person_id=self.person_id, day=shared.day, stats=dump(shared.stats), received_at=now
                    )
                )

    def shared_sitting(self, since: date) -> list[SharedDay]:
        table = t.shared_sitting
        query = (
            select(table.c.day, table.c.stats)
            .where(self._mine(table), table.c.day >= since)
            .order_by(table.c.day)
        )
        with self._reading() as db:
            return [SharedDay(row.day, load(SittingStats, row.stats)) for row in db.execute(query)]

    def coach_events_between(self, start: datetime, end: datetime) -> list[tuple[datetime, str, str | None]]:
        events = t.coach_events
        with self._reading() as db:
            rows = db.execute(
                select(events.c.at, events.c.kind, events.c.exercise_id)
                .where(self._mine(events), events.c.at >= start, events.c.at < end)
                .order_by(events.c.at, events.c.id)
            ).all()
        return [(row.at, row.kind, row.exercise_id) for row in rows]

    # --- everything at once ------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self._reading() as db:
            return all(
                db.execute(select(table.c.person_id).where(self._mine(table)).limit(1)).first() is None
                for table in t.RECORD_TABLES
            )

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of this person's, table by table, without the owner column."""
        with self._reading() as db:
            return {
                table.name: [
                    {k: v for k, v in row.items() if k != "person_id"}
                    for row in db.execute(
                        select(table).where(self._mine(table)).order_by(*table.primary_key.columns)
                    ).mappings()
                ]
                for table in t.RECORD_TABLES
            }

    def load(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Insert rows as this person's, in one transaction. The rows' ids only tie them together
        (a set to its session): each record gets a new id of the store's, so a file can be
        loaded beside other people's records. A reference to a row not given raises ValueError."""
        referenced = {
            fk.column.table.name
            for table in t.RECORD_TABLES
            for column in table.c
            for fk in column.foreign_keys
            if fk.column.table.name != "people"
        }
        new_ids: dict[str, dict[Any, int]] = {}
        with self._writing() as db:
            for table in t.RECORD_TABLES:
                links = {
                    column.name: fk.column.table.name
                    for column in table.c
                    for fk in column.foreign_keys
                    if fk.column.table.name != "people"
                }
                rows = []
                for row in tables.get(table.name, []):
                    linked = dict(row, person_id=self.person_id)
                    if table is t.checkins:
                        linked["psfs_mean"] = psfs_mean(linked.get("psfs") or {})
                    for column, target in links.items():
                        if linked.get(column) is not None:
                            try:
                                linked[column] = new_ids[target][linked[column]]
                            except KeyError:
                                raise ValueError(
                                    f"{table.name}: {column} {linked[column]!r} is not a record of {target}"
                                ) from None
                    rows.append(linked)
                if table.name in referenced:  # others point here: keep each new id
                    found = new_ids.setdefault(table.name, {})
                    key = next(iter(table.primary_key.columns))
                    for row in rows:
                        old = row.pop("id", None)
                        found[old] = int(db.execute(insert(table).values(**row).returning(key)).scalar_one())
                elif rows:
                    db.execute(insert(table), [{k: v for k, v in row.items() if k != "id"} for row in rows])

    def forget(self) -> None:
        """Delete every record of this person's (the person, other people and the schema stay)."""
        with self._writing() as db:
            for table in reversed(t.RECORD_TABLES):
                db.execute(delete(table).where(self._mine(table)))


def _plan_meta(plan: Plan) -> dict[str, Any]:
    """The plan without its sessions, which have rows of their own."""
    meta: dict[str, Any] = dump(plan)
    del meta["sessions"]
    return meta


# The check-ins' weekly means, by the Monday of each local day (a check-in without PSFS scores
# has no psfs_mean and is left out of that trend). SQLite's date(..., 'weekday 0', '-6 days') is
# the Monday of the week ending on the next Sunday; PostgreSQL's weeks start on Monday.
_WEEK = {
    False: "date(created_at, :shift, 'weekday 0', '-6 days')",
    True: "CAST(date_trunc('week', created_at + make_interval(secs => :shift)) AS date)",
}
_WEEKLY_SCORES = {
    postgres: (
        f"SELECT {_WEEK[postgres]} AS week, avg(pain), avg(numbness), avg(psfs_mean)"
        " FROM checkins WHERE person_id = :person GROUP BY week ORDER BY week"
    )
    for postgres in (False, True)
}
_END_SCORE = (
    "SELECT pain, numbness, psfs_mean FROM checkins WHERE person_id = :person {only}"
    " ORDER BY created_at {order}, id {order} LIMIT 1"
)


def _shift(seconds: int, postgres: bool) -> object:
    """A shift from UTC to local time, as each engine's date arithmetic takes it."""
    return seconds if postgres else f"{seconds:+d} seconds"


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _float(row: Any, column: int) -> float | None:
    return None if row is None or row[column] is None else float(row[column])


def psfs_mean(psfs: dict[str, int]) -> float | None:
    """What `psfs_mean` keeps for a check-in: `core.progress.Checkin.psfs_mean`."""
    return Checkin(date.min, 0, 0, psfs, {}).psfs_mean
