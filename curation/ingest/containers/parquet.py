"""Parquet: read batch by batch (pyarrow loads only when a Parquet file comes)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator

from curation.ingest.containers import base  # read sizes are looked up per read: tests shrink them
from curation.ingest.containers.base import _describe_read_error, Item, _Prefixed, READ_ERRORS
from curation.traces.records import RecordError


def _read_parquet(
    head: bytes, rest, failure: BaseException | None, *, start: int | None
) -> Iterator[Item]:
    """Parquet keeps its index at the end of the file, so it needs a seekable file.

    A seekable upload is read in place; anything else (a gzipped Parquet, a socket) is
    spooled to a temporary file first, in chunks.
    """
    if start is not None and failure is None:
        rest.seek(start)
        yield from _parquet_rows(rest)
        return
    with tempfile.TemporaryFile(prefix="stepwise-ingest-") as spool:
        try:
            shutil.copyfileobj(_Prefixed(head, rest, failure), spool, base.CHUNK_SIZE)
        except READ_ERRORS as exc:
            yield RecordError(0, f"cannot read the Parquet file: {_describe_read_error(exc)}")
            return
        spool.seek(0)
        yield from _parquet_rows(spool)


def _parquet_rows(source) -> Iterator[Item]:
    import pyarrow  # imported here: only Parquet uploads pay for it
    import pyarrow.parquet as pq

    arrow_errors = (pyarrow.ArrowException, OSError, ValueError, TypeError)
    try:
        # buffer_size > 0 streams pages instead of loading whole column chunks.
        parquet = pq.ParquetFile(source, buffer_size=base.CHUNK_SIZE, pre_buffer=False)
    except arrow_errors as exc:
        yield RecordError(0, f"not a readable Parquet file: {exc}")
        return
    if parquet.metadata.num_rows == 0:
        yield RecordError(0, "the Parquet file has no rows")
        return
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=base.PARQUET_BATCH_ROWS):
            for record in batch.to_pylist():
                row += 1
                yield row, record
    except arrow_errors as exc:
        yield RecordError(row + 1, f"the Parquet data is unreadable from this row on: {exc}")
