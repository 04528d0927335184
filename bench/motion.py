"""The camera coach's evaluator on its test vectors, and on harder versions of them.

For each level of difficulty (the vectors as shipped, then with more noise, more missed frames
and more faint points), reports the RepCount benchmark's figures: the share of sequences counted
exactly, the mean absolute error of the count, and the share counted within one (off-by-one
accuracy); for the holds, the mean error in seconds; for the form flags, precision and recall;
and the evaluator's time per frame.

    python3 bench/motion.py
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.motion.vectors import FPS, VECTORS, at_aspect, frames_for

from glutewake.core.motion import estimate_aspect, evaluate, parse_frame
from glutewake.knowledge import load_knowledge

LEVELS = {
    "as shipped": {},
    "noisier (jitter x2, 10% missed, 6% faint)": {"noise": 0.008, "missed": 0.10, "faint": 0.06},
    "hard (jitter x3, 20% missed, 10% faint, 3% wild)": {
        "noise": 0.012,
        "missed": 0.20,
        "faint": 0.10,
        "wild": 0.03,
    },
    # the picture's aspect not given: found from the landmarks, as `glutewake reps` does
    "a 16:9 camera, taken as square (no estimate)": {"aspect": 16 / 9, "estimate": False},
    "a 16:9 camera, its aspect found from the landmarks": {"aspect": 16 / 9},
    "a phone held upright (9:16), its aspect found": {"aspect": 9 / 16},
    # a slow device: the pose model answers a few times a second (this machine's headless
    # Chromium, with no GPU, manages 1-1.5)
    "5 frames a second": {"fps": 5},
    "2 frames a second": {"fps": 2},
}
SEEDS = range(1, 11)


def main() -> None:
    kb = load_knowledge()
    for label, changes in LEVELS.items():
        errors, holds, true_pos, false_pos, false_neg = [], [], 0, 0, 0
        frames_seen, seconds = 0, 0.0
        for seed in SEEDS:
            for vector in VECTORS:
                options = dict(changes)
                camera, fps = options.pop("aspect", None), options.pop("fps", None)
                estimating = options.pop("estimate", True)
                v = replace(vector, seed=vector.seed * 100 + seed, **options)
                drawn = frames_for(v, kb)
                if fps is not None:  # keep the frames the slower model would have answered
                    drawn = [f for n, f in enumerate(drawn) if n % round(FPS / fps) == 0]
                frames = [parse_frame(f) for f in (drawn if camera is None else at_aspect(drawn, camera))]
                began = time.perf_counter()
                aspect = 1.0 if camera is None or not estimating else estimate_aspect(frames) or 1.0
                result = evaluate(kb.motion[v.exercise], frames, aspect=aspect)
                seconds += time.perf_counter() - began
                frames_seen += len(frames) * (1 if kb.motion[v.exercise].watch == "upper" else 2)
                if kb.motion[v.exercise].count == "reps":
                    errors.append(len(result.reps) - v.counted)
                else:
                    holds.append(abs(result.hold_seconds - v.hold_seconds))
                found, wanted = {f.id for f in result.flags}, set(v.flags)
                true_pos += len(found & wanted)
                false_pos += len(found - wanted)
                false_neg += len(wanted - found)
        exact = sum(e == 0 for e in errors) / len(errors)
        mae = statistics.mean(abs(e) for e in errors)
        obo = sum(abs(e) <= 1 for e in errors) / len(errors)
        precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
        recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
        print(f"{label}: {len(errors)} rep sequences, {len(holds)} holds")
        print(f"  reps: exact {exact:.2f}, MAE {mae:.2f}, off-by-one accuracy {obo:.2f}")
        print(f"  holds: mean error {statistics.mean(holds):.2f} s")
        print(f"  form flags: precision {precision:.2f}, recall {recall:.2f}")
        print(f"  evaluator: {seconds / frames_seen * 1e6:.0f} µs per frame and side")


def browser_evaluator_time() -> None:
    """The browser's evaluator (motion.js) under Node.js on the shipped vectors."""
    import json
    import shutil
    import subprocess
    import tempfile

    from tests.motion.vectors import write_vectors

    from glutewake.codec import dump

    node = shutil.which("node")
    if node is None:
        print("motion.js: no Node.js here")
        return
    kb = load_knowledge()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        write_vectors(folder / "vectors", kb)
        (folder / "rules.json").write_text(json.dumps({k: dump(r) for k, r in kb.motion.items()}))
        runner = Path(__file__).resolve().parent.parent / "tests" / "motion" / "run_motion.cjs"
        out = json.loads(
            subprocess.run(
                [node, str(runner), str(folder / "rules.json"), str(folder / "vectors")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    nanoseconds = sum(r["nanoseconds"] for r in out.values())
    total_frames = sum(r["frames"] for r in out.values())
    print(
        f"motion.js under Node.js: {nanoseconds / total_frames / 1000:.0f} µs per frame (both sides), {len(out)} vectors"
    )


if __name__ == "__main__":
    main()
    browser_evaluator_time()
