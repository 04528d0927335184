"""Test vectors for the camera coach: landmark sequences made from the exercise figures' key poses
(interpolated along each exercise's tempo), as a camera would see them, with what a
physiotherapist would count in them.

Each vector is a JSON-lines file of frames and a JSON file of what to expect: reps, hold seconds
and form flags. They are written by `write_vectors` into a directory that both evaluators read
(pytest for the Python one, Chromium for the browser's), with noise, jitter, missed frames,
low-visibility points and a wild frame now and then, all from a fixed seed.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glutewake.core import figure as fig
from glutewake.knowledge import Knowledge
from glutewake.knowledge.schema import LANDMARKS, Pose

__all__ = ["VECTORS", "Vector", "at_aspect", "frames_for", "write_vectors"]

FPS = 15
# figure joint -> landmarks drawn there ({n}: near or far)
_JOINTS = {
    "shoulder": ("shoulder",), "elbow": ("elbow",), "wrist": ("wrist",),
    "hand": ("pinky", "index", "thumb"), "hip": ("hip",), "knee": ("knee",), "ankle": ("ankle",),
    "heel": ("heel",), "toe": ("foot_index",),
}  # fmt: skip
_HEAD = ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
         "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right")  # fmt: skip


@dataclass(frozen=True)
class Vector:
    name: str
    exercise: str
    reps: int  # reps done (a short one, too fast or too slow, is not one)
    depth: float = 1.0  # how far towards the key pose each rep goes (1: all the way)
    hold_seconds: float = 0.0  # for a hold: how long it is held
    flags: tuple[str, ...] = ()  # the form mistakes in it
    noise: float = 0.004
    missed: float = 0.05  # share of frames the detector missed
    faint: float = 0.03  # share of frames with some points barely visible
    wild: float = 0.01  # share of frames with one point thrown far off
    pause: float = 1.0  # seconds at rest between reps
    seed: int = 1
    tweak: Callable[[dict[str, list[float]], float], None] | None = None  # a mistake no figure shows
    faster: float = 1.0  # each rep this many times quicker than the exercise's tempo
    cut: tuple[float, float] = (0.0, 0.0)  # seconds of the recording lost at its start and its end
    began_mid_rep: bool = False  # what the evaluator should say of the cut
    ended_mid_rep: bool = False
    switches: int = 0  # times someone else took the picture's place

    @property
    def counted(self) -> int:
        """The reps a physiotherapist would count: those done, less any the cut broke off."""
        return self.reps - self.began_mid_rep - self.ended_mid_rep


def _side_names(view: str) -> tuple[str, str]:
    """Which landmarks the figure's near and far limbs are: side view faces right, so the left
    side is towards the camera; front view faces the camera, near is the picture's left (the right side)."""
    return ("left", "right") if view == "side" else ("right", "left")


def _landmarks(exercise: Any, pose: Pose, depth_near: float) -> dict[str, list[float]]:
    points = fig.joint_positions(exercise.figure, pose)
    near, far = _side_names(exercise.figure.view)
    out: dict[str, list[float]] = {}
    for prefix, side in (("near", near), ("far", far)):
        z = -depth_near if prefix == "near" else depth_near
        for joint, names in _JOINTS.items():
            x, y = points[f"{prefix}_{joint}"]
            for name in names:
                out[f"{side}_{name}"] = [x, y, z, 0.95]
    hx, hy = points["head"]
    for name in _HEAD:
        out[name] = [hx, hy, 0.0, 0.95]
    return out


def _to_image(
    points: dict[str, list[float]], centre: tuple[float, float], scale: float
) -> dict[str, list[float]]:
    return {
        name: [0.5 + (x - centre[0]) * scale, 0.5 - (y - centre[1]) * scale, z * scale, v]
        for name, (x, y, z, v) in points.items()
    }


def _pose_at(exercise: Any, t: float, depth: float) -> Pose:
    """The figure's pose `t` seconds into one rep, each rep going `depth` of the way to the key pose."""
    stops = fig.timeline(exercise)
    poses = exercise.figure.poses
    key = poses.index(exercise.figure.key_pose)

    def scaled(index: int) -> Pose:
        if index != key or depth >= 1:
            return poses[index]
        return fig.interpolate(poses[0], poses[key], depth)

    for (t0, a), (t1, b) in itertools.pairwise(stops):
        if t <= t1:
            fraction = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            eased = fraction * fraction * (3 - 2 * fraction)
            return fig.interpolate(scaled(a), scaled(b), eased)
    return poses[stops[-1][1]]


