"""The personal programme: build a four-week plan, and adapt it from session feedback.

Pure: no I/O, no clock (the start date and the history are arguments). How plans are
built and changed is data in `knowledge/data/programme.yaml`; this module applies it.
The dataclasses are also the stored form of a plan (`glutewake.codec` reads and writes them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from glutewake.core.selftests import SelfTestResult, Side
from glutewake.core.triage import TriageResult
from glutewake.knowledge.schema import (
    EXERCISE_ORDER,
    AdaptRule,
    Equipment,
    Exercise,
    ExerciseLevel,
    Knowledge,
    PhaseId,
)

__all__ = [
    "Block",
    "ChangeAction",
    "CheckinOutcome",
    "Event",
    "Plan",
    "PlanChange",
    "PlannedSession",
    "Profile",
    "Progression",
    "SessionOutcome",
    "UnknownChange",
    "adapt",
    "build_plan",
    "decide_change",
    "follow_check",
    "reason_why",
    "resume",
]

Status = Literal["active", "stopped", "not_started"]


@dataclass(frozen=True)
class Profile:
    """What the plan is fitted to: the kit, the time, the days, and the activities the person
    rates at each check-in (PSFS). Age and sex belong to the symptom check, which uses them."""

    equipment: Equipment = "none"
    minutes_per_session: int = 20
    preferred_days: tuple[int, ...] | None = None  # weekdays, Monday 0; None: every other day
    psfs_activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One exercise in a session: sets of reps or holds, per side or not, perhaps loaded."""

    exercise_id: str
    sets: int
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    load_kg: float | None = None
    extra_side: Side | None = None  # one extra set on this (weaker) side
    tempo: str | None = None  # a clinician's "lift-hold-lower" seconds, such as 2-1-3
    note: str | None = None  # a clinician's note to the patient about this exercise

    def describe(self) -> str:
        amount = f"{self.reps} reps" if self.reps is not None else f"{self.hold_seconds} s"
        text = f"{self.sets} × {amount}" + (" each side" if self.per_side else "")
        if self.load_kg is not None:
            text += f" with {self.load_kg:g} kg"
        if self.tempo:
            text += f" at tempo {self.tempo} (seconds up, hold, down)"
        if self.extra_side:
            text += f", and 1 extra set on the {self.extra_side} side (the weaker one)"
        return text


@dataclass(frozen=True)
class PlannedSession:
    day: date
    phase: PhaseId
    warm_up: tuple[Block, ...]
    main: tuple[Block, ...]
    stretches: tuple[Block, ...]
    desk_habits: tuple[str, ...]

    @property
    def blocks(self) -> tuple[Block, ...]:
        return (*self.warm_up, *self.main, *self.stretches)

    @property
    def set_count(self) -> int:
        """Sets to do, counting each side of a one-sided exercise and any extra weaker-side set."""
        return sum(b.sets * (2 if b.per_side else 1) + (1 if b.extra_side else 0) for b in self.blocks)


ChangeAction = Literal[
    "progressed", "regressed", "stopped", "prescribed", "declined", "restricted", "resumed"
]
Progression = Literal["automatic", "approval"]


@dataclass(frozen=True)
class PlanChange:
    """A change to a plan, or (in `Plan.pending`) one proposed; `by` is the clinician who made
    or decided it, None when glutewake's adapt rules made it on their own."""

    on: date
    action: ChangeAction
    rule: str
    reason: str
    by: str | None = None
    event: int = 0  # which event (session or check-in, counted from 0) brought it
    at: datetime | None = None  # the moment, when it matters (a safety stop by a newer check)

    @property
    def why(self) -> str:
        """The reason without its leading action word ("stopped: pain rising" -> "pain rising")."""
        return reason_why(self.reason)

    @property
    def key(self) -> str:
        """What names a proposed change when a clinician decides it (two on one day differ by event)."""
        return f"{self.on.isoformat()}:{self.rule}:{self.event}"


@dataclass(frozen=True)
class Plan:
    """A personal programme; `changes` says why it differs from how it was built."""

    start_date: date
    status: Status
    exercise_level: ExerciseLevel
    equipment: Equipment
    weaker_side: Side | None
    avoid_with: tuple[str, ...]
    sessions: tuple[PlannedSession, ...]
    maintenance: tuple[Block, ...]
    advice: tuple[str, ...] = ()
    changes: tuple[PlanChange, ...] = ()
    adapted_through: int = 0  # how many session outcomes have been applied
    # A clinician's plan: who prescribed it, and whether progressions wait for their approval
    # (stopping for safety never waits).
    prescribed_by: str | None = None
    progression: Progression = "automatic"
    pending: tuple[PlanChange, ...] = ()  # proposed, awaiting the clinician

    def session_on(self, day: date) -> PlannedSession | None:
        return next((s for s in self.sessions if s.day == day), None)

    def next_session(self, day: date) -> PlannedSession | None:
        return next((s for s in self.sessions if s.day >= day), None)


