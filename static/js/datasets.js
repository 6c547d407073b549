// The dataset builder's preview: one tab per chosen format (the preview is redrawn by htmx, so
// clicks are handled on the document, not on the buttons).
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-format-tab]");
    if (!tab) return;
    const card = tab.closest("#format-preview");
    card.querySelectorAll("[data-format-tab]").forEach((t) =>
      t.setAttribute("aria-selected", String(t === tab)));
    card.querySelectorAll("[data-format]").forEach((rows) => {
      rows.hidden = rows.dataset.format !== tab.dataset.formatTab;
    });
  });
})();
