"""The triage: from a person's answers to an urgency, likely causes, and advice.

Pure: no I/O, no clock, no environment. The rules live in the knowledge base
(`knowledge/data/triage.yaml`); this module is the small engine that evaluates them.

Answers are three-valued: yes (True), no (False) or unknown (absent, or None for "asked,
but I don't know"). A rule fires only when its condition is definitely true, so an unknown
is never read as "no". Urgency is the highest level any fired rule asks for: adding a
finding can only add fired rules, so no combination of answers can lower a red flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from glutewake.core.errors import FieldErrors
from glutewake.knowledge.schema import (
    EXERCISE_ORDER,
    URGENCY_ORDER,
    AllOf,
    AnyOf,
    Denied,
    ExerciseLevel,
    Expr,
    FactCheck,
    Finding,
    Knowledge,
    Likelihood,
    Rule,
    SexCheck,
    Unexplained,
    Unsure,
    Urgency,
    expr_children,
    expr_findings,
)
from glutewake.knowledge.vocabulary import SEX, Sex

__all__ = [
    "SEXES",
    "Advice",
    "Case",
    "CauseResult",
    "TriageResult",
    "condition_escalation",
    "deciding_conditions",
    "emergency_signs",
    "escalation_lines",
    "holds",
    "open_questions",
    "parse_case",
    "rules_urgency",
    "triage",
    "unexplained_symptoms",
]

SEXES: tuple[Sex, ...] = tuple(SEX)
Tri = bool | None


@dataclass(frozen=True)
class Case:
    """What the person told us. `answers` maps finding id to yes/no/None (don't know)."""

    age: int
    sex: Sex
    duration_days: int
    answers: Mapping[str, bool | None]
    region: str | None = None  # where they live (regions.yaml); None: the user's setting

    @property
    def onset_age(self) -> int:
        """The age at which the symptoms began, in whole years."""
        return self.age - self.duration_days // 365

    def with_answer(self, finding_id: str, answer: bool | None) -> Case:
        return self.with_answers({finding_id: answer})

    def with_answers(self, answers: Mapping[str, bool | None], *, replace: bool = False) -> Case:
        """This case with `answers` added (or, with `replace`, instead of the ones it had)."""
        merged = dict(answers) if replace else {**self.answers, **answers}
        return Case(self.age, self.sex, self.duration_days, merged, self.region)


_CASE_FIELDS = ("age", "sex", "duration_days", "answers", "region")


def parse_case(raw: object, finding_ids: Iterable[str], region_ids: Iterable[str] = ()) -> Case:
    """Check a case given as JSON-like data and build it; raise `FieldErrors` naming each bad field.

    `region` is optional; when given it must be one of `region_ids`."""
    if not isinstance(raw, dict):
        raise FieldErrors([("case", "must be an object with age, sex, duration_days and answers")])
    known = set(finding_ids)
    problems: list[tuple[str, str]] = []
    for key in raw:
        if key not in _CASE_FIELDS:
            problems.append((str(key), f"unknown field (expected {', '.join(_CASE_FIELDS)})"))
    age = _whole_number(raw, "age", 0, 120, problems)
    duration = _whole_number(raw, "duration_days", 0, 36_500, problems)
    sex = raw.get("sex")
    if sex not in SEXES:
        what = "missing" if "sex" not in raw else f"{sex!r} is not allowed"
        problems.append(("sex", f"{what}; use one of {', '.join(SEXES)}"))
    answers = raw.get("answers", None)
    clean: dict[str, bool | None] = {}
    if not isinstance(answers, dict):
        what = "missing" if "answers" not in raw else "must be an object"
        problems.append(("answers", f"{what}; map finding ids to true, false or null"))
    else:
        for finding_id, answer in answers.items():
            if finding_id not in known:
                problems.append((f"answers.{finding_id}", "unknown finding id" + _suggest(finding_id, known)))
            elif answer is not None and not isinstance(answer, bool):
                problems.append((f"answers.{finding_id}", "must be true, false or null (don't know)"))
            else:
                clean[finding_id] = answer
    region = raw.get("region")
    regions = list(region_ids)
    if region is not None and region not in regions:
        problems.append(
            ("region", f"{region!r} is not a region glutewake knows; use one of {', '.join(regions)}")
        )
    if problems or age is None or duration is None:
        raise FieldErrors(problems)
    return Case(age, cast(Sex, sex), duration, clean, cast(str | None, region))


def _whole_number(
    raw: dict[Any, Any], field: str, low: int, high: int, problems: list[tuple[str, str]]
) -> int | None:
    if field not in raw:
        problems.append((field, f"missing; give a whole number from {low} to {high}"))
        return None
    value = raw[field]
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append((field, f"must be a whole number, not {value!r}"))
        return None
    if not low <= value <= high:
        problems.append((field, f"must be from {low} to {high}, not {value}"))
        return None
    return value


def _suggest(word: str, known: set[str]) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- evaluating conditions ------------------------------------------------------------------------


def holds(expr: Expr, case: Case) -> Tri:
    """Kleene three-valued truth of a rule condition: True, False, or None (not yet known)."""
    if isinstance(expr, str):
        return case.answers.get(expr)
    if isinstance(expr, Denied):
        answer = case.answers.get(expr.denied)
        return None if answer is None else not answer
    if isinstance(expr, SexCheck):
        return case.sex in expr.sex_in
    if isinstance(expr, FactCheck):
        value = {"age": case.age, "duration_days": case.duration_days, "onset_age": case.onset_age}[expr.fact]
        return value < expr.lt if expr.lt is not None else value >= (expr.ge or 0)
    if isinstance(expr, AllOf):
        values = [holds(child, case) for child in expr.all]
        return False if False in values else (True if all(values) else None)
    if isinstance(expr, AnyOf):
        values = [holds(child, case) for child in expr.any]
        return True if True in values else (False if all(v is False for v in values) else None)
    values = [holds(child, case) for child in expr.of]
    if values.count(True) >= expr.at_least:
        return True
    return False if values.count(True) + values.count(None) < expr.at_least else None


def _support(expr: Expr, case: Case) -> list[str]:
    """The answered findings that make a true condition true."""
    if isinstance(expr, str | Denied):
        return list(expr_findings(expr)) if holds(expr, case) else []
    if isinstance(expr, FactCheck | SexCheck):
        return []
    return [f for child in expr_children(expr) if holds(child, case) for f in _support(child, case)]


# --- the result -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CauseResult:
    id: str
    likelihood: Likelihood
    because: tuple[str, ...]


@dataclass(frozen=True)
class Advice:
    now: tuple[str, ...]
    safety_net: tuple[str, ...]


@dataclass(frozen=True)
class TriageResult:
    """What the triage concluded (stored and shown as it is, through `glutewake.codec`).

    `title` is the banner; `not_ruled_out` the red flags answered "not sure" (the ones that
    would mean an emergency first); `avoid` the contraindications a plan must respect.
    """

    urgency: Urgency
    causes: tuple[CauseResult, ...]
    red_flags: tuple[str, ...]
    exercise: ExerciseLevel
    advice: Advice
    notice: str
    rules: tuple[str, ...]
    title: str = ""
    not_ruled_out: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()

    @property
    def plan_avoids(self) -> tuple[str, ...]:
        """What an exercise plan must leave out: the likely causes and the contraindications
        (exercises name them in `avoid_with`)."""
        return (*(c.id for c in self.causes if c.likelihood == "likely"), *self.avoid)


@dataclass(frozen=True)
class _Assessment:
    urgency: Urgency
    exercise: ExerciseLevel
    fired: tuple[Rule, ...]
    causes: tuple[CauseResult, ...]
    unsure: tuple[tuple[Finding, Urgency], ...]  # red flags answered "not sure", with what a yes would mean
    lifted_by: Unsure | Unexplained | None  # the policy that set the urgency, if the rules alone would not
    unexplained: tuple[str, ...] = ()  # symptoms no self-care cause explains


@dataclass
class _CauseEvidence:
    first: int
    red_flag: bool = False
    likely: bool = False
    severity: int = -1
    because: list[str] = field(default_factory=list)
    history_only: bool = True  # no symptom supports it, only facts about the past

    def sort_key(self) -> tuple[bool, int, bool, bool, int, int, int]:
        # Among red-flag causes the most urgent leads; the rest go likely first, and a cause
        # that only the person's history suggests goes after every one their symptoms fit.
        return (
            not self.red_flag,
            -self.severity if self.red_flag else 0,
            self.history_only,
            not self.likely,
            -self.severity,
            -len(self.because),
            self.first,
        )


def _rank(urgency: Urgency | None) -> int:
    return -1 if urgency is None else URGENCY_ORDER.index(urgency)


def _fired(case: Case, kb: Knowledge) -> tuple[Rule, ...]:
    return tuple(rule for rule in kb.triage.rules if holds(rule.when, case) is True)


def _rules_urgency(fired: Iterable[Rule]) -> Urgency:
    levels = [rule.urgency for rule in fired if rule.urgency is not None]
    return max(levels, key=_rank) if levels else "self_care"


def rules_urgency(case: Case, kb: Knowledge) -> Urgency:
    """The urgency the rules alone give, before any "not sure" answer lifts it."""
    return _rules_urgency(_fired(case, kb))


def _unsure(case: Case, kb: Knowledge) -> tuple[tuple[Finding, Urgency], ...]:
    """Answers of "not sure" that keep a warning sign open, each with the most urgent result
    an answer could bring: the red flags, and any finding a red-flag rule depends on (a no
    to "does the numbness ease on standing?" can mean an emergency). Each is judged with the
    other "not sure" answers taken as yes, so two that together mean an emergency count."""
    in_red_flag_rules = {f for rule in kb.triage.rules if rule.red_flag for f in expr_findings(rule.when)}
    unsure = [  # in the knowledge base's order, so the answers' order does not matter
        finding
        for finding in kb.findings.values()
        if finding.id in case.answers
        and case.answers[finding.id] is None
        and (finding.group == "red_flag" or finding.id in in_red_flag_rules)
    ]
    found = []
    for finding in unsure:
        others = {other.id: True for other in unsure if other is not finding}
        would_be = max(
            (
                _rules_urgency(_fired(case.with_answers({**others, finding.id: value}), kb))
                for value in (True, False)
            ),
            key=_rank,
        )
        if finding.group == "red_flag" or would_be != "self_care":
            found.append((finding, would_be))
    return tuple(sorted(found, key=lambda item: -_rank(item[1])))


def _assess(case: Case, kb: Knowledge) -> _Assessment:
    fired = _fired(case, kb)
    urgency = _rules_urgency(fired)
    unsure = _unsure(case, kb)
    lifted_by: Unsure | Unexplained | None = None
    for _, would_be in unsure:
        policy = next(p for p in kb.triage.unsure if p.would_be in (None, would_be))
        if _rank(policy.urgency) > _rank(urgency):
            urgency, lifted_by = policy.urgency, policy
    causes = _causes(case, kb, fired)
    unexplained = unexplained_symptoms(case, kb, causes)
    if unexplained and _rank(kb.triage.unexplained.urgency) > _rank(urgency):
        urgency, lifted_by = kb.triage.unexplained.urgency, kb.triage.unexplained
    exercise = min(
        [kb.level(urgency).exercise_cap, *(rule.exercise for rule in fired if rule.exercise)],
        key=EXERCISE_ORDER.index,
    )
    return _Assessment(urgency, exercise, fired, causes, unsure, lifted_by, unexplained)


def _causes(case: Case, kb: Knowledge, fired: Iterable[Rule]) -> tuple[CauseResult, ...]:
    """The causes the fired rules point to, ranked. Causes that red-flag rules point to on the
    strength of a symptom come first (they are what must be ruled out), the most urgent of them
    leading; then likely before possible, more serious, better supported. A red-flag rule that
    fired on history alone for a routine appointment (a cancer years ago, an immune-lowering
    medicine) is a reason for care, not evidence that outranks the pattern the symptoms fit."""
    excluded = {x.cause for x in kb.triage.exclusions if holds(x.when, case) is True}
    found: dict[str, _CauseEvidence] = {}
    for order, rule in enumerate(fired):
        if rule.cause is None or rule.cause.id in excluded:
            continue
        support = _support(rule.when, case)
        evidence = found.setdefault(rule.cause.id, _CauseEvidence(order))
        # A history fact that on its own needs more than a routine appointment (a serious
        # accident, a fall with thin bones) is evidence like a symptom.
        weighty = any(not kb.findings[f].history for f in support) or _rank(rule.urgency) > _rank("gp")
        evidence.red_flag |= rule.red_flag and weighty
        evidence.history_only &= not weighty
        evidence.likely |= rule.cause.likelihood == "likely"
        evidence.severity = max(evidence.severity, _rank(rule.urgency))
        evidence.because += [f for f in support if f not in evidence.because]
    ranked = sorted(found.items(), key=lambda item: item[1].sort_key())
    return tuple(
        CauseResult(cause_id, "likely" if evidence.likely else "possible", tuple(evidence.because))
        for cause_id, evidence in ranked
    )


def unexplained_symptoms(case: Case, kb: Knowledge, causes: Iterable[CauseResult]) -> tuple[str, ...]:
    """The symptoms answered yes (or "not sure") that none of the self-care causes found explains
    (each self-care cause explains its typical findings). Any at all means self-care would be a guess."""
    explained = {
        finding
        for cause in causes
        if kb.conditions[cause.id].self_care
        for finding in kb.conditions[cause.id].typical_findings
    }
    return tuple(
        finding.id
        for finding in kb.findings.values()
        if finding.symptom
        and finding.id in case.answers
        and case.answers[finding.id] is not False  # yes, or not sure: never a reason for green
        and finding.id not in explained
    )


def triage(case: Case, kb: Knowledge) -> TriageResult:
    """Triage one case against the knowledge base (its texts name the services of `kb.region`)."""
    assessment = _assess(case, kb)
    red_flags: list[str] = []
    for rule in assessment.fired:
        if rule.red_flag and _rank(rule.urgency) > 0:
            red_flags += [f for f in _support(rule.when, case) if f not in red_flags]
    lifted = assessment.lifted_by
    title = lifted.title if lifted else kb.level(assessment.urgency).title
    now = _advice_now(kb, case, assessment)
    unasked = _unasked_red_flags(case, kb) if assessment.urgency == "self_care" else []
    if unasked:  # a case given whole (a file, the API) may leave the safety questions out
        title = kb.triage.unasked_title
        now = (
            *now[:1],
            "These warning signs were not asked: " + "; ".join(f.label_yes for f in unasked) + ".",
            *now[1:],
        )
    return TriageResult(
        urgency=assessment.urgency,
        causes=assessment.causes,
        red_flags=tuple(red_flags),
        exercise=assessment.exercise,
        advice=Advice(now, _safety_net(case, kb, assessment.urgency)),
        notice=kb.triage.notice,
        rules=tuple(rule.id for rule in assessment.fired) + ((lifted.id,) if lifted else ()),
        title=title,
        not_ruled_out=tuple(finding.id for finding, _ in assessment.unsure),
        avoid=tuple(dict.fromkeys(tag for rule in assessment.fired for tag in rule.avoid)),
    )


_EXERCISE_ADVICE: dict[ExerciseLevel, str] = {
    "none": "Do not start glute exercises until a clinician has checked you.",
    "gentle": "Keep to gentle, pain-free movement for now, and stop anything that makes the pain or numbness worse.",
    "full": "You can start the glute self-tests and exercises; begin gently and build up.",
}


def _if_unasked(case: Case, kb: Knowledge, urgency: Urgency) -> list[str]:
    """What to do as well if an unasked fact holds: the action of each rule at least as urgent
    as the result that one more yes would fire. The check stops at an emergency without asking
    the rest, so a person with a cancer whose first sign was in both legs still hears to call
    their cancer team."""
    lines = []
    for rule in kb.triage.rules:
        if rule.action is None or _rank(rule.urgency) < _rank(urgency) or holds(rule.when, case) is not None:
            continue
        for finding_id in dict.fromkeys(expr_findings(rule.when)):
            if case.answers.get(finding_id) is None and holds(rule.when, case.with_answer(finding_id, True)):
                action = rule.action[:1].lower() + rule.action[1:]
                lines.append(f"If you have {kb.findings[finding_id].label_yes}: {action}")
    return lines


def _advice_now(kb: Knowledge, case: Case, assessment: _Assessment) -> tuple[str, ...]:
    lines = [kb.level(assessment.urgency).action]
    if assessment.lifted_by is not None:
        lines.append(assessment.lifted_by.why)
    if assessment.unexplained and assessment.lifted_by is kb.triage.unexplained:
        labels = "; ".join(kb.findings[f].label_yes for f in assessment.unexplained)
        lines.append(f"Not explained by a self-care cause: {labels}.")
    lines += _unique(r.why for r in assessment.fired if r.urgency == assessment.urgency and r.red_flag)
    lines += _unique(r.action for r in assessment.fired if r.action)
    for level in reversed(URGENCY_ORDER[1:]):  # the unsure signs, grouped by what a yes would mean
        signs = [finding for finding, would_be in assessment.unsure if would_be == level]
        if signs:
            labels = "; ".join(f.label_yes for f in signs)
            lines.append(f"Not ruled out: {labels}. If any of these is yes: {kb.level(level).title}.")
            lines += [
                f"{f.label_yes[:1].upper()}{f.label_yes[1:]}: {f.explanation}" for f in signs if f.explanation
            ]
    lines += _if_unasked(case, kb, assessment.urgency)
    lines.append(_EXERCISE_ADVICE[assessment.exercise])
    if assessment.causes and _rank(assessment.urgency) <= _rank("gp"):
        condition = kb.conditions[assessment.causes[0].id]
        lines += condition.what_to_do
        if assessment.exercise == "full":
            lines += condition.build_up
    elif not assessment.causes:
        lines.append(
            "Your answers do not point to a particular cause; a doctor or physiotherapist can examine you if you are unsure."
        )
    return _unique(lines)


def _unasked_red_flags(case: Case, kb: Knowledge) -> list[Finding]:
    """The red flags a case leaves out that on their own would change a green result."""
    return [
        finding
        for finding in _red_flag_findings(kb)
        if finding.id not in case.answers
        and _rules_urgency(_fired(case.with_answer(finding.id, True), kb)) != "self_care"
    ]


def escalation(case: Case, kb: Knowledge, above: Urgency) -> dict[Urgency, list[Finding]]:
    """The red-flag symptoms not yet reported that would, if they came, raise `case` above
    `above`: by the level each would bring (emergency and urgent)."""
    raises: dict[Urgency, list[Finding]] = {"emergency": [], "urgent": []}
    for finding in _red_flag_findings(kb):
        if finding.history or case.answers.get(finding.id) is True:
            continue
        would = _rules_urgency(_fired(case.with_answer(finding.id, True), kb))
        if would in raises and _rank(would) > _rank(above):
            raises[would].append(finding)
    return raises


def escalation_lines(case: Case, kb: Knowledge, above: Urgency) -> list[str]:
    """`escalation` in words: "Call 999 or go to A&E at once if you get: ...", most urgent first."""
    return [
        f"{kb.level(level).if_you_get}: " + "; ".join(f.label_yes for f in findings) + "."
        for level, findings in escalation(case, kb, above).items()
        if findings
    ]


def _safety_net(case: Case, kb: Knowledge, urgency: Urgency) -> tuple[str, ...]:
    """What would change the advice: each red-flag finding not already reported, by the level it would bring."""
    return (*escalation_lines(case, kb, urgency), *kb.level(urgency).safety_net)


# A person who has told us nothing yet: what a symptom means on its own is judged against this.
_NOBODY = Case(40, "other", 0, {})


def emergency_signs(kb: Knowledge) -> list[Finding]:
    """The symptoms that on their own mean an emergency, for safety notices everywhere."""
    return [
        finding
        for finding in _red_flag_findings(kb)
        if not finding.history
        and _rules_urgency(_fired(_NOBODY.with_answer(finding.id, True), kb)) == "emergency"
    ]


def condition_escalation(condition_id: str, kb: Knowledge) -> list[str]:
    """When someone with this condition must get help, derived from the rules: the safety net
    of a case with the condition's typical findings."""
    condition = kb.conditions[condition_id]
    case = Case(40, "other", 0, dict.fromkeys(condition.typical_findings, True))
    typical = _assess(case, kb)
    return escalation_lines(case, kb, typical.urgency)


def _red_flag_findings(kb: Knowledge) -> list[Finding]:
    return [f for f in kb.findings.values() if f.group == "red_flag"]


def _unique(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(lines))


# --- which questions are still worth asking -------------------------------------------------------


def open_questions(case: Case, kb: Knowledge) -> list[Finding]:
    """The unasked questions whose answer could still change the result, in file order.

    Nothing is left to ask once the result is an emergency: the person should act, not type.
    A question is worth asking when some rule that mentions it is still undecided and, if it
    fired, would raise the urgency, add or strengthen a cause, restrict exercise or add
    something the plan must avoid.
    """
    undecided = {f for expr in deciding_conditions(case, kb) for f in expr_findings(expr)}
    return [
        finding
        for finding in kb.findings.values()
        if finding.id not in case.answers
        and finding.id in undecided
        and (finding.asked_if is None or holds(finding.asked_if, case) is not False)
    ]


def deciding_conditions(case: Case, kb: Knowledge) -> list[Expr]:
    """The still-undecided rule and exclusion conditions whose outcome could change the result."""
    current = _assess(case, kb)
    if current.urgency == "emergency":
        return []
    # A question that will never be asked (its lead was answered no) counts as no here, so
    # that nothing is asked only to settle a rule that hangs on it.
    unaskable = {
        f.id: False
        for f in kb.findings.values()
        if f.id not in case.answers and f.asked_if is not None and holds(f.asked_if, case) is False
    }
    if unaskable:
        case = case.with_answers(unaskable)
    likelihoods = {cause.id: cause.likelihood for cause in current.causes}
    avoided = {tag for rule in current.fired for tag in rule.avoid}
    # Once a likely self-care cause explains every symptom, another self-care explanation
    # would not change the advice, so it is not worth a question.
    settled = not current.unexplained and any(
        c.likelihood == "likely" and kb.conditions[c.id].self_care for c in current.causes
    )
    conditions: list[Expr] = []
    for rule in kb.triage.rules:
        if holds(rule.when, case) is not None:
            continue
        raises = _rank(rule.urgency) > _rank(current.urgency)
        adds = (
            rule.cause is not None
            and (
                rule.cause.id not in likelihoods
                or (rule.cause.likelihood == "likely" and likelihoods[rule.cause.id] == "possible")
            )
            and not (settled and kb.conditions[rule.cause.id].self_care)
        )
        restricts = rule.exercise is not None and EXERCISE_ORDER.index(rule.exercise) < EXERCISE_ORDER.index(
            current.exercise
        )
        avoids = current.exercise != "none" and bool(set(rule.avoid) - avoided)
        if raises or adds or restricts or avoids:
            conditions.append(rule.when)
    for exclusion in kb.triage.exclusions:
        if exclusion.cause in likelihoods and holds(exclusion.when, case) is None:
            conditions.append(exclusion.when)
    return conditions
