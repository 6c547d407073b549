// Time spent on a trace, sent with its submission: seconds the annotator was active in the
// editor (the tab visible and a key, click or scroll within the last minute), and the optional
// PRM800K-style reason they stopped (#stop-reason). Added to the submit request only, by
// htmx:configRequest, so the editor's own code (annotate.js) stays as it is.
(function () {
  "use strict";
  const editor = document.getElementById("editor");
  if (!editor) return;
  const IDLE_MS = 60 * 1000;
  let activeMs = 0;
  let lastInput = Date.now();
  let lastTick = Date.now();

  function tick() {
    const now = Date.now();
    if (document.visibilityState === "visible" && now - lastInput < IDLE_MS) activeMs += now - lastTick;
    lastTick = now;
  }
  for (const type of ["keydown", "pointerdown", "wheel", "scroll"]) {
    document.addEventListener(type, () => { tick(); lastInput = Date.now(); }, { passive: true, capture: true });
  }
  document.addEventListener("visibilitychange", tick);
  setInterval(tick, 5000);

  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.path !== editor.dataset.submitUrl) return;
    tick();
    event.detail.parameters.time_spent_seconds = Math.round(activeMs / 1000);
    const reason = document.getElementById("stop-reason");
    if (reason && reason.value) event.detail.parameters.stop_reason = reason.value;
  });
  window.stepwiseTimeSpent = () => Math.round(activeMs / 1000);
})();
