"""Is a final answer the reference answer? ``math-verify`` decides (LaTeX, sympy, sets, units).

Inputs are bounded first: a model's answer is untrusted, and sympy on a huge expression can
take very long. math-verify's own time limit uses SIGALRM, which works only in the main thread,
so it is used there and left off elsewhere (the size bound still holds).
"""
from __future__ import annotations

import threading

from math_verify import parse, verify

from .untrusted import last_boxed

MAX_ANSWER_CHARS = 500
_TAIL_CHARS = 3000


def final_answer(text: str) -> str | None:
    """The answer a completion ends with: its last ``\\boxed{}``, bounded in size."""
    boxed = last_boxed(text[-_TAIL_CHARS:]) if text else None
    if boxed is None or not boxed.strip() or len(boxed) > MAX_ANSWER_CHARS:
        return None
    return boxed


def equivalent(answer: str, reference: str) -> bool:
    """True when ``answer`` and ``reference`` are the same mathematical answer."""
    if answer.strip() == reference.strip():
        return True
    if len(answer) > MAX_ANSWER_CHARS or len(reference) > MAX_ANSWER_CHARS:
        return False
    limit = 5 if threading.current_thread() is threading.main_thread() else None
    try:
        gold = parse(f"${reference}$", parsing_timeout=limit)
        target = parse(f"${answer}$", parsing_timeout=limit)
        return bool(gold and target and verify(gold, target, timeout_seconds=limit))
    except Exception:  # noqa: BLE001 - a checker failure is "not shown equal", never a crash
        return False
