// The guided session in the browser: the steps the server planned (core/session.py), run with
// timers, a progress ring, spoken cues and a sound at each change. Each set is saved the moment
// it is done, so leaving the page loses nothing; coming back offers to go on. With "Count with my
// camera" on, a set of an exercise the camera coach follows (data.motion) is counted from the
// camera by motion.js instead of the clock, and ends when its reps or hold are reached.
"use strict";

(() => {
  const root = document.getElementById("player");
  const dataNode = document.getElementById("player-data");
  if (!root || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const $ = (id) => document.getElementById(id);
  const ui = {
    start: $("start"), stage: $("stage"), section: $("section-label"), what: $("what"),
    detail: $("detail"), cue: $("cue"), ring: $("ring"), bar: $("ring-bar"), count: $("count"),
    countLabel: $("count-label"), pausedNote: $("paused-note"), pause: $("pause"), done: $("done"),
    skip: $("skip"), stop: $("stop"), saved: $("saved"), announce: $("announce"), voice: $("voice"),
    sound: $("sound"), stopped: $("stopped"), feedback: $("feedback"), resumeNote: $("resume-note"),
    figure: $("figure"), media: document.querySelector("#stage .media"), camera: $("camera"),
    cameraPanel: $("camera-panel"), cameraVideo: $("camera-video"), cameraOverlay: $("camera-overlay"),
    cameraCheck: $("camera-check"), cameraCue: $("camera-cue"), skeleton: $("skeleton"),
    cameraModel: $("camera-model"),
  };
  const motion = window.GlutewakeMotion;
  const CUE_GAP_MS = 6000;  // one form cue is not said again sooner than this
  const CIRCUMFERENCE = 2 * Math.PI * 52;
  const SECTIONS = { warm_up: "Warm-up", main: "Main", stretches: "Stretches" };
  const TICK_MS = 200;

  const settings = {
    load() {
      for (const name of ["voice", "sound", "skeleton"]) {
        const kept = ui[name] && localStorage.getItem("glutewake." + name);
        if (kept) ui[name].checked = kept === "on";
      }
      if (ui.cameraModel) {
        const kept = localStorage.getItem("glutewake.camera-model");
        const small = navigator.hardwareConcurrency <= 4 || window.matchMedia("(max-width: 40rem)").matches;
        ui.cameraModel.value = kept === "0" || kept === "1" ? kept : small ? "0" : "1";
      }
    },
    keep(name) { localStorage.setItem("glutewake." + name, ui[name].checked ? "on" : "off"); },
  };

  let logId = data.in_progress ? data.in_progress.session_log_id : null;
  let index = 0;         // the step running (an index into data.steps)
  let nextIndex = 0;     // the step after it
  let step = null;
  let endsAt = 0;        // when a timed step ends (ms since the epoch)
  let startedAt = 0;     // when the step began
  let total = 0;         // the step's length in ms
  let pausedAt = null;   // when a pause began, or null
  let timer = null;
  let lastSpokenRep = 0;
  let doneSets = data.in_progress ? data.in_progress.done_sets : 0;
  let saving = Promise.resolve();
  let audio = null;
  let ended = false;
  // The camera coach: the camera (camera.js) while it is on, and the current set's live counter.
  let camera = null;
  let live = null;       // motion.Live for the set running, when the camera counts it
  let readyFrame = null; // the last frame the setup check passed: whom the next set follows
  let liveStart = 0;     // the set's start, in the camera's clock (seconds)
  let counted = { reps: [], hold_seconds: 0, flags: [] };
  let cuesSaid = new Map();
  let setupSaid = "";
  let setupSeen = { text: "", since: 0 };
  let spokenCount = "";   // the count just reached, said before the next step's words
  const MAX_FLAGS = 100;  // what the server keeps of one set

  // --- talking to the server ------------------------------------------------------------

  async function call(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = answer.detail;
      const said = typeof detail === "string" ? detail
        : Array.isArray(detail) ? detail.map((d) => d.msg).filter(Boolean).join("; ") : "";
      throw Object.assign(new Error(said || "the server said no"), { status: response.status });
    }
    return answer;
  }

  // `camera`: the form flags of a set the camera counted (null for one the clock timed).
  function saveSet(at, reps, seconds, camera = null) {
    const body = { index: at, reps, seconds };
    if (camera) body.camera = { flags: camera };
    saving = saving
      .then(() => call(`/api/session/${logId}/sets`, body))
      .then((answer) => {
        doneSets = answer.done_sets;
        ui.saved.textContent = `Saved: ${doneSets} set${doneSets === 1 ? "" : "s"} done.`;
      })
      .catch((error) => {
        if (error.status === 409) return refused(error.message);
        ui.saved.textContent = `This set could not be saved (${error.message}). Check that glutewake is still running.`;
      });
  }

  // --- sound and voice ------------------------------------------------------------------

  function beep(high) {
    if (!ui.sound.checked || !audio) return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = high ? 880 : 660;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.25);
  }

  // Said after whatever is being said (a count, a form cue), not instead of it.
  function sayNext(text) {
    if (ui.voice.checked && "speechSynthesis" in window) window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  function say(text) {
    if (spokenCount) { text = `${spokenCount}. ${text}`; spokenCount = ""; }
    ui.announce.textContent = text;
    if (!ui.voice.checked || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  // --- the steps ------------------------------------------------------------------------

  function exercise(s) { return s.exercise_id ? data.exercises[s.exercise_id] : null; }

  // A clinician's tempo ("2-1-3": seconds up, hold, down) sets how long each rep takes.
  function repSeconds(s) {
    if (s.tempo) return s.tempo.split("-").reduce((sum, part) => sum + Number(part), 0);
    return exercise(s).rep_seconds;
  }

  function setLength(s) {
    return s.reps !== null ? s.reps * repSeconds(s) : s.hold_seconds;
  }

  function describe(s) {
    const e = exercise(s);
    if (s.kind === "get_ready" && s.side) {  // between the two sides of a hold
      return { what: "Switch sides", detail: `Turn over for your ${s.side} side.`, cue: "", spoken: `Switch sides. Now your ${s.side} side.` };
    }
    if (s.kind === "get_ready") {
      return e ? { what: `Next: ${e.name}`, detail: e.how, cue: "", spoken: `Next, ${e.name}. ${e.how}` }
               : { what: "Get ready", detail: "The session starts in a moment.", cue: "", spoken: "Get ready." };
    }
    if (s.kind === "rest") return { what: "Rest", detail: `Then ${e.name} again.`, cue: "", spoken: "Rest." };
    const side = s.side ? `, ${s.side} side` : "";
    const load = s.load_kg !== null ? ` with ${s.load_kg} kg` : "";
    const amount = s.reps !== null ? `${s.reps} reps` : `hold ${s.hold_seconds} s`;
    const tempo = s.tempo ? `, tempo ${s.tempo}` : "";
    const note = s.note ? ` Your clinician: ${s.note}` : "";
    return {
      what: e.name,
      detail: `Set ${s.set_number} of ${s.sets}${side}: ${amount}${load}${tempo}.`,
      cue: `Cue: ${e.cue}${note}`,
      spoken: `${e.name}, set ${s.set_number} of ${s.sets}${side}. ${s.note || e.cue}`,
    };
  }

  // The drawing of the exercise this step is about (the one coming up, during a get-ready).
  function showFigure(current) {
    const s = current.exercise_id ? current : data.steps.slice(index).find((x) => x.exercise_id);
    const e = s ? exercise(s) : null;
    ui.figure.hidden = !e;
    if (!e) return;
    const src = `/figures/${s.exercise_id}.svg`;
    if (ui.figure.getAttribute("src") !== src) ui.figure.setAttribute("src", src);
    ui.figure.alt = `${e.name}: ${e.figure_label}`;
  }

  // `extra` is a step that is not in the plan (the get-ready before going on after a break).
  function begin(at, extra) {
    index = at;
    nextIndex = extra ? at : at + 1;
    step = extra || data.steps[index];
    if (pausedAt !== null) togglePause();
    if (!step) return end(true);
    const text = describe(step);
    ui.section.textContent = step.section ? SECTIONS[step.section] : "";
    ui.what.textContent = text.what;
    ui.detail.textContent = text.detail;
    ui.cue.textContent = text.cue;
    showFigure(step);
    ui.done.hidden = step.kind !== "set";
    total = 1000 * (step.kind === "set" ? setLength(step) : step.seconds);
    startedAt = Date.now();
    endsAt = startedAt + total;
    lastSpokenRep = 0;
    countWithCamera();
    beep(step.kind === "set");
    say(text.spoken);
    draw();
  }

  function elapsed() { return (pausedAt ?? Date.now()) - startedAt; }

  function draw() {
    if (live) return drawCounted();
    const fraction = total ? Math.min(1, elapsed() / total) : 1;
    ui.bar.setAttribute("stroke-dashoffset", String(CIRCUMFERENCE * (1 - fraction)));
    ui.ring.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
    if (step.kind === "set" && step.reps !== null) {
      const rep = Math.min(step.reps, Math.floor(elapsed() / 1000 / exercise(step).rep_seconds) + 1);
      ui.count.textContent = String(rep);
      ui.countLabel.textContent = ` of ${step.reps}`;
      if (rep !== lastSpokenRep && pausedAt === null) {
        lastSpokenRep = rep;
        if (rep > 1 && ui.voice.checked && "speechSynthesis" in window) {
          window.speechSynthesis.speak(new SpeechSynthesisUtterance(String(rep)));
        }
      }
    } else {
      ui.count.textContent = String(Math.max(0, Math.ceil((total - elapsed()) / 1000)));
      ui.countLabel.textContent = step.kind === "set" ? " s to hold" : " s left";
    }
    const reps = step.kind === "set" && step.reps !== null;
    ui.ring.setAttribute("aria-valuetext", (reps ? "rep " : "") + ui.count.textContent + ui.countLabel.textContent);
  }

  function tick() {
    if (pausedAt !== null || !step) return;
    if (live) return;  // the camera ends a set it counts, when the reps or hold are reached
    if (Date.now() >= endsAt) return finishStep("done");
    draw();
  }

  function finishStep(how) {
    if (live && how !== "skip") {
      const flags = counted.flags.slice(0, MAX_FLAGS).map((f) => ({
        id: f.id, t: Math.min(3600, Math.max(0, Math.round((f.t - liveStart) * 10) / 10)), rep: f.rep,
      }));
      if (step.reps !== null) saveSet(index, Math.min(500, counted.reps.length), null, flags);
      else saveSet(index, null, Math.min(3600, Math.round(counted.hold_seconds)), flags);
      if (counted.ended_mid_rep) {  // said, not counted: half a rep is not a rep
        ui.cameraCue.textContent = "The last rep had not come back when the set ended, so it is not counted.";
      }
    } else if (step.kind === "set" && how !== "skip") {
      const seconds = Math.round(Math.min(elapsed(), total) / 1000);
      if (step.reps !== null) {
        const reps = how === "done" && Date.now() >= endsAt ? step.reps
          : Math.min(step.reps, Math.floor(seconds / exercise(step).rep_seconds));
        saveSet(index, reps, null);
      } else {
        saveSet(index, null, seconds);
      }
    }
    begin(nextIndex);
  }

  function togglePause() {
    if (!step) return;
    if (pausedAt === null) {
      pausedAt = Date.now();
      ui.pause.textContent = "Go on";
      ui.pausedNote.hidden = false;
      say("Paused.");
    } else {
      const waited = Date.now() - pausedAt;
      startedAt += waited;
      endsAt += waited;
      pausedAt = null;
      ui.pause.textContent = "Pause";
      ui.pausedNote.hidden = true;
      say("Going on.");
    }
  }

  function show(section) {
    ui.stage.hidden = true;
    section.hidden = false;
    section.querySelector("h2").focus();
  }

  // The session can take no more (what the person may do now changed, or the plan did): stop
  // at once, say why, and load the page again, which leads with what to do instead.
  function refused(why) {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    live = null;
    if (camera) { camera.close(); camera = null; }
    step = null;
    window.speechSynthesis?.cancel();
    say(`Stopped: ${why}`);
    ui.saved.textContent = `Stopped: ${why}`;
    setTimeout(() => window.location.reload(), 4000);
  }

  async function end(completed) {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    live = null;
    if (camera) { camera.close(); camera = null; }
    if (ui.camera) { ui.camera.checked = false; ui.camera.disabled = true; ui.cameraPanel.hidden = true; }
    step = null;
    window.speechSynthesis?.cancel();
    await saving;
    try {
      await call(`/api/session/${logId}/finish`, { completed });
    } catch (error) {
      ui.saved.textContent = `Could not finish the session (${error.message}).`;
      return;
    }
    if (completed) {
      ui.feedback.action = `/session/${logId}/feedback`;
      beep(true);
      say("Well done: session complete.");
      show(ui.feedback);
    } else {
      show(ui.stopped);
    }
  }

  async function start() {
    ui.start.disabled = true;
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    let started;
    try {
      started = await call("/api/session/start", { planned_session_id: data.planned_session_id });
    } catch (error) {
      ui.saved.textContent = `The session could not start: ${error.message}`;
      ui.start.disabled = false;
      return;
    }
    logId = started.session_log_id;
    doneSets = started.done_sets;
    ui.start.parentElement.hidden = true;
    if (ui.resumeNote) ui.resumeNote.hidden = true;
    ui.stage.hidden = false;
    if (ui.cameraPanel) ui.media.appendChild(ui.cameraPanel);  // the preview beside the count
    ui.what.focus();
    timer = setInterval(tick, TICK_MS);
    // Going on after a break starts with a short get-ready, then the next set.
    if (started.resume_at > 0) begin(started.resume_at, data.steps[0]);
    else begin(0);
  }

  // --- the camera coach -----------------------------------------------------------------

  // The motion rules for the step running, or the next exercise's before a set.
  function ruleNow() {
    if (!data.motion) return null;
    const s = step && step.exercise_id ? step : data.steps.slice(step ? index : 0).find((x) => x.exercise_id);
    return s ? { rule: data.motion[s.exercise_id] || null, name: exercise(s).name } : null;
  }

  // A set starting: counted by the camera when it is on and follows this exercise the way the
  // set is dosed (reps counted, or a hold timed: a bridge held for seconds is the clock's).
  function countWithCamera() {
    live = null;
    counted = { reps: [], hold_seconds: 0, flags: [] };
    if (!camera || !camera.running || !step || step.kind !== "set") return;
    const rule = data.motion[step.exercise_id];
    const kind = step.reps !== null ? "reps" : "hold";
    if (!rule || rule.count !== kind) {
      showSetup(`The camera does not follow ${exercise(step).name} ${rule ? "held like this" : "yet"}: the clock times this set.`, true);
      return;
    }
    cuesSaid = new Map();
    ui.cameraCue.textContent = "";  // the last set's cue stays up through the rest, until this one
    // the person the setup check just passed (a frame from more than a second ago may be
    // someone who has since moved, or lain down)
    const fresh = readyFrame && performance.now() / 1000 - readyFrame.t < 1 ? readyFrame : null;
    live = new motion.Live(rule, { aspect: camera.aspect(), seen: fresh });
    liveStart = performance.now() / 1000;
  }

  function drawCounted() {
    const holding = step.reps === null;
    const done = holding ? counted.hold_seconds : counted.reps.length;
    const target = holding ? step.hold_seconds : step.reps;
    const fraction = Math.min(1, done / target);
    ui.bar.setAttribute("stroke-dashoffset", String(CIRCUMFERENCE * (1 - fraction)));
    ui.ring.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
    ui.count.textContent = String(holding ? Math.floor(done) : done);
    ui.countLabel.textContent = holding ? ` of ${target} s held` : ` of ${target}`;
    ui.ring.setAttribute("aria-valuetext", (holding ? "" : "reps counted: ") + ui.count.textContent + ui.countLabel.textContent);
  }

  function onPose(from, frame, aspect) {
    if (from !== camera) return;  // a late answer from a camera turned off
    const now = ruleNow();
    if (!now) return;
    if (live && !frame.landmarks) {
      showSetup("I cannot see you: come back into view, or press Done with this set.");
    } else if (!now.rule) {
      showSetup(`The camera does not follow ${now.name} yet: the clock times it.`);
    } else {
      const check = motion.setupCheck(now.rule, frame.landmarks ? frame : null, { aspect, light: camera.light() });
      if (check.ok && !live) readyFrame = frame;  // the person the setup check found: the one to count
      showSetup(check.says);
    }
    if (!live || !frame.landmarks || pausedAt !== null) return;
    const before = counted.reps.length;
    const switches = counted.switches || 0;
    counted = live.add(frame);
    if (counted.reps.length < before && counted.began_mid_rep) {  // said, not silently taken back
      ui.cameraCue.textContent = "That first rep was the end of one begun before the set, so it does not count.";
      sayNext(String(counted.reps.length));
    }
    if (counted.switches > switches) {  // the pose model jumped to someone else: never counted silently
      ui.cameraCue.textContent = "Someone else came into view: I am counting only the person who started the set.";
      sayNext("Someone else came into view. I am counting only you.");
    }
    const reached = step.reps !== null ? counted.reps.length >= step.reps : counted.hold_seconds >= step.hold_seconds;
    if (counted.reps.length > before) {
      if (reached) spokenCount = String(counted.reps.length); else sayNext(String(counted.reps.length));
    }
    for (const flag of counted.flags) {
      const said = cuesSaid.get(flag.id);
      const key = `${flag.id}@${flag.t}`;
      if (said && (said.key === key || Date.now() - said.at < CUE_GAP_MS)) continue;
      cuesSaid.set(flag.id, { key, at: Date.now() });
      ui.cameraCue.textContent = flag.cue;  // shown, and read out by a screen reader (polite)
      sayNext(flag.cue);
    }
    draw();
    if (reached) finishStep("done");
  }

  // The setup check's words, once they have held for a second (a screen reader is not told of
  // every frame's flicker between two answers); `now` shows them at once.
  function showSetup(text, now = false) {
    const at = Date.now();
    if (text !== setupSeen.text) setupSeen = { text, since: at };
    if (text === setupSaid || (!now && at - setupSeen.since < 1000 && setupSaid)) return;
    setupSaid = text;
    ui.cameraCheck.textContent = text;
  }

  // The camera stopped by itself (the model failed, the camera was unplugged): the clock takes over.
  function cameraLost(from, why) {
    if (from !== camera) return;
    cameraOff();
    ui.camera.checked = false;
    ui.cameraPanel.hidden = false;
    ui.cameraCheck.textContent = `${why} The clock times the sets from here.`;
  }

  async function cameraOn() {
    ui.camera.setAttribute("aria-busy", "true");
    ui.cameraModel.disabled = true;
    ui.cameraPanel.hidden = false;
    ui.cameraCheck.textContent = "Asking for the camera…";
    setupSaid = "";
    const mine = new window.GlutewakeCamera.Camera({
      video: ui.cameraVideo, overlay: ui.cameraOverlay,
      onPose: (frame, aspect) => onPose(mine, frame, aspect),
      onStatus: (text) => { if (text && mine === camera) ui.cameraCheck.textContent = text; },
      onStopped: (why) => cameraLost(mine, why),
    });
    camera = mine;
    mine.skeleton = ui.skeleton.checked;
    try {
      await mine.open(Number(ui.cameraModel.value));
      if (mine !== camera) return;  // turned off while it started: open() has let it go
      ui.cameraCheck.textContent = "Looking for you…";
      if (step && step.kind === "set" && !live) countWithCamera();  // turned on during a set: it counts from now
    } catch (error) {
      if (mine !== camera) return;
      camera = null;
      ui.camera.checked = false;
      ui.cameraCheck.textContent = error.message;
    } finally {
      if (mine === camera || camera === null) {
        ui.camera.removeAttribute("aria-busy");
        ui.cameraModel.disabled = false;
      }
    }
  }

  function cameraOff() {
    const was = camera;
    camera = null;
    if (was) was.close();
    ui.cameraPanel.hidden = true;
    ui.camera.removeAttribute("aria-busy");
    ui.cameraModel.disabled = false;
    if (live) {  // the rest of this set goes by the clock, counting the reps the camera saw
      const sofar = step.reps !== null ? counted.reps.length * repSeconds(step) : counted.hold_seconds;
      live = null;
      startedAt = (pausedAt ?? Date.now()) - Math.min(total, 1000 * sofar);
      endsAt = startedAt + total;
      draw();
    }
  }

  function toggleCamera() {
    if (ui.camera.checked) cameraOn(); else cameraOff();
  }

  function onKey(event) {
    if (ui.stage.hidden || !step || event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = event.target.tagName;
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    const key = event.key.toLowerCase();
    if ((key === " " || key === "enter") && tag === "BUTTON") return; // the button acts itself
    const actions = {
      " ": togglePause,
      p: togglePause,
      s: () => finishStep("skip"),
      d: () => step.kind === "set" && finishStep("done"),
      enter: () => step.kind !== "set" && pausedAt === null && finishStep("skip"),
      v: () => { ui.voice.checked = !ui.voice.checked; settings.keep("voice"); },
      c: () => { if (ui.camera && !ui.camera.disabled && !ui.camera.hasAttribute("aria-busy")) { ui.camera.checked = !ui.camera.checked; toggleCamera(); } },
      q: () => end(false),
    };
    if (actions[key]) {
      event.preventDefault();
      actions[key]();
    }
  }

  settings.load();
  if (ui.camera && motion && window.GlutewakeCamera) {
    ui.camera.addEventListener("change", () => {
      if (ui.camera.hasAttribute("aria-busy") && ui.camera.checked) return;  // already starting
      toggleCamera();
    });
    ui.skeleton.addEventListener("change", () => {
      settings.keep("skeleton");
      if (camera) camera.skeleton = ui.skeleton.checked;
    });
    ui.cameraModel.addEventListener("change", () => {
      localStorage.setItem("glutewake.camera-model", ui.cameraModel.value);
      if (camera && camera.running) camera.setModel(Number(ui.cameraModel.value));  // counting goes on
    });
  }
  ui.voice.addEventListener("change", () => settings.keep("voice"));
  ui.sound.addEventListener("change", () => settings.keep("sound"));
  ui.start.addEventListener("click", start);
  ui.pause.addEventListener("click", togglePause);
  ui.skip.addEventListener("click", () => finishStep("skip"));
  ui.done.addEventListener("click", () => finishStep("done"));
  ui.stop.addEventListener("click", () => end(false));
  document.addEventListener("keydown", onKey);
  root.hidden = false;
})();
