"""Split a raw generation into prompt, reasoning and response at its thinking tags.

R1-style models write ``<think>reasoning</think>response``. Real outputs are messier:
the prompt is often echoed before ``<think>``; R1-distill chat templates open the think
block in the prompt, so the output has only ``</think>``; a generation cut off at the
token limit has no ``</think>``. Open-Thoughts / Bespoke-Stratos data uses
``<|begin_of_thought|>`` markers instead, with the answer wrapped in
``<|begin_of_solution|>``.
"""

from __future__ import annotations

from dataclasses import dataclass

THINK_TAGS = (("<think>", "</think>"), ("<|begin_of_thought|>", "<|end_of_thought|>"))
SOLUTION_TAGS = ("<|begin_of_solution|>", "<|end_of_solution|>")


@dataclass(slots=True)
class ThinkSplit:
    prefix: str  # text before the opening tag (an echoed prompt), stripped
    reasoning: str
    response: str
    truncated: bool  # an opening tag without its closing tag: the generation was cut off
    tagged: bool  # whether any thinking tag was found at all


def has_think_tag(text: str) -> bool:
    return any(open_tag in text or close_tag in text for open_tag, close_tag in THINK_TAGS)


def split_think(text: str, *, untagged: str = "response") -> ThinkSplit:
    """Split ``text`` at the first thinking block.

    ``untagged`` says where a text with no tag at all goes: ``"response"`` (a model that
    does not think aloud) or ``"reasoning"`` (a reasoning model cut off before it closed
    a think block its chat template had opened).
    """
    for open_tag, close_tag in THINK_TAGS:
        opened = text.find(open_tag)
        closed = text.find(close_tag, opened + len(open_tag) if opened >= 0 else 0)
        if opened >= 0 and closed >= 0:
            return ThinkSplit(
                text[:opened].strip(),
                text[opened + len(open_tag) : closed].strip(),
                _unwrap_solution(text[closed + len(close_tag) :]),
                False,
                True,
            )
        if opened >= 0:
            return ThinkSplit(
                text[:opened].strip(), text[opened + len(open_tag) :].strip(), "", True, True
            )
        if closed >= 0:
            return ThinkSplit(
                "",
                text[:closed].strip(),
                _unwrap_solution(text[closed + len(close_tag) :]),
                False,
                True,
            )
    if untagged == "reasoning":
        return ThinkSplit("", text.strip(), "", True, False)
    return ThinkSplit("", "", text.strip(), False, False)


def _unwrap_solution(text: str) -> str:
    text = text.strip()
    open_tag, close_tag = SOLUTION_TAGS
    if text.startswith(open_tag) and text.endswith(close_tag):
        return text[len(open_tag) : -len(close_tag)].strip()
    return text
