// glutewake's camera coach, in the browser: reps counted, holds timed and form mistakes caught
// from pose landmarks, by the motion rules in knowledge/data/motion.yaml. The same evaluator as
// core/motion.py, step for step (the shared test vectors hold both to the same answers): a rep
// is a state machine with two thresholds, a value is the median of the last three readable
// frames, and a frame whose needed points are not visible enough is skipped. Frames never leave
// the page; only the counts and flags do.
(function (root) {
  "use strict";

  const LANDMARKS = [
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
  ];
  const INDEX = Object.fromEntries(LANDMARKS.map((name, n) => [name, n]));
  // (state, zone) -> the next state; a pair not listed stays where it is (core/motion.py's table).
  const REP_TRANSITIONS = {
    "rest|between": "moving", "rest|top": "top", "moving|top": "top",
    "moving|rest": "rest", "top|rest": "rest",
  };
  const MAX_GAP_SECONDS = 1.0;
  const EXIT_SECONDS = 0.7;

  function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  function point(frame, name, side, aspect, minVisibility) {
    const index = name in INDEX ? INDEX[name] : INDEX[`${side}_${name}`];
    const [x, y, z, visibility] = frame.landmarks[index];
    return visibility < minVisibility ? null : [x * aspect, y, z * aspect];
  }

  function torso(frame, side, aspect, minVisibility) {
    const ends = [];
    for (const part of ["shoulder", "hip"]) {
      const seen = ["left", "right"].map((s) => point(frame, `${s}_${part}`, side, aspect, minVisibility)).filter((p) => p);
      if (!seen.length) return null;
      ends.push([seen.reduce((a, p) => a + p[0], 0) / seen.length, seen.reduce((a, p) => a + p[1], 0) / seen.length]);
    }
    const length = Math.hypot(ends[0][0] - ends[1][0], ends[0][1] - ends[1][1]);
    return length > 1e-6 ? length : null;
  }

  function value(measure, frame, side, aspect = 1.0, minVisibility = 0.5) {
    const p = measure.points.map((name) => point(frame, name, side, aspect, minVisibility));
    if (p.some((q) => q === null)) return null;
    if (measure.kind === "angle") {
      const a = [p[0][0] - p[1][0], p[0][1] - p[1][1]];
      const b = [p[2][0] - p[1][0], p[2][1] - p[1][1]];
      const size = Math.hypot(...a) * Math.hypot(...b);
      if (size < 1e-9) return null;
      const cosine = Math.max(-1, Math.min(1, (a[0] * b[0] + a[1] * b[1]) / size));
      return (Math.acos(cosine) * 180) / Math.PI;
    }
    if (measure.kind === "tilt") {
      const dx = p[1][0] - p[0][0];
      const dy = p[1][1] - p[0][1];
      if (Math.abs(dx) < 1e-9) return 90.0;
      return (Math.atan(-dy / dx) * 180) / Math.PI;
    }
    if (measure.kind === "ratio") {
      const bottom = Math.hypot(p[2][0] - p[3][0], p[2][1] - p[3][1]);
      return bottom > 1e-6 ? Math.hypot(p[0][0] - p[1][0], p[0][1] - p[1][1]) / bottom : null;
    }
    const length = torso(frame, side, aspect, minVisibility);
    if (length === null) return null;
    if (measure.kind === "height") return (p[1][1] - p[0][1]) / length;
    return (p[0][2] - p[1][2]) / length; // depth
  }

  function viewOf(frame, aspect = 1.0, minVisibility = 0.5) {
    const left = point(frame, "left_shoulder", "left", aspect, minVisibility);
    const right = point(frame, "right_shoulder", "right", aspect, minVisibility);
    const length = torso(frame, "left", aspect, minVisibility);
    if (left === null || right === null || length === null) return null;
    return Math.hypot(left[0] - right[0], left[1] - right[1]) / length > 0.45 ? "front" : "side";
  }

  function rising(rule) { return rule.top > rule.rest; }
  function round(x, places) { const k = 10 ** places; return Math.round(x * k) / k; }

  class Tracker {
    constructor(rule, side, aspect = 1.0) {
      this.rule = rule; this.side = side; this.aspect = aspect;
      this.state = "rest"; this.recent = []; this.started = 0; this.furthest = 0;
      this.reps = []; this.flags = []; this.holdSeconds = 0; this.lastIn = null;
      this.used = 0; this.skipped = 0;
      this.checks = rule.checks.filter((c) => c.short_of === null || c.short_of === undefined)
        .map((spec) => ({ spec, run: 0, flagged: false }));
    }

    zone(reading) {
      const sign = rising(this.rule) ? 1 : -1;
      if (sign * (reading - this.rule.top) >= 0) return "top";
      if (sign * (reading - this.rule.rest) <= 0) return "rest";
      return "between";
    }

    add(frame) {
      const rule = this.rule;
      const reading = value(rule.measure, frame, this.side, this.aspect, rule.min_visibility);
      if (reading === null) { this.skipped += 1; return null; }
      this.used += 1;
      this.recent = [...this.recent.slice(-2), reading];
      const smooth = median(this.recent);
      if (rule.count === "hold") this.hold(frame, smooth); else this.rep(frame, smooth);
      return smooth;
    }

    rep(frame, smooth) {
      const before = this.state;
      const after = REP_TRANSITIONS[`${before}|${this.zone(smooth)}`] || before;
      if (before === "rest" && after !== "rest") {
        this.started = frame.t; this.furthest = smooth;
        for (const check of this.checks) { check.run = 0; check.flagged = false; }
      }
      if (after !== "rest") {
        this.furthest = rising(this.rule) ? Math.max(this.furthest, smooth) : Math.min(this.furthest, smooth);
        this.watch(frame, this.reps.length + 1);
      }
      if (before === "top" && after === "rest") this.finish(frame.t);
      else if (before === "moving" && after === "rest") this.flags = this.flags.filter((f) => f.rep !== this.reps.length + 1);
      this.state = after;
    }

    finish(end) {
      const rule = this.rule;
      const seconds = end - this.started;
      if (!(rule.min_rep_seconds <= seconds && seconds <= rule.max_rep_seconds)) {
        this.flags = this.flags.filter((f) => f.rep !== this.reps.length + 1);
        return;
      }
      this.reps.push({ start: round(this.started, 3), end: round(end, 3), top: round(this.furthest, 1) });
      for (const spec of rule.checks) {
        if (spec.short_of === null || spec.short_of === undefined) continue;
        const short = rising(rule) ? this.furthest < spec.short_of : this.furthest > spec.short_of;
        if (short) this.flags.push({ id: spec.id, t: round(end, 3), cue: spec.cue, rep: this.reps.length });
      }
    }

    hold(frame, smooth) {
      const zone = this.zone(smooth);
      const holding = this.lastIn !== null;
      if (zone === "top" || (holding && zone === "between")) {
        if (this.lastIn !== null && frame.t - this.lastIn <= MAX_GAP_SECONDS) {
          this.holdSeconds += frame.t - this.lastIn;
        } else if (this.lastIn === null) {
          this.started = frame.t;
          for (const check of this.checks) { check.run = 0; check.flagged = false; }
        }
        this.lastIn = frame.t;
        if (frame.t - this.started >= EXIT_SECONDS) this.watch(frame, null);
      } else if (this.lastIn !== null) {
        const ended = this.lastIn;
        this.flags = this.flags.filter((f) => f.rep !== null || f.t < ended - EXIT_SECONDS);
        this.lastIn = null;
      }
    }

    watch(frame, rep) {
      let view = null;
      for (const check of this.checks) {
        const spec = check.spec;
        if (spec.view) {
          view = view || viewOf(frame, this.aspect, this.rule.min_visibility);
          if (view !== spec.view) continue;
        }
        let reading = value(spec.measure || this.rule.measure, frame, this.side, this.aspect, this.rule.min_visibility);
        if (reading === null) continue;
        if (spec.measure && spec.measure.kind === "tilt") reading = Math.abs(reading);
        const past = spec.above !== null && spec.above !== undefined ? reading > spec.above
          : spec.below !== null && spec.below !== undefined && reading < spec.below;
        if (past) {
          check.run += 1;
          if (check.run >= spec.for_frames && !check.flagged) {
            check.flagged = true;
            this.flags.push({ id: spec.id, t: round(frame.t, 3), cue: spec.cue, rep });
          }
        } else {
          check.run = 0;
          if (rep === null) check.flagged = false;
        }
      }
    }

    result() {
      return {
        reps: this.reps, hold_seconds: round(this.holdSeconds, 2), flags: this.flags, side: this.side,
        frames_used: this.used, frames_skipped: this.skipped,
      };
    }
  }

  function sided(rule) {
    return rule.measure.points.some((p) => !(p in INDEX));
  }

  function upperSide(frames, minVisibility = 0.5) {
    let higher = 0;
    for (const frame of frames) {
      const a = frame.landmarks[INDEX.left_hip];
      const b = frame.landmarks[INDEX.right_hip];
      if (a[3] >= minVisibility && b[3] >= minVisibility) higher += a[1] < b[1] ? 1 : -1;
    }
    return higher >= 0 ? "left" : "right";
  }

  function evaluate(rule, frames, { side = null, aspect = 1.0 } = {}) {
    let sides = side ? [side] : ["left", "right"];
    if (!sided(rule)) sides = sides.slice(0, 1);
    else if (!side && rule.watch === "upper") sides = [upperSide(frames, rule.min_visibility)];
    let best = null;
    for (const watched of sides) {
      const tracker = new Tracker(rule, watched, aspect);
      for (const frame of frames) tracker.add(frame);
      const result = tracker.result();
      const key = [result.reps.length, result.hold_seconds, result.frames_used];
      if (best === null || key[0] > best.key[0] || (key[0] === best.key[0] && (key[1] > best.key[1]
          || (key[1] === best.key[1] && key[2] > best.key[2])))) best = { key, result };
    }
    return best.result;
  }

  // The same as `evaluate`, a frame at a time, for the live camera: both sides are followed and
  // the answer so far is the one `evaluate` would give on the frames so far (a test holds them equal).
  class Live {
    constructor(rule, { side = null, aspect = 1.0 } = {}) {
      let sides = side ? [side] : ["left", "right"];
      if (!sided(rule)) sides = sides.slice(0, 1);
      this.upper = !side && sided(rule) && rule.watch === "upper";
      this.minVisibility = rule.min_visibility;
      this.higher = 0;
      this.trackers = sides.map((watched) => new Tracker(rule, watched, aspect));
    }

    add(frame) {
      for (const tracker of this.trackers) tracker.add(frame);
      if (this.upper) {
        const a = frame.landmarks[INDEX.left_hip];
        const b = frame.landmarks[INDEX.right_hip];
        if (a[3] >= this.minVisibility && b[3] >= this.minVisibility) this.higher += a[1] < b[1] ? 1 : -1;
      }
      return this.result();
    }

    result() {
      if (this.upper) return this.trackers[this.higher >= 0 ? 0 : 1].result();
      let best = null;
      for (const tracker of this.trackers) {
        const result = tracker.result();
        const key = [result.reps.length, result.hold_seconds, result.frames_used];
        if (best === null || key[0] > best.key[0] || (key[0] === best.key[0] && (key[1] > best.key[1]
            || (key[1] === best.key[1] && key[2] > best.key[2])))) best = { key, result };
      }
      return best.result;
    }
  }

  // Whether the camera can follow this exercise now: the whole body in the picture (shoulder,
  // hip, knee and ankle of at least one side, visible and inside the frame), seen from the side
  // or the front as the rule wants, and enough light (`light`: the picture's mean brightness,
  // 0-255, or null when not measured). `ok` when all three are.
  const BODY = ["shoulder", "hip", "knee", "ankle"];
  const PART_NAMES = { shoulder: "shoulders", hip: "hips", knee: "knees", ankle: "feet" };
  const DARK = 45;

  function setupCheck(rule, frame, { aspect = 1.0, light = null } = {}) {
    const minVisibility = rule.min_visibility;
    const seen = (name) => {
      const p = frame && frame.landmarks[INDEX[name]];
      return Boolean(p) && p[3] >= minVisibility && p[0] >= 0 && p[0] <= 1 && p[1] >= 0 && p[1] <= 1;
    };
    const lit = light === null || light >= DARK;
    const missing = (side) => BODY.filter((part) => !seen(`${side}_${part}`));
    const left = missing("left");
    const right = missing("right");
    const gaps = left.length <= right.length ? left : right;
    const person = frame !== null && (BODY.some((part) => seen(`left_${part}`) || seen(`right_${part}`)));
    const body = person && gaps.length === 0;
    // Side-on, the far shoulder is often hidden: one side seen whole and the other not is side-on.
    const oneSided = (left.length === 0) !== (right.length === 0);
    const view = body ? viewOf(frame, aspect, minVisibility) ?? (oneSided ? "side" : null) : null;
    const facing = view === null ? body : view === rule.view;  // a view it cannot tell holds nothing up
    let says;
    if (!lit) says = "It is too dark for the camera to see you well: turn on a light or face a window.";
    else if (!person) says = "I cannot see anyone yet: stand back so the camera sees all of you.";
    else if (!body) says = `Step back or move the camera: I cannot see your ${gaps.map((g) => PART_NAMES[g]).join(" and ")}.`;
    else if (!facing) says = rule.view === "side" ? "Turn side-on to the camera for this one." : "Face the camera for this one.";
    else says = "Ready: I can see you.";
    return { ok: lit && body && facing, body, view, facing, light: lit, says };
  }

  const api = { LANDMARKS, REP_TRANSITIONS, Tracker, Live, evaluate, setupCheck, value, viewOf, upperSide };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.GlutewakeMotion = api;
})(typeof window === "undefined" ? globalThis : window);
