"""The export format, version 2: a person's records as the domain sees them, not as tables.

Checks, self-tests, plans (each with its sessions, as the plan reads), sessions done (each
with its sets and its feedback, pointing at a plan by its place in the list and a day),
check-ins, sitting bouts and coach events. No row ids and no table names: the store's
layout can change from migration to migration and a version 2 file means the same.

The models below define the format; what the domain already defines (a case, a triage
result, a self-test result, a plan, the profile) is the domain's own dataclass, read and
written by `glutewake.codec` exactly as the store keeps it. A file is checked strictly (every
field known, of its type; dates as ISO text with a time zone) and a problem is named where it
is. Version 1 (the tables of schema 0002) is still read by `app.transfer`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, Strict

from glutewake import codec
from glutewake.core import programme, selftests, triage

__all__ = ["FORMAT", "VERSION", "Records", "from_tables", "to_tables"]

FORMAT: Literal["glutewake-export"] = "glutewake-export"
VERSION: Literal[2] = 2


def _moment(value: object) -> object:
    if isinstance(value, datetime):  # from the store; a file gives text
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date and time written as text, such as 2026-11-23T09:00:00+00:00")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("has no time zone")
    return moment


def _day(value: object) -> object:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date written as text, such as 2026-11-23")
    return date.fromisoformat(value)


When = Annotated[datetime, BeforeValidator(_moment)]
Day = Annotated[date, BeforeValidator(_day)]
Whole = Annotated[int, Strict(), Field(ge=0, lt=2**31)]
Score = Annotated[int, Strict(), Field(ge=0, le=10)]
Index = Annotated[int, Strict(), Field(ge=0, lt=2**31)]  # a place in another list of the file
Text = Annotated[str, Field(max_length=2000)]
Word = Annotated[str, Field(max_length=64)]


def _read(kind: type) -> BeforeValidator:
    """Check a field holding one of the domain's dataclasses with the codec, as the store reads it."""

    def read(value: object) -> object:
        if isinstance(value, kind):
            return value
        try:
            return codec.load(kind, value)
        except codec.ShapeError as error:
            raise ValueError(str(error)) from None

    return BeforeValidator(read)


_WRITE = PlainSerializer(codec.dump, return_type=dict[str, Any])  # as the store writes it
Case = Annotated[triage.Case, _read(triage.Case), _WRITE]
TriageResult = Annotated[triage.TriageResult, _read(triage.TriageResult), _WRITE]
SelfTestResult = Annotated[selftests.SelfTestResult, _read(selftests.SelfTestResult), _WRITE]
DomainPlan = Annotated[programme.Plan, _read(programme.Plan), _WRITE]
Profile = Annotated[programme.Profile, _read(programme.Profile), _WRITE]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Model):
    at: When
    case: Case
    result: TriageResult


class SelfTest(_Model):
    at: When
    result: SelfTestResult


class Plan(_Model):
    created_at: When
    status: Annotated[str, Field(max_length=16)]
    from_check: Index | None = Field(None, description="The place in `checks` of the check it was built from")
    plan: DomainPlan = Field(description="The plan with its sessions, as glutewake reads it")


class FlagKept(_Model):
    """A form flag the camera coach raised during a set: which check, when in the set, which rep."""

    id: Word
    t: Annotated[float, Field(ge=0, le=3600, allow_inf_nan=False)]
    rep: Annotated[int, Field(ge=1, le=500)] | None = None


class SetDone(_Model):
    done_at: When
    exercise_id: Word
    side: Annotated[str, Field(max_length=8)] | None = None
    reps: Whole | None = None
    seconds: Whole | None = None
    load_kg: Annotated[float, Field(ge=0, le=1000)] | None = None
    target_reps: Whole | None = None
    target_seconds: Whole | None = None
    counted_by: Literal["camera"] | None = None
    form_flags: Annotated[list[FlagKept], Field(max_length=100)] | None = None


class Feedback(_Model):
    at: When
    rpe: Score
    pain: Score
    felt: list[Word]


