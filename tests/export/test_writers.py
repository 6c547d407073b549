"""Container writers: deterministic gzip, lazy files, bounded Parquet row groups."""
from __future__ import annotations

import gzip
import json

import pyarrow.parquet as pq

from curation.export.encoding import encode_row
from curation.export.formats.prm import SCHEMA as PRM_SCHEMA
from curation.export.options import BuildOptions
from curation.export.writers import ArtifactWriters, JsonlWriter, artifact_path


def prm_row(i: int) -> dict:
    return {"prompt": f"p{i}", "completions": ["a" * 100], "labels": [True], "ratings": [1],
            "step_types": [""], "trace_id": i, "segmentation_id": 0, "revision": 0, "version": 1}


def test_gzip_header_has_no_file_name_and_no_time(tmp_path):
    path = tmp_path / "x.jsonl.gz"
    writer = JsonlWriter(path, gzip_level=6)
    writer.write(b'{"a":1}\n')
    writer.close()
    header = path.read_bytes()[:10]
    assert header[3] & 0x08 == 0  # FNAME flag unset
    assert header[4:8] == b"\0\0\0\0"  # MTIME 0
    assert gzip.decompress(path.read_bytes()) == b'{"a":1}\n'


def test_files_are_opened_only_for_rows(tmp_path):
    with ArtifactWriters(tmp_path, ("jsonl", "parquet"), BuildOptions()) as writers:
        line, row = encode_row(prm_row(1))
        writers.write("prm", PRM_SCHEMA, "test", line, row)
    assert writers.paths() == [artifact_path("prm", "test", "jsonl"),
                               artifact_path("prm", "test", "parquet")]
    assert not (tmp_path / "prm/data/train-00000-of-00001.jsonl").exists()


def test_parquet_row_groups_are_cut_by_size(tmp_path):
    options = BuildOptions(parquet_row_group_bytes=2_000)
    with ArtifactWriters(tmp_path, ("parquet",), options) as writers:
        for i in range(100):
            line, row = encode_row(prm_row(i))
            writers.write("prm", PRM_SCHEMA, "train", line, row)
    meta = pq.ParquetFile(tmp_path / artifact_path("prm", "train", "parquet")).metadata
    assert meta.num_rows == 100 and meta.num_row_groups > 5
    line_size = len(encode_row(prm_row(0))[0])
    assert all(meta.row_group(g).num_rows <= 2_000 // line_size + 1
               for g in range(meta.num_row_groups))


def test_all_parquet_buffers_together_stay_under_the_budget(tmp_path):
    options = BuildOptions(parquet_row_group_bytes=10**9, parquet_buffer_bytes=5_000)
    with ArtifactWriters(tmp_path, ("parquet",), options) as writers:
        for i in range(300):
            line, row = encode_row(prm_row(i))
            writers.write("prm", PRM_SCHEMA, ("train", "validation", "test")[i % 3], line, row)
            assert writers._parquet_pending <= 5_000
    rows = sum(pq.ParquetFile(tmp_path / artifact_path("prm", s, "parquet")).metadata.num_rows
               for s in ("train", "validation", "test"))
    assert rows == 300


def test_text_is_written_unescaped_utf8():
    line, _ = encode_row({"t": "<script>é\U0001f600"})
    assert line == '{"t":"<script>é\U0001f600"}\n'.encode()


def test_lone_surrogates_become_replacement_characters_keeping_offsets():
    line, row = encode_row({"t": "a\ud800b", "n": [{"x": "\udfff"}]})
    assert json.loads(line) == row == {"t": "a\ufffdb", "n": [{"x": "\ufffd"}]}
