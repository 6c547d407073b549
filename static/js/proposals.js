// Model proposals in the editor: a ghost badge on each step that has one (its source and how sure),
// the current step's proposal in a box, and Y (accept) / N (reject) keys. The proposals come with
// every answer of the server (#ws-proposals in the workspace head); a decision is sent through the
// editor's own queue (window.stepwiseEditor.send), so it carries the revision like any edit.
(function () {
  "use strict";
  const editor = document.getElementById("editor");
  if (!editor || !window.stepwiseEditor) return;
  const $ = (id) => document.getElementById(id);
  const SHOWN = { model: "model", rollouts: "rollouts", consensus: "consensus" };

  function proposals() {
    const found = new Map();
    document.querySelectorAll("#ws-proposals li").forEach((li) => found.set(+li.dataset.index, li.dataset));
    return found;
  }

  function label(p) {
    const value = p.kind === "rating" && +p.value > 0 ? "+" + p.value : p.value;
    const sure = p.confidence ? " · " + p.confidence : "";
    return (SHOWN[p.source] || p.source) + " " + value + sure;
  }

  function drawBadges() {
    const found = proposals();
    document.querySelectorAll("#step-list > li").forEach((item, index) => {
      item.querySelector(".ghost")?.remove();
      const p = found.get(index);
      if (!p) return;
      const badge = document.createElement("span");
      badge.className = "ghost";
      badge.title = "Proposed by " + p.source + (p.model ? " (" + p.model + ", prompt " + p.prompt + ")" : "") + ": Y accepts, N rejects";
      badge.textContent = label(p);
      item.appendChild(badge);
    });
    drawBox();
  }

  function drawBox() {
    const p = proposals().get(window.stepwiseEditor.state.current);
    const box = $("proposal-box");
    box.hidden = !p;
    if (!p) return;
    box.textContent = "";
    const text = document.createElement("span");
    text.textContent = "Proposal: " + label(p) + (p.model ? " by " + p.model : "") + " ";
    box.appendChild(text);
    for (const [decision, key] of [["accept", "Y"], ["reject", "N"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.dataset.proposal = decision;
      button.innerHTML = decision + " <kbd>" + key + "</kbd>";
      box.appendChild(button);
    }
  }

  function decide(decision) {
    const p = proposals().get(window.stepwiseEditor.state.current);
    if (!p) return false;
    const url = editor.dataset.proposalUrl.replace("/0/DECISION/", "/" + p.id + "/" + decision + "/");
    window.stepwiseEditor.send(url, {});
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.("dialog, input, textarea, select")) return;
    const decision = { Y: "accept", N: "reject" }[event.key];
    if (decision && decide(decision)) event.preventDefault();  // annotate.js skips handled keys
  }, true);
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("[data-proposal]");
    if (button) decide(button.dataset.proposal);
    else setTimeout(drawBox, 0);  // a click may have selected another step
  });
  document.addEventListener("keyup", () => setTimeout(drawBox, 0));
  editor.addEventListener("stepwise:updated", drawBadges);
  drawBadges();
})();
