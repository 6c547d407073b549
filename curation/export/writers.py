"""Container writers: JSONL (optionally gzip) and Parquet, opened lazily, bounded in memory.

File layout, which ``datasets.load_dataset`` understands without a loading script:
``<format>/data/<split>-00000-of-00001.<ext>``.

Deterministic bytes: gzip headers carry no file name and mtime 0; Parquet files get a fixed
schema per format, zstd, and row groups cut at positions that depend only on the rows
(the same rows in the same order give the same files with the same pyarrow version).
"""
from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from curation.export.options import BuildOptions

CONTAINERS = ("jsonl", "jsonl.gz", "parquet")
_WRITE_CHUNK = 1 << 20  # a few large writes instead of millions of small ones
_BATCH_BYTES = 1 << 18  # Python rows converted to Arrow at a time


def artifact_path(format_name: str, split: str, container: str) -> str:
    """The path of one data file, relative to the version's directory."""
    return f"{format_name}/data/{split}-00000-of-00001.{container}"


class JsonlWriter:
    """JSON lines to a file, plain or gzip; bytes in, so encoding happens once per row."""

    def __init__(self, path: Path, gzip_level: int | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO = open(path, "wb")
        self._out: BinaryIO = self._file
        if gzip_level is not None:
            # filename="" and mtime=0: no name and no clock in the header, so builds compare.
            self._out = gzip.GzipFile(
                filename="", mode="wb", fileobj=self._file, mtime=0, compresslevel=gzip_level
            )
        # Lines are copied into one buffer rather than kept: orjson's bytes carry spare
        # capacity, and a thousand of them held at once cost several times their length.
        self._chunk = bytearray()

    def write(self, line: bytes) -> None:
        self._chunk += line
        if len(self._chunk) >= _WRITE_CHUNK:
            self._flush_chunk()

    def _flush_chunk(self) -> None:
        self._out.write(self._chunk)
        self._chunk.clear()

    def close(self) -> None:
        self._flush_chunk()
        self._out.close()
        self._file.close()


class ParquetFileWriter:
    """Rows are held until the pool says to write them out as one row group.

    Held rows become Arrow record batches every ``_BATCH_BYTES``: Arrow's columnar buffers
    are compact, Python dicts of strings are not, so what waits for the row group is Arrow.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._schema = schema
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        self._rows: list[dict[str, Any]] = []
        self._rows_bytes = 0
        self._batches: list[pa.RecordBatch] = []
        self.pending_bytes = 0

    def write(self, row: dict[str, Any], size: int) -> None:
        self._rows.append(row)
        self._rows_bytes += size
        self.pending_bytes += size
        if self._rows_bytes >= _BATCH_BYTES:
            self._rows_to_batch()

    def _rows_to_batch(self) -> None:
        if self._rows:
            self._batches.append(pa.RecordBatch.from_pylist(self._rows, schema=self._schema))
        self._rows.clear()
        self._rows_bytes = 0

    def flush(self) -> int:
        """Write the held rows as one row group; return how many bytes that released."""
        released = self.pending_bytes
        self._rows_to_batch()
        if self._batches:
            table = pa.Table.from_batches(self._batches, schema=self._schema)
            self._writer.write_table(table, row_group_size=table.num_rows)
        self._batches.clear()
        self.pending_bytes = 0
        return released

    def close(self) -> None:
        self.flush()
        self._writer.close()


class ArtifactWriters:
    """Every (format, split, container) file of one build, opened on its first row.

    Parquet rows wait in memory until their file holds ``parquet_row_group_bytes``; when all
    files together hold more than ``parquet_buffer_bytes``, the fullest is written out, so
    memory stays bounded however many formats and splits a build has.
    """

    def __init__(self, out_dir: Path, containers: tuple[str, ...], options: BuildOptions) -> None:
        unknown = set(containers) - set(CONTAINERS)
        if unknown or not containers:
            raise ValueError(f"unknown or no containers {sorted(unknown)}; known: {CONTAINERS}")
        self._out_dir = out_dir
        self._containers = containers
        self._options = options
        self._jsonl: dict[str, JsonlWriter] = {}
        self._parquet: dict[str, ParquetFileWriter] = {}
        self._parquet_pending = 0
        self._paths: set[str] = set()
        self.rows: Counter[tuple[str, str]] = Counter()  # (format, split) -> rows
        self.jsonl_bytes = 0  # uncompressed JSON lines handed to JSONL writers

    def __enter__(self) -> ArtifactWriters:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write(
        self, format_name: str, schema: pa.Schema, split: str, line: bytes, row: dict[str, Any]
    ) -> None:
        self.rows[format_name, split] += 1
        for container in self._containers:
            path = artifact_path(format_name, split, container)
            if container == "parquet":
                self._write_parquet(path, schema, row, len(line))
            else:
                self._jsonl_writer(path, container).write(line)
                self.jsonl_bytes += len(line)

    def _jsonl_writer(self, path: str, container: str) -> JsonlWriter:
        writer = self._jsonl.get(path)
        if writer is None:
            level = self._options.gzip_level if container == "jsonl.gz" else None
            writer = self._jsonl[path] = JsonlWriter(self._out_dir / path, level)
            self._paths.add(path)
        return writer

    def _write_parquet(self, path: str, schema: pa.Schema, row: dict, size: int) -> None:
        writer = self._parquet.get(path)
        if writer is None:
            writer = self._parquet[path] = ParquetFileWriter(self._out_dir / path, schema)
            self._paths.add(path)
        writer.write(row, size)
        self._parquet_pending += size
        if writer.pending_bytes >= self._options.parquet_row_group_bytes:
            self._parquet_pending -= writer.flush()
        if self._parquet_pending > self._options.parquet_buffer_bytes:
            fullest = max(self._parquet.values(), key=lambda w: w.pending_bytes)
            self._parquet_pending -= fullest.flush()

    def paths(self) -> list[str]:
        """Every data file written so far, relative to the version's directory."""
        return sorted(self._paths)

    def close(self) -> None:
        """Close every file (safe to call twice: the writers are forgotten once closed)."""
        writers = [*self._jsonl.values(), *self._parquet.values()]
        self._jsonl.clear()
        self._parquet.clear()
        self._parquet_pending = 0
        for writer in writers:
            writer.close()
