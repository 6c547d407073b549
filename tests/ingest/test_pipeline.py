from __future__ import annotations

import io
import json

import pytest

from curation.ingest.pipeline import parse_stream, preview
from curation.traces.records import RecordError, TraceRecord

from .conftest import errors_of, fixture_bytes, parse, traces


def jsonl(*rows) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def test_the_preset_is_known_before_iteration():
    parsed = parse_stream(io.BytesIO(fixture_bytes("processbench_gsm8k.json")))
    assert parsed.preset == "processbench"
    assert parsed.traces == 0  # nothing consumed yet beyond the sample


def test_the_sample_records_are_not_lost_by_detection():
    data = jsonl(*({"problem": f"p{i}", "steps": ["s"], "label": -1} for i in range(50)))
    assert [t.problem for t in traces(data, sample_size=5)] == [f"p{i}" for i in range(50)]


def test_iteration_yields_locations_with_traces_and_errors_in_file_order():
    data = (
        jsonl({"problem": "p", "steps": ["a"], "label": -1})
        + b"oops\n"
        + jsonl({"problem": "q", "steps": [], "label": -1})
    )
    preset, items = parse(data)
    assert preset == "processbench"
    assert [(loc, type(item).__name__) for loc, item in items] == [
        (1, "TraceRecord"),
        (2, "RecordError"),
        (3, "RecordError"),
    ]
    assert items[2][1].reason == "field 'steps' is an empty list"


def test_progress_counts_bytes_and_records():
    data = jsonl(*({"problem": "p", "steps": ["a"], "label": -1} for _ in range(10)))
    parsed = parse_stream(io.BytesIO(data))
    list(parsed)
    assert parsed.reader.bytes_read == len(data) and parsed.traces == 10 and parsed.errors == 0


def test_nothing_detected_yields_one_clear_error_and_no_preset():
    preset, items = parse(jsonl({"colour": "red"}))
    assert preset == ""
    assert (
        errors_of(items)[0][0] == 0 and "no preset matches these records" in errors_of(items)[0][1]
    )


def test_a_file_level_error_is_not_doubled_by_a_detection_error():
    assert parse(b"") == ("", [(0, RecordError(0, "file is empty"))])


def test_nul_character_in_a_text_field_is_refused():
    _, items = parse(jsonl({"problem": "a\u0000b", "steps": ["x"], "label": -1}))
    assert errors_of(items) == [(1, "problem contains a NUL character (\\u0000) at offset 1")]


def test_a_record_with_neither_reasoning_nor_response_is_refused():
    _, items = parse(
        jsonl({"question": "q", "deepseek_thinking_trajectory": " ", "deepseek_attempt": ""})
    )
    assert errors_of(items) == [(1, "the trace has neither reasoning nor response text")]


def test_hostile_markup_is_kept_verbatim():
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    [trace] = traces(jsonl({"problem": script, "steps": [script, "&amp; ok"], "label": -1}))
    assert trace.problem == script and trace.response == script + "\n\n&amp; ok"


def test_a_preset_named_explicitly_is_used_even_if_another_would_be_detected():
    assert parse(fixture_bytes("generation.jsonl"), preset="generation")[0] == "generation"
    preset, items = parse(fixture_bytes("generation.jsonl"), preset="processbench")
    assert preset == "processbench" and all(isinstance(item, RecordError) for _, item in items)


def test_a_mapping_selects_the_mapping_preset():
    assert parse(jsonl({"r": "x"}), mapping={"response": "r"})[0] == "mapping"


def test_unknown_preset_is_a_setup_error():
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        parse_stream(io.BytesIO(b""), preset="nope")


def test_unknown_option_is_a_setup_error():
    with pytest.raises(ValueError, match="unknown options for preset 's1k': colour"):
        parse_stream(io.BytesIO(fixture_bytes("s1k_v1.jsonl")), options={"colour": "red"})


def test_a_broken_mapping_is_a_setup_error():
    with pytest.raises(ValueError, match="unknown mapping keys"):
        parse_stream(io.BytesIO(b""), mapping={"nonsense": "x"})


def test_a_preset_crash_on_odd_input_becomes_a_record_error(monkeypatch):
    from curation.ingest.presets import processbench

    def explode(record, options):
        raise KeyError("boom")

    monkeypatch.setattr(processbench, "to_trace", explode)
    _, items = parse(jsonl({"problem": "p", "steps": ["a"], "label": -1}))
    assert errors_of(items) == [(1, "could not map the record (KeyError: 'boom')")]


def test_preview_gives_the_preset_the_first_records_and_the_fields():
    shown = preview(io.BytesIO(fixture_bytes("prmbench.jsonl")), limit=2)
    assert shown.preset == "first_error"
    assert [loc for loc, _ in shown.items] == [1, 2]
    assert shown.records[0]["location"] == 1 and shown.records[0]["step_count"] == 5
    assert [e.location for e in shown.errors] == [2]
    assert "modified_process" in shown.fields


def test_preview_reads_only_the_start_of_the_file():
    data = jsonl(*({"problem": "p", "steps": ["a"], "label": -1} for _ in range(100_000)))  # 4.6 MB
    stream = io.BytesIO(data)
    shown = preview(stream, limit=3)
    assert len(shown.records) == 3 and stream.tell() < len(data)
    assert isinstance(shown.items[0][1], TraceRecord)


def test_parquet_with_columns_no_preset_knows_says_so():
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table({"colour": ["red"], "size": [3]}), sink)
    preset, items = parse(sink.getvalue())
    assert preset == ""
    assert errors_of(items)[0][1].startswith("no preset matches these records (fields seen: colour, size)")
