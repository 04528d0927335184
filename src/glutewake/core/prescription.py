"""A clinician's prescription: which exercises, at what dose, with what note, over how many
weeks and phases, on which weekdays; checked against the patient's triage and turned into a plan.

Pure: no I/O, no clock, no environment (the start date is an argument). The plan it builds is
an ordinary `Plan`: the patient's pages, calendar and session player show it as they show one
glutewake built, and the adapt rules change it (or propose changes, in "approval" mode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from glutewake.core.programme import Block, Plan, PlanChange, PlannedSession, Progression
from glutewake.core.selftests import Side
from glutewake.core.triage import TriageResult
from glutewake.knowledge.schema import Equipment, Knowledge, PhaseId

__all__ = [
    "LIMITS",
    "SECTIONS",
    "Conflict",
    "Override",
    "PhaseSpan",
    "Prescribed",
    "Prescription",
    "Section",
    "build",
    "conflicts",
    "from_plan",
    "problems",
    "unconfirmed",
]

Section = Literal["warm_up", "main", "stretches"]
SECTIONS: tuple[Section, ...] = ("warm_up", "main", "stretches")

# What a dose may be: (lowest, highest) for each number a clinician sets.
LIMITS = {
    "sets": (1, 10),
    "reps": (1, 50),
    "hold_seconds": (1, 300),
    "load_kg": (0, 200),
    "weeks": (1, 26),
}
NOTE_LENGTH = 500
_TEMPO = re.compile(r"\d{1,2}-\d{1,2}-\d{1,2}")


@dataclass(frozen=True)
class Prescribed:
    """One exercise as prescribed: its place in the session, its dose, and the weeks it is done."""

    exercise_id: str
    sets: int
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    load_kg: float | None = None
    tempo: str | None = None  # seconds up, hold, down, such as 2-1-3
    note: str | None = None
    section: Section = "main"
    from_week: int = 1
    to_week: int | None = None  # None: to the end

    def in_week(self, week: int) -> bool:
        return self.from_week <= week and (self.to_week is None or week <= self.to_week)


@dataclass(frozen=True)
class PhaseSpan:
    phase: PhaseId
    weeks: int


@dataclass(frozen=True)
class Override:
    """A clinician's explicit confirmation of an exercise the triage rules out, and why."""

    exercise_id: str
    reason: str


@dataclass(frozen=True)
class Prescription:
    exercises: tuple[Prescribed, ...]
    phases: tuple[PhaseSpan, ...] = (PhaseSpan("wake_up", 2), PhaseSpan("strengthen", 2))
    weekdays: tuple[int, ...] = (0, 2, 4)  # Monday 0
    progression: Progression = "automatic"
    note: str | None = None  # to the patient, about the whole programme
    overrides: tuple[Override, ...] = ()

    @property
    def weeks(self) -> int:
        return sum(span.weeks for span in self.phases)

    def phase_in(self, week: int) -> PhaseId:
        end = 0
        for span in self.phases:
            end += span.weeks
            if week <= end:
                return span.phase
        return self.phases[-1].phase


@dataclass(frozen=True)
class Conflict:
    """An exercise the patient's latest triage rules out, and the reason in words."""

    exercise_id: str
    why: str


def problems(prescription: Prescription, kb: Knowledge) -> list[str]:
    """What is wrong with a prescription, each in words that say how to put it right."""
    found: list[str] = []

    def within(what: str, value: float | None, name: str) -> None:
        low, high = LIMITS[what]
        if value is not None and not low <= value <= high:
            found.append(f"{name}: {what.replace('_', ' ')} must be from {low} to {high}, not {value:g}")

    if not prescription.exercises:
        found.append("add at least one exercise")
    if not prescription.phases:
        found.append("give the programme at least one phase")
    for span in prescription.phases:
        within("weeks", span.weeks, f"the {span.phase.replace('_', '-')} phase")
    if not 1 <= prescription.weeks <= LIMITS["weeks"][1]:
        found.append(f"a programme lasts 1 to {LIMITS['weeks'][1]} weeks, not {prescription.weeks}")
    if not prescription.weekdays or not set(prescription.weekdays) <= set(range(7)):
        found.append("choose at least one weekday")
    if prescription.note and len(prescription.note) > NOTE_LENGTH:
        found.append(f"the note to the patient is too long (at most {NOTE_LENGTH} characters)")
    for item in prescription.exercises:
        exercise = kb.exercises.get(item.exercise_id)
        if exercise is None:
            found.append(f"{item.exercise_id!r} is not an exercise in the library")
            continue
        name = exercise.name
        if (item.reps is None) == (item.hold_seconds is None):
            found.append(f"{name}: give either reps or hold seconds")
        within("sets", item.sets, name)
        within("reps", item.reps, name)
        within("hold_seconds", item.hold_seconds, name)
        within("load_kg", item.load_kg, name)
        if item.tempo and not _TEMPO.fullmatch(item.tempo):
            found.append(f"{name}: write the tempo as seconds up-hold-down, such as 2-1-3")
        if item.note and len(item.note) > NOTE_LENGTH:
            found.append(f"{name}: the note is too long (at most {NOTE_LENGTH} characters)")
        if item.from_week < 1 or (item.to_week is not None and item.to_week < item.from_week):
            found.append(f"{name}: the weeks run from week 1, and the last week is not before the first")
        elif item.from_week > prescription.weeks:
            found.append(
                f"{name}: starts in week {item.from_week}, after the programme's {prescription.weeks} weeks"
            )
    return found