# --- building -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    """What a plan may contain: the person's kit, the triage's exercise level, causes to respect."""

    kb: Knowledge
    kit: frozenset[str]
    level: ExerciseLevel
    avoid_with: frozenset[str]

    def allows(self, exercise: Exercise) -> bool:
        return (
            set(exercise.equipment) <= self.kit | {"chair"}
            and (self.level == "full" or exercise.min_exercise_level == "gentle")
            and not self.avoid_with & set(exercise.avoid_with)
        )

    def pool(self, ids: Sequence[str]) -> list[str]:
        return [i for i in ids if self.allows(self.kb.exercises[i])]

    def block(self, exercise_id: str, weaker: Side | None = None) -> Block:
        exercise = self.kb.exercises[exercise_id]
        dose = exercise.dose
        loaded = bool({"dumbbells", "barbell"} & set(exercise.equipment))
        return Block(
            exercise_id,
            dose.sets,
            dose.reps,
            dose.hold_seconds,
            dose.per_side,
            self.kb.programme.progression.start_load_kg if loaded else None,
            weaker if dose.per_side else None,
        )


def _fit(kb: Knowledge, equipment: Equipment, level: ExerciseLevel, avoid_with: Sequence[str]) -> _Fit:
    return _Fit(kb, frozenset(kb.programme.kits[equipment]), level, frozenset(avoid_with))


def _session_days(profile: Profile, start: date, days: int, every: int) -> list[date]:
    if profile.preferred_days:
        wanted = set(profile.preferred_days)
        return [start + timedelta(n) for n in range(days) if (start + timedelta(n)).weekday() in wanted]
    return [start + timedelta(n) for n in range(0, days, every)]


def _minutes(block: Block, exercise: Exercise) -> float:
    tempo = exercise.tempo
    rep_seconds = (tempo.lift_seconds + tempo.hold_seconds + tempo.lower_seconds) if tempo else 3
    work = block.reps * rep_seconds if block.reps is not None else block.hold_seconds or 0
    sides = 2 if block.per_side else 1
    return (block.sets * (work * sides + exercise.dose.rest_seconds)) / 60


def build_plan(
    profile: Profile,
    triage_result: TriageResult,
    selftest_result: SelfTestResult | None,
    start_date: date,
    kb: Knowledge,
) -> Plan:
    """A plan of about four weeks fitted to the person, or no sessions when they should see a clinician."""
    programme = kb.programme
    # Likely causes and the triage's contraindications (pregnancy, a hip replacement) both
    # take out the exercises that name them in `avoid_with`.
    likely = triage_result.plan_avoids
    weaker = selftest_result.weaker_side if selftest_result else None
    level = triage_result.exercise
    if level == "none":
        return Plan(
            start_date, "not_started", level, profile.equipment, weaker, likely, (), (),
            advice=("Please see a clinician before starting glute exercises.", *triage_result.advice.now),
        )  # fmt: skip
    fit = _fit(kb, profile.equipment, level, likely)
    warm_up_pool = fit.pool(programme.warm_up_activation)
    stretch_pool = fit.pool(programme.stretches)
    sessions: list[PlannedSession] = []
    per_phase: dict[str, int] = {}
    for day in _session_days(profile, start_date, programme.days, programme.every_other_day):
        offset = (day - start_date).days
        phase = [p for p in programme.phases if p.from_day <= offset][-1]
        phase_id: PhaseId = "wake_up" if level == "gentle" else phase.id
        pool = fit.pool(programme.gentle_main if level == "gentle" else phase.main)
        nth = per_phase.get(phase_id, 0)
        per_phase[phase_id] = nth + 1
        main = _choose_main(fit, pool, nth, profile.minutes_per_session, weaker)
        activation = [i for i in warm_up_pool if i not in {b.exercise_id for b in main}][:1]
        warm_up = (fit.block(programme.warm_up_move), *(replace(fit.block(i), sets=1) for i in activation))
        stretches = tuple(
            fit.block(stretch_pool[(nth + k) % len(stretch_pool)]) for k in range(min(2, len(stretch_pool)))
        )
        sessions.append(PlannedSession(day, phase_id, warm_up, main, stretches, programme.desk_habits))
    maintenance = tuple(fit.block(i, weaker) for i in fit.pool(programme.maintenance))
    advice = ("Stop any exercise that causes pain, and do the symptom check again if symptoms change.",)
    return Plan(
        start_date, "active", level, profile.equipment, weaker, likely, tuple(sessions), maintenance, advice
    )


