// The quality dashboard: draws the figures the page carries (json_script "quality-figures")
// with the vendored Chart.js. No inline script: this file only reads the data element.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("quality-figures").textContent);
  const colours = ["#4e79a7", "#59a14f", "#e15759", "#f28e2b", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"];

  function draw(id, type, labels, datasets, options = {}) {
    const canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    if (isEmpty(datasets)) return sayEmpty(canvas);
    datasets.forEach((set, k) => {
      set.backgroundColor = set.backgroundColor || (type === "line" ? colours[k] : colours[k % colours.length]);
      set.borderColor = set.borderColor || colours[k % colours.length];
    });
    new window.Chart(canvas, { type, data: { labels, datasets }, options: { animation: false, ...options } });
  }

  // Bare axes read as "broken"; a chart with nothing to show says what would fill it.
  function isEmpty(datasets) {
    return datasets.every((set) => set.data.every((value) => !value));
  }

  function sayEmpty(canvas) {
    const note = document.createElement("p");
    note.className = "meta empty-chart";
    note.textContent = canvas.dataset.empty || "Nothing to show yet.";
    canvas.replaceWith(note);
  }

  function cumulative(values) {
    let total = 0;
    return values.map((v) => (total += v));
  }

  const states = data.states;
  draw("chart-states", "bar", ["not started", "in progress", "submitted", "approved"], [
    { label: "traces", data: [states.not_started, states.in_progress, states.submitted, states.approved],
      backgroundColor: ["#bab0ac", "#f28e2b", "#4e79a7", "#59a14f"] },
  ], { plugins: { legend: { display: false } } });

  const days = data.progress.map((d) => d.day);
  draw("chart-progress", "line", days, ["submitted", "approved", "skipped"].map((key) => ({
    label: key, data: cumulative(data.progress.map((d) => d[key])), fill: false,
  })));

  draw("chart-throughput", "bar", data.throughput.map((r) => r.annotator), [
    { label: "submitted", data: data.throughput.map((r) => r.submitted) },
    { label: "skipped", data: data.throughput.map((r) => r.skipped) },
  ]);

  const bins = data.agreement.histogram;
  draw("chart-agreement", "bar", bins.map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}`), [
    { label: "traces", data: bins.map((b) => b.traces) },
  ], { plugins: { legend: { display: false } } });

  draw("chart-trend", "line", data.agreement.weekly.map((w) => w.week), [
    { label: "mean boundary F1", data: data.agreement.weekly.map((w) => w.mean_boundary_f1), fill: false },
  ], { scales: { y: { min: 0, max: 1 } } });

  draw("chart-gold", "bar", data.gold.map((r) => r.annotator), [
    { label: "boundary F1", data: data.gold.map((r) => r.boundary_f1) },
    { label: "type accuracy", data: data.gold.map((r) => r.type_accuracy) },
    { label: "rating accuracy", data: data.gold.map((r) => r.rating_accuracy) },
  ], { scales: { y: { min: 0, max: 1 } } });

  draw("chart-types", "bar", Object.keys(data.types), [{ label: "steps", data: Object.values(data.types) }],
    { plugins: { legend: { display: false } } });
  draw("chart-ratings", "bar", Object.keys(data.ratings), [{ label: "steps", data: Object.values(data.ratings) }],
    { plugins: { legend: { display: false } } });
  document.body.dataset.chartsReady = "1";
})();
