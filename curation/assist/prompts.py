"""Prompt templates the lead can edit: named ``{{placeholders}}``, versioned by a hash.

Double braces, because prompts about mathematics are full of single ones (``\\boxed{}``).
Values are inserted in one pass, so a trace that contains ``{{problem}}`` inserts nothing.
The version (the first 12 hex digits of the template's SHA-256) goes into every proposal's
provenance, so a label can always be traced to the exact wording that produced it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class PromptTemplate:
    """A named template; ``required`` placeholders must stay in any edited version."""

    name: str
    text: str
    required: frozenset[str] = frozenset()

    @property
    def version(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    @property
    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.text))

    def edited(self, text: str) -> PromptTemplate:
        """The same template with the lead's text; ValueError when a required one is missing."""
        candidate = PromptTemplate(self.name, text, self.required)
        missing = self.required - candidate.placeholders
        if missing:
            raise ValueError(f"the prompt must keep {', '.join('{{%s}}' % m for m in sorted(missing))}")
        return candidate

    def render(self, **values: str) -> str:
        missing = self.placeholders - set(values)
        if missing:
            raise KeyError(f"no value for {', '.join(sorted(missing))}")
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.text)

    def messages(self, **values: str) -> list[dict]:
        """The chat messages for these values (one user message: every server accepts it)."""
        return [{"role": "user", "content": self.render(**values)}]


# The rules of the SRL paper's data construction (arXiv 2510.25992, appendix B.3), in our words:
# the expert's final solution is restructured into numbered, titled steps that follow it.
REWRITE = PromptTemplate("rewrite", """\
You are given a math problem and an expert's solution. Rewrite the solution as a numbered list
of steps, each on its own line in the form

1. **Short title** what is done in this step, with the calculations

Rules:
- Follow the original solution step by step: keep its method, its order, its intermediate
  results and its final answer. Do not solve the problem anew, do not fix or add reasoning,
  and do not introduce numbers or results the original does not contain.
- Each step is one logical action of the original: its title names the action, its text is
  the action with the calculations. Keep formulas in LaTeX as in the original.
- Put the final answer in \\boxed{} in the last step, exactly as the original states it.
- Output only the numbered steps, nothing before or after them.

[Problem]
{{problem}}

[Original solution]
{{solution}}
""", frozenset({"problem", "solution"}))

# ProcessBench's critic prompt (Zheng et al. 2024): paragraphs tagged and indexed from 0.
CRITIC = PromptTemplate("critic", """\
The following is a math problem and a solution (split into paragraphs, enclosed with tags and \
indexed from 0):

[Math Problem]

{{problem}}

[Solution]

{{paragraphs}}

Your task is to review and critique the solution paragraph by paragraph. Once you identify an \
error in a paragraph, return the index of the paragraph where the earliest error occurs. \
Otherwise, return the index of -1 (which typically denotes "not found").

Please put your final answer (i.e., the index) in \\boxed{}.
""", frozenset({"problem", "paragraphs"}))

ROLLOUT = PromptTemplate("rollout", """\
Solve the following math problem. The beginning of a solution is given; continue it from \
where it stops, step by step, and put the final answer in \\boxed{}.

[Problem]
{{problem}}

[Beginning of the solution]
{{prefix}}
""", frozenset({"problem", "prefix"}))

SECTIONS = PromptTemplate("sections", """\
Below is a long piece of reasoning split into numbered sentences. Divide it into sections: each \
section is one phase of the reasoning (understanding the problem, trying an approach, checking \
a result, changing approach, concluding). Answer with JSON only, in the form
{"sections": [0, 12, 31]}
listing the number of the sentence that starts each section, in increasing order, starting with 0.

[Sentences]
{{sentences}}
""", frozenset({"sentences"}))

DEFAULTS = {t.name: t for t in (REWRITE, CRITIC, ROLLOUT, SECTIONS)}