def frames_for(vector: Vector, kb: Knowledge) -> list[dict[str, Any]]:
    exercise = kb.exercises[vector.exercise]
    rng = random.Random(vector.seed)
    rule = kb.motion[vector.exercise]
    key_points = fig.joint_positions(exercise.figure, exercise.figure.key_pose)
    xs = [p[0] for p in key_points.values()]
    ys = [p[1] for p in key_points.values()]
    centre, scale = (
        ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2),
        0.6 / max(max(xs) - min(xs), max(ys) - min(ys), 0.3),
    )
    timeline: list[tuple[float, Pose]] = []
    t = 0.0
    step = 1 / FPS
    if rule.count == "hold":
        first, key = exercise.figure.poses[0], exercise.figure.key_pose
        phases = [(1.0, lambda s: first), (0.6, lambda s: fig.interpolate(first, key, s)),
                  (vector.hold_seconds, lambda s: key), (0.6, lambda s: fig.interpolate(key, first, s)), (1.0, lambda s: first)]  # fmt: skip
        for seconds, at in phases:
            n = max(1, round(seconds * FPS))
            for k in range(n):
                timeline.append((t, at(k / n)))
                t += step
    else:
        length = fig.timeline(exercise)[-1][0] / vector.faster
        for _ in range(round(vector.pause * FPS)):
            timeline.append((t, exercise.figure.poses[0]))
            t += step
        for _ in range(vector.reps):
            for k in range(round(length * FPS)):
                timeline.append((t, _pose_at(exercise, k * vector.faster / FPS, vector.depth)))
                t += step
            for _ in range(round(vector.pause * FPS)):
                timeline.append((t, exercise.figure.poses[0]))
                t += step
    start, end = vector.cut[0], timeline[-1][0] - vector.cut[1]
    timeline = [(moment - start, pose) for moment, pose in timeline if start <= moment <= end]
    frames = []
    for moment, pose in timeline:
        if rng.random() < vector.missed:
            continue
        points = _to_image(_landmarks(exercise, pose, 0.03), centre, scale)
        if vector.tweak is not None:
            vector.tweak(points, moment)
        for values in points.values():
            values[0] += rng.gauss(0, vector.noise)
            values[1] += rng.gauss(0, vector.noise)
        if rng.random() < vector.faint:
            for name in rng.sample(list(points), 6):
                points[name][3] = 0.2
        if rng.random() < vector.wild:
            name = rng.choice(list(points))
            points[name][0] += 0.15
            points[name][1] -= 0.15
        frames.append(
            {"t": round(moment, 4), "landmarks": [[round(v, 5) for v in points[name]] for name in LANDMARKS]}
        )
    return frames


def _someone_beside(points: dict[str, list[float]], t: float) -> None:
    """For a second and a half (4 s to 5.5 s in), the detector follows someone standing beside
    the person exercising (drawn as the same figure, half a picture to the right)."""
    if 4.0 <= t <= 5.5:
        for values in points.values():
            values[0] += 0.5


def _short_legs(points: dict[str, list[float]], t: float) -> None:
    """Legs 30% shorter against the torso than the figure's (people differ; so do cameras): a
    standing hip about 1.2 torso lengths above the ankle, not 1.75."""
    for side in ("left", "right"):
        hip_x, hip_y = points[f"{side}_hip"][:2]
        for part in ("knee", "ankle", "heel", "foot_index"):
            values = points[f"{side}_{part}"]
            values[0], values[1] = hip_x + (values[0] - hip_x) * 0.7, hip_y + (values[1] - hip_y) * 0.7


def _sag(points: dict[str, list[float]], t: float) -> None:
    """The hips sinking for two seconds mid-hold (from 4 s to 6 s in)."""
    if 4.5 <= t <= 6.5:
        for name in ("left_hip", "right_hip"):
            points[name][1] += 0.025


VECTORS: tuple[Vector, ...] = (
    Vector("bridge-8", "glute_bridge", 8),
    Vector("bridge-5-noisy", "glute_bridge", 5, noise=0.008, missed=0.15, faint=0.08, seed=2),
    Vector("bridge-6-short", "glute_bridge", 6, depth=0.6, flags=("hips_not_extended",), seed=3),
    Vector("single-leg-bridge-5", "single_leg_bridge", 5, seed=4),
    Vector("hip-thrust-6", "hip_thrust", 6, seed=5),
    Vector("squat-8", "squat", 8, seed=6),
    Vector("squat-6-shallow", "squat", 6, depth=0.6, flags=("not_deep_enough",), seed=7),
    Vector("squat-6-short-legs", "squat", 6, seed=14, tweak=_short_legs),
    Vector("squat-8-brisk", "squat", 8, faster=5, pause=0.2, seed=15),
    Vector("squat-5-someone-beside", "squat", 5, seed=16, tweak=_someone_beside, switches=1),
    # starts as the first rep reaches its bottom, ends at the last rep's bottom: neither counts
    Vector("squat-4-cut", "squat", 6, seed=17, cut=(3.5, 3.5), began_mid_rep=True, ended_mid_rep=True),
    Vector("split-squat-6", "split_squat", 6, seed=8),
    Vector("clamshell-10", "clamshell", 10, seed=9),
    Vector("leg-lift-8", "side_lying_leg_lift", 8, seed=10),
    Vector("donkey-kick-8", "donkey_kick", 8, seed=11),
    Vector("side-plank-20s", "side_plank", 0, hold_seconds=20, seed=12),
    Vector(
        "side-plank-12s-sag", "side_plank", 0, hold_seconds=12, flags=("hips_sagging",), seed=13, tweak=_sag
    ),
)


def write_vectors(directory: Path, kb: Knowledge) -> list[Path]:
    """Each vector's frames (NAME.jsonl) and what to expect (NAME.json); the expectation files' paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for vector in VECTORS:
        frames = frames_for(vector, kb)
        (directory / f"{vector.name}.jsonl").write_text("".join(json.dumps(f) + "\n" for f in frames))
        expected = {
            "exercise": vector.exercise, "frames": f"{vector.name}.jsonl", "reps": vector.counted,
            "hold_seconds": vector.hold_seconds, "flags": list(vector.flags),
            "began_mid_rep": vector.began_mid_rep, "ended_mid_rep": vector.ended_mid_rep,
            "switches": vector.switches,
        }  # fmt: skip
        path = directory / f"{vector.name}.json"
        path.write_text(json.dumps(expected, indent=1))
        written.append(path)
    return written


def at_aspect(frames: list[dict[str, Any]], aspect: float, faster: float = 1.0) -> list[dict[str, Any]]:
    """Frames (drawn for a square picture) as a camera of `aspect` (width over height) reports
    them, x as a fraction of its width; `faster` times as fast."""
    return [
        {"t": round(f["t"] / faster, 4),
         "landmarks": [[0.5 + (x - 0.5) / aspect, y, z, v] for x, y, z, v in f["landmarks"]]}
        for f in frames
    ]  # fmt: skip
