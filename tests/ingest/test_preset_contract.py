"""Whatever a record holds, a preset maps it or refuses it with InvalidRecord: nothing else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.ingest.presets import PRESETS
from curation.traces.records import InvalidRecord, TraceRecord

KEYS = st.sampled_from(
    [
        "question",
        "problem",
        "steps",
        "label",
        "mistake_index",
        "error_steps",
        "modified_process",
        "input",
        "messages",
        "conversations",
        "traj",
        "trajectory",
        "history",
        "role",
        "content",
        "tool_calls",
        "from",
        "value",
        "solution",
        "response",
        "full_response",
        "deepseek_thinking_trajectory",
        "completions",
        "chosen_completion",
        "human_completion",
        "rating",
        "text",
        "function",
        "name",
        "arguments",
        "action",
        "observation",
        "thought",
        "pre_generated_steps",
        "target",
        "answer",
        "_problem",
    ]
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.text(alphabet="ab<>/think \n", max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=20,
)
RECORDS = st.dictionaries(KEYS, VALUES, max_size=8)
MAPPING = {
    "problem": "problem?",
    "text": "text",
    "steps": "steps?",
    "ratings": "label?",
    "types": "name?",
}


@settings(max_examples=400, deadline=None)
@given(record=RECORDS)
def test_presets_map_or_refuse_any_record(record):
    for name, module in PRESETS.items():
        options = {"mapping": MAPPING} if name == "mapping" else {}
        try:
            assert isinstance(module.to_trace(record, options), TraceRecord)
        except InvalidRecord:
            pass
        assert module.score(record) >= 0
