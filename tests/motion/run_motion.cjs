// Runs the browser's evaluator (web/static/motion.js) on test vectors under Node.js:
//   node run_motion.cjs RULES.json VECTOR_DIR
// prints {vector name: result} as JSON, for tests/motion/test_motion_js.py to compare.
"use strict";
const fs = require("fs");
const path = require("path");
const motion = require(path.join(__dirname, "..", "..", "src", "glutewake", "web", "static", "motion.js"));

const rules = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const dir = process.argv[3];
const out = {};
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const expected = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const frames = fs.readFileSync(path.join(dir, expected.frames), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const began = process.hrtime.bigint();
  const result = motion.evaluate(rules[expected.exercise], frames);
  result.nanoseconds = Number(process.hrtime.bigint() - began);
  // the live camera's counter, a frame at a time, must end where the whole-file evaluator does
  const live = new motion.Live(rules[expected.exercise]);
  let last = null;
  for (const frame of frames) last = live.add(frame);
  result.live = last;
  result.frames = frames.length;
  out[file.replace(/\.json$/, "")] = result;
}
process.stdout.write(JSON.stringify(out));
