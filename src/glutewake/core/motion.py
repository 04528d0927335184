"""The camera coach's judgement: reps counted, holds timed and form mistakes caught from pose
landmarks, frame by frame, by the motion rules (`knowledge/data/motion.yaml`).

Pure: no I/O, no clock (each frame carries its time), no camera; frames in, a result out. The
browser's evaluator (`web/static/motion.js`) applies the same rules in the same way, and both
pass the same test vectors. Frames are MediaPipe Pose's 33 landmarks, x and y as fractions of
the image (y downwards), z in about the same scale as x, and a visibility from 0 to 1.

Counting a rep is a state machine with two thresholds, so jitter around either never counts;
a value is the median of the last three readable frames, so a single wild frame changes nothing.
A frame where a needed landmark is not visible enough is skipped.

The thresholds are the person's own, not fixed levels: people stand, lie and are filmed
differently, so the same squat reads anywhere from 1.2 to 1.7 torso lengths of hip height. The
tracker keeps the person's rest level (where the measure sits furthest towards `rest`, following
them back slowly while they rest) and lays it onto the rule's `rest` (`MotionRule.calibration`);
the rule's `top` then says how far from their own rest a rep must go, and its checks judge the
calibrated value. A rep is over once the person has come back most of the way (half of how far
the rep went, or near rest), as people doing brisk reps do not return all the way. A rep far
quicker than the prescribed tempo and the person's own pace is not one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from glutewake.knowledge.schema import LANDMARKS, SIDED, FormCheck, Measure, MotionRule

__all__ = [
    "REP_TRANSITIONS",
    "Flag",
    "Frame",
    "FramesError",
    "Rep",
    "RepState",
    "Result",
    "Subject",
    "Tracker",
    "estimate_aspect",
    "evaluate",
    "parse_frame",
    "read",
    "upper_side",
    "value",
    "view_of",
]

Side = Literal["left", "right"]
RepState = Literal["rest", "moving", "top"]
Zone = Literal["rest", "between", "top"]
_INDEX = {name: n for n, name in enumerate(LANDMARKS)}
# (state, where the measure is) -> the next state; a pair not listed stays where it is.
REP_TRANSITIONS: dict[tuple[RepState, Zone], RepState] = {
    ("rest", "between"): "moving",
    ("rest", "top"): "top",
    ("moving", "top"): "top",
    ("moving", "rest"): "rest",  # turned back before the top: not a rep
    ("top", "rest"): "rest",  # back down from the top: a rep, if its time was plausible
}
MAX_GAP_SECONDS = 1.0  # a hold goes on through missed frames up to this long
EXIT_SECONDS = 0.7  # going into and out of a hold looks like sagging: nothing this near either end is a flag
NEAR_REST = 0.35  # within this share of the rule's span (`top` - `rest`) of rest is at rest
RETURN_SHARE = 0.5  # back from the top once this share of the rep's way is undone
REARM_SHARE = 0.35  # the next rep goes this share of a typical rep further than where the last ended
TOP_SHARE = 0.6  # a rep goes at least this share of the way the person's own reps go ...
TYPICAL_OF = 5  # ... as the median of their last this many, once there are
TYPICAL_FROM = 3  # this many (one odd rep is never the measure)
OPENING_SECONDS = 0.5  # the first rest level is the median of the set's first half second
SETTLE_SECONDS = 0.3  # the rest level follows the measure towards rest over about this long ...
SETTLE_MOST = 0.5  # (never more than half the way in one frame, however slow the frames) ...
BEYOND_SECONDS = 0.4  # ... once it has been past the level this long ...
BEYOND_FRAMES = 3  # ... over at least this many frames (a glitch of a frame or two moves nothing)
RELAX_SECONDS = 3.0  # ... and, while the person rests, away from it over about this long
TEMPO_SHARE = 0.1  # quicker than this share of the prescribed tempo ...
PACE_SHARE = 0.3  # ... and than this share of the person's own typical rep ...
PACE_MOST = 0.8  # ... (which asks at most this many seconds) is not a rep
# Another person: the body jumped further than this many torso lengths (plus what a person can
# move in the time since it was last seen), or its torso changed length by more than this factor.
JUMP_TORSOS = 1.0
MOVE_TORSOS_PER_SECOND = 1.5
MOVE_TORSOS_MOST = 1.0
SIZE_CHANGE = 1.6
RESIZED_MOVE = 0.5  # torso lengths a body of another size must also have moved
SIZE_FOLLOWS = 0.2  # the share of a frame's size the person's size takes on
SWITCH_FRAMES = 3  # frames in a row of someone else that make a switch
LOST_SECONDS = 5.0  # the person not back after this long: follow who is there


class FramesError(ValueError):
    """A frame that cannot be read; the message names what is wrong."""


@dataclass(frozen=True)
class Frame:
    t: float
    landmarks: tuple[tuple[float, float, float, float], ...]  # 33 of (x, y, z, visibility)


@dataclass(frozen=True)
class Rep:
    start: float
    end: float
    top: float  # the furthest value towards the top the rep reached


@dataclass(frozen=True)
class Flag:
    id: str
    t: float
    cue: str
    rep: int | None = None  # which rep (from 1), or None during a hold


@dataclass(frozen=True)
class Result:
    reps: tuple[Rep, ...]
    hold_seconds: float
    flags: tuple[Flag, ...]
    side: Side | None
    frames_used: int
    frames_skipped: int
    aspect: float = 1.0  # the picture's width over its height, as used for angles and lengths
    began_mid_rep: bool = False  # the first frames were part way through a rep: not counted
    ended_mid_rep: bool = False  # the last rep had not come back when the frames ended: not counted
    frames_other: int = 0  # frames of someone else (the picture jumped to another person): skipped
    switches: int = 0  # times another person took the picture's place


def parse_frame(data: object) -> Frame:
    """A frame from JSON-like data, `{"t": seconds, "landmarks": [[x, y, z, visibility], ...]}`."""
    if not isinstance(data, dict):
        raise FramesError('a frame is an object: {"t": seconds, "landmarks": [[x, y, z, visibility], ...]}')
    t = data.get("t")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0:
        raise FramesError('"t" must be the frame\'s time in seconds, a number of 0 or more')
    points = data.get("landmarks")
    if not isinstance(points, list) or len(points) != len(LANDMARKS):
        raise FramesError(
            f'"landmarks" must list the {len(LANDMARKS)} landmarks of MediaPipe Pose, in its order'
        )
    landmarks = []
    for n, point in enumerate(points):
        if (
            not isinstance(point, list)
            or len(point) != 4
            or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in point
            )
        ):
            raise FramesError(f"landmark {n} ({LANDMARKS[n]}) must be four numbers: x, y, z, visibility")
        landmarks.append((float(point[0]), float(point[1]), float(point[2]), float(point[3])))
    return Frame(float(t), tuple(landmarks))


def read(lines: Iterable[str]) -> list[Frame]:
    """Frames from JSON lines (blank lines skipped), in time order; `FramesError` names the line."""
    import json

    frames: list[Frame] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            frame = parse_frame(json.loads(line))
        except json.JSONDecodeError as error:
            raise FramesError(f"line {number}: not JSON ({error.msg})") from None
        except FramesError as error:
            raise FramesError(f"line {number}: {error}") from None
        if frames and frame.t < frames[-1].t:
            raise FramesError(f"line {number}: the time goes back ({frame.t} s after {frames[-1].t} s)")
        frames.append(frame)
    return frames


def _point(
    frame: Frame, name: str, side: Side, aspect: float, min_visibility: float
) -> tuple[float, float, float] | None:
    index = _INDEX[name if name in _INDEX else f"{side}_{name}"]
    x, y, z, visibility = frame.landmarks[index]
    return None if visibility < min_visibility else (x * aspect, y, z * aspect)


def _torso(frame: Frame, side: Side, aspect: float, min_visibility: float) -> float | None:
    """Shoulders' middle to hips' middle (or the watched side's shoulder to hip), never zero."""
    ends = []
    for part in ("shoulder", "hip"):
        both = [_point(frame, f"{s}_{part}", side, aspect, min_visibility) for s in ("left", "right")]
        seen = [p for p in both if p is not None]
        if not seen:
            return None
        ends.append((sum(p[0] for p in seen) / len(seen), sum(p[1] for p in seen) / len(seen)))
    length = math.dist(ends[0], ends[1])
    return length if length > 1e-6 else None


def value(
    measure: Measure, frame: Frame, side: Side, aspect: float = 1.0, min_visibility: float = 0.5
) -> float | None:
    """The measure's value in this frame for the watched side, or None if it cannot be read."""
    points = [_point(frame, name, side, aspect, min_visibility) for name in measure.points]
    if any(p is None for p in points):
        return None
    p = [q for q in points if q is not None]
    if measure.kind == "angle":
        a = (p[0][0] - p[1][0], p[0][1] - p[1][1])
        b = (p[2][0] - p[1][0], p[2][1] - p[1][1])
        size = math.hypot(*a) * math.hypot(*b)
        if size < 1e-9:
            return None
        cosine = max(-1.0, min(1.0, (a[0] * b[0] + a[1] * b[1]) / size))
        return math.degrees(math.acos(cosine))
    if measure.kind == "tilt":
        dx, dy = p[1][0] - p[0][0], p[1][1] - p[0][1]
        if abs(dx) < 1e-9:
            return 90.0
        return math.degrees(math.atan(-dy / dx))  # y runs downwards: up is positive
    if measure.kind == "ratio":
        bottom = math.dist(p[2][:2], p[3][:2])
        return math.dist(p[0][:2], p[1][:2]) / bottom if bottom > 1e-6 else None
    torso = _torso(frame, side, aspect, min_visibility)
    if torso is None:
        return None
    if measure.kind == "height":
        return (p[1][1] - p[0][1]) / torso
    return (p[0][2] - p[1][2]) / torso  # depth: MediaPipe's z is smaller nearer the camera


def view_of(
    frame: Frame, aspect: float = 1.0, min_visibility: float = 0.5
) -> Literal["side", "front"] | None:
    """Facing the camera (the shoulders far apart in the picture) or side-on (one behind the other)."""
    left = _point(frame, "left_shoulder", "left", aspect, min_visibility)
    right = _point(frame, "right_shoulder", "right", aspect, min_visibility)
    torso = _torso(frame, "left", aspect, min_visibility)
    if left is None or right is None or torso is None:
        return None
    return "front" if math.dist(left[:2], right[:2]) / torso > 0.45 else "side"


@dataclass
class _Check:
    spec: FormCheck
    run: int = 0  # frames in a row past the limit
    flagged: bool = False  # in this rep, or this episode of a hold

    def past(self, reading: float) -> bool:
        if self.spec.above is not None:
            return reading > self.spec.above
        return self.spec.below is not None and reading < self.spec.below


@dataclass
class Tracker:
    """Follows one side through a stream of frames: `add` each in time order, then `result`."""

    rule: MotionRule
    side: Side
    aspect: float = 1.0
    state: RepState = "rest"
    recent: list[float] = field(default_factory=list)
    started: float = 0.0
    furthest: float = 0.0  # calibrated, the furthest towards the top in this rep
    furthest_judged: float = 0.0  # the same, as the rule's checks judge it
    reps: list[Rep] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    hold_seconds: float = 0.0
    last_in: float | None = None
    used: int = 0
    skipped: int = 0
    checks: list[_Check] = field(default_factory=list)
    level: float | None = None  # the person's own rest level, as measured
    first: float | None = None  # the first value read
    last_t: float | None = None
    seconds: list[float] = field(default_factory=list)  # how long each counted rep took
    ways: list[float] = field(default_factory=list)  # how far each counted rep went (calibrated)
    began_mid_rep: bool = False
    first_from: float | None = None  # the rest level the first rep started from, until a second starts
    opening: list[float] = field(default_factory=list)  # the values of the set's first half second
    lowest: float = 0.0  # how near rest it has come (calibrated) since the last rep ended
    opened_at: float = 0.0
    beyond: list[float] = field(default_factory=list)  # when each frame in a row past the level came

    def __post_init__(self) -> None:
        self.checks = [_Check(spec) for spec in self.rule.checks if spec.short_of is None]

    @property
    def _sign(self) -> int:
        return 1 if self.rule.rising else -1

    def _calibrated(self, reading: float) -> float:
        """The reading laid onto the rule's scale, the person's rest level onto `rest`: how far
        from their own rest they are, which is what counts."""
        rule, level = self.rule, self.level
        if level is None:
            return reading
        if rule.calibration == "scale" and level * rule.rest > 1e-9:  # same sign, not zero
            return reading * (rule.rest / level)
        return reading + (rule.rest - level)

    def _judged(self, reading: float) -> float:
        """The reading as the rule's checks judge it: an angle as it is (a straight line is 180
        degrees for everyone), anything else calibrated."""
        return reading if self.rule.calibration == "none" else self._calibrated(reading)

    def _zone(self, calibrated: float) -> Zone:
        rule, sign = self.rule, self._sign
        span = abs(rule.top - rule.rest)
        way = sign * (calibrated - rule.rest)
        need = span
        if len(self.ways) >= TYPICAL_FROM:
            need = max(need, TOP_SHARE * statistics.median(self.ways[-TYPICAL_OF:]))
        if self.ways and rule.count == "reps":  # two thresholds: never where the last rep ended
            need = max(
                need, self.lowest + REARM_SHARE * max(span, statistics.median(self.ways[-TYPICAL_OF:]))
            )
        if way >= need:
            return "top"
        near = NEAR_REST * span  # (a hold is over once the person is back near where they lay)
        if rule.count == "reps" and self.state == "top":
            near = max(near, RETURN_SHARE * sign * (self.furthest - rule.rest))
        if way <= near:
            return "rest"
        return "between"

    def _follow(self, t: float, smooth: float, resting: bool) -> None:
        """Keep the rest level: quickly where the measure goes past it towards rest, and slowly
        back towards the measure while the person rests."""
        if self.level is None or self.last_t is None:
            self.level = self.first = smooth
            self.opening, self.opened_at = [smooth], t
        elif t - self.opened_at <= OPENING_SECONDS:
            self.opening.append(smooth)  # one odd first frame is not where the person rests
            self.level = statistics.median(self.opening)
        elif self._sign * (smooth - self.level) < 0:
            # past the rest level towards rest: far past it is a glitch until it lasts
            span = abs(self.rule.top - self.rule.rest)
            far = self._sign * (self._calibrated(smooth) - self.rule.rest) < -NEAR_REST * span
            self.beyond = [*self.beyond, t] if far else []
            if not far or (len(self.beyond) >= BEYOND_FRAMES and t - self.beyond[0] >= BEYOND_SECONDS):
                self.level += (smooth - self.level) * min(SETTLE_MOST, (t - self.last_t) / SETTLE_SECONDS)
                self._began_part_way()
        elif resting:
            self.level += (smooth - self.level) * min(1.0, (t - self.last_t) / RELAX_SECONDS)
        if self._sign * (smooth - self.level) >= 0:
            self.beyond = []
        limit = self.rule.rest_up_to
        if limit is not None and self._sign * (self.level - limit) > 0:
            self.level = limit  # no one rests there: they began in position
        self.last_t = t

    def _began_part_way(self) -> None:
        """Whether the set began part way through a rep, now that the rest level has moved
        further towards rest than where it began: the first value read was far from this rest
        (nothing counted of it), or the first rep counted started from there (then it was the
        end of a rep begun before the recording, and is taken back)."""
        if self.rule.count != "reps":
            return
        span = abs(self.rule.top - self.rule.rest)

        def far(value: float | None) -> bool:
            return value is not None and self._sign * (self._calibrated(value) - self.rule.rest) >= span

        if not self.reps and far(self.first):
            self.began_mid_rep = True
        elif len(self.reps) == 1 and self.state != "top" and far(self.first_from):
            self.reps.pop()
            self.seconds.pop()
            self.ways.pop()
            # its flags go with it; those of a rep under way are renumbered
            self.flags = [replace(f, rep=f.rep - 1) if f.rep else f for f in self.flags if f.rep != 1]
            self.began_mid_rep, self.first_from = True, None

    def add(self, frame: Frame) -> None:
        rule = self.rule
        reading = value(rule.measure, frame, self.side, self.aspect, rule.min_visibility)
        if reading is None:
            self.skipped += 1
            return
        self.used += 1
        self.recent = [*self.recent[-2:], reading]
        smooth = statistics.median(self.recent)
        if frame.t - self.opened_at <= OPENING_SECONDS and self.level is not None and self.used > 1:
            self._follow(frame.t, smooth, resting=True)
            return  # the set's first half second finds where the person rests; nothing counts yet
        if rule.count == "hold":
            # Out of position the level follows where the person lies (slowly); in position it
            # stays where they lay, so a dip is measured from the floor, not from the dip.
            self._follow(frame.t, smooth, resting=self.last_in is None)
            self._hold(frame, self._calibrated(smooth))
        else:
            if self.state != "rest" and frame.t - self.started > rule.max_rep_seconds:
                # no rep takes this long: whatever this was is over, and where the person is now
                # is where they rest (a level that slipped would otherwise hold them at the top)
                self.flags = [f for f in self.flags if f.rep != len(self.reps) + 1]
                self.state, self.level = "rest", smooth
            self._follow(frame.t, smooth, self.state == "rest")
            self._rep(frame, self._calibrated(smooth), self._judged(smooth))

    def _rep(self, frame: Frame, smooth: float, judged: float) -> None:
        rule = self.rule
        before = self.state
        after = REP_TRANSITIONS.get((before, self._zone(smooth)), before)
        if before == "rest" and after != "rest":
            self.started, self.furthest, self.furthest_judged = frame.t, smooth, judged
            if not self.reps:
                self.first_from = self.level
            for check in self.checks:
                check.run, check.flagged = 0, False
        if after == "top" and before != "top" and self.reps:
            self.first_from = None  # a second rep under way: the first stands
        span = abs(rule.top - rule.rest)
        if before == after == "moving" and self._sign * (smooth - rule.rest) <= 2 * NEAR_REST * span:
            self.started = frame.t  # still near rest: a sway; the rep starts when they go
        if after != "rest":
            further = max if self.rule.rising else min
            self.furthest, self.furthest_judged = (
                further(self.furthest, smooth),
                further(self.furthest_judged, judged),
            )
            self._watch(frame, len(self.reps) + 1)
        if before == "top" and after == "rest":
            self._finish(frame.t)
            self.lowest = self._sign * (smooth - rule.rest)
        elif before == "moving" and after == "rest":  # turned back short of the top: nothing counts
            self.flags = [f for f in self.flags if f.rep != len(self.reps) + 1]
        if after != "top":
            self.lowest = min(self.lowest, self._sign * (smooth - rule.rest))
        self.state = after

    def shortest_rep(self) -> float:
        """The quickest a rep may be: far quicker than both the prescribed tempo and the
        person's own pace is not a rep; never under the rule's floor."""
        rule = self.rule
        limits = []
        if rule.tempo_seconds is not None:
            limits.append(TEMPO_SHARE * rule.tempo_seconds)
        if self.seconds:
            limits.append(min(PACE_MOST, PACE_SHARE * statistics.median(self.seconds[-TYPICAL_OF:])))
        return max(rule.min_rep_seconds, min(limits)) if limits else rule.min_rep_seconds

    def _finish(self, end: float) -> None:
        rule = self.rule
        took = end - self.started
        if not self.shortest_rep() <= took <= rule.max_rep_seconds:
            self.flags = [f for f in self.flags if f.rep != len(self.reps) + 1]  # not a rep: nor its flags
            return
        self.seconds.append(took)
        self.ways.append(abs(self.furthest - rule.rest))
        self.reps.append(Rep(round(self.started, 3), round(end, 3), round(self.furthest_judged, 1)))
        for spec in rule.checks:
            if spec.short_of is not None:
                furthest = self.furthest_judged
                short = furthest < spec.short_of if rule.rising else furthest > spec.short_of
                if short:
                    self.flags.append(Flag(spec.id, round(end, 3), spec.cue, len(self.reps)))

    def _hold(self, frame: Frame, smooth: float) -> None:
        zone = self._zone(smooth)
        holding = self.last_in is not None
        if zone == "top" or (holding and zone == "between"):
            if self.last_in is not None and frame.t - self.last_in <= MAX_GAP_SECONDS:
                self.hold_seconds += frame.t - self.last_in
            elif self.last_in is None:
                self.started = frame.t
                for check in self.checks:
                    check.run, check.flagged = 0, False
            self.last_in = frame.t
            if frame.t - self.started >= EXIT_SECONDS:
                self._watch(frame, None)
        elif self.last_in is not None:
            ended = self.last_in
            self.flags = [f for f in self.flags if f.rep is not None or f.t < ended - EXIT_SECONDS]
            self.last_in = None

    def _watch(self, frame: Frame, rep: int | None) -> None:
        view = None
        for check in self.checks:
            spec = check.spec
            if spec.view is not None:
                view = view or view_of(frame, self.aspect, self.rule.min_visibility)
                if view != spec.view:
                    continue
            reading = value(
                spec.measure or self.rule.measure, frame, self.side, self.aspect, self.rule.min_visibility
            )
            if reading is None:
                continue
            if spec.measure is None:
                reading = self._judged(reading)
            elif spec.measure.kind == "tilt":
                reading = abs(reading)
            if check.past(reading):
                check.run += 1
                if check.run >= spec.for_frames and not check.flagged:
                    check.flagged = True
                    self.flags.append(Flag(spec.id, round(frame.t, 3), spec.cue, rep))
            else:
                check.run = 0
                if rep is None:  # a hold: the next time past the limit is a new episode
                    check.flagged = False

    def result(self) -> Result:
        return Result(
            tuple(self.reps),
            round(self.hold_seconds, 2),
            tuple(self.flags),
            self.side,
            self.used,
            self.skipped,
            began_mid_rep=self.began_mid_rep,
            ended_mid_rep=self.rule.count == "reps" and self.state == "top",
        )


@dataclass
class Subject:
    """The person being followed. MediaPipe Pose follows one body, and with two people in view it
    can jump to the other (a coach beside the person exercising): a body further from where the
    person was than they could have moved, or of another size, is someone else. Its frames are
    left out until the person is back; a few such frames in a row are a switch (one or two are a
    detector's slip). If the person is not back within `LOST_SECONDS`, the body in view is
    followed from then on (the switch has been counted, so it is never silent)."""

    aspect: float = 1.0
    min_visibility: float = 0.5
    centre: tuple[float, float] | None = None
    size: float = 0.0
    seen_at: float = 0.0  # when the person was last in the picture
    last_at: float = 0.0  # when anyone was (while someone else is, the person cannot be told to have moved)
    away: int = 0  # frames in a row of someone else
    frames_other: int = 0
    switches: int = 0

    def accepts(self, frame: Frame) -> bool:
        body = _body(frame, self.aspect, self.min_visibility)
        if body is None:
            return True  # nothing to tell by: the measures skip it if they cannot read it
        centre, size = body
        since, self.last_at = frame.t - self.last_at, frame.t
        if self.centre is not None and frame.t - self.seen_at <= LOST_SECONDS:
            moved = min(MOVE_TORSOS_PER_SECOND * since, MOVE_TORSOS_MOST)
            apart = math.dist(centre, self.centre)
            jumped = apart > self.size * (JUMP_TORSOS + moved)
            # a torso leaning towards the camera looks shorter where it is: another size counts
            # only with a move
            resized = (
                max(size / self.size, self.size / size) > SIZE_CHANGE and apart > self.size * RESIZED_MOVE
            )
            if jumped or resized:
                self.away += 1
                self.frames_other += 1
                if self.away == SWITCH_FRAMES:
                    self.switches += 1
                return False
        # the size changes slowly (one odd frame, a turn, a lean must not become the measure)
        self.size = size if self.centre is None else self.size + (size - self.size) * SIZE_FOLLOWS
        self.centre, self.seen_at, self.away = centre, frame.t, 0
        return True


def _body(frame: Frame, aspect: float, min_visibility: float) -> tuple[tuple[float, float], float] | None:
    """Where the body is (the middle of its shoulders and hips) and its size (torso length)."""
    seen = [
        p
        for name in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
        if (p := _point(frame, name, "left", aspect, min_visibility)) is not None
    ]
    size = _torso(frame, "left", aspect, min_visibility)
    if len(seen) < 2 or size is None:
        return None
    return (sum(p[0] for p in seen) / len(seen), sum(p[1] for p in seen) / len(seen)), size


def upper_side(frames: Sequence[Frame], min_visibility: float = 0.5) -> Side:
    """The side whose hip is higher in the picture in most frames (the top side of someone on their side)."""
    left, right = _INDEX["left_hip"], _INDEX["right_hip"]
    higher = 0
    for frame in frames:
        a, b = frame.landmarks[left], frame.landmarks[right]
        if a[3] >= min_visibility and b[3] >= min_visibility:
            higher += 1 if a[1] < b[1] else -1
    return "left" if higher >= 0 else "right"


# Body segments whose length does not change as a person moves: upper arm, forearm, thigh, shin
# and trunk, each side.
RIGID_SEGMENTS = tuple(
    (_INDEX[f"{side}_{a}"], _INDEX[f"{side}_{b}"])
    for side in ("left", "right")
    for a, b in (
        ("shoulder", "elbow"),
        ("elbow", "wrist"),
        ("hip", "knee"),
        ("knee", "ankle"),
        ("shoulder", "hip"),
    )
)
ASPECT_RANGE = (0.4, 2.5)  # from a tall phone picture (9:16 is 0.56) to a wide one (21:9 is 2.33)


def _segment_spread(parts: Sequence[tuple[float, float]], aspect: float) -> float:
    """How much a segment's length (in picture heights) varies, as the variance of its log."""
    k = aspect * aspect
    logs = [math.log(k * x + y + 1e-12) for x, y in parts]
    mean = math.fsum(logs) / len(logs)
    return math.fsum((v - mean) ** 2 for v in logs) / len(logs)


def estimate_aspect(frames: Sequence[Frame], min_visibility: float = 0.5, most: int = 400) -> float | None:
    """The picture's width over its height, found from the landmarks alone: x and y are fractions
    of the picture's width and height, so only at the right aspect do the limbs keep one length
    as they turn. The aspect that makes the segments' lengths vary least wins, each segment
    weighted by how steady it can be made (one that turns towards the camera cannot). None when
    nothing can tell (no limb seen, or nothing turns at all).

    Uses at most `most` frames, spread over the recording; a coarse search, then a fine one."""
    step = max(1, len(frames) // most)
    sampled = frames[::step]
    segments = []
    for a, b in RIGID_SEGMENTS:
        parts = [
            ((p[0] - q[0]) ** 2, (p[1] - q[1]) ** 2)
            for frame in sampled
            if (p := frame.landmarks[a])[3] >= min_visibility
            and (q := frame.landmarks[b])[3] >= min_visibility
        ]
        if len(parts) >= 10:
            segments.append(parts)
    if not segments:
        return None
    low, high = math.log(ASPECT_RANGE[0]), math.log(ASPECT_RANGE[1])

    def grid(lo: float, hi: float, n: int) -> list[float]:
        return [math.exp(lo + (hi - lo) * i / (n - 1)) for i in range(n)]

    coarse = grid(low, high, 25)
    spreads = [[_segment_spread(parts, k) for k in coarse] for parts in segments]
    turning = [
        (parts, min(curve) + 1e-6)
        for parts, curve in zip(segments, spreads, strict=True)
        if max(curve) > 1e-9
    ]
    if not turning:  # nothing turns: any aspect would do as well
        return None
    segments, floors = [parts for parts, _ in turning], [floor for _, floor in turning]

    def cost(k: float) -> float:
        return sum(_segment_spread(parts, k) / floor for parts, floor in zip(segments, floors, strict=True))

    costs = [cost(k) for k in coarse]
    best = min(range(len(coarse)), key=costs.__getitem__)
    if max(costs) <= 1.02 * costs[best]:  # nothing turns: any aspect would do as well
        return None
    around = math.log(coarse[1] / coarse[0])
    centre = math.log(coarse[best])
    fine = grid(max(low, centre - around), min(high, centre + around), 21)
    chosen: float = min(fine, key=cost)
    return round(chosen, 3)


def evaluate(
    rule: MotionRule, frames: Sequence[Frame], *, side: Side | None = None, aspect: float = 1.0
) -> Result:
    """Reps (or hold seconds) and form flags over a whole recording. Without `side`, both sides are
    followed and the one that counted more (held longer, then was seen more) is the answer.
    Frames of someone else (`Subject`) are left out, and counted in the result."""
    subject = Subject(aspect, rule.min_visibility)
    followed = [frame for frame in frames if subject.accepts(frame)]
    sides: tuple[Side, ...] = (side,) if side else ("left", "right")
    if not any(p in SIDED for p in rule.measure.points):
        sides = sides[:1]
    elif side is None and rule.watch == "upper":
        sides = (upper_side(followed, rule.min_visibility),)
    results = []
    for watched in sides:
        tracker = Tracker(rule, watched, aspect)
        for frame in followed:
            tracker.add(frame)
        results.append(tracker.result())
    best = max(results, key=lambda r: (len(r.reps), r.hold_seconds, r.frames_used))
    return replace(best, aspect=aspect, frames_other=subject.frames_other, switches=subject.switches)
