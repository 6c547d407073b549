"""Read raw records out of an uploaded file, whatever its container, with flat memory.

The container is sniffed from the content, never from the file name: gzip by its magic
bytes (any container may be gzipped), Parquet by ``PAR1``, a JSON array by a leading ``[``,
JSONL by a leading ``{``, anything else that looks like text is CSV. The name only makes
error messages clearer.

Every read is bounded: JSONL and JSON arrays are split into records while streaming
(a record never has to be longer than ``max_record_bytes`` to be skipped), CSV lines are
read with a length limit, Parquet is read batch by batch. Bad input never raises: it comes
out as a ``RecordError`` and the good records around it still come out.

The readers live one module per container (``jsonl``, ``json_array``, ``csv``, ``parquet``);
``base`` holds what they share and ``read`` picks one.
"""
from curation.ingest.containers.base import (
    CHUNK_SIZE, DEFAULT_MAX_RECORD_BYTES, PARQUET_BATCH_ROWS, SNIFF_SIZE, CountingReader, Item,
    decode_record, read_some,
)
from curation.ingest.containers.read import read_records

__all__ = [
    "CHUNK_SIZE", "DEFAULT_MAX_RECORD_BYTES", "PARQUET_BATCH_ROWS", "SNIFF_SIZE", "CountingReader",
    "Item", "decode_record", "read_records", "read_some",
]
