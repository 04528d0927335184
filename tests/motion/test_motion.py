"""The camera coach's evaluator: each measure, the rep state machine, jitter and bad timing,
the form checks, reading files, and every test vector made from the figures."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from glutewake.core.motion import (
    REP_TRANSITIONS,
    Frame,
    FramesError,
    estimate_aspect,
    evaluate,
    parse_frame,
    read,
    value,
    view_of,
)
from glutewake.knowledge import Knowledge
from glutewake.knowledge.schema import LANDMARKS, Measure, MotionRule
from tests.motion.vectors import VECTORS, at_aspect, frames_for


def frame(
    t: float = 0.0,
    **points: tuple[float, float] | tuple[float, float, float] | tuple[float, float, float, float],
) -> Frame:
    """A frame with every landmark at the middle (barely visible) except those given."""
    landmarks = []
    for name in LANDMARKS:
        given = points.get(name)
        if given is None:
            landmarks.append((0.5, 0.5, 0.0, 0.1))
        else:
            x, y, *rest = given
            z = rest[0] if rest else 0.0
            visibility = rest[1] if len(rest) > 1 else 0.99
            landmarks.append((x, y, z, visibility))
    return Frame(t, tuple(landmarks))


# A standing person facing the camera: shoulders 0.2 apart, torso 0.25 long.
STANDING = {
    "left_shoulder": (0.6, 0.3), "right_shoulder": (0.4, 0.3), "left_hip": (0.57, 0.55),
    "right_hip": (0.43, 0.55), "left_knee": (0.57, 0.75), "right_knee": (0.43, 0.75),
    "left_ankle": (0.57, 0.95), "right_ankle": (0.43, 0.95),
}  # fmt: skip


@pytest.mark.parametrize(
    ("measure", "points", "expected"),
    [
        (Measure("angle", ("left_shoulder", "left_hip", "left_knee")), {"left_shoulder": (0.5, 0.2), "left_hip": (0.5, 0.5), "left_knee": (0.8, 0.5)}, 90.0),
        (Measure("angle", ("shoulder", "hip", "knee")), {"left_shoulder": (0.2, 0.5), "left_hip": (0.5, 0.5), "left_knee": (0.8, 0.5)}, 180.0),
        (Measure("tilt", ("left_hip", "right_hip")), {"left_hip": (0.4, 0.5), "right_hip": (0.6, 0.5)}, 0.0),
        (Measure("tilt", ("left_hip", "right_hip")), {"left_hip": (0.4, 0.5), "right_hip": (0.6, 0.3)}, 45.0),  # y runs down
        (Measure("height", ("hip", "ankle")), STANDING, 1.6),  # 0.4 over a torso of 0.25
        (Measure("ratio", ("left_knee", "right_knee", "left_ankle", "right_ankle")), {**STANDING, "left_knee": (0.53, 0.75), "right_knee": (0.47, 0.75)}, 0.06 / 0.14),
        (Measure("depth", ("hip", "ankle")), {**STANDING, "left_hip": (0.57, 0.55, 0.0), "left_ankle": (0.57, 0.95, -0.1)}, 0.4),
    ],
)  # fmt: skip
def test_each_measure_reads_the_frame(measure: Measure, points: dict[str, Any], expected: float) -> None:
    got = value(measure, frame(**points), "left")
    assert got is not None
    assert math.isclose(got, expected, abs_tol=1e-6)


def test_a_point_not_visible_enough_makes_the_measure_unreadable() -> None:
    faint = {**STANDING, "left_hip": (0.57, 0.55, 0.0, 0.3)}
    assert value(Measure("height", ("hip", "ankle")), frame(**faint), "left") is None


def test_the_view_is_told_by_how_far_apart_the_shoulders_are() -> None:
    assert view_of(frame(**STANDING)) == "front"
    side_on = {**STANDING, "left_shoulder": (0.51, 0.3), "right_shoulder": (0.49, 0.3)}
    assert view_of(frame(**side_on)) == "side"


def test_every_state_of_a_rep_is_reached_and_only_a_return_from_the_top_counts() -> None:
    reached = {"rest"} | set(REP_TRANSITIONS.values())
    assert reached == {"rest", "moving", "top"}
    assert REP_TRANSITIONS[("top", "rest")] == "rest"
    assert ("top", "between") not in REP_TRANSITIONS  # wobbling near the top stays at the top


def _rule(**changes: Any) -> MotionRule:
    base = {"exercise": "glute_bridge", "view": "side", "count": "reps",
            "measure": Measure("height", ("hip", "ankle")), "rest": 1.0, "top": 1.5}  # fmt: skip
    return MotionRule(**{**base, **changes})


def _series(values: list[float], fps: float = 10) -> list[Frame]:
    """Frames whose hip height (in torso lengths above the ankle) follows `values`."""
    frames = []
    for n, height in enumerate(values):
        hip_y = 0.95 - height * 0.25
        frames.append(frame(n / fps, left_shoulder=(0.5, hip_y - 0.25), right_shoulder=(0.5, hip_y - 0.25),
                            left_hip=(0.5, hip_y), right_hip=(0.5, hip_y), left_ankle=(0.5, 0.95), right_ankle=(0.5, 0.95)))  # fmt: skip
    return frames


def _reps(up: float, n: int, seconds: float = 2.0, fps: float = 10) -> list[float]:
    steps = int(seconds * fps)
    one = [1.0 + (up - 1.0) * math.sin(math.pi * k / steps) for k in range(steps)]
    return ([0.8] * 5 + one) * n + [0.8] * 5


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (_reps(1.7, 4), 4),  # four full reps
        (_reps(1.15, 4), 0),  # never as far from their own rest as `rest` is from `top`: nothing counts
        ([0.8, 1.1, 0.9, 1.2, 0.95, 1.15, 0.9] * 20, 0),  # jitter around `rest`
        ([1.45, 1.55] * 40, 0),  # jitter around `top`, never back to rest
        (_reps(1.7, 3, seconds=0.3), 0),  # too fast to be anyone's rep
        (_reps(1.7, 4, seconds=0.7), 4),  # brisk, and counted
        (_reps(1.7, 2, seconds=20), 0),  # too slow: a pause, not a rep
        ([v * 0.7 for v in _reps(1.7, 4)], 4),  # someone whose rest reads lower: their own reps count
        ([v * 1.4 for v in _reps(1.7, 4)], 4),  # ... or higher
        ([max(v, 1.1) for v in _reps(1.7, 4)], 4),  # brisk reps that do not go all the way back
        (_reps(1.7, 3) + _reps(1.12, 1)[5:], 3),  # a rep a third as far as their own: not one
    ],
)
def test_reps_are_the_persons_own_movement_back_and_forth_in_a_plausible_time(
    values: list[float], expected: int
) -> None:
    assert len(evaluate(_rule(), _series(values)).reps) == expected


def test_a_rep_far_quicker_than_the_prescribed_tempo_or_the_persons_own_pace_is_not_one() -> None:
    assert len(evaluate(_rule(tempo_seconds=8.0), _series(_reps(1.7, 3, seconds=0.6))).reps) == 0
    assert len(evaluate(_rule(tempo_seconds=6.0), _series(_reps(1.7, 3, seconds=0.7))).reps) == 3
    slow_then_a_twitch = _reps(1.7, 3, seconds=4.0) + _reps(1.7, 1, seconds=0.7)[5:]
    assert len(evaluate(_rule(), _series(slow_then_a_twitch)).reps) == 3


def test_a_set_that_starts_or_ends_part_way_through_a_rep_counts_what_is_whole_and_says_so() -> None:
    whole = _reps(1.7, 3)
    began = evaluate(_rule(), _series([1.7, 1.6, 1.4, 1.2, 1.0, 0.9, 0.8, 0.8, 0.8, 0.8, *whole]))
    assert (len(began.reps), began.began_mid_rep, began.ended_mid_rep) == (3, True, False)
    ended = evaluate(_rule(), _series([*whole, 0.9, 1.2, 1.5, 1.7, 1.7]))
    assert (len(ended.reps), ended.began_mid_rep, ended.ended_mid_rep) == (3, False, True)
    # It began part way into a rep, went on to its top and back past where it began: what looked
    # like a first rep was the end of one begun before; it is taken back once their rest shows.
    rising = [1.3, 1.3, 1.5, 1.8, 2.1, 2.2, 2.2, 2.0, 1.7, 1.4, 1.1, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8]
    taken_back = evaluate(_rule(), _series(rising + whole))
    assert (len(taken_back.reps), taken_back.began_mid_rep) == (3, True)
    plain = evaluate(_rule(), _series(whole))
    assert (len(plain.reps), plain.began_mid_rep, plain.ended_mid_rep) == (3, False, False)


def _elsewhere(frames: list[Frame], between: range, dx: float = 0.35, size: float = 1.0) -> list[Frame]:
    """The frames, with those in `between` showing a body `dx` to the right and `size` times as big."""
    out = []
    for n, f in enumerate(frames):
        if n in between:
            moved = [
                (0.5 + (x - 0.5) * size + dx, 0.5 + (y - 0.5) * size, z, v) for x, y, z, v in f.landmarks
            ]
            f = Frame(f.t, tuple(moved))
        out.append(f)
    return out


def test_another_person_in_the_picture_is_left_out_and_said_but_one_slip_is_not() -> None:
    frames = _series(_reps(1.7, 1) + [0.8] * 20 + _reps(1.7, 2))  # someone else between reps 1 and 2
    beside = evaluate(_rule(), _elsewhere(frames, range(32, 47)))
    assert (len(beside.reps), beside.switches, beside.frames_other) == (3, 1, 15)
    bigger = evaluate(_rule(), _elsewhere(frames, range(32, 47), dx=0.2, size=2.0))
    assert (len(bigger.reps), bigger.switches) == (3, 1)
    slip = evaluate(_rule(), _elsewhere(frames, range(32, 34)))
    assert (len(slip.reps), slip.switches, slip.frames_other) == (3, 0, 2)
    gone = evaluate(_rule(), _elsewhere(frames, range(20, len(frames))))  # and never back
    assert gone.switches == 1
    assert gone.frames_other == pytest.approx(5.0 * 10, abs=1), "after 5 s, whoever is in view is followed"


def test_one_wild_frame_changes_no_count() -> None:
    values = _reps(1.7, 3)
    values[40] = 0.0  # a frame thrown far off, mid-rep
    assert len(evaluate(_rule(), _series(values)).reps) == 3


def test_a_hold_counts_the_time_in_position_through_missed_frames() -> None:
    rule = _rule(count="hold", rest=1.0, top=1.5)
    values = [0.8] * 10 + [1.7] * 100 + [0.8] * 10  # ten seconds held at 10 frames a second
    frames = [f for n, f in enumerate(_series(values)) if n % 7]  # the detector missed every seventh frame
    assert evaluate(rule, frames).hold_seconds == pytest.approx(10, abs=0.3)


def test_a_hold_starts_once_the_person_is_up_from_where_they_lay_or_at_once_if_they_began_up() -> None:
    rule = _rule(count="hold", rest=0.0, top=0.2, calibrate="shift", rest_up_to=0.35)
    lying_high = [0.3] * 30 + [0.6] * 100 + [0.3] * 10  # lying reads 0.3 (above `top`): not held
    assert evaluate(rule, _series(lying_high)).hold_seconds == pytest.approx(10, abs=0.3)
    lying_still = [0.3] * 60
    assert evaluate(rule, _series(lying_still)).hold_seconds == 0
    already_up = [0.6] * 100 + [0.3] * 10
    assert evaluate(rule, _series(already_up)).hold_seconds == pytest.approx(10, abs=0.3)


def _bridge_front(t: float, tilt: float) -> Frame:
    """A bridge seen from the feet: shoulders apart, hips tilted by `tilt` degrees."""
    dy = 0.07 * math.tan(math.radians(tilt))
    return frame(t, left_shoulder=(0.62, 0.2), right_shoulder=(0.38, 0.2), left_hip=(0.57, 0.5 - dy),
                 right_hip=(0.43, 0.5 + dy), left_knee=(0.57, 0.62), right_knee=(0.43, 0.62))  # fmt: skip


def test_a_front_view_check_flags_a_dropping_pelvis_only_past_its_limit_for_some_frames(
    kb: Knowledge,
) -> None:
    check = next(c for c in kb.motion["glute_bridge"].checks if c.id == "pelvis_dropping")
    rule = _rule(checks=(check,))
    level = _series(_reps(1.7, 1))

    def with_tilt(frames: list[Frame], degrees: float, between: range) -> list[Frame]:
        """The frames, seen from the feet (shoulders apart) during `between`, the hips tilted."""
        out = []
        for n, f in enumerate(frames):
            if n in between:
                front = _bridge_front(f.t, degrees).landmarks
                merged = list(f.landmarks)
                for name in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"):
                    i = LANDMARKS.index(name)
                    x, y, z, v = front[i]
                    merged[i] = (
                        x,
                        f.landmarks[i][1] if "shoulder" in name else y + (f.landmarks[i][1] - 0.5),
                        z,
                        v,
                    )
                out.append(Frame(f.t, tuple(merged)))
            else:
                out.append(f)
        return out

    assert evaluate(rule, with_tilt(level, 3, range(8, 20))).flags == ()
    flagged = evaluate(rule, with_tilt(level, 14, range(8, 20))).flags
    assert [f.id for f in flagged] == ["pelvis_dropping"]
    assert flagged[0].rep == 1
    brief = evaluate(rule, with_tilt(level, 14, range(10, 12))).flags  # two frames: noise, not a drop
    assert brief == ()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{", "line 1: not JSON"),
        ("[]", "a frame is an object"),
        ('{"t": -1, "landmarks": []}', '"t" must be'),
        ('{"t": true, "landmarks": []}', '"t" must be'),
        ('{"t": 0, "landmarks": [[0, 0, 0, 1]]}', "the 33 landmarks"),
        (
            '{"t": 0, "landmarks": ' + json.dumps([[0, 0, 0]] * 33) + "}",
            "landmark 0 (nose) must be four numbers",
        ),
        ('{"t": 0, "landmarks": ' + json.dumps([[0, 0, 0, "x"]] * 33) + "}", "landmark 0 (nose)"),
    ],
)
def test_a_bad_frame_is_named_with_its_line(line: str, problem: str) -> None:
    with pytest.raises(FramesError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        read([line])


def test_time_going_back_is_named() -> None:
    good = json.dumps({"t": 1.0, "landmarks": [[0.5, 0.5, 0, 1]] * 33})
    earlier = json.dumps({"t": 0.5, "landmarks": [[0.5, 0.5, 0, 1]] * 33})
    with pytest.raises(FramesError, match="line 3: the time goes back"):
        read([good, "", earlier])


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_each_vector_is_counted_as_a_physiotherapist_would(vector: Any, kb: Knowledge) -> None:
    frames = [parse_frame(f) for f in frames_for(vector, kb)]
    result = evaluate(kb.motion[vector.exercise], frames)
    assert len(result.reps) == vector.counted
    assert result.hold_seconds == pytest.approx(vector.hold_seconds, abs=1.0)
    assert {f.id for f in result.flags} == set(vector.flags)
    assert (result.began_mid_rep, result.ended_mid_rep) == (vector.began_mid_rep, vector.ended_mid_rep)
    assert result.switches == vector.switches


CAMERAS = {"16:9": 16 / 9, "4:3": 4 / 3, "square": 1.0, "phone upright (9:16)": 9 / 16, "3:4": 3 / 4}


@pytest.mark.parametrize("camera", CAMERAS, ids=str)
def test_the_pictures_aspect_is_found_from_the_landmarks_and_the_counts_survive_it(
    camera: str, kb: Knowledge
) -> None:
    """Without the aspect, a tall phone picture hides most reps and a wide one the donkey kick's
    (measured in fractions of width and height, angles and lengths are skewed); limbs keep
    their length only at the right aspect, which is how it is found."""
    from glutewake.app.motion import count_reps

    aspect = CAMERAS[camera]
    for vector in VECTORS:
        frames = [parse_frame(f) for f in at_aspect(frames_for(vector, kb), aspect)]
        found = estimate_aspect(frames)
        assert found is not None, vector.name
        # the side-lying exercises' legs turn towards the camera, which shortens them: less exact
        assert found == pytest.approx(
            aspect, rel=0.35 if vector.exercise in ("clamshell", "side_lying_leg_lift") else 0.04
        )
        lines = [json.dumps({"t": f.t, "landmarks": [list(p) for p in f.landmarks]}) for f in frames]
        result = count_reps(lines, vector.exercise)
        assert len(result.reps) == vector.counted, (vector.name, found)
        assert result.hold_seconds == pytest.approx(vector.hold_seconds, abs=1.0), vector.name


def test_a_still_person_does_not_tell_the_aspect() -> None:
    still = [
        parse_frame({"t": n / 15, "landmarks": [[0.4 + i / 100, 0.2 + i / 50, 0, 1] for i in range(33)]})
        for n in range(60)
    ]
    assert estimate_aspect(still) is None


def test_the_cli_counts_a_file_and_names_a_bad_line(tmp_path: Path, kb: Knowledge) -> None:
    from click.testing import CliRunner

    from glutewake.cli import main

    vector = next(v for v in VECTORS if v.name == "bridge-6-short")
    path = tmp_path / "bridge.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in frames_for(vector, kb)))
    result = CliRunner().invoke(main, ["reps", "--landmarks", str(path), "--exercise", "glute_bridge"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("6 reps")
    assert "hips not extended (reps 1, 2, 3, 4, 5, 6)" in result.output
    as_json = CliRunner().invoke(
        main, ["reps", "--landmarks", str(path), "--exercise", "glute_bridge", "--json"]
    )
    document = json.loads(as_json.output)
    assert len(document["reps"]) == 6
    assert {"start", "end", "top"} <= set(document["reps"][0])
    path.write_text(path.read_text() + '{"t": 999, "landmarks": [1, 2]}\n')
    bad = CliRunner().invoke(main, ["reps", "--landmarks", str(path), "--exercise", "glute_bridge"])
    assert bad.exit_code == 2
    assert f"line {len(path.read_text().splitlines())}:" in bad.output
    unknown = CliRunner().invoke(main, ["reps", "--landmarks", str(path), "--exercise", "handstand"])
    assert unknown.exit_code == 2
    assert "'handstand' is not an exercise; the camera coach follows glute_bridge" in unknown.output


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("squat-4-cut", ["4 reps", "began part way through a rep", "ended before the last rep came back"]),
        ("squat-5-someone-beside", ["5 reps", "someone else came into view 1 time: their"]),
    ],
)
def test_the_cli_says_what_it_did_not_count(
    name: str, said: list[str], tmp_path: Path, kb: Knowledge
) -> None:
    from click.testing import CliRunner

    from glutewake.cli import main

    vector = next(v for v in VECTORS if v.name == name)
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in frames_for(vector, kb)))
    result = CliRunner().invoke(main, ["reps", "--landmarks", str(path), "--exercise", vector.exercise])
    assert result.exit_code == 0, result.output
    for words in said:
        assert words in result.output


def _at(values: list[float], fps: float) -> list[Frame]:
    return _series(values, fps=fps)


@pytest.mark.parametrize(
    ("values", "fps", "expected"),
    [
        ([-0.2, *_reps(1.7, 5)], 10, 5),  # one odd first frame is not where the person rests
        ([*_reps(1.7, 1), 0.3, 0.3, *_reps(1.7, 3)], 10, 4),  # a two-frame glitch past rest
        (_reps(1.7, 1, seconds=10) + _reps(1.7, 5), 10, 6),  # a slow first rep does not rule out brisker ones
        (_reps(2.6, 1) + _reps(1.7, 6), 10, 7),  # nor does one that went twice as far
        # a pause at half depth on the way up, swaying, is one rep, not two
        (
            [0.8] * 5
            + [1.0, 1.3, 1.6, 1.7, 1.6]
            + [1.25, 1.27, 1.23, 1.26, 1.24] * 3
            + [1.0, 0.8]
            + [0.8] * 5,
            10,
            1,
        ),
    ],
)
def test_one_odd_frame_rep_or_pause_does_not_throw_the_count(
    values: list[float], fps: float, expected: int
) -> None:
    assert len(evaluate(_rule(), _at(values, fps)).reps) == expected


def test_a_side_plank_begun_up_is_timed_and_one_odd_frame_does_not_time_lying_down(kb: Knowledge) -> None:
    rule = kb.motion["side_plank"]
    up = [0.45] * 200 + [0.1] * 10  # already up at 0.45 when the set starts, 20 s
    assert evaluate(rule, _series(up)).hold_seconds == pytest.approx(20, abs=0.5)
    lying = [-0.15] + [0.1] * 200  # one low first frame, then lying for 20 s
    assert evaluate(rule, _series(lying)).hold_seconds == 0
