"""What a clinician's dashboard needs about many patients at once, in a few queries.

Each query covers every patient of the list together and is answered from the indexes on
(person, time), so the dashboard's cost grows with the number of patients, not with how long
their histories are. Values come back as facts; `app/clinic/dashboard.py` and the core judge them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, exists, func, literal, select

from glutewake.store import tables as t

__all__ = ["Facts", "caseload_facts"]


@dataclass
class Facts:
    """What the store knows about one patient's recent course (their person's records)."""

    person_id: int
    checkin_alerts: list[tuple[int, datetime, str]] = field(default_factory=list)  # id, at, outcome
    session_alerts: list[tuple[int, datetime, int]] = field(default_factory=list)  # session id, at, pain
    stopped_plan: tuple[int, datetime, dict[str, Any]] | None = None  # unanswered
    plan: dict[str, Any] | None = None  # the current plan's content (without sessions)
    plan_status: str | None = None
    planned: list[tuple[date, bool]] = field(default_factory=list)  # (day, done) up to today
    last_session: datetime | None = None
    last_checkin: datetime | None = None
    last_psfs: datetime | None = None
    first_scores: tuple[int, int] | None = None  # pain, numbness
    last_scores: tuple[int, int] | None = None
    schedules: list[tuple[str, int, date]] = field(default_factory=list)  # questionnaire, every, from
    next_follow_up: datetime | None = None


def _unanswered(source: str, person: Any, source_id: Any) -> Any:
    a = t.alert_acknowledgements.c
    return ~exists().where(a.person_id == person, a.source == source, a.source_id == source_id)


def caseload_facts(
    engine: Engine, person_ids: Sequence[int], *, today: date, now: datetime, pain_alert: int
) -> dict[int, Facts]:
    facts = {person: Facts(person) for person in person_ids}
    if not facts:
        return facts
    ids = list(facts)
    row: Any
    c, f, logs, plans, ps = (
        t.checkins.c,
        t.session_feedback.c,
        t.session_logs.c,
        t.plans.c,
        t.planned_sessions.c,
    )
    people = t.people.c
    with engine.connect() as db:
        for row in db.execute(
            select(c.person_id, c.id, c.created_at, c.outcome).where(
                c.person_id.in_(ids),
                c.outcome.in_(("red_flag", "worse")),
                _unanswered("checkin", c.person_id, c.id),
            )
        ):
            facts[row.person_id].checkin_alerts.append((row.id, row.created_at, row.outcome))
        for row in db.execute(
            select(f.person_id, f.session_log_id, f.created_at, f.pain).where(
                f.person_id.in_(ids),
                f.pain >= pain_alert,
                _unanswered("session", f.person_id, f.session_log_id),
            )
        ):
            facts[row.person_id].session_alerts.append((row.session_log_id, row.created_at, row.pain))
        # The current plan of each: the newest not replaced.
        newest = (
            select(plans.id)
            .where(plans.person_id == people.id, plans.status != "replaced")
            .order_by(plans.created_at.desc(), plans.id.desc())
            .limit(1)
            .correlate(t.people)
            .scalar_subquery()
        )
        current = {
            row.person_id: row
            for row in db.execute(
                select(plans.person_id, plans.id, plans.status, plans.created_at, plans.plan)
                .select_from(t.people.join(t.plans, plans.id == newest))
                .where(people.id.in_(ids))
            )
        }
        for person, row in current.items():
            facts[person].plan, facts[person].plan_status = row.plan, row.status
            if row.status == "stopped":
                answered = db.execute(select(literal(1)).where(~_unanswered("plan", person, row.id))).first()
                if answered is None:
                    facts[person].stopped_plan = (row.id, row.created_at, row.plan)
        active = [row.id for row in current.values() if row.status == "active"]
        by_plan = {row.id: person for person, row in current.items()}
        if active:
            done = exists().where(logs.planned_session_id == ps.id, logs.status == "completed")
            for row in db.execute(
                select(ps.plan_id, ps.day, done.label("done"))
                .where(ps.plan_id.in_(active), ps.day <= today)
                .order_by(ps.plan_id, ps.day)
            ):
                facts[by_plan[row.plan_id]].planned.append((row.day, bool(row.done)))

        def latest(column: Any, *where: Any) -> Any:
            table = column.table
            return (
                select(func.max(column))
                .where(table.c.person_id == people.id, *where)
                .correlate(t.people)
                .scalar_subquery()
            )

        def end(order: Any) -> Any:
            return (
                select(c.id)
                .where(c.person_id == people.id)
                .order_by(*order)
                .limit(1)
                .correlate(t.people)
                .scalar_subquery()
            )

        ends: dict[int, tuple[int | None, int | None]] = {}
        for row in db.execute(
            select(
                people.id,
                latest(logs.started_at).label("session"),
                latest(c.created_at).label("checkin"),
                latest(c.created_at, c.psfs_mean.is_not(None)).label("psfs"),
                end((c.created_at, c.id)).label("first"),
                end((c.created_at.desc(), c.id.desc())).label("last"),
            ).where(people.id.in_(ids))
        ):
            fact = facts[row.id]
            fact.last_session, fact.last_checkin, fact.last_psfs = row.session, row.checkin, row.psfs
            ends[row.id] = (row.first, row.last)
        wanted = {i for pair in ends.values() for i in pair if i is not None}
        scores = {
            row.id: (row.pain, row.numbness)
            for row in db.execute(select(c.id, c.pain, c.numbness).where(c.id.in_(wanted)))
        } if wanted else {}  # fmt: skip
        for person, (first, last) in ends.items():
            facts[person].first_scores = scores.get(first) if first is not None else None
            facts[person].last_scores = scores.get(last) if last is not None else None
        q = t.questionnaire_schedules.c
        for row in db.execute(
            select(q.person_id, q.questionnaire, q.every_days, q.starts_on).where(q.person_id.in_(ids))
        ):
            facts[row.person_id].schedules.append((row.questionnaire, row.every_days, row.starts_on))
        fu = t.follow_ups.c
        for row in db.execute(
            select(fu.person_id, func.min(fu.at).label("next"))
            .where(and_(fu.person_id.in_(ids), fu.at >= now))
            .group_by(fu.person_id)
        ):
            facts[row.person_id].next_follow_up = row.next
    return facts
