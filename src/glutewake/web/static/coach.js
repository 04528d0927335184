// Break prompts as desktop notifications (the browser's Notification API), on top of the prompt
// the page always shows. htmx swaps in the prompt fragment when the coach fires.
"use strict";

(() => {
  const offer = document.getElementById("notify-offer");
  const button = document.getElementById("notify");
  const state = document.getElementById("notify-state");
  if (!offer || !("Notification" in window)) return;
  let shown = null; // the prompt already notified, so each prompt notifies once

  function describe() {
    const permission = Notification.permission;
    button.hidden = permission !== "default";
    state.textContent = permission === "granted" ? "Breaks also show as desktop notifications."
      : permission === "denied" ? "This browser blocks notifications from glutewake; the prompt shows on this page."
      : "";
  }

  function notify() {
    const region = document.getElementById("coach-prompt");
    const text = region && region.dataset.prompt;
    if (!text || text === shown) return;
    shown = text;
    if (Notification.permission !== "granted") return;
    const note = new Notification("Time for a glute break", { body: text, tag: "glutewake-break" });
    note.addEventListener("click", () => { window.focus(); note.close(); });
  }

  offer.hidden = false;
  describe();
  button.addEventListener("click", async () => {
    await Notification.requestPermission();
    describe();
    notify();
  });
  const first = document.getElementById("coach-prompt");
  shown = (first && first.dataset.prompt) || null; // already on the page in front of the user
  document.body.addEventListener("htmx:afterSettle", notify);
})();
