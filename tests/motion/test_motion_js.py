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
        live = got.pop("live")
        assert live == {k: v for k, v in got.items() if k not in ("nanoseconds", "frames")}, name
