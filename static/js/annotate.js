// The annotator's editor: keys and clicks become edit requests (sent with htmx, one at a time,
// each carrying the revision on screen); the caret is mapped to character offsets of the trace.
(function () {
  "use strict";

  const editor = document.getElementById("editor");
  if (!editor) return;

  const state = { current: 0, caret: null, queue: Promise.resolve(), moves: 0, latex: false, pending: 0 };
  const $ = (id) => document.getElementById(id);

  // --- Offsets ------------------------------------------------------------------------------
  // The server counts code points; the DOM counts UTF-16 units. They differ only around astral
  // characters (emoji, math letters), so the common case is a length.
  const ASTRAL = /[\uD800-\uDFFF]/;

  function codePoints(text) {
    if (!ASTRAL.test(text)) return text.length;
    let n = 0;
    for (const _ of text) n++;
    return n;
  }

  function unitsFor(text, points) {
    if (!ASTRAL.test(text)) return points;
    let units = 0;
    for (const ch of text) {
      if (points-- <= 0) break;
      units += ch.length;
    }
    return units;
  }

  // The span (step or gap) of #field holding `offset`: children are ordered by data-start.
  function spanAt(offset) {
    const spans = $("field").children;
    let low = 0, high = spans.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const span = spans[mid];
      if (offset < +span.dataset.start) high = mid - 1;
      else if (offset >= +span.dataset.end) low = mid + 1;
      else return span;
    }
    return null;
  }

  function caretOffset() {
    const sel = window.getSelection();
    const field = $("field");
    if (!sel || !sel.rangeCount || !field || !field.contains(sel.focusNode)) return null;
    const node = sel.focusNode, offset = sel.focusOffset;
    if (node.nodeType === Node.TEXT_NODE) {
      const span = node.parentElement.closest("[data-start]");
      return +span.dataset.start + codePoints(node.data.slice(0, offset));
    }
    if (node === field) {
      const child = field.children[offset];
      return child ? +child.dataset.start : +(field.lastElementChild?.dataset.end || 0);
    }
    const span = node.closest("[data-start]");
    return offset === 0 ? +span.dataset.start : +span.dataset.end;
  }

  function setCaret(offset) {
    const span = spanAt(offset);
    const text = span && span.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) return;
    const range = document.createRange();
    range.setStart(text, unitsFor(text.data, offset - span.dataset.start));
    range.collapse(true);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    state.caret = offset;
  }

  // --- The first drawing ------------------------------------------------------------------------
  // The page sends the text and the steps as data (#editor-data, a few bytes a step) and the
  // field and the step list are drawn here, element for element what the server writes in
  // curation/views/annotate_render.py (field_html, step_list_html): edits answer with that markup
  // for the steps they changed, addressed by the same ids. A change to one is a change to both;
  // tests/browser/test_annotate_browser.py compares them.
  const PREVIEW_CHARS = 90;
  // Python's str.split() whitespace, so a preview reads as the server writes it.
  const PY_SPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  const RATING_LABELS = { "-1": "\u22121", 0: "0", 1: "+1" };

  function drawFromData() {
    const source = $("editor-data");
    if (!source) return;
    const { text, steps, labels, fallback } = JSON.parse(source.textContent);
    // Offsets are code points; the string is UTF-16. Without astral characters they agree.
    const astral = ASTRAL.test(text);
    let unit = (point) => point;
    if (astral) {
      const units = [0];
      for (const ch of text) units.push(units[units.length - 1] + ch.length);
      unit = (point) => units[Math.min(point, units.length - 1)];
    }
    const length = astral ? codePoints(text) : text.length;
    const slice = (start, end) => text.slice(unit(start), unit(end));
    const label = new Map(Object.entries(labels));  // not labels[type]: a type may be "constructor"
    const colour = (type) => (label.has(type) ? label.get(type)[0] : fallback);

    const field = document.createDocumentFragment();
    const list = document.createDocumentFragment();
    const span = (className, start, end) => {
      const el = document.createElement("span");
      el.className = className;
      el.id = (className === "gap" ? "g" : "s") + start;
      el.dataset.start = start;
      el.dataset.end = end;
      return el;
    };
    const gap = (start, end) => {
      const el = span("gap", start, end);
      el.textContent = slice(start, end);
      field.append(el);
    };
    let cursor = 0;
    steps.forEach(([start, end, type = "", rating = null, flagged = 0, note = ""], index) => {
      const from = Math.max(start, cursor);  // an overlapping imported step: from where the last ended
      if (from > cursor) gap(cursor, from);
      const step = span("step", from, end);
      setLabels(step, type, rating, flagged);
      step.setAttribute("style", "--c:" + colour(type));
      if (end > from) step.textContent = slice(from, end);
      field.append(step);
      cursor = Math.max(cursor, end);
      list.append(listItem(index, start, type, rating, flagged, note));
    });
    if (cursor < length) gap(cursor, length);

    function listItem(index, start, type, rating, flagged, note) {
      const li = document.createElement("li");
      li.id = "l" + start;
      setLabels(li, type, rating, flagged);
      if (note) li.dataset.note = note;
      li.setAttribute("style", "--c:" + colour(type));
      let preview = slice(start, start + PREVIEW_CHARS * 2).split(PY_SPACE).filter(Boolean).join(" ");
      preview = astral ? Array.from(preview).slice(0, PREVIEW_CHARS).join("") : preview.slice(0, PREVIEW_CHARS);
      const parts = [
        ["n", String(index + 1)],
        ["chip", label.has(type) ? label.get(type)[1] : (type || "untyped")],
        ["rating", rating === null ? "" : RATING_LABELS[rating]],
        ["flag", flagged ? "\u2691" : ""],
        ["preview tex", preview],
      ];
      if (note) parts.push(["note-mark", "\u270e"]);
      for (const [className, content] of parts) {
        const part = document.createElement("span");
        part.className = className;
        if (content) part.textContent = content;
        if (className === "note-mark") part.title = note;
        li.append(part);
      }
      return li;
    }

    $("field").replaceChildren(field);
    $("step-list").replaceChildren(list);
  }

  // As the server's _labels: each label left out when empty.
  function setLabels(el, type, rating, flagged) {
    if (type) el.dataset.type = type;
    if (rating !== null) el.dataset.rating = String(rating);
    if (flagged) el.dataset.flagged = "1";
  }

  // --- The current step -----------------------------------------------------------------------
  // Steps are found by their order in the page: an edit redraws only the steps it touched, so
  // the ones after it never carry a stale index.
  function stepSpan(index) {
    return $("field").getElementsByClassName("step")[index];
  }

  function indexOfStep(span) {
    return Array.prototype.indexOf.call($("field").getElementsByClassName("step"), span);
  }

  function indexOfItem(item) {
    return Array.prototype.indexOf.call($("step-list").children, item);
  }

  // The list's numbers are written by the server; after a split or merge redrew only its range,
  // the items after it are renumbered here.
  function renumber() {
    const items = $("step-list").children;
    for (let i = 0; i < items.length; i++) {
      const number = items[i].firstElementChild;
      if (number.textContent !== String(i + 1)) number.textContent = String(i + 1);
    }
  }

  function stepCount() {
    return +($("ws-state")?.dataset.steps || 0);
  }

  function select(index, { scroll = true, caret = false } = {}) {
    const count = stepCount();
    if (!count) return;
    index = Math.max(0, Math.min(count - 1, index));
    document.querySelectorAll("#field .step.current, #step-list li.current")
      .forEach((el) => el.classList.remove("current"));
    const span = stepSpan(index);
    const item = $("step-list").children[index];
    span.classList.add("current");
    item.classList.add("current");
    state.current = index;
    showTools(item, index);
    if (caret && !state.latex) {
      $("field").focus({ preventScroll: true });
      setCaret(+span.dataset.start);
    }
    if (scroll) {
      span.scrollIntoView({ block: "nearest" });
      keepVisible($("list-scroll"), item);
    }
  }

  function keepVisible(container, item) {
    const top = item.offsetTop - container.offsetTop;
    if (top < container.scrollTop) container.scrollTop = top;
    else if (top + item.offsetHeight > container.scrollTop + container.clientHeight) {
      container.scrollTop = top + item.offsetHeight - container.clientHeight;
    }
  }

  function showTools(item, index) {
    $("current-n").textContent = String(index + 1);
    document.querySelectorAll(".type-btn").forEach((b) =>
      b.setAttribute("aria-pressed", String(b.dataset.type === item.dataset.type)));
    document.querySelectorAll(".rate-btn").forEach((b) =>
      b.setAttribute("aria-pressed", String(b.dataset.rating === item.dataset.rating && b.dataset.rating !== "")));
    document.querySelector(".flag-btn").setAttribute("aria-pressed", String(item.dataset.flagged === "1"));
    if (document.activeElement !== $("note-text")) $("note-text").value = item.dataset.note || "";
  }

  function currentItem() {
    return $("step-list").children[state.current];
  }

  // --- Talking to the server ------------------------------------------------------------------
  // Requests go one after another, each reading the revision the previous answer left on screen.
  // ``stay``: keep the selection where the annotator put it (a rating moves on by itself).
  function send(url, values, { stay = false } = {}) {
    state.pending++;
    state.queue = state.queue.then(() => {
      const movesAtSend = stay ? -1 : state.moves;
      values.revision = $("ws-state").dataset.revision;
      return htmx.ajax("POST", url, { source: editor, target: "#ws-head", swap: "innerHTML settle:0ms", values })
        .then(() => afterSwap(movesAtSend));
    }).catch((error) => toast("Not sent: " + error)).finally(() => { state.pending--; });
    return state.queue;
  }

  function edit(operation, values, options) {
    if ($("ws-state").dataset.editable !== "1") return toast("This trace is read only.");
    return send(editor.dataset.editUrl.replace("OP", operation), values, options);
  }

  // Rate the current step and move to the next one: one key per step.
  function rateAndAdvance(rating) {
    const index = state.current;
    const sent = edit("rate", { index, rating }, { stay: true });
    if ($("ws-state").dataset.editable === "1" && index + 1 < stepCount()) {
      state.moves++;
      select(index + 1, { caret: true });
    }
    return sent;
  }

  // Bulk labels: this step and every one after it, one edit on the server (one undo).
  function toEnd(operation, values) {
    toast(`${operation === "rate" ? "Rating" : "Typing"} steps ${state.current + 1} to ${stepCount()}…`);
    return edit(operation, { index: state.current, to_end: "true", ...values });
  }

  // After any answer (saved, conflict or refused): keep the annotator where they were, unless
  // the server names the step to look at and they did not move on meanwhile.
  function afterSwap(movesAtSend) {
    renumber();
    const focus = $("ws-state").dataset.focus;
    const index = focus !== "" && state.moves === movesAtSend ? +focus : state.current;
    select(index, { scroll: focus !== "" });
    if (state.caret !== null && !state.latex && document.activeElement?.id !== "note-text") {
      $("field").focus({ preventScroll: true });
      setCaret(state.caret);
    }
    if (state.latex) {
      $("field").setAttribute("contenteditable", "false");
      renderMath($("workspace"), $("step-list"));
    }
    editor.dispatchEvent(new CustomEvent("stepwise:updated"));
  }

  // A full redraw replaces #field and #step-list (900 elements). htmx would clean up every removed
  // element (an event each) although none has htmx behaviour: swap these two directly instead.
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    const target = event.detail.target;
    const fresh = event.detail.fragment.firstElementChild;
    if (!fresh || fresh.id !== target.id || !["field", "step-list"].includes(target.id)) return;
    event.preventDefault();
    target.replaceWith(fresh);
  });

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    // A refused edit answers with the current state and a message: show it, it is not an error.
    if ([400, 409, 422].includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- Actions --------------------------------------------------------------------------------
  function splitAtCaret(offset = state.caret) {
    if (state.latex) return toast("Switch LaTeX off (l) to split at a position.");
    const span = offset === null ? null : spanAt(offset);
    if (!span || !span.classList.contains("step")) return toast("Place the caret inside a step first.");
    // At a step's first character there is nothing to cut off (j/k put the caret there).
    if (offset === +span.dataset.start) {
      return toast("The caret is at the start of the step: place it where the new step should begin.");
    }
    state.caret = offset;
    return edit("split", { index: indexOfStep(span), at: offset });
  }

  const actions = {
    split: () => splitAtCaret(),
    "merge-next": () => edit("merge", { index: state.current, direction: "next" }),
    "merge-previous": () => edit("merge", { index: state.current, direction: "previous" }),
    move: (el) => edit("move", { index: state.current, unit: el.dataset.unit, direction: el.dataset.direction }),
    type: (el) => edit("type", { index: state.current, type: el.dataset.type }),
    rate: (el) => rateAndAdvance(el.dataset.rating),
    flag: () => edit("flag", { index: state.current, flagged: currentItem().dataset.flagged === "1" ? "false" : "true" }),
    note: () => edit("note", { index: state.current, text: $("note-text").value }),
    undo: () => edit("undo", {}),
    redo: () => edit("redo", {}),
    submit: () => send(editor.dataset.submitUrl, {}),
    skip: () => { $("skip-dialog").showModal(); $("skip-reason").focus(); },
    "close-skip": () => $("skip-dialog").close(),
    help: () => toggleHelp(),
    latex: () => setLatex(!state.latex),
    reload: () => window.location.reload(),
  };

  const ratingKeys = { "-": "-1", "0": "0", "+": "1", "=": "1", x: "" };
  // Shifted rating keys rate from the current step to the end (Shift+= is "+" on most layouts,
  // a single rating, so +1 to the end is P).
  const ratingToEndKeys = { _: "-1", ")": "0", P: "1", X: "" };
  const moveKeys = { "]": ["word", 1], "[": ["word", -1], "}": ["sentence", 1], "{": ["sentence", -1] };

  function typeShortcuts() {
    const keys = {};
    document.querySelectorAll(".type-btn").forEach((b) => { keys[b.dataset.shortcut] = b; });
    return keys;
  }

  function onKey(event) {
    if (event.defaultPrevented || event.isComposing) return;
    const target = event.target;
    if (target.closest("dialog")) return dialogKeys(event);
    if (target.matches("button") && (event.key === "Enter" || event.key === " ")) return;
    if (target.matches("input, textarea, select")) return noteKeys(event);
    if (!$("help").hidden) {
      if (event.key === "Escape" || event.key === "?") { toggleHelp(); event.preventDefault(); }
      return;
    }
    const handled = editorKey(event);
    if (handled !== false) event.preventDefault();
  }

  // Returns false for keys the editor leaves to the browser (caret moves, copy, find...).
  function editorKey(event) {
    const key = event.key, ctrl = event.ctrlKey || event.metaKey;
    if (ctrl) {
      if (key === "Enter") return actions.submit();
      if (key.toLowerCase() === "z") return event.shiftKey ? actions.redo() : actions.undo();
      if (key.toLowerCase() === "y") return actions.redo();
      return false;
    }
    if (event.altKey) return false;
    const digit = event.shiftKey && /^(?:Digit|Numpad)(\d)$/.exec(event.code);
    const typeToEnd = digit && typeShortcuts()[digit[1]];
    if (typeToEnd) return toEnd("type", { type: typeToEnd.dataset.type });
    if (key in ratingToEndKeys) return toEnd("rate", { rating: ratingToEndKeys[key] });
    const typeButton = typeShortcuts()[key];
    if (typeButton) return actions.type(typeButton);
    if (key in ratingKeys) return rateAndAdvance(ratingKeys[key]);
    if (key in moveKeys) {
      const [unit, direction] = moveKeys[key];
      return edit("move", { index: state.current, unit, direction });
    }
    switch (key) {
      case "j": state.moves++; return select(state.current + 1, { caret: true });
      case "k": state.moves++; return select(state.current - 1, { caret: true });
      case "Enter": case "s": return splitAtCaret(caretOffset() ?? state.caret);
      case "m": return actions["merge-next"]();
      case "M": return actions["merge-previous"]();
      case "f": return actions.flag();
      case "n": $("note-text").focus(); return;
      case "u": return actions.undo();
      case "U": return actions.redo();
      case "S": return actions.skip();
      case "l": return actions.latex();
      case "?": return toggleHelp();
      case "Escape": return;
      case " ": return false;  // scrolls the page; in the text, beforeinput keeps it out
      default:
        // Printable keys never reach the text (it is read only); the rest (arrows...) move the caret.
        return key.length === 1 ? undefined : false;
    }
  }

  // The skip dialog: Enter or Ctrl+Enter sends the reason, Shift+Enter starts a new line.
  function dialogKeys(event) {
    if (event.target.id !== "skip-reason" || event.key !== "Enter" || event.shiftKey) return;
    event.preventDefault();
    $("skip-form").requestSubmit();
  }

  function noteKeys(event) {
    if (event.target.id !== "note-text") return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      actions.note();
      $("field").focus({ preventScroll: true });
    } else if (event.key === "Escape") {
      event.preventDefault();
      $("note-text").value = currentItem()?.dataset.note || "";
      $("field").focus({ preventScroll: true });
    }
  }

  function onClick(event) {
    const target = event.target;
    const button = target.closest("[data-action]");
    if (button && !button.disabled && button.type !== "submit") {
      if (button.tagName !== "INPUT") event.preventDefault();
      return actions[button.dataset.action]?.(button);
    }
    const tab = target.closest("[data-tab]");
    if (tab) return showTab(tab);
    const item = target.closest("#step-list li");
    if (item) {
      state.moves++;
      return select(indexOfItem(item), { caret: true });
    }
    if (target.closest("#field")) clickInField(event);
  }

  function clickInField(event) {
    const offset = caretOffset();
    if (offset === null) return;
    state.caret = offset;
    const span = spanAt(offset);
    if (span?.classList.contains("step")) {
      state.moves++;
      select(indexOfStep(span), { scroll: false });
    }
    if (event.altKey) splitAtCaret(offset);
  }

  function onSelectionChange() {
    if (state.latex) return;
    const offset = caretOffset();
    if (offset === null) return;
    state.caret = offset;
    const span = spanAt(offset);
    if (span?.classList.contains("step") && span !== stepSpan(state.current)) {
      state.moves++;
      select(indexOfStep(span), { scroll: false });
    }
  }

  // --- Panels, help, messages -----------------------------------------------------------------
  function showTab(tab) {
    document.querySelectorAll("[data-tab]").forEach((t) => {
      t.classList.toggle("active", t === tab);
      $(t.dataset.tab).hidden = t !== tab;
    });
  }

  function toggleHelp() {
    $("help").hidden = !$("help").hidden;
    if (!$("help").hidden) {
      // Focus the card, not its Close button: that sits at the bottom and would scroll the
      // title out of a small window.
      const card = $("help").querySelector(".overlay-card");
      card.scrollTop = 0;
      card.focus({ preventScroll: true });
    }
    else $("field")?.focus({ preventScroll: true });
  }

  let toastTimer = null;
  function toast(message) {
    const el = $("toast");
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
  }

  // --- LaTeX ----------------------------------------------------------------------------------
  // KaTeX loads on first use only; raw text comes back by re-rendering from the saved markup.
  const rawMarkup = new Map();

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement("script"), { src, onload: resolve, onerror: reject });
      document.head.append(script);
    });
  }

  async function ensureKatex() {
    if (window.renderMathInElement) return;
    const css = Object.assign(document.createElement("link"), { rel: "stylesheet", href: editor.dataset.katexCss });
    document.head.append(css);
    await loadScript(editor.dataset.katex);
    await loadScript(editor.dataset.katexAuto);
  }

  const DELIMITERS = [
    { left: "$$", right: "$$", display: true }, { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false }, { left: "$", right: "$", display: false },
  ];

  function renderMath(...roots) {
    // Step by step (not the field as a whole): a relabelled step comes back as a new raw element.
    roots.forEach((root) => root.querySelectorAll(".tex, .step").forEach((el) => {
      if (!rawMarkup.has(el)) rawMarkup.set(el, el.innerHTML);
      window.renderMathInElement(el, { delimiters: DELIMITERS, throwOnError: false });
    }));
  }

  async function setLatex(on) {
    state.latex = on;
    $("latex-toggle").checked = on;
    localStorage.setItem("stepwise.latex", on ? "1" : "0");
    $("field")?.setAttribute("contenteditable", on ? "false" : String($("ws-state").dataset.editable === "1"));
    if (on) {
      await ensureKatex();
      renderMath(editor);
    } else {
      rawMarkup.forEach((html, el) => { if (el.isConnected) el.innerHTML = html; });
      rawMarkup.clear();
      select(state.current, { scroll: false });
    }
  }

  // --- Wiring ---------------------------------------------------------------------------------
  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  document.addEventListener("selectionchange", onSelectionChange);
  // The text is read only although it takes a caret: nothing may change it.
  for (const type of ["beforeinput", "paste", "drop", "cut"]) {
    document.addEventListener(type, (event) => {
      if (event.target.closest?.("#field")) event.preventDefault();
    });
  }
  $("skip-form")?.addEventListener("submit", (event) => {  // absent in review mode
    event.preventDefault();
    if (!$("skip-reason").value.trim()) return $("skip-reason").reportValidity();
    $("skip-dialog").close();
    send(editor.dataset.skipUrl, { reason: $("skip-reason").value });
  });

  // --- A second tab learns at once that it is stale ---------------------------------------------
  // A few bytes every few seconds: the server answers 304 while the revision is unchanged.
  let etag = "";
  async function pollRevision() {
    if (document.hidden || state.pending || !$("stale-banner").hidden) return;
    const response = await fetch(editor.dataset.revisionUrl, {
      headers: etag ? { "If-None-Match": etag } : {}, cache: "no-store", credentials: "same-origin",
    }).catch(() => null);
    if (!response || response.status !== 200 || state.pending) return;
    etag = response.headers.get("ETag") || "";
    const now = await response.json();
    const screen = $("ws-state").dataset;
    if (now.revision > +screen.revision || (now.editable === false && screen.editable === "1")) {
      $("stale-revision").textContent = String(now.revision);
      $("stale-banner").hidden = false;
    }
  }
  // Review mode has no revision URL: a reviewer's page does not poll.
  if (editor.dataset.revisionUrl) setInterval(pollRevision, +(editor.dataset.pollMs || 4000));

  drawFromData();
  select(0, { scroll: false });
  if (localStorage.getItem("stepwise.latex") === "1") setLatex(true);
  // send: other scripts' requests (static/js/proposals.js) queue behind the edits, at their revision.
  window.stepwiseEditor = { caretOffset, setCaret, select, send, state };
  editor.dataset.ready = "1";
  performance.mark("stepwise-ready");  // read by bench/annotate_browser.py
})();
