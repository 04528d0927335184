"""A patient's records that their clinicians write: assessments, clinical notes, prescriptions,
scheduled questionnaires, follow-up appointments and answered alerts.

Like `Repository`, it is opened for one person and every query names them; these tables are
among `RECORD_TABLES`, so a patient's export carries them and erasing the patient removes them.
No domain rules here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from glutewake.codec import dump, load
from glutewake.core.prescription import Prescription
from glutewake.store import tables as t
from glutewake.store.repository import Repository

__all__ = ["Acknowledgement", "Assessment", "ClinicalRecords", "FollowUp", "Note", "Schedule"]


@dataclass(frozen=True)
class Assessment:
    id: int
    at: datetime
    signed_by: str
    triage_run_id: int | None
    selftest_result_id: int | None
    notes: str


@dataclass(frozen=True)
class Note:
    id: int
    at: datetime
    written_by: str
    text: str


@dataclass(frozen=True)
class Schedule:
    id: int
    questionnaire: str
    every_days: int
    starts_on: date
    set_by: str


@dataclass(frozen=True)
class FollowUp:
    id: int
    at: datetime
    note: str
    set_by: str


@dataclass(frozen=True)
class Acknowledgement:
    source: str
    source_id: int
    at: datetime
    by: str
    note: str


class ClinicalRecords(Repository):
    """One patient's records, with what their clinicians write about them."""

    def _add(self, table: Any, **values: Any) -> int:
        with self._writing() as db:
            key = next(iter(table.primary_key.columns))
            return int(
                db.execute(
                    insert(table).values(person_id=self.person_id, **values).returning(key)
                ).scalar_one()
            )

    def _rows(self, table: Any, *order: Any) -> list[Any]:
        with self._reading() as db:
            return list(db.execute(select(table).where(self._mine(table)).order_by(*order)))

    # --- check-ins, as a clinician's page needs them -------------------------------------------------

    def checkin_ends(self) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(pain, numbness) at the first check-in and at the latest (None: no check-ins)."""
        c = t.checkins.c
        with self._reading() as db:
            ends = [
                db.execute(
                    select(c.pain, c.numbness).where(self._mine(t.checkins)).order_by(*order).limit(1)
                ).first()
                for order in ((c.created_at, c.id), (c.created_at.desc(), c.id.desc()))
            ]
        first, last = ((row.pain, row.numbness) if row is not None else None for row in ends)
        return first, last

    def last_answered(self) -> tuple[datetime | None, datetime | None]:
        """When the latest check-in was, and the latest one with PSFS scores."""
        c = t.checkins.c
        with self._reading() as db:
            latest = db.execute(select(func.max(c.created_at)).where(self._mine(t.checkins))).scalar()
            psfs = db.execute(
                select(func.max(c.created_at)).where(self._mine(t.checkins), c.psfs_mean.is_not(None))
            ).scalar()
        return latest, psfs

    # --- assessments and notes -------------------------------------------------------------------

    def add_assessment(
        self, signed_by: str, triage_run_id: int | None, selftest_result_id: int | None, notes: str
    ) -> int:
        with self._writing() as db:
            if triage_run_id is not None:
                self._check_mine(db, t.triage_runs, triage_run_id)
            if selftest_result_id is not None:
                self._check_mine(db, t.selftest_results, selftest_result_id)
        return self._add(
            t.assessments,
            created_at=self.clock.now(),
            signed_by=signed_by,
            triage_run_id=triage_run_id,
            selftest_result_id=selftest_result_id,
            notes=notes,
        )

    def assessments(self) -> list[Assessment]:
        """Newest first."""
        a = t.assessments.c
        return [
            Assessment(r.id, r.created_at, r.signed_by, r.triage_run_id, r.selftest_result_id, r.notes)
            for r in self._rows(t.assessments, a.created_at.desc(), a.id.desc())
        ]

    def add_note(self, written_by: str, text: str) -> int:
        return self._add(t.clinical_notes, created_at=self.clock.now(), written_by=written_by, text=text)

    def notes(self) -> list[Note]:
        """Newest first."""
        n = t.clinical_notes.c
        return [
            Note(r.id, r.created_at, r.written_by, r.text)
            for r in self._rows(t.clinical_notes, n.created_at.desc(), n.id.desc())
        ]

    # --- prescriptions ---------------------------------------------------------------------------

    def add_prescription(self, plan_id: int, prescribed_by: str, prescription: Prescription) -> None:
        with self._writing() as db:
            self._check_mine(db, t.plans, plan_id)
        self._add(
            t.prescriptions,
            created_at=self.clock.now(),
            plan_id=plan_id,
            prescribed_by=prescribed_by,
            prescription=dump(prescription),
        )

    def prescription_of(self, plan_id: int) -> Prescription | None:
        """What was prescribed to make this plan (None: glutewake built it)."""
        p = t.prescriptions.c
        with self._reading() as db:
            row = db.execute(
                select(p.prescription).where(self._mine(t.prescriptions), p.plan_id == plan_id)
            ).first()
        return None if row is None else load(Prescription, row.prescription)

    def plan_history(self) -> list[tuple[int, datetime, str, date, dict[str, Any]]]:
        """Every plan the patient has had, newest first: id, made, status, start, and its
        content without the sessions (level, changes, who prescribed it)."""
        p = t.plans.c
        with self._reading() as db:
            rows = db.execute(
                select(p.id, p.created_at, p.status, p.start_date, p.plan)
                .where(self._mine(t.plans))
                .order_by(p.created_at.desc(), p.id.desc())
            ).all()
        return [(r.id, r.created_at, r.status, r.start_date, r.plan) for r in rows]

    # --- questionnaires and follow-ups ---------------------------------------------------------------

    def schedule(self, questionnaire: str, every_days: int, starts_on: date, set_by: str) -> None:
        """Schedule a questionnaire, replacing any schedule of the same one."""
        q = t.questionnaire_schedules.c
        with self._writing() as db:
            db.execute(
                delete(t.questionnaire_schedules).where(
                    self._mine(t.questionnaire_schedules), q.questionnaire == questionnaire
                )
            )
        self._add(
            t.questionnaire_schedules,
            questionnaire=questionnaire,
            every_days=every_days,
            starts_on=starts_on,
            set_by=set_by,
            created_at=self.clock.now(),
        )

    def unschedule(self, questionnaire: str) -> bool:
        q = t.questionnaire_schedules.c
        with self._writing() as db:
            gone = db.execute(
                delete(t.questionnaire_schedules).where(
                    self._mine(t.questionnaire_schedules), q.questionnaire == questionnaire
                )
            )
        return bool(gone.rowcount)

    def schedules(self) -> list[Schedule]:
        q = t.questionnaire_schedules.c
        return [
            Schedule(r.id, r.questionnaire, r.every_days, r.starts_on, r.set_by)
            for r in self._rows(t.questionnaire_schedules, q.questionnaire)
        ]

    def add_follow_up(self, at: datetime, note: str, set_by: str) -> int:
        return self._add(t.follow_ups, at=at, note=note, set_by=set_by, created_at=self.clock.now())

    def remove_follow_up(self, follow_up_id: int) -> bool:
        f = t.follow_ups.c
        with self._writing() as db:
            gone = db.execute(delete(t.follow_ups).where(self._mine(t.follow_ups), f.id == follow_up_id))
        return bool(gone.rowcount)

    def follow_ups(self) -> list[FollowUp]:
        """Soonest first."""
        f = t.follow_ups.c
        return [FollowUp(r.id, r.at, r.note, r.set_by) for r in self._rows(t.follow_ups, f.at, f.id)]

    # --- alerts -----------------------------------------------------------------------------------

    def has_record(self, source: str, record_id: int) -> bool:
        """Whether the alert's source (a check-in, a session, a plan) is one of this person's."""
        table = {"checkin": t.checkins, "session": t.session_logs, "plan": t.plans}.get(source)
        if table is None:
            return False
        key = next(iter(table.primary_key.columns))
        with self._reading() as db:
            return db.execute(select(key).where(key == record_id, self._mine(table))).first() is not None

    def acknowledge(self, source: str, source_id: int, by: str, note: str) -> bool:
        """Mark an alert as seen and answered; False if it already was."""
        a = t.alert_acknowledgements.c
        with self._writing() as db:
            done = db.execute(
                select(a.id).where(
                    self._mine(t.alert_acknowledgements), a.source == source, a.source_id == source_id
                )
            ).first()
            if done is not None:
                return False
            try:
                db.execute(
                    insert(t.alert_acknowledgements).values(
                        person_id=self.person_id,
                        source=source,
                        source_id=source_id,
                        at=self.clock.now(),
                        by=by,
                        note=note,
                    )
                )
            except IntegrityError:  # a colleague answered it in the same moment
                return False
        return True

    def acknowledgements(self) -> list[Acknowledgement]:
        a = t.alert_acknowledgements.c
        return [
            Acknowledgement(r.source, r.source_id, r.at, r.by, r.note)
            for r in self._rows(t.alert_acknowledgements, a.at.desc())
        ]
