"""The browser's evaluator (web/static/motion.js, run by Node.js) and the Python one (core/motion.py)
give the same answers on the same vector files, and both the expected ones."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from glutewake.codec import dump
from glutewake.core.motion import evaluate, read
from glutewake.knowledge import Knowledge
from tests.motion.vectors import write_vectors

RUNNER = Path(__file__).with_name("run_motion.cjs")


def test_both_evaluators_agree_on_every_vector(tmp_path: Path, kb: Knowledge) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed; ./scripts/test installs it with npm")
    write_vectors(tmp_path / "vectors", kb)
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({exercise: dump(rule) for exercise, rule in kb.motion.items()}))
    run = subprocess.run(
        [node, str(RUNNER), str(rules), str(tmp_path / "vectors")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    from_js = json.loads(run.stdout)
    assert len(from_js) >= 10
    for name, got in from_js.items():
        expected = json.loads((tmp_path / "vectors" / f"{name}.json").read_text())
        with (tmp_path / "vectors" / expected["frames"]).open() as lines:
            python = evaluate(kb.motion[expected["exercise"]], read(lines))
        assert len(got["reps"]) == len(python.reps) == expected["reps"], name
        for js_rep, py_rep in zip(got["reps"], python.reps, strict=True):
            assert js_rep["start"] == pytest.approx(py_rep.start, abs=0.002)
            assert js_rep["end"] == pytest.approx(py_rep.end, abs=0.002)
        assert got["hold_seconds"] == pytest.approx(python.hold_seconds, abs=0.02), name
        assert [(f["id"], f["rep"]) for f in got["flags"]] == [(f.id, f.rep) for f in python.flags], name
        assert {f["id"] for f in got["flags"]} == set(expected["flags"]), name
        assert got["side"] == python.side, name
        said = ("began_mid_rep", "ended_mid_rep", "switches")
        assert [got[k] for k in said] == [getattr(python, k) for k in said] == [expected[k] for k in said], (
            name
        )
        assert got["frames_other"] == python.frames_other, name
        live = got.pop("live")
        assert live == {k: v for k, v in got.items() if k not in ("nanoseconds", "frames")}, name


REAL = Path(__file__).resolve().parents[2] / "bench" / "real"


def test_on_a_real_persons_recording_both_evaluators_count_what_was_done(
    tmp_path: Path, kb: Knowledge
) -> None:
    """The clip of bench/real whose licence lets it be shared: a real person's squats, through
    each pose model the browser has, counted as they were done (by eye), the same in both."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed; ./scripts/test installs it with npm")
    clips = {c["id"]: c for c in json.loads((REAL / "clips.json").read_text())}
    shared = sorted(REAL.glob("landmarks/*.jsonl"))
    assert shared, "bench/real/landmarks has the shareable clips"
    vectors = tmp_path / "real"
    vectors.mkdir()
    for path in shared:
        clip = clips[path.name.split(".")[0]]
        name = path.name.removesuffix(".jsonl")
        shutil.copy(path, vectors / path.name)
        (vectors / f"{name}.json").write_text(json.dumps({"exercise": clip["exercise"], "frames": path.name}))
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({exercise: dump(rule) for exercise, rule in kb.motion.items()}))
    run = subprocess.run(
        [node, str(RUNNER), str(rules), str(vectors)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    for name, got in json.loads(run.stdout).items():
        clip = clips[name.split(".")[0]]
        with (vectors / f"{name}.jsonl").open() as lines:
            python = evaluate(kb.motion[clip["exercise"]], read(lines))
        assert len(got["reps"]) == len(python.reps) == clip["true_reps"], name
        for js_rep, py_rep, (start, end) in zip(got["reps"], python.reps, clip["rep_times"], strict=True):
            assert js_rep["start"] == pytest.approx(py_rep.start, abs=0.002)
            assert py_rep.start >= start - 1.0, "the rep the person did"
            assert py_rep.end <= end + 1.0, "the rep the person did"


LIVE_SEEN = """
const motion = require(process.argv[1]);
const { rule, seen, frames } = JSON.parse(require("fs").readFileSync(0, "utf8"));
const answer = (options) => {
  const live = new motion.Live(rule, options);
  let last = null;
  for (const frame of frames) last = live.add(frame);
  return { reps: last.reps.length, switches: last.switches };
};
process.stdout.write(JSON.stringify({ seeded: answer({ seen }), unseeded: answer({}) }));
"""


def test_the_live_counter_follows_the_person_the_setup_check_found() -> None:
    """Two people in view: the one the setup check passed is counted, the other's frames are not
    (and said); without the setup's frame, whoever the model follows from the first frame is."""
    from glutewake.knowledge.schema import Measure, MotionRule
    from tests.motion.test_motion import _elsewhere, _reps, _series

    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed; ./scripts/test installs it with npm")
    rule = MotionRule("glute_bridge", "side", "reps", Measure("height", ("hip", "ankle")), 1.0, 1.5)
    frames = _series([0.8] * 5 + _reps(1.7, 3))
    someone_else = _elsewhere(frames, range(1, len(frames)))  # from the set's first frame on
    payload = {
        "rule": dump(rule),
        "seen": {"t": frames[0].t, "landmarks": [list(p) for p in frames[0].landmarks]},
        "frames": [{"t": f.t + 0.1, "landmarks": [list(p) for p in f.landmarks]} for f in someone_else[1:]],
    }
    motion_js = Path(__file__).resolve().parents[2] / "src" / "glutewake" / "web" / "static" / "motion.js"
    run = subprocess.run(
        [node, "-e", LIVE_SEEN, str(motion_js)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["seeded"]["switches"] == 1, "the person found at setup is the one followed; the other is said"
    assert got["unseeded"] == {"reps": 3, "switches": 0}
