// The progress charts, drawn with Chart.js (served by glutewake) from the figures the server
// put in the page. The week-by-week table under them holds the same figures as text.
"use strict";

(() => {
  const node = document.getElementById("chart-data");
  if (!node || !window.Chart) return;
  const data = JSON.parse(node.textContent);
  // The page's own colours (light or dark scheme), so the charts read like the rest of it.
  const css = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  const BLUE = css("--gw-accent", "#17645d");
  const ORANGE = css("--gw-chart-2", "#b35900");
  const GREY = css("--gw-muted", "#8a8a8a");
  Chart.defaults.font.family = "system-ui, sans-serif";
  Chart.defaults.color = css("--gw-ink", "#15302c");
  Chart.defaults.borderColor = css("--gw-line", "#c9d6d2");
  Chart.defaults.animation = false; // no motion to sit through, and the figures are there at once
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.usePointStyle = true; // circles and squares, not colour alone

  function line(label, values, color, dashed) {
    return {
      label, data: values, borderColor: color, backgroundColor: color, spanGaps: true,
      borderDash: dashed ? [6, 4] : [], pointStyle: dashed ? "rect" : "circle", pointRadius: 4,
    };
  }

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    if (config.data.datasets.every((d) => d.data.every((v) => v === null))) {
      const note = document.createElement("p");
      note.textContent = "Nothing recorded yet.";
      canvas.parentElement.replaceWith(note);
      return;
    }
    new Chart(canvas, config);
  }

  const score = { min: 0, max: 10, ticks: { stepSize: 2 } };

  draw("chart-symptoms", {
    type: "line",
    data: { labels: data.weeks, datasets: [line("Pain", data.pain, ORANGE, false), line("Numbness", data.numbness, BLUE, true)] },
    options: { scales: { y: score } },
  });
  draw("chart-psfs", {
    type: "line",
    data: { labels: data.weeks, datasets: [line("Activities", data.psfs, BLUE, false)] },
    options: { scales: { y: score } },
  });
  draw("chart-sessions", {
    type: "bar",
    data: {
      labels: data.weeks,
      datasets: [
        { label: "Planned", data: data.sessions_planned, backgroundColor: GREY },
        { label: "Done", data: data.sessions_done, backgroundColor: BLUE },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { stepSize: 1 } } } },
  });
  draw("chart-sitting", {
    type: "bar",
    data: { labels: data.weeks, datasets: [{ label: "Hours a day", data: data.sitting_hours, backgroundColor: BLUE }] },
    options: { scales: { y: { beginAtZero: true } } },
  });
  draw("chart-selftests", {
    type: "line",
    data: {
      labels: data.selftest_days,
      datasets: [line("Left", data.selftest_left, BLUE, false), line("Right", data.selftest_right, ORANGE, true)],
    },
    options: {
      scales: {
        // half a step of room below and above, so that a point on the lowest level is not lost on the axis
        y: { min: -0.5, max: data.activation_levels.length - 0.5,
             // a tick on each level (not on the half steps of room), labelled in words
             afterBuildTicks: (axis) => { axis.ticks = data.activation_levels.map((_, value) => ({ value })); },
             ticks: { callback: (v) => data.activation_levels[v] } },
      },
    },
  });
})();