class Session(_Model):
    started_at: When
    finished_at: When | None = None
    status: Annotated[str, Field(max_length=16)]
    guided: Annotated[bool, Strict()]
    plan: Index | None = Field(None, description="The place in `plans` of the plan it belongs to")
    day: Day | None = Field(None, description="The plan's day it was planned for")
    sets: list[SetDone] = []
    feedback: Feedback | None = None


class Checkin(_Model):
    at: When
    pain: Score
    numbness: Score
    psfs: dict[Text, Score]
    red_flags: dict[Word, Annotated[bool, Strict()] | None]
    outcome: Annotated[str, Field(max_length=16)]
    notes: Text | None = None


class SittingBout(_Model):
    started_at: When
    ended_at: When
    active_seconds: Annotated[float, Field(ge=0, le=1e7)]


class CoachEvent(_Model):
    at: When
    kind: Annotated[str, Field(max_length=16)]
    exercise_id: Word | None = None


class Records(_Model):
    format: Literal["glutewake-export"]
    version: Literal[2]
    exported_at: When
    profile: Profile | None = None
    checks: list[Check] = []
    selftests: list[SelfTest] = []
    plans: list[Plan] = []
    sessions: list[Session] = []
    checkins: list[Checkin] = []
    sitting_bouts: list[SittingBout] = []
    coach_events: list[CoachEvent] = []


# --- from the store's rows (`Repository.dump`) and back ------------------------------------------

Tables = dict[str, list[dict[str, Any]]]


def from_tables(tables: Tables, exported_at: datetime) -> Records:
    """One person's rows, table by table, as a version 2 document."""
    checks = sorted(tables.get("triage_runs", []), key=lambda r: r["id"])
    check_at = {row["id"]: n for n, row in enumerate(checks)}
    plans = sorted(tables.get("plans", []), key=lambda r: r["id"])
    plan_at = {row["id"]: n for n, row in enumerate(plans)}
    planned: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(tables.get("planned_sessions", []), key=lambda r: (r["plan_id"], r["position"])):
        planned[row["plan_id"]].append(row)
    planned_by_id = {row["id"]: row for rows in planned.values() for row in rows}
    sets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(tables.get("set_logs", []), key=lambda r: r["id"]):
        sets[row["session_log_id"]].append(row)
    feedback = {row["session_log_id"]: row for row in tables.get("session_feedback", [])}
    profiles = tables.get("profile") or []
    profile = profiles[0] if profiles else None

    def session(row: dict[str, Any]) -> Session:
        slot = planned_by_id.get(row["planned_session_id"])
        said = feedback.get(row["id"])
        return Session(
            started_at=row["started_at"], finished_at=row["finished_at"], status=row["status"],
            guided=bool(row["guided"]), plan=None if slot is None else plan_at[slot["plan_id"]],
            day=None if slot is None else slot["day"],
            sets=[SetDone(**{k: v for k, v in s.items() if k in SetDone.model_fields}) for s in sets[row["id"]]],
            feedback=None if said is None else Feedback(
                at=said["created_at"], rpe=said["rpe"], pain=said["pain"], felt=said["felt"]
            ),
        )  # fmt: skip

    return Records.model_construct(
        format=FORMAT,
        version=VERSION,
        exported_at=exported_at,
        profile=None if profile is None else codec.load(programme.Profile, _profile_fields(profile)),
        checks=[
            Check(
                at=r["created_at"],
                case=codec.load(triage.Case, r["case"]),
                result=codec.load(triage.TriageResult, r["result"]),
            )
            for r in checks
        ],
        selftests=[
            SelfTest(at=r["created_at"], result=codec.load(selftests.SelfTestResult, r["result"]))
            for r in sorted(tables.get("selftest_results", []), key=lambda r: r["id"])
        ],
        plans=[
            Plan(
                created_at=r["created_at"],
                status=r["status"],
                from_check=check_at.get(r["triage_run_id"]),
                plan=codec.load(
                    programme.Plan, {**r["plan"], "sessions": [s["session"] for s in planned[r["id"]]]}
                ),
            )
            for r in plans
        ],
        sessions=[session(r) for r in sorted(tables.get("session_logs", []), key=lambda r: r["id"])],
        checkins=[
            Checkin(
                at=r["created_at"],
                **{k: r[k] for k in ("pain", "numbness", "psfs", "red_flags", "outcome", "notes")},
            )
            for r in sorted(tables.get("checkins", []), key=lambda r: r["id"])
        ],
        sitting_bouts=[
            SittingBout(
                started_at=r["started_at"], ended_at=r["ended_at"], active_seconds=r["active_seconds"]
            )
            for r in sorted(tables.get("sitting_bouts", []), key=lambda r: r["id"])
        ],
        coach_events=[
            CoachEvent(at=r["at"], kind=r["kind"], exercise_id=r["exercise_id"])
            for r in sorted(tables.get("coach_events", []), key=lambda r: r["id"])
        ],
    )


