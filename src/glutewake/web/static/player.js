// The guided session in the browser: the steps the server planned (core/session.py), run with
// timers, a progress ring, spoken cues and a sound at each change. Each set is saved the moment
// it is done, so leaving the page loses nothing; coming back offers to go on.
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
    figure: $("figure"),
  };
  const CIRCUMFERENCE = 2 * Math.PI * 52;
  const SECTIONS = { warm_up: "Warm-up", main: "Main", stretches: "Stretches" };
  const TICK_MS = 200;

  const settings = {
    load() {
      for (const name of ["voice", "sound"]) {
        const kept = localStorage.getItem("glutewake." + name);
        if (kept !== null) ui[name].checked = kept === "on";
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

  // --- talking to the server ------------------------------------------------------------

  async function call(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(typeof answer.detail === "string" ? answer.detail : "the server said no");
    return answer;
  }

  function saveSet(at, reps, seconds) {
    saving = saving
      .then(() => call(`/api/session/${logId}/sets`, { index: at, reps, seconds }))
      .then((answer) => {
        doneSets = answer.done_sets;
        ui.saved.textContent = `Saved: ${doneSets} set${doneSets === 1 ? "" : "s"} done.`;
      })
      .catch((error) => {
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

  function say(text) {
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
    beep(step.kind === "set");
    say(text.spoken);
    draw();
  }

  function elapsed() { return (pausedAt ?? Date.now()) - startedAt; }

  function draw() {
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
    if (Date.now() >= endsAt) return finishStep("done");
    draw();
  }

  function finishStep(how) {
    if (step.kind === "set" && how !== "skip") {
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

  async function end(completed) {
    if (ended) return;
    ended = true;
    clearInterval(timer);
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
    ui.what.focus();
    timer = setInterval(tick, TICK_MS);
    // Going on after a break starts with a short get-ready, then the next set.
    if (started.resume_at > 0) begin(started.resume_at, data.steps[0]);
    else begin(0);
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
      q: () => end(false),
    };
    if (actions[key]) {
      event.preventDefault();
      actions[key]();
    }
  }

  settings.load();
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