def conflicts(prescription: Prescription, triage_result: TriageResult, kb: Knowledge) -> list[Conflict]:
    """Each prescribed exercise the triage rules out: every exercise while it says to see a
    clinician first, anything beyond gentle activation under "gentle", and exercises that a
    likely cause or a contraindication (pregnancy, a hip replacement) names."""
    avoided = set(triage_result.plan_avoids)
    found: list[Conflict] = []
    for exercise_id in dict.fromkeys(item.exercise_id for item in prescription.exercises):
        exercise = kb.exercises[exercise_id]
        if triage_result.exercise == "none":
            found.append(
                Conflict(exercise_id, "the latest symptom check says to see a clinician before exercising")
            )
        elif triage_result.exercise == "gentle" and exercise.min_exercise_level != "gentle":
            found.append(Conflict(exercise_id, "the latest symptom check allows gentle exercises only"))
        elif names := [kb.avoid_name(a) for a in exercise.avoid_with if a in avoided]:
            found.append(Conflict(exercise_id, "not advised with " + " or ".join(names)))
    return found


def unconfirmed(prescription: Prescription, triage_result: TriageResult, kb: Knowledge) -> list[Conflict]:
    """The conflicts no override with a reason confirms: a prescription with any is not saved."""
    confirmed = {o.exercise_id for o in prescription.overrides if o.reason.strip()}
    return [c for c in conflicts(prescription, triage_result, kb) if c.exercise_id not in confirmed]


def from_plan(plan: Plan) -> Prescription:
    """A prescription to start from that gives this plan's exercises: each at its first dose,
    in the weeks it appears, with the plan's phases and weekdays."""
    first: dict[tuple[Section, str], tuple[Block, int]] = {}
    last: dict[tuple[Section, str], int] = {}
    for session in plan.sessions:
        week = (session.day - plan.start_date).days // 7 + 1
        for section in SECTIONS:
            for block in getattr(session, section):
                first.setdefault((section, block.exercise_id), (block, week))
                last[(section, block.exercise_id)] = week
    weeks = max(last.values(), default=4)
    spans: list[PhaseSpan] = []
    for session in plan.sessions:
        week = (session.day - plan.start_date).days // 7 + 1
        if not spans or spans[-1].phase != session.phase:
            spans.append(PhaseSpan(session.phase, 0))
        spans[-1] = PhaseSpan(session.phase, week - sum(s.weeks for s in spans[:-1]))
    exercises = tuple(
        Prescribed(
            block.exercise_id,
            block.sets,
            block.reps,
            block.hold_seconds,
            block.per_side,
            block.load_kg,
            block.tempo,
            block.note,
            section,
            from_week,
            None if last[(section, block.exercise_id)] == weeks else last[(section, block.exercise_id)],
        )
        for (section, _), (block, from_week) in sorted(first.items(), key=lambda kv: SECTIONS.index(kv[0][0]))
    )
    weekdays = tuple(sorted({s.day.weekday() for s in plan.sessions})) or (0, 2, 4)
    return Prescription(
        exercises, tuple(s for s in spans if s.weeks > 0) or (PhaseSpan("wake_up", weeks),), weekdays
    )


def build(
    prescription: Prescription,
    start: date,
    triage_result: TriageResult,
    *,
    weaker_side: Side | None,
    equipment: Equipment,
    by: str,
    kb: Knowledge,
) -> Plan:
    """The plan the prescription gives from `start`: a session on each chosen weekday, each with
    the exercises of its week. The caller has checked `problems` and `unconfirmed`."""
    sessions: list[PlannedSession] = []
    for offset in range(prescription.weeks * 7):
        day = start + timedelta(offset)
        if day.weekday() not in prescription.weekdays:
            continue
        week = offset // 7 + 1
        blocks = {
            section: tuple(
                Block(
                    p.exercise_id,
                    p.sets,
                    p.reps,
                    p.hold_seconds,
                    p.per_side,
                    p.load_kg,
                    weaker_side if p.per_side and section == "main" else None,
                    p.tempo,
                    p.note,
                )
                for p in prescription.exercises
                if p.section == section and p.in_week(week)
            )
            for section in SECTIONS
        }
        if any(blocks.values()):
            sessions.append(
                PlannedSession(
                    day,
                    prescription.phase_in(week),
                    blocks["warm_up"],
                    blocks["main"],
                    blocks["stretches"],
                    kb.programme.desk_habits,
                )
            )
    avoided = triage_result.plan_avoids
    reason = f"prescribed by {by}" + (f": {prescription.note}" if prescription.note else "")
    ruled_out = {c.exercise_id: c.why for c in conflicts(prescription, triage_result, kb)}
    confirmed = tuple(
        PlanChange(start, "prescribed", "clinician_override", f"{kb.exercises[o.exercise_id].name} confirmed by {by} although {ruled_out[o.exercise_id]}: {o.reason}", by)
        for o in prescription.overrides
        if o.exercise_id in ruled_out
    )  # fmt: skip
    advice = ("Stop any exercise that causes pain, and do the symptom check again if symptoms change.",)
    return Plan(
        start,
        "active",
        triage_result.exercise,
        equipment,
        weaker_side,
        avoided,
        tuple(sessions),
        (),
        advice=(prescription.note, *advice) if prescription.note else advice,
        changes=(PlanChange(start, "prescribed", "clinician", reason, by), *confirmed),
        prescribed_by=by,
        progression=prescription.progression,
    )
