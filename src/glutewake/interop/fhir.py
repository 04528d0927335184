"""A patient's record as a FHIR R4B Bundle (a "collection"), for another system to take in.

What goes in:
- `Patient`: the name and year of birth;
- the programme as a `CarePlan`, with one `ServiceRequest` per exercise: the dose in words
  (`patientInstruction`), the weekdays and weeks in `occurrenceTiming`, the clinician's note;
- for each check-in, an `Observation` for pain (LOINC 72514-3, the 0-10 numeric rating) and one
  for numbness when sitting, and a `QuestionnaireResponse` for each questionnaire it answered
  (pain, numbness, PSFS with one item per activity).

Numbness when sitting, the PSFS and the questionnaires have no LOINC or SNOMED CT code; they use
glutewake's own code system, `urn:glutewake:codes` (codes: `sitting-numbness`, `psfs-mean`) and
questionnaire URLs `urn:glutewake:questionnaire:<id>`. Exercise therapy is SNOMED CT 229065009.

The Bundle is built as plain data with no I/O and checked against fhir.resources' R4B models.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from glutewake.core.prescription import Prescription
from glutewake.core.programme import Block, Plan
from glutewake.core.questionnaires import QUESTIONNAIRES
from glutewake.knowledge.schema import Knowledge

__all__ = ["GLUTEWAKE_CODES", "CheckinScores", "PatientSummary", "bundle", "validate"]

GLUTEWAKE_CODES = "urn:glutewake:codes"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAMESPACE = uuid.UUID("6f1c8f8e-51e4-4b0e-9d7e-3f1d1b0c2a11")  # ids stable across exports


@dataclass(frozen=True)
class PatientSummary:
    key: str  # what makes the ids stable: the server's account id, say
    name: str
    birth_year: int | None


@dataclass(frozen=True)
class CheckinScores:
    id: int
    at: datetime
    pain: int
    numbness: int
    psfs: dict[str, int]


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _exercises(plan: Plan, prescription: Prescription | None) -> list[tuple[Block, date, date]]:
    """Each exercise of the plan once, at its first dose, with the first and last day it is done."""
    seen: dict[str, list[Any]] = {}
    for session in plan.sessions:
        for block in session.blocks:
            if block.exercise_id in seen:
                seen[block.exercise_id][2] = session.day
            else:
                seen[block.exercise_id] = [block, session.day, session.day]
    return [(b, first, last) for b, first, last in seen.values()]


def bundle(
    patient: PatientSummary,
    plan: Plan | None,
    prescription: Prescription | None,
    checkins: Sequence[CheckinScores],
    kb: Knowledge,
    now: datetime,
) -> dict[str, Any]:
    """The Bundle as JSON-ready data."""
    subject_id = _id("patient", patient.key)
    subject = {"reference": f"urn:uuid:{subject_id}", "display": patient.name}
    entries = [
        _entry(
            {
                "resourceType": "Patient",
                "id": subject_id,
                "name": [{"text": patient.name}],
                **({"birthDate": str(patient.birth_year)} if patient.birth_year else {}),
            }
        )
    ]
    if plan is not None and plan.sessions:
        plan_id = _id("careplan", patient.key, plan.start_date)
        weekdays = sorted({s.day.weekday() for s in plan.sessions})
        requests = []
        for block, first, last in _exercises(plan, prescription):
            exercise = kb.exercises[block.exercise_id]
            request_id = _id("servicerequest", patient.key, plan.start_date, block.exercise_id)
            requests.append(request_id)
            entries.append(
                _entry(
                    {
                        "resourceType": "ServiceRequest",
                        "id": request_id,
                        "status": "active" if plan.status == "active" else "revoked",
                        "intent": "order",
                        "category": [
                            {
                                "coding": [
                                    {"system": SNOMED, "code": "229065009", "display": "Exercise therapy"}
                                ]
                            }
                        ],
                        "code": {
                            "coding": [
                                {
                                    "system": GLUTEWAKE_CODES,
                                    "code": f"exercise-{exercise.id}",
                                    "display": exercise.name,
                                }
                            ],
                            "text": exercise.name,
                        },
                        "subject": subject,
                        "basedOn": [{"reference": f"urn:uuid:{plan_id}"}],
                        "occurrenceTiming": {
                            "repeat": {
                                "boundsPeriod": {"start": first.isoformat(), "end": last.isoformat()},
                                "frequency": 1,
                                "period": 1,
                                "periodUnit": "d",
                                "dayOfWeek": [_DAYS[d] for d in weekdays],
                            }
                        },
                        "patientInstruction": f"{exercise.name}: {block.describe()}",
                        **({"note": [{"text": block.note}]} if block.note else {}),
                        **({"requester": {"display": plan.prescribed_by}} if plan.prescribed_by else {}),
                    }
                )
            )
        end = plan.sessions[-1].day
        status = {"active": "active", "stopped": "on-hold", "not_started": "draft"}[plan.status]
        notes = [
            {"text": f"{c.on.isoformat()}: {c.reason}" + (f" ({c.by})" if c.by else "")} for c in plan.changes
        ]
        entries.insert(
            1,
            _entry(
                {
                    "resourceType": "CarePlan",
                    "id": plan_id,
                    "status": status,
                    "intent": "plan",
                    "title": "Glute activation and strengthening programme",
                    "description": prescription.note
                    if prescription and prescription.note
                    else "Prescribed exercise programme for gluteal underactivity from sitting",
                    "subject": subject,
                    "period": {"start": plan.start_date.isoformat(), "end": (end + timedelta(1)).isoformat()},
                    "activity": [{"reference": {"reference": f"urn:uuid:{r}"}} for r in requests],
                    **({"author": {"display": plan.prescribed_by}} if plan.prescribed_by else {}),
                    **({"note": notes} if notes else {}),
                }
            ),
        )
    for checkin in checkins:
        when = checkin.at.isoformat()
        for code, value in (
            ({"system": LOINC, "code": "72514-3", "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}, checkin.pain),
            ({"system": GLUTEWAKE_CODES, "code": "sitting-numbness", "display": "Numbness when sitting, 0-10"}, checkin.numbness),
        ):  # fmt: skip
            entries.append(
                _entry(
                    {
                        "resourceType": "Observation",
                        "id": _id("observation", patient.key, checkin.id, code["code"]),
                        "status": "final",
                        "category": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                        "code": "survey",
                                    }
                                ]
                            }
                        ],
                        "code": {"coding": [code], "text": code["display"]},
                        "subject": subject,
                        "effectiveDateTime": when,
                        "valueInteger": value,
                    }
                )
            )
        for questionnaire in QUESTIONNAIRES.values():
            if questionnaire.score == "psfs":
                if not checkin.psfs:
                    continue
                items = [
                    {"linkId": f"activity-{n}", "text": activity, "answer": [{"valueInteger": score}]}
                    for n, (activity, score) in enumerate(sorted(checkin.psfs.items()), start=1)
                ]
            else:
                value = checkin.pain if questionnaire.score == "pain" else checkin.numbness
                items = [
                    {
                        "linkId": questionnaire.score,
                        "text": questionnaire.asks,
                        "answer": [{"valueInteger": value}],
                    }
                ]
            entries.append(
                _entry(
                    {
                        "resourceType": "QuestionnaireResponse",
                        "id": _id("questionnaireresponse", patient.key, checkin.id, questionnaire.id),
                        "questionnaire": f"urn:glutewake:questionnaire:{questionnaire.id}",
                        "status": "completed",
                        "subject": subject,
                        "authored": when,
                        "item": items,
                    }
                )
            )
    return {
        "resourceType": "Bundle",
        "id": _id("bundle", patient.key, now.isoformat()),
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": entries,
    }


def validate(data: dict[str, Any]) -> None:
    """Raise pydantic's ValidationError unless `data` is a valid R4B Bundle, every resource in it too."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(data)
