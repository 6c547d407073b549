// Adjudication: step through the differences with the keyboard (j/k), take a side (1/2/3), keep
// (K) or drop (D) a boundary, and resolve (Ctrl+Enter). Choices live in a hidden JSON field the
// Resolve form posts; unchosen differences follow the base side chosen in the form.
(function () {
  "use strict";

  const root = document.getElementById("adjudicate");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const items = [...$("differences").children];
  const choices = {};
  const markers = new Map();  // difference id -> its cut and anchor elements in the text
  for (const el of $("overlay").querySelectorAll("[data-diff]")) {
    const list = markers.get(el.dataset.diff) || [];
    list.push(el);
    markers.set(el.dataset.diff, list);
  }
  let current = -1;

  // The current difference's options (from its data-options: "side:label|..."), as buttons.
  function showOptions(item) {
    const buttons = item.dataset.options.split("|").map((option) => {
      const side = option.slice(0, option.indexOf(":"));
      const button = document.createElement("button");
      Object.assign(button, { type: "button", className: `option side-${side}` });
      button.dataset.choice = `take:${side}`;
      button.append(Object.assign(document.createElement("kbd"), { textContent: String(+side + 1) }),
        ` ${root.dataset["name" + side]}: ${option.slice(option.indexOf(":") + 1)}`);
      return button;
    });
    if (item.dataset.kind === "boundary") {
      for (const [value, label, key] of [["keep", "Keep", "K"], ["drop", "Drop", "D"]]) {
        const button = Object.assign(document.createElement("button"), { type: "button", className: "secondary" });
        button.dataset.choice = value;
        button.append(`${label} `, Object.assign(document.createElement("kbd"), { textContent: key }));
        buttons.push(button);
      }
    }
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(choices[item.dataset.diff] === b.dataset.choice)));
    $("choice-options").replaceChildren(...buttons);
    $("choice-what").textContent = `${current + 1} of ${items.length}: ` +
      (item.dataset.kind === "boundary" ? "a boundary only some placed" : `another ${item.dataset.diff.split("-")[0]}`);
  }

  function select(index) {
    if (!items.length) return;
    index = Math.max(0, Math.min(items.length - 1, index));
    const previous = items[current];
    if (previous) {
      previous.classList.remove("current");
      (markers.get(previous.dataset.diff) || []).forEach((m) => m.classList.remove("current"));
    }
    current = index;
    const item = items[index];
    item.classList.add("current");
    showOptions(item);
    scrollWithin($("differences"), item);
    const marks = markers.get(item.dataset.diff) || [];
    marks.forEach((m) => m.classList.add("current"));
    if (marks[0]) marks[0].scrollIntoView({ block: "center" });  // lays out its block if skipped
  }

  function scrollWithin(container, el) {
    const top = el.offsetTop - container.offsetTop;
    if (top < container.scrollTop || top > container.scrollTop + container.clientHeight - 40) {
      container.scrollTop = Math.max(0, top - container.clientHeight / 3);
    }
  }

  function choose(item, value) {
    if (item !== items[current]) select(items.indexOf(item));
    const button = $("choice-options").querySelector(`[data-choice="${value}"]`);
    if (!button) return false;
    choices[item.dataset.diff] = value;
    $("choice-options").querySelectorAll("[data-choice]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    item.classList.add("chosen");
    if (item.dataset.kind === "boundary") showBoundary(item.dataset.diff, value);
    $("choices").value = JSON.stringify(choices);
    $("chosen-count").textContent = String(Object.keys(choices).length);
    return true;
  }

  // A dropped boundary (or a side without it taken) fades its cuts; a kept one shows the side's.
  function showBoundary(id, value) {
    const side = value.startsWith("take:") ? value.slice(5) : null;
    const cuts = (markers.get(id) || []).filter((m) => !m.classList.contains("a"));
    const keptSide = value === "keep" ? cuts[0]?.className.match(/c(\d)/)?.[1] : side;
    cuts.forEach((m) => m.classList.toggle("dropped", value === "drop" || !m.classList.contains(`c${keptSide}`)));
  }

  function nextUnchosen() {
    for (let i = current + 1; i < items.length; i++) if (!(items[i].dataset.diff in choices)) return select(i);
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.matches("input, textarea, select") || event.altKey || event.isComposing) return;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      return $("resolve").click();
    }
    if (event.ctrlKey || event.metaKey) return;
    const item = items[current];
    const key = event.key;
    let handled = true;
    if (key === "j" || key === "ArrowDown") select(current + 1);
    else if (key === "k" || key === "ArrowUp") select(current - 1);
    else if (item && /^[1-3]$/.test(key)) { if (choose(item, `take:${+key - 1}`)) nextUnchosen(); }
    else if (item && key === "K") { if (choose(item, "keep")) nextUnchosen(); }
    else if (item && (key === "D" || key === "d")) { if (choose(item, "drop")) nextUnchosen(); }
    else handled = false;
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("#choice-options [data-choice]");
    if (button && items[current]) choose(items[current], button.dataset.choice);
    const item = event.target.closest(".diff");
    if (item) select(items.indexOf(item));
    const marker = event.target.closest("#overlay [data-diff]");
    if (marker) select(items.findIndex((i) => i.dataset.diff === marker.dataset.diff));
  });

  select(0);
  root.dataset.ready = "1";
  performance.mark("adjudicate-ready");  // read by bench/adjudicate_browser.py
  window.stepwiseAdjudicate = { choices, select };
})();