class NotConnected(ValueError):
    """A record of the file points at another that is not there; the message says which."""


def to_tables(records: Records, now: datetime) -> Tables:
    """The rows a version 2 document stands for, with ids of its own (the store gives new ones)."""
    tables: Tables = defaultdict(list)
    if records.profile is not None:
        tables["profile"].append({"id": 1, **codec.dump(records.profile), "updated_at": now})
    for n, check in enumerate(records.checks, start=1):
        tables["triage_runs"].append(
            {"id": n, "created_at": check.at, "urgency": check.result.urgency,
             "case": codec.dump(check.case), "result": codec.dump(check.result)}
        )  # fmt: skip
    for n, test in enumerate(records.selftests, start=1):
        tables["selftest_results"].append({"id": n, "created_at": test.at, "result": codec.dump(test.result)})
    slots: dict[tuple[int, date], int] = {}
    for n, plan in enumerate(records.plans):
        if plan.from_check is not None and plan.from_check >= len(records.checks):
            raise NotConnected(f"plan {n + 1}: from_check {plan.from_check} is not one of the checks")
        content = codec.dump(plan.plan)
        del content["sessions"]
        tables["plans"].append(
            {"id": n + 1, "created_at": plan.created_at, "status": plan.status,
             "start_date": plan.plan.start_date,
             "triage_run_id": None if plan.from_check is None else plan.from_check + 1, "plan": content}
        )  # fmt: skip
        for position, planned in enumerate(plan.plan.sessions):
            slots[(n, planned.day)] = len(tables["planned_sessions"]) + 1
            tables["planned_sessions"].append(
                {"id": slots[(n, planned.day)], "plan_id": n + 1, "day": planned.day, "position": position,
                 "phase": planned.phase, "session": codec.dump(planned)}
            )  # fmt: skip
    for n, done in enumerate(records.sessions, start=1):
        slot: int | None = None
        if done.plan is not None:
            if done.day is None or (done.plan, done.day) not in slots:
                raise NotConnected(f"session {n}: plan {done.plan + 1} has no session on {done.day}")
            slot = slots[(done.plan, done.day)]
        tables["session_logs"].append(
            {"id": n, "planned_session_id": slot, "started_at": done.started_at,
             "finished_at": done.finished_at, "status": done.status, "guided": int(done.guided)}
        )  # fmt: skip
        for kept in done.sets:
            tables["set_logs"].append(
                {"id": len(tables["set_logs"]) + 1, "session_log_id": n, **kept.model_dump()}
            )
        if done.feedback is not None:
            said = done.feedback
            tables["session_feedback"].append(
                {
                    "session_log_id": n,
                    "created_at": said.at,
                    "rpe": said.rpe,
                    "pain": said.pain,
                    "felt": said.felt,
                }
            )
    for n, checkin in enumerate(records.checkins, start=1):
        tables["checkins"].append({"id": n, "created_at": checkin.at, **checkin.model_dump(exclude={"at"})})
    for n, bout in enumerate(records.sitting_bouts, start=1):
        tables["sitting_bouts"].append({"id": n, **bout.model_dump()})
    for n, event in enumerate(records.coach_events, start=1):
        tables["coach_events"].append({"id": n, **event.model_dump()})
    return dict(tables)


def _profile_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {f.name: row[f.name] for f in dataclasses.fields(programme.Profile)}
