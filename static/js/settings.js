// The settings page: move step types up and down (the formset's positions follow the rows).
(function () {
  "use strict";

  function renumber(table) {
    let position = 1;
    table.querySelectorAll("tbody tr.label-row").forEach((row) => {
      const key = row.querySelector("input[name$='-key']");
      const order = row.querySelector("input[name$='-ORDER']");
      if (order && key && key.value.trim()) order.value = position++;
    });
  }

  function move(button, direction) {
    const row = button.closest("tr");
    const other = direction < 0 ? row.previousElementSibling : row.nextElementSibling;
    if (!other) return;
    if (direction < 0) other.before(row); else other.after(row);
    renumber(row.closest("table"));
  }

  document.addEventListener("click", (event) => {
    const up = event.target.closest(".move-up"), down = event.target.closest(".move-down");
    if (up) move(up, -1);
    if (down) move(down, 1);
  });
})();
