// Math on request on read-only pages (the trace page): the same KaTeX, delimiters and saved
// preference ("stepwise.latex") as the editor's LaTeX toggle. KaTeX loads on first use only.
(function () {
  "use strict";
  const page = document.getElementById("trace-page");
  const toggle = document.getElementById("latex-toggle");
  if (!page || !toggle) return;

  const DELIMITERS = [
    { left: "$$", right: "$$", display: true }, { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false }, { left: "$", right: "$", display: false },
  ];
  const raw = new Map();

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      document.head.append(Object.assign(document.createElement("script"), { src, onload: resolve, onerror: reject }));
    });
  }

  async function ensureKatex() {
    if (window.renderMathInElement) return;
    document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: page.dataset.katexCss }));
    await loadScript(page.dataset.katex);
    await loadScript(page.dataset.katexAuto);
  }

  async function setLatex(on) {
    toggle.checked = on;
    localStorage.setItem("stepwise.latex", on ? "1" : "0");
    if (on) {
      await ensureKatex();
      page.querySelectorAll(".tex").forEach((el) => {
        if (!raw.has(el)) raw.set(el, el.innerHTML);
        window.renderMathInElement(el, { delimiters: DELIMITERS, throwOnError: false });
      });
    } else {
      raw.forEach((html, el) => { el.innerHTML = html; });
      raw.clear();
    }
  }

  toggle.addEventListener("change", () => setLatex(toggle.checked));
  if (localStorage.getItem("stepwise.latex") === "1") setLatex(true);
})();