def _choose_main(
    fit: _Fit, pool: list[str], nth: int, minutes: int, weaker: Side | None
) -> tuple[Block, ...]:
    """Two or three exercises, rotating through the pool so sessions vary, kept in pool order."""
    budget = minutes - fit.kb.programme.progression.session_overhead_minutes
    start = (nth * 2) % len(pool)
    rotated = [pool[(start + k) % len(pool)] for k in range(len(pool))]
    chosen = rotated[:2]
    third = rotated[2:3]
    spent = sum(_minutes(fit.block(i), fit.kb.exercises[i]) for i in chosen)
    if third and spent + _minutes(fit.block(third[0]), fit.kb.exercises[third[0]]) <= budget:
        chosen += third
    return tuple(fit.block(i, weaker) for i in sorted(chosen, key=pool.index))


# --- adapting -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionOutcome:
    """How one session went: the feedback and whether every planned set was done."""

    day: date
    rpe: int
    pain: int
    felt: tuple[str, ...]
    all_sets_done: bool


@dataclass(frozen=True)
class CheckinOutcome:
    """What a check-in found: a red flag, or a clear worsening, sends the person back to triage."""

    day: date
    red_flag: bool
    worse: bool


Event = SessionOutcome | CheckinOutcome


def _signals(history: Sequence[Event], plan: Plan) -> dict[str, Any]:
    event = history[-1]
    sessions = [e for e in history if isinstance(e, SessionOutcome)]
    pains = [o.pain for o in sessions]
    rises = 0
    for earlier, later in zip(reversed(pains[:-1]), reversed(pains[1:]), strict=False):
        if later <= earlier:
            break
        rises += 1
    last = sessions[-1] if sessions else None
    checkin = event if isinstance(event, CheckinOutcome) else None
    return {
        "new_red_flag": checkin is not None and checkin.red_flag,
        "checkin_worse": checkin is not None and checkin.worse,
        "session": checkin is None,
        "pain_rising_sessions": rises,
        "pain": last.pain if last else 0,
        "rpe": last.rpe if last else 0,
        "felt": set(last.felt) if last else set(),
        "all_sets_done": last.all_sets_done if last else False,
        "pains": " → ".join(str(p) for p in pains[-(rises + 1) :]),
        "supervised": plan.prescribed_by is not None,
    }


def rule_matches(rule: AdaptRule, signals: Mapping[str, Any]) -> bool:
    """Whether every condition the rule gives holds; session rules need a session event."""
    when = rule.when
    about_checkin = when.new_red_flag is not None or when.checkin_worse is not None
    checks = [
        about_checkin or signals["session"],
        when.new_red_flag is None or signals["new_red_flag"] == when.new_red_flag,
        when.checkin_worse is None or signals["checkin_worse"] == when.checkin_worse,
        when.pain_rising_sessions is None or signals["pain_rising_sessions"] >= when.pain_rising_sessions,
        when.pain_at_least is None or signals["pain"] >= when.pain_at_least,
        when.pain_at_most is None or signals["pain"] <= when.pain_at_most,
        when.rpe_at_most is None or signals["rpe"] <= when.rpe_at_most,
        when.felt is None or when.felt in signals["felt"],
        when.all_sets_done is None or signals["all_sets_done"] == when.all_sets_done,
        when.supervised is None or signals["supervised"] == when.supervised,
    ]
    return all(checks)


def adapt(plan: Plan, history: Sequence[Event], kb: Knowledge) -> Plan:
    """Apply each event (session or check-in) not yet applied, in order; the first matching rule
    decides. On a plan whose progression needs approval, a progression or regression is proposed
    (`pending`) instead of made; a stop is always made at once."""
    for index in range(plan.adapted_through, len(history)):
        if plan.status != "active":
            return replace(plan, adapted_through=len(history))
        signals = _signals(history[: index + 1], plan)
        rule = next((r for r in kb.programme.adapt_rules if rule_matches(r, signals)), None)
        if rule is not None:
            day = history[index].day
            reason = rule.reason.format(**signals)
            change = PlanChange(day, _PAST[rule.action], rule.id, reason, event=index)  # type: ignore[arg-type]
            if rule.action != "stop" and plan.progression == "approval":
                plan = replace(plan, pending=(*plan.pending, change))
            else:
                plan = _apply(plan, change, day, kb)
        plan = replace(plan, adapted_through=index + 1)
    return plan


