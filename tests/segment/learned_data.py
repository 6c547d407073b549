"""Synthetic gold for the learned strategy: steps whose first sentence opens with a step word.

Each step is one to three sentences; its first sentence opens with "First", "Next", "Then" or
"Finally", the others with filler words, and steps are joined by a single space, so nothing but
the words shows where a step starts (sentence rules alone cut at every sentence).
"""
from __future__ import annotations

import random
from functools import lru_cache

OPENERS = ("First", "Next", "Then", "Finally", "Now")
FILLERS = ("It", "This", "The value", "We see", "That")
BODY = ("is small", "adds up to 12", "follows from the sum", "equals $x + 1$", "holds for n = 3")


def synthetic_example(rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """A space-joined step list and its step spans."""
    pieces = []
    for _ in range(rng.randint(3, 6)):
        sentences = [f"{rng.choice(OPENERS)} {rng.choice(BODY)}."]
        sentences += [f"{rng.choice(FILLERS)} {rng.choice(BODY)}." for _ in range(rng.randint(0, 2))]
        pieces.append(" ".join(sentences))
    text, spans, pos = "", [], 0
    for piece in pieces:
        if text:
            text += " "
        spans.append((len(text), len(text) + len(piece)))
        text += piece
    return text, spans


def synthetic_examples(count: int, seed: int = 0) -> list[tuple[str, list[tuple[int, int]]]]:
    rng = random.Random(seed)
    return [synthetic_example(rng) for _ in range(count)]


@lru_cache(maxsize=1)
def synthetic_model():
    """A model trained once per test process on 40 synthetic texts."""
    from curation.segment.learned import train_boundary_model

    return train_boundary_model(synthetic_examples(40), rounds=40)
