"""The camera coach's counting on recordings of real people, as the rep-counting benchmarks
report it (RepCount): per exercise and pose model (lite, full), the share of sequences counted
exactly, the mean absolute error of the count, that error over the true count (RepCount's
normalised MAE), the share counted within one (off-by-one accuracy), the hold error in seconds,
and each miscount with what the evaluator said about it.

The recordings are public videos of people doing glutewake's exercises, run through MediaPipe
Pose offline at the browser's settings, with the true counts made by eye (bench/real/README.md
says how, and how to rebuild the set). Only what a licence allows is in the repository
(bench/real/landmarks/); the rest is rebuilt into a directory of your own and named with --data.

    python3 bench/motion_real.py [--data DIR] [--model lite|full] [--fps N] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glutewake.core.motion import Frame, Result, evaluate, read
from glutewake.knowledge import load_knowledge

HERE = Path(__file__).resolve().parent / "real"
MODELS = ("lite", "full")


@dataclass(frozen=True)
class Outcome:
    clip: str
    exercise: str
    model: str
    true: float  # reps, or seconds held
    got: float
    result: Result
    notes: str

    @property
    def error(self) -> float:
        return self.got - self.true


def at_most(frames: list[Frame], fps: float | None) -> list[Frame]:
    """The frames a pose model answering `fps` times a second would have given."""
    if fps is None:
        return frames
    kept: list[Frame] = []
    for frame in frames:
        if not kept or frame.t - kept[-1].t >= 1 / fps - 1e-9:
            kept.append(frame)
    return kept


def run(data: Path, models: tuple[str, ...], fps: float | None = None) -> list[Outcome]:
    kb = load_knowledge()
    clips = json.loads((data / "clips.json").read_text())
    outcomes = []
    for clip in clips:
        rule = kb.motion.get(clip["exercise"])
        if rule is None:
            continue
        for model in models:
            path = data / "landmarks" / f"{clip['id']}.{model}.jsonl"
            if not path.exists():
                continue
            with path.open() as lines:
                frames = at_most(read(lines), fps)
            # The browser knows its camera's picture size; so does the recording.
            result = evaluate(rule, frames, aspect=clip["width"] / clip["height"])
            if rule.count == "hold":
                true, got = float(clip["true_hold_seconds"]), result.hold_seconds
            else:
                true, got = float(clip["true_reps"]), float(len(result.reps))
            outcomes.append(
                Outcome(clip["id"], clip["exercise"], model, true, got, result, clip.get("notes", ""))
            )
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    reps = [o for o in outcomes if o.exercise != "side_plank"]
    several = [o for o in reps if o.true > 1]
    holds = [o for o in outcomes if o.exercise == "side_plank"]
    parts = []
    if several:
        exact = sum(o.error == 0 for o in several) / len(several)
        mae = statistics.fmean(abs(o.error) for o in several)
        normalised = statistics.fmean(abs(o.error) / o.true for o in several)
        obo = sum(abs(o.error) <= 1 for o in several) / len(several)
        counted = sum(min(o.got, o.true) for o in several)
        parts.append(
            f"{len(several)} sequences of 2+ reps: exact {exact:.2f}, MAE {mae:.2f}, MAE/true {normalised:.2f},"
            f" off-by-one {obo:.2f}; {counted:.0f} of {sum(o.true for o in several):.0f} reps found"
        )
    single = [o for o in reps if o.true <= 1]
    if single:
        parts.append(f"{len(single)} of 1 rep: exact {sum(o.error == 0 for o in single)}")
    if holds:
        parts.append(
            f"{len(holds)} holds: mean error {statistics.fmean(abs(o.error) for o in holds):.1f} s"
            f" ({', '.join(f'{o.got:.1f} for {o.true:.1f}' for o in holds)})"
        )
    return "; ".join(parts)


def said(result: Result) -> str:
    notes = []
    if getattr(result, "began_mid_rep", False):
        notes.append("began mid-rep")
    if getattr(result, "ended_mid_rep", False):
        notes.append("ended mid-rep")
    if getattr(result, "switches", 0):
        notes.append(f"{result.switches} switch(es) to someone else")
    if result.frames_skipped:
        notes.append(f"{result.frames_skipped} frames unreadable")
    return ", ".join(notes) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=HERE, help="the set's directory (clips.json, landmarks/)"
    )
    parser.add_argument("--model", choices=MODELS, action="append", help="the pose model (default: both)")
    parser.add_argument("--verbose", action="store_true", help="every clip, not only miscounts")
    parser.add_argument(
        "--fps", type=float, help="keep only as many frames a second as a slow device's pose model answers"
    )
    args = parser.parse_args()
    models = tuple(args.model or MODELS)
    if not (args.data / "clips.json").exists():
        parser.error(f"{args.data} has no clips.json; bench/real/README.md says how to build the set")
    outcomes = run(args.data, models, args.fps)
    if not outcomes:
        parser.error(f"no landmark files under {args.data / 'landmarks'}")
    for model in models:
        mine = [o for o in outcomes if o.model == model]
        print(f"== {model} model: {summary(mine)}")
        by_exercise: dict[str, list[Outcome]] = defaultdict(list)
        for o in mine:
            by_exercise[o.exercise].append(o)
        for exercise, group in by_exercise.items():
            print(f"  {exercise}: {summary(group)}")
        for o in mine:
            if o.error or args.verbose:
                sides = o.result.side or "-"
                print(
                    f"    {'miscount' if o.error else 'ok'}: {o.clip} {o.got:g} for {o.true:g}"
                    f" ({sides} side; {said(o.result)})"
                )


if __name__ == "__main__":
    main()