class UnknownChange(LookupError):
    """No proposed change of that name (already decided, or never proposed)."""


def decide_change(
    plan: Plan, key: str, *, approve: bool, today: date, by: str, note: str, kb: Knowledge
) -> Plan:
    """A clinician's decision on a proposed change: approved, it changes the sessions after
    `today`; declined, the plan stays as it is. Either way the decision is kept with who made it."""
    change = next((c for c in plan.pending if c.key == key), None)
    if change is None:
        raise UnknownChange(key)
    plan = replace(plan, pending=tuple(c for c in plan.pending if c.key != key))
    why = f"{change.reason}" + (f"; {note}" if note else "")
    if approve and plan.status == "active":
        return _apply(plan, replace(change, on=today, reason=f"{why} (approved)", by=by), today, kb)
    declined = PlanChange(today, "declined", change.rule, f"kept as it was, not {why}", by)
    return replace(plan, changes=(*plan.changes, declined))


_PAST = {"stop": "stopped", "regress": "regressed", "progress": "progressed"}
# The words reasons begin with ("stopped: ...", "made gentle: ..."), as programme.yaml writes them.
_ACTION_WORDS = frozenset({"stopped", "regressed", "progressed", "made gentle", "changed", "paused"})


def reason_why(reason: str) -> str:
    """A change's reason without its leading action word, for a sentence of one's own."""
    head, _, rest = reason.partition(": ")
    return rest if rest and head in _ACTION_WORDS else reason


