// Review beside the editor (annotate.js): in review mode, A approves, B sends back with a comment
// on the whole and the step comments collected with C; in both modes the reviewer's comments are
// marked on their steps, and clicking one selects its step.
(function () {
  "use strict";

  const editor = document.getElementById("editor");
  if (!editor || !window.stepwiseEditor) return;
  const $ = (id) => document.getElementById(id);
  const review = editor.dataset.mode === "review";
  const pending = new Map();  // step index -> comment, sent with the send-back

  // --- Comments on steps ----------------------------------------------------------------------
  // A comment follows its step when an edit before it renumbers the steps: it remembers where
  // its step started (the server placed it on the right step for this page) and, after each
  // edit, goes to the step that holds that offset (the part that begins there, after a split).
  const stepSpans = () => $("field").getElementsByClassName("step");
  for (const comment of document.querySelectorAll("#review-comments [data-step]")) {
    const span = stepSpans()[+comment.dataset.step];
    if (span) comment.dataset.start = span.dataset.start;
  }

  function reanchor() {
    const spans = stepSpans();
    for (const comment of document.querySelectorAll("#review-comments [data-step][data-start]")) {
      const at = +comment.dataset.start;
      let low = 0, high = spans.length - 1, index = 0;
      while (low <= high) {  // the last step starting at or before the offset
        const mid = (low + high) >> 1;
        if (+spans[mid].dataset.start <= at) { index = mid; low = mid + 1; } else high = mid - 1;
      }
      if (+comment.dataset.step === index) continue;
      comment.dataset.step = String(index);
      const where = comment.querySelector(".where");
      if (where) where.textContent = `Step ${index + 1}`;
    }
  }

  function markCommented() {
    const items = $("step-list").children;
    for (const item of items) item.classList.remove("commented");
    const indices = [...document.querySelectorAll("#review-comments [data-step]")]
      .filter((c) => !c.classList.contains("resolved")).map((c) => +c.dataset.step);
    for (const index of [...indices, ...pending.keys()]) items[index]?.classList.add("commented");
  }

  document.addEventListener("click", (event) => {
    const comment = event.target.closest("#review-comments [data-step]");
    if (comment) window.stepwiseEditor.select(+comment.dataset.step, { caret: true });
    const button = event.target.closest("[data-review]");
    if (!button) return;
    event.preventDefault();
    ({ comment: openStepComment, "send-back": openSendBack, close: closeDialogs })[button.dataset.review]?.();
  });
  editor.addEventListener("stepwise:updated", () => { reanchor(); markCommented(); });

  if (!review) { markCommented(); return; }

  // --- Review mode ----------------------------------------------------------------------------
  function closeDialogs() {
    document.querySelectorAll("dialog[open]").forEach((d) => d.close());
    $("field")?.focus({ preventScroll: true });
  }

  function openStepComment() {
    const index = window.stepwiseEditor.state.current;
    $("comment-step-n").textContent = String(index + 1);
    $("step-comment-text").value = pending.get(index) || "";
    $("step-comment-dialog").dataset.step = String(index);
    $("step-comment-dialog").showModal();
    $("step-comment-text").focus();
  }

  function openSendBack() {
    const list = $("pending-comments");
    list.replaceChildren(...[...pending.entries()].sort((a, b) => a[0] - b[0]).map(([index, text]) => {
      const li = document.createElement("li");
      li.textContent = `Step ${index + 1}: ${text}`;
      return li;
    }));
    if (!pending.size) list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "none" }));
    $("send-back-dialog").showModal();
    $("send-back-comment").focus();
  }

  $("step-comment-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const index = +$("step-comment-dialog").dataset.step;
    const text = $("step-comment-text").value.trim();
    if (text) pending.set(index, text); else pending.delete(index);
    closeDialogs();
    markCommented();
  });

  $("send-back-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const comment = $("send-back-comment").value.trim();
    if (!comment && !pending.size) return $("send-back-comment").focus();
    $("send-back-dialog").close();
    await window.stepwiseEditor.state.queue;  // after the edits still on their way
    htmx.ajax("POST", editor.dataset.sendBackUrl, {
      source: editor, target: "#ws-head", swap: "innerHTML",
      values: { revision: $("ws-state").dataset.revision, comment, step_comments: JSON.stringify(Object.fromEntries(pending)) },
    });
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (target.closest("dialog") || target.matches("input, textarea, select") || !$("help").hidden) return;
    if ($("ws-state").dataset.editable !== "1") return;
    const act = { a: () => $("approve").click(), b: openSendBack, c: openStepComment }[event.key.toLowerCase()];
    if (!act) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    act();
  }, true);

  markCommented();
})();
