// The trace browser: one box ticks or unticks every trace of the page.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    if (event.target.id !== "tick-all") return;
    document.querySelectorAll("#trace-table input[name=trace]").forEach((box) => {
      box.checked = event.target.checked;
    });
  });
})();
