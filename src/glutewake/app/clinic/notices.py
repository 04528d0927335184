"""The emails a clinic's worker sends on its own: an alert to the patient's clinicians, at most
once per patient per event (and one email for the events that arrive together), and a reminder to the patient when a questionnaire falls due.

Run every minute by the worker (`runtime/jobs.py`); any number of workers may run it at once,
because each email is claimed in the database (`notices_sent`) before it goes. Events older
than a day are not emailed (a new server does not send its whole history); they still show on
the dashboard. An alert email names neither the patient nor what happened (just a link); a reminder goes to
the patient themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from glutewake.app.clinic.dashboard import standing
from glutewake.app.clinic.mail import Email
from glutewake.app.region import knowledge
from glutewake.core.attention import alert_pain
from glutewake.core.questionnaires import QUESTIONNAIRES, due_on
from glutewake.store.caseload import caseload_facts

if TYPE_CHECKING:
    from glutewake.app.clinic.accounts import Clinic

__all__ = ["RECENT", "send_notices"]

RECENT = timedelta(days=1)
REMIND_WITHIN = timedelta(days=7)  # a questionnaire due longer ago than this gets no reminder now


def send_notices(clinic: Clinic, now: datetime) -> int:
    """Email what is new since the last run; how many emails went to the outbox."""
    store = clinic.store
    patients = store.all_patients()
    threshold = alert_pain(knowledge())
    facts = caseload_facts(
        store.engine, [p.person_id or 0 for p in patients], today=now.date(), now=now, pain_alert=threshold
    )
    sent = 0
    for patient in patients:
        person = patient.person_id or 0
        fact = facts[person]
        where = store.clinic_name(patient.clinic_id)
        alerts = standing(fact, patient.id, patient.display_name, now.date(), threshold).alerts
        # each event claimed once; one email however many came at once (a painful session
        # also pauses a clinician's programme: two alerts, one email)
        fresh = [a for a in alerts if a.at >= now - RECENT and store.claim_notice(person, a.event)]
        if fresh:
            for clinician in store.clinicians_of(patient.id):
                if clinician.email:
                    clinic.outbox.send(
                        _alert_email(
                            clinician.email,
                            clinician.display_name,
                            where,
                            clinic.link_to(f"/staff/patients/{patient.id}"),
                        )
                    )
                    sent += 1
        if not patient.email:
            continue
        for questionnaire_id, every, starts in fact.schedules:
            q = QUESTIONNAIRES.get(questionnaire_id)
            if q is None:
                continue
            answered = fact.last_psfs if q.score == "psfs" else fact.last_checkin
            due = due_on(starts, every, answered.date() if answered else None)
            if not now.date() - REMIND_WITHIN <= due <= now.date():
                continue
            if store.claim_notice(person, f"questionnaire:{q.id}:{due.isoformat()}"):
                clinic.outbox.send(
                    _reminder(patient.email, patient.display_name, q.name, where, clinic.link_to("/checkin"))
                )
                sent += 1
    return sent


def _alert_email(to: str, name: str, clinic: str, link: str) -> Email:
    """Names neither the patient nor what they reported: the link shows both, after signing in."""
    return Email(
        to,
        "A patient of yours needs your attention",
        f"Hello {name},\n\nSomething one of your patients reported on glutewake needs your attention."
        f" Sign in to see who and what:\n\n{link}\n\nAcknowledge it there, with a note, once you"
        f" have acted.\n\nglutewake at {clinic}",
    )


def _reminder(to: str, name: str, questionnaire: str, clinic: str, link: str) -> Email:
    return Email(
        to,
        f"A short questionnaire from {clinic}",
        f"Hello {name},\n\nYour clinician asked for your {questionnaire} answers; they are due now."
        f" It takes a minute, in your check-in:\n\n{link}\n\nglutewake at {clinic}",
    )
