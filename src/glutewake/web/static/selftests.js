// A stopwatch for the squeeze test: start it as you squeeze, stop it when the buttock feels
// firm, and the seconds go into the form. Without JavaScript, people type the seconds.
"use strict";

(() => {
  for (const button of document.querySelectorAll("button[data-timer-for]")) {
    const side = button.dataset.timerFor;
    const input = document.getElementById(side);
    const shown = document.getElementById(`${side}-elapsed`);
    let started = null;
    let ticker = null;
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    button.hidden = false;
    button.addEventListener("click", () => {
      if (started === null) {
        started = Date.now();
        button.textContent = `Stop: the ${side} side feels firm`;
        ticker = setInterval(() => { shown.textContent = `${seconds()} s`; }, 100);
      } else {
        clearInterval(ticker);
        input.value = seconds();
        shown.textContent = `${input.value} s, put in the box`;
        button.textContent = `Time the ${side} side again`;
        started = null;
      }
    });
  }
})();
