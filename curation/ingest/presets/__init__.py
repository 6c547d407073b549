"""Source formats. Each preset module has:

* ``NAME``, ``DESCRIPTION`` and ``OPTIONS`` (option name -> help text),
* ``score(record) -> float``: how surely a record has this preset's shape (0: not at all),
  used by ``detect.detect_preset``; ``matches(record) -> bool`` is ``score > 0``,
* ``to_trace(record, options) -> TraceRecord``, raising ``InvalidRecord(reason)`` on a
  record of the wrong shape.
"""

from __future__ import annotations

from types import ModuleType

from curation.traces.records import InvalidRecord
from . import agent, chat, first_error, generation, mapping, prm800k, processbench, s1k, steps

# Order matters only to break detection ties: the more specific formats first.
PRESETS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (steps, prm800k, processbench, first_error, s1k, agent, chat, generation, mapping)
}

__all__ = ["PRESETS", "InvalidRecord"]
