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
  // The person's own thresholds (core/motion.py's constants, the same values).
  const NEAR_REST = 0.35;
  const RETURN_SHARE = 0.5;
  const REARM_SHARE = 0.35;
  const TOP_SHARE = 0.6;
  const TYPICAL_OF = 5;
  const TYPICAL_FROM = 3;
  const OPENING_SECONDS = 0.5;
  const SETTLE_SECONDS = 0.3;
  const SETTLE_MOST = 0.5;
  const BEYOND_SECONDS = 0.4;
  const BEYOND_FRAMES = 3;
  const RELAX_SECONDS = 3.0;
  const TEMPO_SHARE = 0.1;
  const PACE_SHARE = 0.3;
  const PACE_MOST = 0.8;
  // Another person in the picture (core/motion.py's Subject).
  const JUMP_TORSOS = 1.0;
  const MOVE_TORSOS_PER_SECOND = 1.5;
  const MOVE_TORSOS_MOST = 1.0;
  const SIZE_CHANGE = 1.6;
  const RESIZED_MOVE = 0.5;
  const SIZE_FOLLOWS = 0.2;
  const SWITCH_FRAMES = 3;
  const LOST_SECONDS = 5.0;

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
  function given(x) { return x !== null && x !== undefined; }
  function calibration(rule) {
    if (given(rule.calibrate)) return rule.calibrate;
    return { height: "scale", angle: "none", tilt: "none" }[rule.measure.kind] || "shift";
  }
  function round(x, places) { const k = 10 ** places; return Math.round(x * k) / k; }

  class Tracker {
    constructor(rule, side, aspect = 1.0) {
      this.rule = rule; this.side = side; this.aspect = aspect;
      this.state = "rest"; this.recent = []; this.started = 0; this.furthest = 0; this.furthestJudged = 0;
      this.reps = []; this.flags = []; this.holdSeconds = 0; this.lastIn = null;
      this.used = 0; this.skipped = 0;
      this.level = null; this.first = null; this.lastT = null; this.seconds = []; this.ways = [];
      this.beganMidRep = false; this.firstFrom = null; this.opening = []; this.openedAt = 0; this.lowest = 0; this.beyond = [];
      this.checks = rule.checks.filter((c) => !given(c.short_of))
        .map((spec) => ({ spec, run: 0, flagged: false }));
    }

    sign() { return rising(this.rule) ? 1 : -1; }

    calibrated(reading) {
      const rule = this.rule;
      const level = this.level;
      if (level === null) return reading;
      if (calibration(rule) === "scale" && level * rule.rest > 1e-9) return reading * (rule.rest / level);
      return reading + (rule.rest - level);
    }

    judged(reading) {
      return calibration(this.rule) === "none" ? reading : this.calibrated(reading);
    }

    zone(calibrated) {
      const rule = this.rule;
      const sign = this.sign();
      const span = Math.abs(rule.top - rule.rest);
      const way = sign * (calibrated - rule.rest);
      let need = span;
      if (this.ways.length >= TYPICAL_FROM) need = Math.max(need, TOP_SHARE * median(this.ways.slice(-TYPICAL_OF)));
      if (this.ways.length && rule.count === "reps") {
        need = Math.max(need, this.lowest + REARM_SHARE * Math.max(span, median(this.ways.slice(-TYPICAL_OF))));
      }
      if (way >= need) return "top";
      let near = NEAR_REST * span;
      if (rule.count === "reps" && this.state === "top") near = Math.max(near, RETURN_SHARE * sign * (this.furthest - rule.rest));
      if (way <= near) return "rest";
      return "between";
    }

    follow(t, smooth, resting) {
      const rule = this.rule;
      const sign = this.sign();
      if (this.level === null || this.lastT === null) {
        this.level = smooth; this.first = smooth; this.opening = [smooth]; this.openedAt = t;
      } else if (t - this.openedAt <= OPENING_SECONDS) {
        this.opening.push(smooth);
        this.level = median(this.opening);
      } else if (sign * (smooth - this.level) < 0) {
        // past the rest level towards rest: far past it is a glitch until it lasts
        const span = Math.abs(rule.top - rule.rest);
        const far = sign * (this.calibrated(smooth) - rule.rest) < -NEAR_REST * span;
        this.beyond = far ? [...this.beyond, t] : [];
        if (!far || (this.beyond.length >= BEYOND_FRAMES && t - this.beyond[0] >= BEYOND_SECONDS)) {
          this.level += (smooth - this.level) * Math.min(SETTLE_MOST, (t - this.lastT) / SETTLE_SECONDS);
          this.beganPartWay();
        }
      } else if (resting) {
        this.level += (smooth - this.level) * Math.min(1.0, (t - this.lastT) / RELAX_SECONDS);
      }
      if (sign * (smooth - this.level) >= 0) this.beyond = [];
      if (given(rule.rest_up_to) && sign * (this.level - rule.rest_up_to) > 0) this.level = rule.rest_up_to;
      this.lastT = t;
    }

    // core/motion.py's Tracker._began_part_way: a first value far from rest, or a first rep that
    // started from there, was part of a rep begun before the recording.
    beganPartWay() {
      const rule = this.rule;
      if (rule.count !== "reps") return;
      const sign = this.sign();
      const span = Math.abs(rule.top - rule.rest);
      if (!this.reps.length && this.first !== null) {
        if (sign * (this.calibrated(this.first) - rule.rest) >= span) this.beganMidRep = true;
      } else if (this.reps.length === 1 && this.state !== "top" && this.firstFrom !== null) {
        if (sign * (this.calibrated(this.firstFrom) - rule.rest) >= span) {
          this.reps.pop(); this.seconds.pop(); this.ways.pop();
          this.flags = this.flags.filter((f) => f.rep !== 1).map((f) => (f.rep ? { ...f, rep: f.rep - 1 } : f));
          this.beganMidRep = true; this.firstFrom = null;
        }
      }
    }

    add(frame) {
      const rule = this.rule;
      const reading = value(rule.measure, frame, this.side, this.aspect, rule.min_visibility);
      if (reading === null) { this.skipped += 1; return null; }
      this.used += 1;
      this.recent = [...this.recent.slice(-2), reading];
      const smooth = median(this.recent);
      if (frame.t - this.openedAt <= OPENING_SECONDS && this.level !== null && this.used > 1) {
        this.follow(frame.t, smooth, true);
        return smooth;  // the set's first half second finds where the person rests; nothing counts yet
      }
      if (rule.count === "hold") {
        this.follow(frame.t, smooth, this.lastIn === null);  // in position the level stays where they lay
        this.hold(frame, this.calibrated(smooth));
      } else {
        if (this.state !== "rest" && frame.t - this.started > rule.max_rep_seconds) {
          this.flags = this.flags.filter((f) => f.rep !== this.reps.length + 1);
          this.state = "rest"; this.level = smooth;
        }
        this.follow(frame.t, smooth, this.state === "rest");
        this.rep(frame, this.calibrated(smooth), this.judged(smooth));
      }
      return smooth;
    }

    rep(frame, smooth, judged) {
      const rule = this.rule;
      const before = this.state;
      const after = REP_TRANSITIONS[`${before}|${this.zone(smooth)}`] || before;
      if (before === "rest" && after !== "rest") {
        this.started = frame.t; this.furthest = smooth; this.furthestJudged = judged;
        if (!this.reps.length) this.firstFrom = this.level;
        for (const check of this.checks) { check.run = 0; check.flagged = false; }
      }
      if (after === "top" && before !== "top" && this.reps.length) this.firstFrom = null;
      const span = Math.abs(rule.top - rule.rest);
      if (before === "moving" && after === "moving" && this.sign() * (smooth - rule.rest) <= 2 * NEAR_REST * span) {
        this.started = frame.t;  // still near rest: a sway; the rep starts when they go
      }
      if (after !== "rest") {
        const further = rising(this.rule) ? Math.max : Math.min;
        this.furthest = further(this.furthest, smooth);
        this.furthestJudged = further(this.furthestJudged, judged);
        this.watch(frame, this.reps.length + 1);
      }
      if (before === "top" && after === "rest") {
        this.finish(frame.t);
        this.lowest = this.sign() * (smooth - rule.rest);
      } else if (before === "moving" && after === "rest") this.flags = this.flags.filter((f) => f.rep !== this.reps.length + 1);
      if (after !== "top") this.lowest = Math.min(this.lowest, this.sign() * (smooth - rule.rest));
      this.state = after;
    }

    shortestRep() {
      const rule = this.rule;
      const limits = [];
      if (given(rule.tempo_seconds)) limits.push(TEMPO_SHARE * rule.tempo_seconds);
      if (this.seconds.length) limits.push(Math.min(PACE_MOST, PACE_SHARE * median(this.seconds.slice(-TYPICAL_OF))));
      return limits.length ? Math.max(rule.min_rep_seconds, Math.min(...limits)) : rule.min_rep_seconds;
    }

    finish(end) {
      const rule = this.rule;
      const took = end - this.started;
      if (!(this.shortestRep() <= took && took <= rule.max_rep_seconds)) {
        this.flags = this.flags.filter((f) => f.rep !== this.reps.length + 1);
        return;
      }
      this.seconds.push(took);
      this.ways.push(Math.abs(this.furthest - rule.rest));
      this.reps.push({ start: round(this.started, 3), end: round(end, 3), top: round(this.furthestJudged, 1) });
      for (const spec of rule.checks) {
        if (!given(spec.short_of)) continue;
        const furthest = this.furthestJudged;
        const short = rising(rule) ? furthest < spec.short_of : furthest > spec.short_of;
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
        if (!spec.measure) reading = this.judged(reading);
        else if (spec.measure.kind === "tilt") reading = Math.abs(reading);
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
        frames_used: this.used, frames_skipped: this.skipped, began_mid_rep: this.beganMidRep,
        ended_mid_rep: this.rule.count === "reps" && this.state === "top", frames_other: 0, switches: 0,
      };
    }
  }

  // The person being followed (core/motion.py's Subject): frames of a body further than the
  // person could have moved, or of another size, are someone else's and are left out.
  function body(frame, aspect, minVisibility) {
    const seen = ["left_shoulder", "right_shoulder", "left_hip", "right_hip"]
      .map((name) => point(frame, name, "left", aspect, minVisibility)).filter((p) => p);
    const size = torso(frame, "left", aspect, minVisibility);
    if (seen.length < 2 || size === null) return null;
    return { centre: [seen.reduce((a, p) => a + p[0], 0) / seen.length, seen.reduce((a, p) => a + p[1], 0) / seen.length], size };
  }

  class Subject {
    constructor(aspect = 1.0, minVisibility = 0.5) {
      this.aspect = aspect; this.minVisibility = minVisibility;
      this.centre = null; this.size = 0; this.seenAt = 0; this.lastAt = 0; this.away = 0; this.framesOther = 0; this.switches = 0;
    }

    accepts(frame) {
      const found = body(frame, this.aspect, this.minVisibility);
      if (found === null) return true;
      const { centre, size } = found;
      const since = frame.t - this.lastAt;
      this.lastAt = frame.t;
      if (this.centre !== null && frame.t - this.seenAt <= LOST_SECONDS) {
        const moved = Math.min(MOVE_TORSOS_PER_SECOND * since, MOVE_TORSOS_MOST);
        const apart = Math.hypot(centre[0] - this.centre[0], centre[1] - this.centre[1]);
        const jumped = apart > this.size * (JUMP_TORSOS + moved);
        const resized = Math.max(size / this.size, this.size / size) > SIZE_CHANGE && apart > this.size * RESIZED_MOVE;
        if (jumped || resized) {
          this.away += 1;
          this.framesOther += 1;
          if (this.away === SWITCH_FRAMES) this.switches += 1;
          return false;
        }
      }
      this.size = this.centre === null ? size : this.size + (size - this.size) * SIZE_FOLLOWS;
      this.centre = centre; this.seenAt = frame.t; this.away = 0;
      return true;
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
    const subject = new Subject(aspect, rule.min_visibility);
    const followed = frames.filter((frame) => subject.accepts(frame));
    let sides = side ? [side] : ["left", "right"];
    if (!sided(rule)) sides = sides.slice(0, 1);
    else if (!side && rule.watch === "upper") sides = [upperSide(followed, rule.min_visibility)];
    let best = null;
    for (const watched of sides) {
      const tracker = new Tracker(rule, watched, aspect);
      for (const frame of followed) tracker.add(frame);
      const result = tracker.result();
      const key = [result.reps.length, result.hold_seconds, result.frames_used];
      if (best === null || key[0] > best.key[0] || (key[0] === best.key[0] && (key[1] > best.key[1]
          || (key[1] === best.key[1] && key[2] > best.key[2])))) best = { key, result };
    }
    return { ...best.result, frames_other: subject.framesOther, switches: subject.switches };
  }

  // The same as `evaluate`, a frame at a time, for the live camera: both sides are followed and
  // the answer so far is the one `evaluate` would give on the frames so far (a test holds them equal).
  class Live {
    // `seen`: a frame of the person to follow (the setup check's), when two could be in view.
    constructor(rule, { side = null, aspect = 1.0, seen = null } = {}) {
      let sides = side ? [side] : ["left", "right"];
      if (!sided(rule)) sides = sides.slice(0, 1);
      this.upper = !side && sided(rule) && rule.watch === "upper";
      this.minVisibility = rule.min_visibility;
      this.higher = 0;
      this.subject = new Subject(aspect, rule.min_visibility);
      if (seen && seen.landmarks) this.subject.accepts(seen);
      this.trackers = sides.map((watched) => new Tracker(rule, watched, aspect));
    }

    add(frame) {
      if (!this.subject.accepts(frame)) return this.result();
      for (const tracker of this.trackers) tracker.add(frame);
      if (this.upper) {
        const a = frame.landmarks[INDEX.left_hip];
        const b = frame.landmarks[INDEX.right_hip];
        if (a[3] >= this.minVisibility && b[3] >= this.minVisibility) this.higher += a[1] < b[1] ? 1 : -1;
      }
      return this.result();
    }

    result() {
      const seen = { frames_other: this.subject.framesOther, switches: this.subject.switches };
      if (this.upper) return { ...this.trackers[this.higher >= 0 ? 0 : 1].result(), ...seen };
      let best = null;
      for (const tracker of this.trackers) {
        const result = tracker.result();
        const key = [result.reps.length, result.hold_seconds, result.frames_used];
        if (best === null || key[0] > best.key[0] || (key[0] === best.key[0] && (key[1] > best.key[1]
            || (key[1] === best.key[1] && key[2] > best.key[2])))) best = { key, result };
      }
      return { ...best.result, ...seen };
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

  const api = { LANDMARKS, REP_TRANSITIONS, Subject, Tracker, Live, evaluate, setupCheck, value, viewOf, upperSide };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.GlutewakeMotion = api;
})(typeof window === "undefined" ? globalThis : window);
