"""A progress report as PDF (fpdf2): for the patient's file, a discharge letter or a referral.

It holds the patient, the dates, the latest assessment, the programme, adherence week by week,
the questionnaire trends drawn as charts, and the clinician's summary. Built from values (no
store, no clock); the charts are drawn with the PDF's own lines, so no plotting library is needed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from glutewake.core.programme import Plan
from glutewake.core.progress import MINIMAL_IMPORTANT_CHANGE, Progress, Trend
from glutewake.knowledge.schema import Knowledge

__all__ = ["PURPOSES", "Report", "report_pdf"]

Purpose = Literal["progress", "discharge", "referral"]
PURPOSES: dict[str, str] = {
    "progress": "Progress report",
    "discharge": "Discharge summary",
    "referral": "Referral letter",
}
# A font with the typographic characters glutewake's texts use (×, →, “”), where the system has it.
_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
_PLAIN = str.maketrans(
    {"×": "x", "→": "->", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."}
)


@dataclass(frozen=True)
class Report:
    purpose: Purpose
    clinic: str
    clinician: str
    patient: str
    birth_year: int | None
    made: datetime
    first_seen: date | None
    triage_title: str | None
    assessment: str | None  # the latest assessment's notes, with who signed it and when
    plan: Plan | None
    progress: Progress
    summary: str


def report_pdf(report: Report, kb: Knowledge) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(f"{PURPOSES[report.purpose]}: {report.patient}")
    pdf.set_author(report.clinician)
    font = next((f for f in _FONTS if f.exists()), None)
    if font is not None:
        pdf.add_font("body", "", str(font))
        pdf.add_font(
            "body",
            "B",
            str(font.with_name("DejaVuSans-Bold.ttf"))
            if font.with_name("DejaVuSans-Bold.ttf").exists()
            else str(font),
        )
        family = "body"
    else:
        family = "helvetica"

    def text(value: str) -> str:
        return (
            value
            if font is not None
            else value.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")
        )

    def heading(title: str) -> None:
        pdf.ln(3)
        pdf.set_font(family, "B", 12)
        pdf.cell(0, 7, text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 10)

    def para(value: str) -> None:
        pdf.multi_cell(0, 5, text(value), new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 9, text(f"{PURPOSES[report.purpose]}: {report.patient}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    born = f", born {report.birth_year}" if report.birth_year else ""
    para(f"{report.clinic}. Written by {report.clinician} on {report.made.strftime('%d %B %Y')}.")
    para(
        f"Patient: {report.patient}{born}."
        + (f" Under care since {report.first_seen.strftime('%d %B %Y')}." if report.first_seen else "")
    )

    heading("Assessment")
    para(
        f"Latest symptom check: {report.triage_title}."
        if report.triage_title
        else "No symptom check on record."
    )
    if report.assessment:
        para(report.assessment)

    heading("Programme")
    plan = report.plan
    if plan is None or not plan.sessions:
        para("No exercise programme.")
    else:
        who = (
            f"prescribed by {plan.prescribed_by}"
            if plan.prescribed_by
            else "built by glutewake from the symptom check"
        )
        para(
            f"From {plan.start_date.strftime('%d %b %Y')} to {plan.sessions[-1].day.strftime('%d %b %Y')}, {who}; {len(plan.sessions)} sessions; now {plan.status.replace('_', ' ')}."
        )
        seen: set[str] = set()
        for session in plan.sessions:
            for block in session.blocks:
                if block.exercise_id not in seen:
                    seen.add(block.exercise_id)
                    note = f" Note: {block.note}" if block.note else ""
                    para(f"- {kb.exercises[block.exercise_id].name}: {block.describe()}.{note}")
        for change in plan.changes[-8:]:
            by = f" ({change.by})" if change.by and change.by not in change.reason else ""
            para(f"{change.on.strftime('%d %b')}: {change.reason}{by}")

    heading("Adherence")
    weeks = report.progress.adherence[-12:]
    if weeks:
        done = sum(w.done for w in weeks)
        planned = sum(w.planned for w in weeks)
        para(
            f"{done} of {planned} planned sessions done over the last {len(weeks)} weeks ({round(100 * done / planned) if planned else 0}%)."
        )
        para("  ".join(f"{w.week.strftime('%d %b')}: {w.done}/{w.planned}" for w in weeks))
    else:
        para("No sessions planned yet.")

    heading("Questionnaires")
    for title, trend, lower_is_better in (
        ("Pain (NPRS, 0-10, lower is better)", report.progress.pain, True),
        ("Numbness when sitting (0-10, lower is better)", report.progress.numbness, True),
        ("Everyday activities (PSFS mean, 0-10, higher is better)", report.progress.psfs_mean, False),
    ):
        para(f"{title}: {_trend_words(trend, lower_is_better)}")
        if len(trend.weekly) >= 2:
            _chart(pdf, [w.mean for w in trend.weekly[-26:]], [w.week for w in trend.weekly[-26:]])

    heading("Clinician's summary")
    para(report.summary or "None written.")
    pdf.ln(4)
    pdf.set_font(family, "", 8)
    para(
        "glutewake informs care; it does not diagnose. Scores are the patient's own ratings at their check-ins."
    )
    return bytes(pdf.output())


def _trend_words(trend: Trend, lower_is_better: bool) -> str:
    if trend.latest is None or trend.first is None:
        return "no answers yet."
    change = trend.latest - trend.first
    words = f"started at {trend.first:.1f}, now {trend.latest:.1f}"
    if abs(change) >= MINIMAL_IMPORTANT_CHANGE:
        better = (change < 0) == lower_is_better
        return f"{words}: {'better' if better else 'worse'} by {abs(change):.1f}, at least the minimal important change ({MINIMAL_IMPORTANT_CHANGE:g} points)."
    return f"{words}: less than the minimal important change ({MINIMAL_IMPORTANT_CHANGE:g} points)."


def _chart(pdf: object, values: Sequence[float], weeks: Sequence[date]) -> None:
    """A small line chart of weekly means on a 0-10 scale, with its axis labels."""
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    left, width, height = pdf.l_margin + 8, 150.0, 30.0
    if pdf.get_y() + height + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 2
    pdf.set_draw_color(160, 160, 160)
    pdf.rect(left, top, width, height)
    pdf.set_font_size(7)
    for mark in (0, 5, 10):
        y = top + height - height * mark / 10
        pdf.text(left - 5, y + 1, str(mark))
    step = width / max(len(values) - 1, 1)
    points = [
        (left + n * step, top + height - height * min(max(v, 0), 10) / 10) for n, v in enumerate(values)
    ]
    pdf.set_draw_color(30, 90, 160)
    pdf.set_line_width(0.6)
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        pdf.line(x1, y1, x2, y2)
    pdf.set_line_width(0.2)
    pdf.text(left, top + height + 4, weeks[0].strftime("%d %b %Y"))
    pdf.text(left + width - 18, top + height + 4, weeks[-1].strftime("%d %b %Y"))
    pdf.set_font_size(10)
    pdf.set_y(top + height + 7)
