"""What the person may do now, from their records: the one question every page and command
that offers exercise asks first (the rules are in `core/clearance.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glutewake.app.plan_state import Snapshot, snapshot
from glutewake.codec import load
from glutewake.core.clearance import CheckinOnFile, CheckOnFile, Clearance, PlanOnFile, clearance
from glutewake.core.triage import Case, TriageResult

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.store import Stored

__all__ = ["current_clearance", "help_needed", "help_needed_if_kept", "plan_on_file"]


def current_clearance(ctx: Context, state: Snapshot | None = None) -> Clearance:
    """What the person may do now: no exercise, gentle only or their full plan, and why
    (`state`: the records already read in this request, if any). Times are the person's own."""
    state = state or snapshot(ctx)
    check, checkins = _check_and_checkins(ctx, state.latest_check)
    return clearance(check, checkins, plan_on_file(state), ctx.knowledge)


def help_needed(ctx: Context) -> Clearance | None:
    """What the person may do now, when it says they need help today or now (else None): what
    every page of theirs leads with. Only the latest check and the check-ins since can call for
    help, so those two are read first; the whole clearance only when they do (a clinician's
    override, which needs the plan, can answer it). The answer is kept until anything in the
    store changes (every page asks; on SQLite, the records are read again only after a write)."""
    return ctx.records.kept(_help_key(ctx), lambda: _help_needed(ctx))


def help_needed_if_kept(ctx: Context) -> tuple[bool, Clearance | None]:
    """(True, `help_needed`'s answer) when it is kept and current (no record need be read);
    else (False, None)."""
    found, answer = ctx.records.peek(_help_key(ctx))
    return found, answer


def _help_key(ctx: Context) -> tuple[str, str, str, object]:
    # What the answer depends on besides the records: the knowledge's rules and words, and the
    # person's offset from UTC (which day a record falls on).
    return ("help_needed", ctx.knowledge.digest, ctx.knowledge.region, ctx.clock.now().utcoffset())


def _help_needed(ctx: Context) -> Clearance | None:
    runs = ctx.records.triage_runs(limit=1)
    check, checkins = _check_and_checkins(ctx, runs[0] if runs else None)
    if not clearance(check, checkins, None, ctx.knowledge).seek_help:
        return None
    cleared = current_clearance(ctx)
    return cleared if cleared.seek_help else None


def _check_and_checkins(ctx: Context, run: Stored | None) -> tuple[CheckOnFile | None, list[CheckinOnFile]]:
    """The latest check as the clearance reads it, and the check-ins since (all, without one)."""
    zone = ctx.clock.now().tzinfo
    if run is None:
        return None, [_checkin_on_file(ctx, stored, None) for stored in ctx.records.checkins()]
    check = CheckOnFile(run.at.astimezone(zone), load(TriageResult, run.data["result"]))
    case = load(Case, run.data["case"])
    return check, [_checkin_on_file(ctx, stored, case) for stored in ctx.records.checkins(since=run.at)]


def plan_on_file(state: Snapshot) -> PlanOnFile | None:
    """The current plan as the clearance reads it: when its safety stop came, and whether it was
    built on the latest check."""
    active, latest_check = state.active, state.latest_check
    if active is None:
        return None
    stopped_at = None
    stops = [c for c in active.plan.changes if c.action == "stopped"]
    if active.plan.status == "stopped" and stops:
        stop = stops[-1]
        if stop.at is not None:
            stopped_at = stop.at
        elif stop.event < len(state.timed_events):
            stopped_at = state.timed_events[stop.event][0]
    on_latest = latest_check is not None and active.triage_run_id == latest_check.id
    return PlanOnFile(active.plan, stopped_at, on_latest)


def _checkin_on_file(ctx: Context, stored: Stored, case: Case | None) -> CheckinOnFile:
    """A kept check-in, its warning signs judged again with the history the check gave. One
    kept as a warning sign stays one, even if today's rules would judge its answers otherwise."""
    from glutewake.app.journal import as_checkin, todays_answers
    from glutewake.core.progress import assess_checkin

    zone = ctx.clock.now().tzinfo
    at, outcome = stored.at.astimezone(zone), stored.data["outcome"]
    if outcome != "red_flag":
        return CheckinOnFile(at, outcome, ())
    known = None if case is None else todays_answers(case, ctx)
    verdict = assess_checkin(as_checkin(stored, zone), None, ctx.knowledge, known)
    if verdict.outcome == "red_flag":
        return CheckinOnFile(at, "red_flag", verdict.reasons, verdict.triage)
    findings = ctx.knowledge.findings
    signs = tuple(
        findings[f].label_yes for f, yes in stored.data["red_flags"].items() if yes and f in findings
    )
    return CheckinOnFile(at, "red_flag", signs or ("a warning sign",))
