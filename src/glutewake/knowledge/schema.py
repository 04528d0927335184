"""The shape of glutewake's knowledge base: strict, frozen, stdlib dataclasses.

Each class carries `__pydantic_config__` so that `loader.py` can validate the YAML files
with pydantic (unknown keys rejected), while everything that only *reads* knowledge, the
pure core included, imports nothing heavier than `dataclasses`. No I/O here.

Rule conditions (`Expr`) are a tiny language, written in YAML as:
  - `finding_id`                      the person answered yes
  - `{denied: finding_id}`            the person answered no
  - `{all: [...]}`, `{any: [...]}`    and / or
  - `{at_least: N, of: [...]}`        N or more of the items hold
  - `{fact: age, ge: 45}`             a number from the case (age, duration_days, onset_age)
  - `{sex_in: [female, other]}`       the case's sex is one of these
Unanswered findings are unknown, never "no" (see `core/triage.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from glutewake.knowledge.vocabulary import Equipment, Felt, Position, Sex

__all__ = [
    "EXERCISE_ORDER",
    "FIGURE_JOINTS",
    "FIGURE_SEGMENTS",
    "LANDMARKS",
    "REGION_PLACEHOLDERS",
    "URGENCY_ORDER",
    "AdaptRule",
    "AdaptWhen",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Cause",
    "ChecklistItem",
    "Condition",
    "Contraindication",
    "Denied",
    "Dose",
    "Equipment",
    "Exclusion",
    "Exercise",
    "ExerciseLevel",
    "Expr",
    "FactCheck",
    "Figure",
    "FigureView",
    "Finding",
    "FollowCheck",
    "FormCheck",
    "Knowledge",
    "Likelihood",
    "LimbAngles",
    "Measure",
    "MotionRule",
    "Outcome",
    "Phase",
    "PhaseId",
    "Pose",
    "Programme",
    "Progression",
    "Prop",
    "Reference",
    "ReferenceNote",
    "Region",
    "Rule",
    "Screen",
    "SelfTest",
    "SexCheck",
    "Tempo",
    "TriageKnowledge",
    "Unexplained",
    "Unsure",
    "Urgency",
    "UrgencyLevel",
    "expr_children",
    "expr_findings",
]

_STRICT: dict[str, Any] = {"extra": "forbid"}

Urgency = Literal["self_care", "gp", "urgent", "emergency"]
URGENCY_ORDER: tuple[Urgency, ...] = ("self_care", "gp", "urgent", "emergency")

ExerciseLevel = Literal["none", "gentle", "full"]
EXERCISE_ORDER: tuple[ExerciseLevel, ...] = ("none", "gentle", "full")

Likelihood = Literal["possible", "likely"]
Fact = Literal["age", "duration_days", "onset_age"]


@dataclass(frozen=True)
class ReferenceNote:
    """Where in a source a fact is (its section heading) and what it supports, in our words."""

    __pydantic_config__ = _STRICT
    section: str
    note: str


@dataclass(frozen=True)
class Reference:
    __pydantic_config__ = _STRICT
    id: str
    title: str
    publisher: str
    kind: Literal["article", "nhs", "nice"]
    url: str | None = None
    notes: tuple[ReferenceNote, ...] = ()


@dataclass(frozen=True)
class AllOf:
    __pydantic_config__ = _STRICT
    all: tuple[Expr, ...]


@dataclass(frozen=True)
class AnyOf:
    __pydantic_config__ = _STRICT
    any: tuple[Expr, ...]


@dataclass(frozen=True)
class Denied:
    __pydantic_config__ = _STRICT
    denied: str


@dataclass(frozen=True)
class AtLeast:
    __pydantic_config__ = _STRICT
    at_least: int
    of: tuple[Expr, ...]


@dataclass(frozen=True)
class FactCheck:
    """A comparison on a number every case has; exactly one of lt/ge is given."""

    __pydantic_config__ = _STRICT
    fact: Fact
    lt: int | None = None
    ge: int | None = None


@dataclass(frozen=True)
class SexCheck:
    __pydantic_config__ = _STRICT
    sex_in: tuple[Sex, ...]


Expr = Union[str, AllOf, AnyOf, Denied, AtLeast, FactCheck, SexCheck]  # noqa: UP007 (pydantic resolves it at runtime)


def expr_children(expr: Expr) -> tuple[Expr, ...]:
    """The sub-expressions of `all`, `any` and `at_least`; none for the leaves."""
    if isinstance(expr, AllOf):
        return expr.all
    if isinstance(expr, AnyOf):
        return expr.any
    if isinstance(expr, AtLeast):
        return expr.of
    return ()


def expr_findings(expr: Expr) -> Iterator[str]:
    """Every finding id an expression mentions, in order."""
    if isinstance(expr, str):
        yield expr
    elif isinstance(expr, Denied):
        yield expr.denied
    for child in expr_children(expr):
        yield from expr_findings(child)


@dataclass(frozen=True)
class Finding:
    """One triage question, answered yes, no or "I don't know"."""

    __pydantic_config__ = _STRICT
    id: str
    group: Literal[
        "red_flag",
        "sitting",
        "glutes",
        "nerve",
        "back",
        "walking",
        "inflammatory",
        "local",
        "course",
        "exercise_safety",
    ]
    question: str
    label_yes: str
    label_no: str
    references: tuple[str, ...]
    explanation: str | None = None
    asked_if: Expr | None = None
    history: bool = False
    # A complaint in its own right (pain, numbness), not a detail of one: a self-care result
    # needs a self-care cause that explains every symptom answered yes.
    symptom: bool = False


@dataclass(frozen=True)
class Condition:
    """A condition the triage can point to, in plain words."""

    __pydantic_config__ = _STRICT
    id: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    typical_findings: tuple[str, ...]
    what_to_do: tuple[str, ...]
    when_to_get_help: tuple[str, ...]
    references: tuple[str, ...]
    # Safe to manage on your own when nothing else is wrong; its typical findings are the
    # symptoms it explains.
    self_care: bool = False
    # What to do that loads the body (harder exercise, weights): said only when the result
    # allows full exercise.
    build_up: tuple[str, ...] = ()


@dataclass(frozen=True)
class UrgencyLevel:
    __pydantic_config__ = _STRICT
    id: Urgency
    title: str
    action: str
    if_you_get: str  # leads the safety net's list of signs that would bring this level
    exercise_cap: ExerciseLevel
    safety_net: tuple[str, ...]


@dataclass(frozen=True)
class Cause:
    __pydantic_config__ = _STRICT
    id: str
    likelihood: Likelihood


@dataclass(frozen=True)
class Rule:
    """When `when` holds, the result is at least `urgency` and lists `cause`.

    A red-flag rule drives escalation and is reported as such; only red-flag rules may
    test a "no" answer, so that answering "no" can never raise urgency by accident.
    """

    __pydantic_config__ = _STRICT
    id: str
    when: Expr
    why: str
    urgency: Urgency | None = None
    cause: Cause | None = None
    red_flag: bool = False
    exercise: ExerciseLevel | None = None
    avoid: tuple[str, ...] = ()  # contraindications a plan must respect
    action: str | None = None  # one more line for "what to do now" when the rule sets the urgency
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """When `when` holds, `cause` is never listed, whatever other rules say."""

    __pydantic_config__ = _STRICT
    id: str
    cause: str
    when: Expr
    why: str


@dataclass(frozen=True)
class Unsure:
    """A red flag answered "not sure" lifts the result to `urgency` when a yes would mean `would_be`."""

    __pydantic_config__ = _STRICT
    id: str
    urgency: Urgency
    title: str
    why: str
    would_be: Urgency | None = None  # None: whatever a yes would mean


@dataclass(frozen=True)
class Unexplained:
    """Symptoms that no self-care cause explains raise a green result to `urgency`."""

    __pydantic_config__ = _STRICT
    id: str
    urgency: Urgency
    title: str
    why: str


@dataclass(frozen=True)
class Contraindication:
    __pydantic_config__ = _STRICT
    id: str
    name: str


@dataclass(frozen=True)
class Screen:
    """One screen of the check: a checklist of related findings (or, with one open, a question)."""

    __pydantic_config__ = _STRICT
    id: str
    stage: Literal[1, 2, 3, 4]
    title: str
    findings: tuple[str, ...]


@dataclass(frozen=True)
class TriageKnowledge:
    __pydantic_config__ = _STRICT
    notice: str
    unasked_title: str  # the banner of a green result whose case left safety questions out
    levels: tuple[UrgencyLevel, ...]
    unsure: tuple[Unsure, ...]
    unexplained: Unexplained
    contraindications: tuple[Contraindication, ...]
    screens: tuple[Screen, ...]
    rules: tuple[Rule, ...]
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True)
class Outcome:
    __pydantic_config__ = _STRICT
    label: str
    meaning: str


@dataclass(frozen=True)
class ChecklistItem:
    __pydantic_config__ = _STRICT
    id: str
    text: str
    finding: str | None = None


@dataclass(frozen=True)
class SelfTest:
    """A guided self-test; `kind` names the scoring in `core/selftests.py`."""

    __pydantic_config__ = _STRICT
    id: str
    kind: Literal["squeeze_timing", "where_felt", "pelvic_tilt", "clench", "checklist"]
    name: str
    purpose: str
    steps: tuple[str, ...]
    prompts: dict[str, str]
    outcomes: dict[str, Outcome]
    references: tuple[str, ...]
    seconds_bands: tuple[tuple[float, str], ...] = ()
    items: tuple[ChecklistItem, ...] = ()
    # Exercise in itself (standing on one leg, a bridge): left out while the person may not exercise.
    physical: bool = False


@dataclass(frozen=True)
class Dose:
    __pydantic_config__ = _STRICT
    sets: int
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    rest_seconds: int = 30


@dataclass(frozen=True)
class Tempo:
    __pydantic_config__ = _STRICT
    lift_seconds: int
    hold_seconds: int
    lower_seconds: int


FigureView = Literal["side", "front"]

# The skeleton an exercise figure is drawn with (`core/figure.py` does the geometry). The
# sides are `near` and `far`: in side view the figure faces right and `near` is the side
# towards the viewer; in front view the figure faces the viewer and `near` is the limbs
# drawn on the picture's left (the person's right).
FIGURE_SEGMENTS: tuple[str, ...] = (
    "trunk",
    "head",
    *(
        f"{side}_{part}"
        for side in ("near", "far")
        for part in ("upper_arm", "forearm", "thigh", "shin", "foot")
    ),
)
FIGURE_JOINTS: tuple[str, ...] = (
    "pelvis",
    "neck",
    "head",
    *(
        f"{side}_{part}"
        for side in ("near", "far")
        for part in ("shoulder", "elbow", "wrist", "hand", "hip", "knee", "ankle", "heel", "toe")
    ),
)


@dataclass(frozen=True)
class LimbAngles:
    """One side's joint angles in degrees, 0 being upright standing with the arms by the sides.

    Side view: positive is flexion (hip and shoulder forward, knee and elbow bent, toes up).
    Front view: positive hip and shoulder angles lift the limb out to the side; knee and
    elbow angles are bends seen from the front (positive towards the body's midline).
    """

    __pydantic_config__ = _STRICT
    shoulder: float = 0
    elbow: float = 0
    hip: float = 0
    knee: float = 0
    ankle: float = 0


@dataclass(frozen=True)
class Pose:
    """One key position of an exercise figure; `label` is its text alternative.

    `trunk` is the lean of pelvis-to-shoulders from upright, clockwise as drawn (side view:
    90 is face down with the head ahead, -90 lying on the back with the head behind).
    `touching` names the points that rest on the floor or on a prop in this position.
    """

    __pydantic_config__ = _STRICT
    label: str
    trunk: float
    near: LimbAngles
    far: LimbAngles | None = None  # None: as `near`
    neck: float = 0
    key: bool = False
    touching: tuple[str, ...] = ()

    @property
    def far_side(self) -> LimbAngles:
        return self.near if self.far is None else self.far


@dataclass(frozen=True)
class Prop:
    """Something the figure uses, placed against a point of the key pose.

    chair, bench and roller stand on the floor under `at`; a dumbbell rests on `at` and moves
    with it; a band stretches between `at` and `to`, just above those joints.
    """

    __pydantic_config__ = _STRICT
    kind: Literal["chair", "bench", "roller", "dumbbell", "band"]
    at: str
    to: str | None = None


@dataclass(frozen=True)
class Figure:
    """How an exercise is illustrated: a view, the key poses, and the props.

    The key pose (exactly one) is the still frame; the animation runs through the poses in
    order and back to the first. `anchor` is the point that stays put from pose to pose.
    `toward_key` says which tempo phase takes the figure from the first pose to the key one;
    `pace` times the animation when the exercise has no tempo. `foreshorten` draws a segment
    shorter because it points towards or away from the viewer.
    """

    __pydantic_config__ = _STRICT
    view: FigureView
    anchor: str
    poses: tuple[Pose, ...]
    props: tuple[Prop, ...] = ()
    toward_key: Literal["lift", "lower"] = "lift"
    pace: Tempo | None = None
    foreshorten: dict[str, float] = field(default_factory=dict)
    highlight: Literal["glutes", "hip_side", "hip_front", "none"] = "glutes"

    @property
    def key_pose(self) -> Pose:
        return next((pose for pose in self.poses if pose.key), self.poses[0])


@dataclass(frozen=True)
class Exercise:
    """An exercise, stretch, release or desk move."""

    __pydantic_config__ = _STRICT
    id: str
    name: str
    kind: Literal["activation", "strength", "stretch", "release", "desk_move", "mobility"]
    target_muscles: tuple[str, ...]
    position: Position
    equipment: tuple[Literal["band", "dumbbells", "barbell", "bench", "foam_roller_or_ball", "chair"], ...]
    level: Literal[1, 2, 3]
    dose: Dose
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    min_exercise_level: Literal["gentle", "full"]
    references: tuple[str, ...]
    figure: Figure
    aliases: tuple[str, ...] = ()
    prompt: str | None = None  # desk moves: what the coach's break prompt tells you to do
    tempo: Tempo | None = None
    regressions: tuple[str, ...] = ()
    progressions: tuple[str, ...] = ()
    avoid_with: tuple[str, ...] = ()


PhaseId = Literal["wake_up", "strengthen", "load"]


@dataclass(frozen=True)
class Phase:
    __pydantic_config__ = _STRICT
    id: PhaseId
    name: str
    from_day: int
    goal: str
    main: tuple[str, ...]


@dataclass(frozen=True)
class AdaptWhen:
    """Conditions on the latest event (a session's feedback or a check-in); all given must hold."""

    __pydantic_config__ = _STRICT
    new_red_flag: bool | None = None
    checkin_worse: bool | None = None
    pain_rising_sessions: int | None = None
    pain_at_least: int | None = None
    pain_at_most: int | None = None
    rpe_at_most: int | None = None
    felt: Felt | None = None
    all_sets_done: bool | None = None
    supervised: bool | None = None  # the plan is a clinician's programme


@dataclass(frozen=True)
class AdaptRule:
    __pydantic_config__ = _STRICT
    id: str
    action: Literal["stop", "regress", "progress"]
    when: AdaptWhen
    reason: str


@dataclass(frozen=True)
class Progression:
    __pydantic_config__ = _STRICT
    rep_step: int
    max_reps: int
    min_reps: int
    hold_step: int
    max_hold_seconds: int
    min_hold_seconds: int
    start_load_kg: float
    load_step_kg: float
    session_overhead_minutes: int


@dataclass(frozen=True)
class FollowCheck:
    """What a plan's change says when a newer symptom check allows less than it was built for."""

    __pydantic_config__ = _STRICT
    stop: str
    gentle: str
    avoid: str


@dataclass(frozen=True)
class Programme:
    """How plans are built and adapted: phases, pools, doses and the adaptation rules."""

    __pydantic_config__ = _STRICT
    days: int
    every_other_day: int
    phases: tuple[Phase, ...]
    gentle_main: tuple[str, ...]
    warm_up_move: str
    warm_up_activation: tuple[str, ...]
    stretches: tuple[str, ...]
    maintenance: tuple[str, ...]
    maintenance_per_week: int
    desk_habits: tuple[str, ...]
    kits: dict[Equipment, tuple[str, ...]]
    progression: Progression
    adapt_rules: tuple[AdaptRule, ...]
    follow_check: FollowCheck

    @property
    def maintenance_often(self) -> str:
        """How often to keep the routine up after the plan, in words: "twice a week"."""
        n = self.maintenance_per_week
        return {1: "once", 2: "twice"}.get(n, f"{n} times") + " a week"


@dataclass(frozen=True)
class Region:
    """Where the user lives: the numbers and services that every text names."""

    __pydantic_config__ = _STRICT
    id: str
    name: str
    emergency_number: str
    emergency_department: str
    urgent_service: str
    urgent_contact: str
    gp: str
    cancer_line: str
    numbers: tuple[str, ...]
    emergency_dial: str  # what a phone dials for an emergency (a tap-to-call link)
    urgent_dial: str | None = None  # and for same-day advice, where one number serves


REGION_PLACEHOLDERS: tuple[str, ...] = (
    "emergency_number",
    "emergency_department",
    "urgent_service",
    "urgent_contact",
    "gp",
    "cancer_line",
)


# --- motion rules: what the camera coach tracks per exercise (core/motion.py evaluates them) ---

LANDMARKS: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip  # MediaPipe Pose's 33 landmarks, in its order
# A point is a landmark, or a landmark without its side ("hip"): the side being watched.
SIDED = frozenset(name.split("_", 1)[1] for name in LANDMARKS if name.startswith(("left_", "right_")))
MeasureKind = Literal["angle", "tilt", "height", "ratio", "depth"]
_POINTS = {"angle": 3, "tilt": 2, "height": 2, "ratio": 4, "depth": 2}


@dataclass(frozen=True)
class Measure:
    """A number read from one frame's landmarks (x, y in image fractions, y downwards):

    - `angle` [a, b, c]: the angle at b, in degrees (0-180);
    - `tilt` [a, b]: how far the line a-b leans from level, in degrees (-90 to 90);
    - `height` [a, b]: how far a is above b, in torso lengths (shoulders' middle to hips' middle);
    - `ratio` [a, b, c, d]: the distance a-b over the distance c-d (knees' width over ankles');
    - `depth` [a, b]: how much nearer the camera b is than a, in torso lengths (MediaPipe's z).
    """

    __pydantic_config__ = _STRICT
    kind: MeasureKind
    points: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.points) != _POINTS[self.kind]:
            raise ValueError(
                f"a {self.kind} measure takes {_POINTS[self.kind]} points, not {len(self.points)}"
            )
        for point in self.points:
            if point not in LANDMARKS and point not in SIDED:
                raise ValueError(f"{point!r} is not a landmark (or a landmark without its side)")


@dataclass(frozen=True)
class FormCheck:
    """A form mistake: the measure (default: the one counted) and when it counts as the mistake.

    `short_of`: the rep's furthest value towards the top does not reach this (not high or deep
    enough); `above` / `below`: the measure goes past this at any moment of a rep or hold (for
    `tilt`, either way: its size). `view`: only judged when the person faces that way.
    """

    __pydantic_config__ = _STRICT
    id: str
    cue: str
    measure: Measure | None = None
    short_of: float | None = None
    above: float | None = None
    below: float | None = None
    view: Literal["side", "front"] | None = None
    for_frames: int = 3  # frames in a row past the limit before it counts (one noisy frame never does)

    def __post_init__(self) -> None:
        given = [v for v in (self.short_of, self.above, self.below) if v is not None]
        if len(given) != 1:
            raise ValueError(f"check {self.id}: give exactly one of short_of, above, below")
        if self.short_of is not None and self.measure is not None:
            raise ValueError(f"check {self.id}: short_of is about the counted measure; give no measure")


@dataclass(frozen=True)
class MotionRule:
    """How the camera coach follows one exercise: counting reps (the measure leaves `rest`,
    reaches `top`, and comes back: two thresholds, so jitter between them counts nothing) or
    timing a hold (in position from `top`, out of it past `rest`), and the form checks."""

    __pydantic_config__ = _STRICT
    exercise: str
    view: Literal["side", "front"]
    count: Literal["reps", "hold"]
    measure: Measure
    rest: float
    top: float
    checks: tuple[FormCheck, ...] = ()
    min_rep_seconds: float = 0.4  # quicker than this is no one's rep, whatever the pace
    max_rep_seconds: float = 15.0
    min_visibility: float = 0.5
    # Which side's points to follow: whichever counts more ("either"), or the side higher in
    # the picture ("upper": the top side of someone lying or propped on their side).
    watch: Literal["either", "upper"] = "either"
    # How the person's own rest level is laid onto `rest` (core/motion.py): "scale" stretches it
    # there (a length that differs from person to person and camera to camera, such as a
    # standing hip's height), "shift" moves it there (a level above the floor, a distance
    # apart), "none" counts from it but judges the checks on the reading as it is (an angle: a
    # straight line is 180 degrees for everyone). By default: "scale" for heights, "none" for
    # angles, "shift" for the rest.
    calibrate: Literal["shift", "scale", "none"] | None = None
    # The furthest towards `top` a person's rest level can be (a hold's position is not a rest):
    # someone already in position when the set starts is timed from the start.
    rest_up_to: float | None = None
    # Seconds one rep takes at the exercise's prescribed tempo (the loader fills it in from
    # exercises.yaml); a rep far quicker than both this and the person's own pace is not one.
    tempo_seconds: float | None = None

    @property
    def rising(self) -> bool:
        """Whether the measure grows towards the top (a bridge's hip angle) or falls (a squat's hip height)."""
        return self.top > self.rest

    @property
    def calibration(self) -> Literal["shift", "scale", "none"]:
        if self.calibrate is not None:
            return self.calibrate
        if self.measure.kind == "height":
            return "scale"
        return "none" if self.measure.kind in ("angle", "tilt") else "shift"


@dataclass(frozen=True)
class Knowledge:
    """The whole validated knowledge base, each collection keyed by id in file order.

    Its texts name the services of `region` (the loader fills in regions.yaml's placeholders).
    """

    references: dict[str, Reference]
    findings: dict[str, Finding]
    conditions: dict[str, Condition]
    triage: TriageKnowledge
    selftests: dict[str, SelfTest]
    exercises: dict[str, Exercise]
    programme: Programme
    regions: dict[str, Region]
    region: str = ""  # "" while the texts still hold placeholders (inside the loader only)
    digest: str = field(default="")
    motion: dict[str, MotionRule] = field(default_factory=dict)  # by exercise id

    def level(self, urgency: Urgency) -> UrgencyLevel:
        return next(level for level in self.triage.levels if level.id == urgency)

    def avoid_name(self, avoid_id: str) -> str:
        """What an exercise's `avoid_with` entry is, in words: a condition or a contraindication."""
        if avoid_id in self.conditions:
            return self.conditions[avoid_id].name
        return next(c.name for c in self.triage.contraindications if c.id == avoid_id)