def follow_check(
    plan: Plan,
    result: TriageResult,
    day: date,
    kb: Knowledge,
    *,
    at: datetime | None = None,
    since: date | None = None,
) -> Plan:
    """The plan as a newer symptom check allows it, from `since` (default `day`, the check's
    day; earlier for a session left part-way before it): stopped when the check rules exercise
    out; otherwise each exercise the check rules out (beyond gentle, or named by a likely cause
    or a contraindication) swapped for an easier one it allows, or dropped, saying what changed.
    A check that allows more changes nothing (the person is offered a new plan instead).
    Idempotent: judged by what the sessions hold, so a second pass finds nothing to change."""
    if plan.status != "active":
        return plan
    start = min(day, since) if since else day
    if result.exercise == "none":
        stop = PlanChange(day, "stopped", "check_rules_out_exercise", kb.programme.follow_check.stop, at=at)
        return replace(plan, status="stopped", exercise_level="none", changes=(*plan.changes, stop))
    named = {tag for exercise in kb.exercises.values() for tag in exercise.avoid_with}
    avoid = tuple(dict.fromkeys((*plan.avoid_with, *(t for t in result.plan_avoids if t in named))))
    # Judged whatever kit it needs (a clinician may prescribe beyond the profile's); swapped for
    # what the person's own kit allows.
    every_kit = frozenset(e for kit in kb.programme.kits.values() for e in kit)
    judge = _Fit(kb, every_kit, result.exercise, frozenset(avoid))
    fit = _fit(kb, plan.equipment, result.exercise, avoid)
    if all(
        judge.allows(kb.exercises[b.exercise_id]) for s in plan.sessions if s.day >= start for b in s.blocks
    ):
        return plan
    swaps: dict[str, str | None] = {}

    def allowed(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        kept: list[Block] = []
        for block in blocks:
            if judge.allows(kb.exercises[block.exercise_id]):
                kept.append(block)
                continue
            easier = _easier_allowed(block.exercise_id, fit)
            swaps[block.exercise_id] = easier
            if easier is not None and easier not in {b.exercise_id for b in kept}:
                kept.append(replace(fit.block(easier, plan.weaker_side), note=block.note))
        return tuple(kept)

    phase: PhaseId | None = "wake_up" if result.exercise == "gentle" else None  # gentle is wake-up work
    sessions = tuple(
        s
        if s.day < start
        else replace(
            s,
            phase=phase or s.phase,
            warm_up=allowed(s.warm_up),
            main=allowed(s.main),
            stretches=allowed(s.stretches),
        )
        for s in plan.sessions
    )
    sessions = tuple(s if s.main or s.day < start else _refill(s, fit, plan.weaker_side) for s in sessions)
    names = [
        f"{kb.exercises[old].name} → {kb.exercises[new].name}"
        if new
        else f"{kb.exercises[old].name} left out"
        for old, new in swaps.items()
    ]
    texts = kb.programme.follow_check
    reason = texts.gentle if result.exercise == "gentle" else texts.avoid
    change = PlanChange(
        day, "restricted", "check_restricts_exercise", f"{reason} ({'; '.join(names)})", at=at
    )
    level = min(plan.exercise_level, result.exercise, key=EXERCISE_ORDER.index)
    return replace(
        plan,
        exercise_level=level,
        avoid_with=avoid,
        sessions=sessions,
        maintenance=tuple(b for b in plan.maintenance if judge.allows(kb.exercises[b.exercise_id])),
        changes=(*plan.changes, change),
    )


def _easier_allowed(exercise_id: str, fit: _Fit) -> str | None:
    """The nearest easier version of an exercise that `fit` allows, going down its regressions."""
    seen, frontier = {exercise_id}, [exercise_id]
    while frontier:
        following: list[str] = []
        for current in frontier:
            for easier in fit.kb.exercises[current].regressions:
                if easier in seen:
                    continue
                if fit.allows(fit.kb.exercises[easier]):
                    return easier
                seen.add(easier)
                following.append(easier)
        frontier = following
    return None


def _refill(session: PlannedSession, fit: _Fit, weaker: Side | None) -> PlannedSession:
    """A session left with no main exercise gets the first two gentle ones that are allowed."""
    pool = fit.pool(fit.kb.programme.gentle_main)
    return replace(session, main=tuple(fit.block(i, weaker) for i in pool[:2]))


def resume(plan: Plan, today: date, *, by: str, note: str, easier: bool, kb: Knowledge) -> Plan:
    """A clinician goes on with a programme paused for safety, from tomorrow; with `easier`,
    each exercise after today steps down once. The decision is kept with who made it and why."""
    if plan.status != "stopped":
        return plan
    change = PlanChange(
        today, "resumed", "clinician_resumed", f"resumed by {by}" + (f": {note}" if note else ""), by
    )
    plan = replace(plan, status="active", changes=(*plan.changes, change))
    if easier:
        step_down = PlanChange(today, "regressed", "clinician_resumed", "each exercise a step easier", by)
        plan = _apply(plan, step_down, today, kb)
    return plan


def _apply(plan: Plan, change: PlanChange, after: date, kb: Knowledge) -> Plan:
    """The change made: the plan stopped, or each session after `after` stepped up or down."""
    if change.action == "stopped":
        return replace(plan, status="stopped", changes=(*plan.changes, change))
    fit = _fit(kb, plan.equipment, plan.exercise_level, plan.avoid_with)
    step = _progress if change.action == "progressed" else _regress
    sessions = tuple(
        s if s.day <= after else replace(s, main=tuple(step(b, fit, plan.weaker_side) for b in s.main))
        for s in plan.sessions
    )
    return replace(plan, sessions=sessions, changes=(*plan.changes, change))


def _progress(block: Block, fit: _Fit, weaker: Side | None) -> Block:
    """More reps (or longer holds), then a harder variation, then more load."""
    p = fit.kb.programme.progression
    if block.reps is not None and block.reps < p.max_reps:
        return replace(block, reps=min(block.reps + p.rep_step, p.max_reps))
    if block.hold_seconds is not None and block.hold_seconds < p.max_hold_seconds:
        return replace(block, hold_seconds=min(block.hold_seconds + p.hold_step, p.max_hold_seconds))
    harder = fit.pool(fit.kb.exercises[block.exercise_id].progressions)
    if harder:
        return fit.block(harder[0], weaker)
    if block.load_kg is not None:
        return replace(block, load_kg=block.load_kg + p.load_step_kg)
    return block


def _regress(block: Block, fit: _Fit, weaker: Side | None) -> Block:
    """Less load, then an easier variation, then fewer reps (or shorter holds)."""
    p = fit.kb.programme.progression
    if block.load_kg is not None and block.load_kg > p.start_load_kg:
        return replace(block, load_kg=max(block.load_kg - p.load_step_kg, p.start_load_kg))
    easier = fit.pool(fit.kb.exercises[block.exercise_id].regressions)
    if easier:
        return fit.block(easier[0], weaker)
    if block.reps is not None:
        return replace(block, reps=max(block.reps - p.rep_step, p.min_reps))
    if block.hold_seconds is not None:
        return replace(block, hold_seconds=max(block.hold_seconds - p.hold_step, p.min_hold_seconds))
    return block
