"""Exercise figures: a flat 2D skeleton posed from the knowledge base and drawn as SVG.

Pure: no I/O, no clock. The skeleton is a pelvis root with a rigid trunk (hips, shoulders
and the neck on it), a head, and per side an upper arm, forearm, thigh, shin and foot.
Segment lengths are the usual anthropometric fractions of body height. A pose's joint
angles (`knowledge.schema.Pose`) give every segment's direction; `joint_positions` turns
them into points, placed so that the figure's `anchor` stays put from pose to pose and
the key pose rests on the floor.

`render` draws the key pose with plain SVG attributes (the still frame, shown even where CSS
animation or scripts are off) and, when asked, animates through the poses with CSS
keyframes: one nested group per segment, rooted at the anchor, each rotating about its
joint by how far that joint's angle is from the key pose. The groups interpolate joint
angles, so limbs swing rather than jump, and the anchor never slides.

Coordinates from `joint_positions` are in body heights, x to the right, y up, the floor at
y = 0 and the anchor at x = 0.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from glutewake.knowledge.schema import (
    Exercise,
    Figure,
    FigureView,
    LimbAngles,
    Pose,
    Prop,
    Tempo,
)

__all__ = [
    "BODY",
    "DEFAULT_HOLD_PACE",
    "DEFAULT_REP_PACE",
    "JOINT_LIMITS",
    "Point",
    "Size",
    "Surface",
    "contact_gap",
    "interpolate",
    "joint_positions",
    "pace",
    "pose_angles",
    "radius",
    "render",
    "rep_seconds",
    "supports",
    "timeline",
]

Point = tuple[float, float]
Size = Literal["thumb", "large"]
Side = Literal["near", "far"]
SIDES: tuple[Side, ...] = ("near", "far")


@dataclass(frozen=True)
class _Body:
    """Segment lengths and drawn thicknesses as fractions of body height."""

    trunk: float = 0.288  # hip joint to shoulder joint
    neck: float = 0.118  # shoulder line to the centre of the head
    head_radius: float = 0.064
    upper_arm: float = 0.186
    forearm: float = 0.146  # elbow to wrist
    hand: float = 0.055  # wrist to the middle of the hand
    thigh: float = 0.245
    shin: float = 0.246  # knee to ankle
    ankle_height: float = 0.039
    heel: float = 0.035  # ankle to the back of the heel, along the sole
    toe: float = 0.117  # ankle to the tip of the toes, along the sole
    hip_half: float = 0.052  # front view: pelvis centre to each hip joint
    shoulder_half: float = 0.1  # front view: neck base to each shoulder joint
    trunk_width: float = 0.12  # side view
    front_edge: float = 0.06  # front view: the rounded edge around the trunk's corners
    arm_width: float = 0.042
    leg_width: float = 0.058
    foot_width: float = 0.034


BODY = _Body()

# The range of each joint angle, in degrees, for each view (see `LimbAngles` for the signs).
# Side view: anatomical ranges of flexion (+) and extension (-); knees and elbows never bend
# backwards. Front view: lifting a limb out to the side (+) or across (-); a bent knee or
# elbow seen from the front may point either way (that depends on how the hip or shoulder
# is turned), so only the size of the bend is limited.
JOINT_LIMITS: dict[FigureView, dict[str, tuple[float, float]]] = {
    "side": {
        "neck": (-45, 60),
        "shoulder": (-60, 180),
        "elbow": (0, 150),
        "hip": (-30, 130),
        "knee": (0, 150),
        "ankle": (-50, 30),
    },
    "front": {
        "neck": (-40, 40),
        "shoulder": (-30, 180),
        "elbow": (-150, 150),
        "hip": (-30, 50),
        "knee": (-150, 150),
        "ankle": (-45, 45),
    },
}

# How the animation is timed when the exercise gives no tempo (lift, hold, lower seconds).
DEFAULT_REP_PACE = Tempo(lift_seconds=2, hold_seconds=1, lower_seconds=2)
DEFAULT_HOLD_PACE = Tempo(lift_seconds=2, hold_seconds=4, lower_seconds=2)

# Parts drawn shorter by default because they point at the viewer.
_FRONT_FORESHORTEN = {"near_foot": 0.45, "far_foot": 0.45}


# --- the skeleton -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signs:
    """Which way each joint angle turns its segment (counter-clockwise positive, y up)."""

    shoulder: int
    elbow: int
    hip: int
    knee: int
    ankle: int
    foot: int  # the foot's direction from the shin, +90 or -90
    lateral: int  # 0 in side view; +1 / -1: which way the hips and shoulders sit from the midline


_SIGNS: dict[tuple[FigureView, Side], _Signs] = {
    ("side", "near"): _Signs(shoulder=1, elbow=1, hip=1, knee=-1, ankle=1, foot=90, lateral=0),
    ("side", "far"): _Signs(shoulder=1, elbow=1, hip=1, knee=-1, ankle=1, foot=90, lateral=0),
    ("front", "near"): _Signs(shoulder=-1, elbow=1, hip=-1, knee=1, ankle=-1, foot=-90, lateral=1),
    ("front", "far"): _Signs(shoulder=1, elbow=-1, hip=1, knee=-1, ankle=1, foot=90, lateral=-1),
}

# Each segment, the segment it hangs from, and the joint between them (the trunk hangs from
# nothing at the pelvis).
_LINKS: tuple[tuple[str, str | None, str], ...] = (
    ("trunk", None, "pelvis"),
    ("head", "trunk", "neck"),
    *(
        link
        for side in SIDES
        for link in (
            (f"{side}_upper_arm", "trunk", f"{side}_shoulder"),
            (f"{side}_forearm", f"{side}_upper_arm", f"{side}_elbow"),
            (f"{side}_thigh", "trunk", f"{side}_hip"),
            (f"{side}_shin", f"{side}_thigh", f"{side}_knee"),
            (f"{side}_foot", f"{side}_shin", f"{side}_ankle"),
        )
    ),
)

# The segment each point is fixed to.
_POINT_LINK: dict[str, str] = {
    "pelvis": "trunk",
    "neck": "trunk",
    "head": "head",
    **{
        f"{side}_{part}": f"{side}_{segment}"
        for side in SIDES
        for part, segment in (
            ("shoulder", "upper_arm"),
            ("elbow", "forearm"),
            ("wrist", "forearm"),
            ("hand", "forearm"),
            ("hip", "thigh"),
            ("knee", "shin"),
            ("ankle", "foot"),
            ("heel", "foot"),
            ("toe", "foot"),
        )
    },
}


def pose_angles(pose: Pose) -> dict[str, float]:
    """Every joint angle of a pose by name ("neck", "near_hip", "far_knee", ...), for checks."""
    angles = {"neck": pose.neck}
    for side, limbs in (("near", pose.near), ("far", pose.far_side)):
        for joint in ("shoulder", "elbow", "hip", "knee", "ankle"):
            angles[f"{side}_{joint}"] = getattr(limbs, joint)
    return angles


def _direction(degrees: float) -> Point:
    radians = math.radians(degrees)
    return math.cos(radians), math.sin(radians)


def _add(point: Point, direction: Point, length: float) -> Point:
    return point[0] + direction[0] * length, point[1] + direction[1] * length


def _segment_angles(figure: Figure, pose: Pose) -> dict[str, float]:
    """Each segment's direction in degrees, counter-clockwise from the x axis, unwrapped
    (linear in the pose's angles, so that poses can be interpolated)."""
    trunk = 90 - pose.trunk
    angles = {"trunk": trunk, "head": trunk - pose.neck}
    for side, limbs in ((SIDES[0], pose.near), (SIDES[1], pose.far_side)):
        signs = _SIGNS[figure.view, side]
        upper = trunk + 180 + signs.shoulder * limbs.shoulder
        thigh = trunk + 180 + signs.hip * limbs.hip
        shin = thigh + signs.knee * limbs.knee
        angles[f"{side}_upper_arm"] = upper
        angles[f"{side}_forearm"] = upper + signs.elbow * limbs.elbow
        angles[f"{side}_thigh"] = thigh
        angles[f"{side}_shin"] = shin
        angles[f"{side}_foot"] = shin + signs.foot + signs.ankle * limbs.ankle
    return angles


def _foreshortening(figure: Figure) -> dict[str, float]:
    defaults = _FRONT_FORESHORTEN if figure.view == "front" else {}
    return {**defaults, **figure.foreshorten}


def _local_points(figure: Figure, pose: Pose) -> dict[str, Point]:
    """Every point of the pose with the pelvis at the origin."""
    b, angles, short = BODY, _segment_angles(figure, pose), _foreshortening(figure)

    def length(segment: str, full: float) -> float:
        return full * short.get(segment, 1.0)

    trunk = _direction(angles["trunk"])
    points: dict[str, Point] = {"pelvis": (0.0, 0.0)}
    points["neck"] = _add(points["pelvis"], trunk, length("trunk", b.trunk))
    points["head"] = _add(points["neck"], _direction(angles["head"]), length("head", b.neck))
    for side in SIDES:
        signs = _SIGNS[figure.view, side]
        lateral = _direction(angles["trunk"] + 90 * signs.lateral) if signs.lateral else (0.0, 0.0)
        shoulder = _add(points["neck"], lateral, b.shoulder_half)
        hip = _add(points["pelvis"], lateral, b.hip_half)
        forearm = _direction(angles[f"{side}_forearm"])
        elbow = _add(
            shoulder, _direction(angles[f"{side}_upper_arm"]), length(f"{side}_upper_arm", b.upper_arm)
        )
        wrist = _add(elbow, forearm, length(f"{side}_forearm", b.forearm))
        knee = _add(hip, _direction(angles[f"{side}_thigh"]), length(f"{side}_thigh", b.thigh))
        ankle = _add(knee, _direction(angles[f"{side}_shin"]), length(f"{side}_shin", b.shin))
        foot = angles[f"{side}_foot"]
        along, up = _direction(foot), _direction(foot + signs.foot)  # the sole's direction and normal
        sole = _add(ankle, up, -b.ankle_height)
        points |= {
            f"{side}_shoulder": shoulder,
            f"{side}_elbow": elbow,
            f"{side}_wrist": wrist,
            f"{side}_hand": _add(wrist, forearm, length(f"{side}_forearm", b.hand)),
            f"{side}_hip": hip,
            f"{side}_knee": knee,
            f"{side}_ankle": ankle,
            f"{side}_heel": _add(sole, along, -length(f"{side}_foot", b.heel)),
            f"{side}_toe": _add(sole, along, length(f"{side}_foot", b.toe)),
        }
    return points


def radius(figure: Figure, joint: str) -> float:
    """How far the body's surface is from a point (half the thickness drawn there)."""
    b = BODY
    part = joint.split("_", 1)[-1]
    trunk_half = b.trunk_width / 2 if figure.view == "side" else b.front_edge / 2
    if joint in ("pelvis", "neck") or part in ("shoulder", "hip"):
        return trunk_half
    if joint == "head":
        return b.head_radius
    return {
        "elbow": b.arm_width / 2,
        "wrist": b.arm_width / 2,
        "hand": b.arm_width / 2,
        "knee": b.leg_width / 2,
        "ankle": b.leg_width / 2,
    }.get(part, 0.0)  # heel and toe are points on the sole


def _lowest(figure: Figure, points: dict[str, Point]) -> float:
    return min(y - radius(figure, name) for name, (_, y) in points.items())


def joint_positions(figure: Figure, pose: Pose) -> dict[str, Point]:
    """Where every joint of `pose` is, in body heights (x right, y up, the floor at y = 0).

    The key pose rests on the floor at its lowest point with the anchor at x = 0; every
    other pose is moved so that its anchor is where the key pose's is. Keys are
    `knowledge.schema.FIGURE_JOINTS`; "heel" and "toe" are on the sole, "hand" is the
    middle of the hand and "head" the centre of the head.
    """
    key = _local_points(figure, figure.key_pose)
    anchor_x, anchor_y = key[figure.anchor]
    anchor_y -= _lowest(figure, key)
    local = key if pose == figure.key_pose else _local_points(figure, pose)
    dx, dy = anchor_x - local[figure.anchor][0], anchor_y - local[figure.anchor][1]
    return {name: (x + dx - anchor_x, y + dy) for name, (x, y) in local.items()}


def interpolate(a: Pose, b: Pose, fraction: float) -> Pose:
    """The pose `fraction` of the way from `a` to `b`, every angle moving evenly."""

    def mix(x: float, y: float) -> float:
        return x + (y - x) * fraction

    def limbs(x: LimbAngles, y: LimbAngles) -> LimbAngles:
        return LimbAngles(
            *(mix(getattr(x, j), getattr(y, j)) for j in ("shoulder", "elbow", "hip", "knee", "ankle"))
        )

    return replace(
        a,
        trunk=mix(a.trunk, b.trunk),
        neck=mix(a.neck, b.neck),
        near=limbs(a.near, b.near),
        far=limbs(a.far_side, b.far_side),
        key=False,
    )


# --- props ------------------------------------------------------------------------------------

_CHAIR_SEAT = (-0.16, 0.1)  # the seat's back and front edges from the sitting point
_CHAIR_BACK = 0.26
_BENCH = (-0.42, 0.06)
_ROLLER_RADIUS = 0.055
_DUMBBELL_RADIUS = 0.042
_BAND_ABOVE = 0.22  # how far up the limb from the joint the band sits


@dataclass(frozen=True)
class Surface:
    """A flat top a body can rest on, or a round one (a roller)."""

    kind: Literal["flat", "round"]
    x0: float
    x1: float
    y: float  # the top (flat) or the centre (round)
    r: float = 0.0


def supports(exercise: Exercise) -> tuple[Surface, ...]:
    """The surfaces a figure can touch: the floor, then each standing prop's top."""
    figure = exercise.figure
    key = joint_positions(figure, figure.key_pose)
    surfaces = [Surface("flat", -math.inf, math.inf, 0.0)]
    for prop in figure.props:
        x, y = key[prop.at]
        top = y - radius(figure, prop.at)
        if prop.kind == "chair":
            surfaces.append(Surface("flat", x + _CHAIR_SEAT[0], x + _CHAIR_SEAT[1], top))
        elif prop.kind == "bench":
            surfaces.append(Surface("flat", x + _BENCH[0], x + _BENCH[1], top))
        elif prop.kind == "roller":
            surfaces.append(Surface("round", x, x, _ROLLER_RADIUS, _ROLLER_RADIUS))
    return tuple(surfaces)


def contact_gap(exercise: Exercise, pose: Pose, joint: str) -> float:
    """How far the body's surface at `joint` is from the nearest support (0: touching;
    negative: sunk into it)."""
    figure = exercise.figure
    x, y = joint_positions(figure, pose)[joint]
    r = radius(figure, joint)
    gaps = []
    for surface in supports(exercise):
        if surface.kind == "round":
            gaps.append(math.hypot(x - surface.x0, y - surface.y) - surface.r - r)
        elif surface.x0 - r <= x <= surface.x1 + r:
            gaps.append(y - r - surface.y)
    return min(gaps, key=abs)


# --- timing -----------------------------------------------------------------------------------


def pace(exercise: Exercise) -> Tempo:
    """The lift, hold and lower seconds the animation follows: the exercise's tempo, else
    the figure's own pace, else a default for reps or for holds."""
    if exercise.tempo is not None:
        return exercise.tempo
    if exercise.figure.pace is not None:
        return exercise.figure.pace
    return DEFAULT_REP_PACE if exercise.dose.reps is not None else DEFAULT_HOLD_PACE


def rep_seconds(exercise: Exercise) -> float:
    """How long one pass of the animation takes (one rep at the exercise's tempo)."""
    p = pace(exercise)
    return float(p.lift_seconds + p.hold_seconds + p.lower_seconds)


def timeline(exercise: Exercise) -> tuple[tuple[float, int], ...]:
    """(seconds, pose index) stops of one rep: from the first pose to the key one (the lift,
    or the lower when `toward_key` says so), the hold there, then on through any later poses
    (or back through the earlier ones) to the first pose again."""
    figure, p = exercise.figure, pace(exercise)
    key = figure.poses.index(figure.key_pose)
    lift, lower = p.lift_seconds, p.lower_seconds
    first, second = (lift, lower) if figure.toward_key == "lift" else (lower, lift)
    onward = [*range(key, len(figure.poses)), 0] if key < len(figure.poses) - 1 else []
    back = onward or list(range(key, -1, -1))
    stops: list[tuple[float, int]] = [(0.0, 0)]
    t = 0.0
    for index in range(1, key + 1):
        t += first / key
        stops.append((t, index))
    if p.hold_seconds:
        t += p.hold_seconds
        stops.append((t, key))
    for index in back[1:]:
        t += second / (len(back) - 1)
        stops.append((t, index))
    return tuple(stops)


def _ease(s: float) -> float:
    """CSS `ease-in-out`, cubic-bezier(0.42, 0, 0.58, 1): progress at time fraction `s`."""

    def bezier(u: float, p1: float, p2: float) -> float:
        return 3 * (1 - u) ** 2 * u * p1 + 3 * (1 - u) * u**2 * p2 + u**3

    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if bezier(mid, 0.42, 0.58) < s else (lo, mid)
    return bezier((lo + hi) / 2, 0.0, 1.0)


# --- drawing ----------------------------------------------------------------------------------

_SCALE = 100.0  # SVG units per body height
_MIN_WIDTH = 150.0
_ASPECT = 0.75
_PAD = 6.0
_BELOW_FLOOR = 9.0
_PIXELS: dict[Size, tuple[int, int]] = {"thumb": (160, 120), "large": (480, 360)}
_COLOURS = {
    "body": "#2f5d62",
    "far": "#8db1ad",
    "prop": "#c7a27c",
    "floor": "#c9d3d1",
    "accent": "#e07a5f",
}
# Paint order: far side behind the trunk, near side in front, arms over legs.
_DEPTH = {"far_leg": -2, "far_arm": -1, "trunk": 0, "head": 0, "near_leg": 1, "near_arm": 2}


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _depth(link: str) -> int:
    if link in ("trunk", "head"):
        return _DEPTH[link]
    side, part = link.split("_", 1)
    return _DEPTH[f"{side}_{'arm' if part in ('upper_arm', 'forearm') else 'leg'}"]


def _deepest(link: str, children: dict[str, list[tuple[str, str]]]) -> int:
    """The depth a subtree is painted at: that of its farthest-back segment."""
    return min([_depth(link), *(_deepest(child, children) for child, _ in children[link])])


@dataclass(frozen=True)
class _Canvas:
    """Maps body heights to SVG units (y down, the view box from 0, 0)."""

    left: float
    floor: float
    width: float
    height: float

    def at(self, point: Point) -> Point:
        return self.left + point[0] * _SCALE, self.floor - point[1] * _SCALE

    def xy(self, point: Point) -> str:
        x, y = self.at(point)
        return f"{_num(x)} {_num(y)}"


def _line(canvas: _Canvas, a: Point, b: Point, cls: str, width: float, colour: str) -> str:
    (x1, y1), (x2, y2) = canvas.at(a), canvas.at(b)
    return (
        f'<line class="{cls}" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
        f'stroke="{colour}" stroke-width="{_num(width * _SCALE)}"/>'
    )


def _tone(figure: Figure, link: str) -> tuple[str, str]:
    """The class and fallback colour a segment is painted with."""
    if link.startswith("far_"):
        return "gw-fig-far", _COLOURS["far"]
    return "gw-fig-body", _COLOURS["body"]


def _shapes(figure: Figure, link: str, p: dict[str, Point], canvas: _Canvas) -> list[str]:
    """The SVG elements that draw one segment in the key pose."""
    b = BODY
    cls, colour = _tone(figure, link)
    if link == "head":
        x, y = canvas.at(p["head"])
        return [
            f'<circle class="{cls}-fill" cx="{_num(x)}" cy="{_num(y)}" r="{_num(b.head_radius * _SCALE)}" '
            f'fill="{colour}"/>'
        ]
    if link == "trunk":
        if figure.view == "side":
            top = _add(p["neck"], _unit(p["neck"], p["pelvis"]), 0.02)
            return [_line(canvas, p["pelvis"], top, cls, b.trunk_width, colour)]
        corners = " L".join(canvas.xy(p[j]) for j in ("far_hip", "near_hip", "near_shoulder", "far_shoulder"))
        return [
            f'<path class="{cls} {cls}-fill" d="M{corners}Z" fill="{colour}" stroke="{colour}" '
            f'stroke-width="{_num(b.front_edge * _SCALE)}"/>'
        ]
    side, part = link.split("_", 1)
    if part == "upper_arm":
        return [_line(canvas, p[f"{side}_shoulder"], p[f"{side}_elbow"], cls, b.arm_width, colour)]
    if part == "forearm":
        return [_line(canvas, p[f"{side}_elbow"], p[f"{side}_hand"], cls, b.arm_width * 0.92, colour)]
    if part == "thigh":
        return [_line(canvas, p[f"{side}_hip"], p[f"{side}_knee"], cls, b.leg_width, colour)]
    if part == "shin":
        return [_line(canvas, p[f"{side}_knee"], p[f"{side}_ankle"], cls, b.leg_width * 0.88, colour)]
    heel, toe, r = p[f"{side}_heel"], p[f"{side}_toe"], b.foot_width / 2
    up = _normal(heel, toe, p[f"{side}_ankle"])
    along = _unit(heel, toe)
    length = math.dist(heel, toe)
    inset = min(r, length / 2)
    start = _add(_add(heel, up, r), along, inset)
    end = _add(_add(toe, up, r), along, -inset)
    return [_line(canvas, start, end, cls, b.foot_width, colour)]


def _unit(a: Point, b: Point) -> Point:
    length = math.dist(a, b) or 1.0
    return (b[0] - a[0]) / length, (b[1] - a[1]) / length


def _normal(a: Point, b: Point, towards: Point) -> Point:
    """The unit normal of line a-b on the side of `towards`."""
    ux, uy = _unit(a, b)
    nx, ny = -uy, ux
    if (towards[0] - a[0]) * nx + (towards[1] - a[1]) * ny < 0:
        nx, ny = -nx, -ny
    return nx, ny


def _highlight(figure: Figure, p: dict[str, Point], canvas: _Canvas) -> str | None:
    """Where the exercise should be felt, as a soft spot on the key pose."""
    if figure.highlight == "none":
        return None
    trunk_up = _unit(p["pelvis"], p["neck"])
    if figure.view == "side":
        front = (trunk_up[1], -trunk_up[0])  # the figure faces right: forward is clockwise of up
        sign = -1 if figure.highlight == "glutes" else 1
        spot = _add(_add(p["pelvis"], front, sign * 0.035), trunk_up, 0.02)
    else:
        outward = _unit(p["pelvis"], p["near_hip"])
        spot = _add(_add(p["near_hip"], outward, 0.01), trunk_up, 0.035)
    x, y = canvas.at(spot)
    return (
        f'<circle class="gw-fig-accent" cx="{_num(x)}" cy="{_num(y)}" r="{_num(0.036 * _SCALE)}" '
        f'fill="{_COLOURS["accent"]}" opacity="0.85"/>'
    )


def _static_prop(figure: Figure, prop: Prop, p: dict[str, Point], canvas: _Canvas) -> str:
    x, y = p[prop.at]
    top = y - radius(figure, prop.at)
    colour = _COLOURS["prop"]
    if prop.kind == "roller":
        cx, cy = canvas.at((x, _ROLLER_RADIUS))
        return (
            f'<circle class="gw-fig-prop-fill" cx="{_num(cx)}" cy="{_num(cy)}" '
            f'r="{_num(_ROLLER_RADIUS * _SCALE)}" fill="{colour}"/>'
        )
    x0, x1 = (
        (x + _CHAIR_SEAT[0], x + _CHAIR_SEAT[1]) if prop.kind == "chair" else (x + _BENCH[0], x + _BENCH[1])
    )
    seat = 0.035
    w = 0.028
    parts = [
        _line(
            canvas, (x0 + w / 2, top - seat / 2), (x1 - w / 2, top - seat / 2), "gw-fig-prop", seat, colour
        ),
        _line(canvas, (x0 + w, top - seat), (x0 + w, w / 2), "gw-fig-prop", w, colour),
        _line(canvas, (x1 - w, top - seat), (x1 - w, w / 2), "gw-fig-prop", w, colour),
    ]
    if prop.kind == "chair":
        parts.append(
            _line(canvas, (x0 + w / 2, top), (x0 - 0.02, top + _CHAIR_BACK), "gw-fig-prop", w, colour)
        )
    return "".join(parts)


def _dumbbell(prop: Prop, figure: Figure, p: dict[str, Point], canvas: _Canvas) -> str:
    """A weight resting on `at`, seen end on (side view) or from the front."""
    trunk_up = _unit(p["pelvis"], p["neck"])
    front = (trunk_up[1], -trunk_up[0])
    centre = _add(p[prop.at], front, radius(figure, prop.at) + _DUMBBELL_RADIUS * 0.9)
    x, y = canvas.at(centre)
    r = _DUMBBELL_RADIUS * _SCALE
    return (
        f'<circle class="gw-fig-prop-fill" cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="{_COLOURS["prop"]}"/>'
        f'<circle class="gw-fig-hole" cx="{_num(x)}" cy="{_num(y)}" r="{_num(r * 0.35)}" fill="#ffffff"/>'
    )


def _band_ends(figure: Figure, prop: Prop, points: dict[str, Point]) -> tuple[Point, Point]:
    """The band's two ends: a little above each of its joints, towards the body."""
    parents = {joint: parent_joint for _, parent_joint, joint in _PARENT_JOINTS}

    def above(joint: str) -> Point:
        parent = parents.get(joint)
        if parent is None:
            return points[joint]
        a, b = points[joint], points[parent]
        return a[0] + (b[0] - a[0]) * _BAND_ABOVE, a[1] + (b[1] - a[1]) * _BAND_ABOVE

    assert prop.to is not None
    return above(prop.at), above(prop.to)


# (segment, the joint above, the joint) for the band's "just above the joint".
_PARENT_JOINTS: tuple[tuple[str, str, str], ...] = tuple(
    item
    for side in SIDES
    for item in (
        (f"{side}_thigh", f"{side}_hip", f"{side}_knee"),
        (f"{side}_shin", f"{side}_knee", f"{side}_ankle"),
        (f"{side}_forearm", f"{side}_elbow", f"{side}_wrist"),
    )
)


def _tree(anchor: str) -> dict[str, list[tuple[str, str]]]:
    """The segments re-hung from the anchor's segment: each one's (child, joint) pairs."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for link, parent, joint in _LINKS:
        if parent is not None:
            edges.setdefault(parent, []).append((link, joint))
            edges.setdefault(link, []).append((parent, joint))
    children: dict[str, list[tuple[str, str]]] = {}
    seen = {_POINT_LINK[anchor]}
    queue = [_POINT_LINK[anchor]]
    while queue:
        link = queue.pop(0)
        children[link] = []
        for other, joint in edges.get(link, []):
            if other not in seen:
                seen.add(other)
                children[link].append((other, joint))
                queue.append(other)
    return children


@dataclass(frozen=True)
class _Frame:
    """One animation stop: when (0..1 of the rep), and the pose there."""

    at: float
    pose: Pose
    key: bool


def _frames(exercise: Exercise) -> list[_Frame]:
    poses = exercise.figure.poses
    total = rep_seconds(exercise)
    stops = timeline(exercise)
    return [_Frame(t / total, poses[i], poses[i].key) for t, i in stops]


def _percent(fraction: float) -> str:
    return f"{_num(fraction * 100)}%"


def _bounds(exercise: Exercise) -> tuple[float, float, float]:
    """The figure's left and right edges and top, over every pose and prop (body heights)."""
    figure = exercise.figure
    xs: list[float] = []
    ys: list[float] = [0.0]
    for pose in figure.poses:
        for name, (x, y) in joint_positions(figure, pose).items():
            r = radius(figure, name) + 0.02
            xs += [x - r, x + r]
            ys.append(y + r)
    for surface in supports(exercise)[1:]:
        xs += [surface.x0 - 0.03, surface.x1 + 0.03]
        ys.append(surface.y + (_CHAIR_BACK if surface.kind == "flat" else surface.r))
    return min(xs), max(xs), max(ys)


def _canvas(exercise: Exercise) -> _Canvas:
    left, right, top = _bounds(exercise)
    content_w = (right - left) * _SCALE + 2 * _PAD
    content_h = top * _SCALE + _PAD + _BELOW_FLOOR
    width = max(_MIN_WIDTH, content_w, content_h / _ASPECT)
    height = width * _ASPECT
    return _Canvas(
        left=(width - (right - left) * _SCALE) / 2 - left * _SCALE,
        floor=height - _BELOW_FLOOR,
        width=width,
        height=height,
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _Motion:
    """The CSS of one figure's animation: a rule and keyframes per moving group."""

    def __init__(self, scope: str, canvas: _Canvas, seconds: float) -> None:
        self.scope, self.canvas, self.seconds = scope, canvas, _num(seconds)
        self.rules: list[str] = []

    def add(self, name: str, origin: Point | None, stops: list[tuple[float, str]], timing: str) -> str:
        """The class of a group moved through `stops` ((0..1, declarations)), or "" if still."""
        if len({value for _, value in stops}) <= 1:
            return ""
        cls = f"{self.scope}-{name}"
        where = "0 0" if origin is None else "{}px {}px".format(*map(_num, self.canvas.at(origin)))
        steps = "".join(f"{_percent(at)}{{{value}}}" for at, value in stops)
        self.rules.append(
            f".{cls}{{transform-box:view-box;transform-origin:{where};"
            f"animation:{cls} {self.seconds}s {timing} infinite}}@keyframes {cls}{{{steps}}}"
        )
        return cls

    def css(self) -> str:
        if not self.rules:
            return ""
        still = f"@media (prefers-reduced-motion:reduce){{.{self.scope} *{{animation:none!important}}}}"
        return "".join(self.rules) + still


def _colours(scope: str) -> str:
    c = _COLOURS
    return "".join(
        f".{scope} .gw-fig-{cls}{{{prop}:var(--figure-{var},{c[var]})}}"
        for cls, prop, var in (
            ("body", "stroke", "body"),
            ("body-fill", "fill", "body"),
            ("far", "stroke", "far"),
            ("prop", "stroke", "prop"),
            ("prop-fill", "fill", "prop"),
            ("hole", "fill", "floor"),
            ("floor", "stroke", "floor"),
            ("accent", "fill", "accent"),
        )
    )


def render(exercise: Exercise, *, size: Size = "large", animate: bool = True) -> str:
    """The exercise's figure as a standalone SVG string.

    The key pose is drawn with plain shapes; with `animate`, CSS keyframes in the SVG's own
    style move through the poses at the exercise's tempo (see `timeline`), and stop at the
    key pose for readers who prefer reduced motion. Colours come from the page's
    `--figure-body`, `--figure-far`, `--figure-prop`, `--figure-floor` and `--figure-accent`
    custom properties, with fallbacks. Every class and animation name carries the exercise
    and the size, so many figures can share a page.
    """
    figure = exercise.figure
    scope = f"gw-fig-{exercise.id.replace('_', '-')}-{size}"
    canvas = _canvas(exercise)
    key = joint_positions(figure, figure.key_pose)
    label = _escape(figure.key_pose.label)
    frames = _frames(exercise) if animate else []
    motion = _Motion(scope, canvas, rep_seconds(exercise))
    key_angles = _segment_angles(figure, figure.key_pose)
    frame_angles = [(f.at, _segment_angles(figure, f.pose)) for f in frames]
    children = _tree(figure.anchor)
    attached = {
        _POINT_LINK[prop.at]: _dumbbell(prop, figure, key, canvas)
        for prop in figure.props
        if prop.kind == "dumbbell"
    }
    spot = _highlight(figure, key, canvas)

    def turn(link: str, parent: str | None, angles: dict[str, float]) -> str:
        change = angles[link] - key_angles[link]
        if parent is not None:
            change -= angles[parent] - key_angles[parent]
        return f"transform:rotate({_num(-change)}deg)"  # SVG turns clockwise

    def group(link: str, parent: str | None, origin: str) -> str:
        stops = [(at, turn(link, parent, angles)) for at, angles in frame_angles]
        cls = motion.add(link.replace("_", "-"), key[origin], stops, "ease-in-out")
        items: list[tuple[float, str]] = [(_depth(link), "".join(_shapes(figure, link, key, canvas)))]
        if link == "trunk" and spot is not None:
            glow = [(f.at, f"opacity:{'1' if f.key else '0.2'}") for f in frames]
            glow_cls = motion.add("spot", None, glow, "ease-in-out")
            items.append((0.5, f'<g class="{glow_cls}">{spot}</g>' if glow_cls else spot))
        if link in attached:
            items.append((3, attached[link]))
        items += [(_deepest(child, children), group(child, link, joint)) for child, joint in children[link]]
        items.sort(key=lambda item: item[0])  # stable: a segment before a subtree as deep as it
        inner = "".join(svg for _, svg in items)
        return f'<g class="{cls}">{inner}</g>' if cls else f"<g>{inner}</g>"

    body = group(_POINT_LINK[figure.anchor], None, figure.anchor)
    props = "".join(
        _static_prop(figure, prop, key, canvas)
        for prop in figure.props
        if prop.kind in ("chair", "bench", "roller")
    )
    bands = "".join(
        _band(exercise, prop, canvas, motion if animate else None)
        for prop in figure.props
        if prop.kind == "band"
    )
    floor_y = canvas.floor + 1.2
    floor = (
        f'<line class="gw-fig-floor" x1="0" y1="{_num(floor_y)}" x2="{_num(canvas.width)}" '
        f'y2="{_num(floor_y)}" stroke="{_COLOURS["floor"]}" stroke-width="2.4"/>'
    )
    width, height = _PIXELS[size]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gw-fig {scope}" '
        f'viewBox="0 0 {_num(canvas.width)} {_num(canvas.height)}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f"<style>{_colours(scope)}{motion.css()}</style>"
        f"{floor}{props}"
        f'<g fill="none" stroke-linecap="round" stroke-linejoin="round">{body}{bands}</g>'
        "</svg>"
    )


def _band(exercise: Exercise, prop: Prop, canvas: _Canvas, motion: _Motion | None) -> str:
    """A band between two limbs: drawn in the key pose, and moved (when animated) by a
    transform sampled along the rep, since its ends hang from different segments."""
    figure = exercise.figure

    def ends(pose: Pose) -> tuple[Point, Point]:
        a, b = _band_ends(figure, prop, joint_positions(figure, pose))
        return canvas.at(a), canvas.at(b)

    (ax, ay), (bx, by) = key_ends = ends(figure.key_pose)
    line = (
        f'<line class="gw-fig-prop" x1="{_num(ax)}" y1="{_num(ay)}" x2="{_num(bx)}" y2="{_num(by)}" '
        f'stroke="{_COLOURS["prop"]}" stroke-width="{_num(0.026 * _SCALE)}"/>'
    )
    key_length = math.dist(*key_ends)
    if motion is None or key_length < 1:
        return line
    key_angle = math.degrees(math.atan2(by - ay, bx - ax))
    stops: list[tuple[float, str]] = []
    previous = key_angle
    for at, pose in _sampled(exercise):
        (px, py), (qx, qy) = here = ends(pose)
        angle = math.degrees(math.atan2(qy - py, qx - px))
        angle += 360 * round((previous - angle) / 360)  # no half-turns between samples
        previous = angle
        stops.append(
            (
                at,
                f"transform:translate({_num(px)}px,{_num(py)}px) rotate({_num(angle)}deg) "
                f"scaleX({math.dist(*here) / key_length:.3f}) rotate({_num(-key_angle)}deg) "
                f"translate({_num(-ax)}px,{_num(-ay)}px)",
            )
        )
    cls = motion.add(f"band-{prop.at.replace('_', '-')}", None, stops, "linear")
    return f'<g class="{cls}">{line}</g>' if cls else line


def _sampled(exercise: Exercise, samples: int = 6) -> Iterator[tuple[float, Pose]]:
    """The rep's poses at evenly spaced times, eased as the joint groups are (for parts that
    cannot hang in the skeleton's groups, such as a band between the knees)."""
    frames = _frames(exercise)
    for here, there in itertools.pairwise(frames):
        for step in range(samples):
            s = step / samples
            yield here.at + (there.at - here.at) * s, interpolate(here.pose, there.pose, _ease(s))
    yield frames[-1].at, frames[-1].pose
