"""Reading a stored file as a stream in bounded memory, whatever the storage holds it.

A local storage's ``open()`` is a real file. django-storages' ``S3File`` is not: on the first
read or seek it copies the whole object into a ``SpooledTemporaryFile`` that stays in memory
unless ``AWS_S3_MAX_MEMORY_SIZE`` is set, so a 3 GB upload would cost 3 GB of a worker's memory
before its first record. On S3 (or any S3-compatible server) a file is read here by ranged
``GET``s instead: one streaming response from the current position, read in blocks; a seek
closes it and the next read opens another from there. Imports read uploads this way, the
download view serves ``Range`` requests this way, deliveries copy artifacts this way.
"""

from __future__ import annotations

import io
from typing import IO

from django.core.files.storage import Storage

BUFFER_BYTES = 1 << 20


def open_stream(storage: Storage, name: str) -> IO[bytes]:
    """``name`` opened for binary reading: seekable, buffered, never loaded whole."""
    if _is_s3(storage):
        from storages.utils import clean_name

        raw = S3RangeReader(
            storage.connection.meta.client,
            storage.bucket_name,
            storage._normalize_name(clean_name(name)),  # the key, with the storage's prefix
            storage.size(name),
        )
        return io.BufferedReader(raw, buffer_size=BUFFER_BYTES)
    return storage.open(name, "rb")


def _is_s3(storage: Storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # django-storages is a dependency, but a local setup never loads it
        return False
    return isinstance(storage, S3Storage)


class S3RangeReader(io.RawIOBase):
    """An S3 object as a seekable raw stream: ``GET`` with ``Range: bytes=<position>-``,
    read as it arrives (the response body is a socket stream, not a buffer)."""

    def __init__(self, client, bucket: str, key: str, size: int) -> None:
        super().__init__()
        self._client, self._bucket, self._key, self._size = client, bucket, key, size
        self._position = 0
        self._body = None
        self.name = key

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._drop_body()
            self._position = position
        return position

    def readinto(self, buffer) -> int:
        if self._position >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            response = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-"
            )
            self._body = response["Body"]
        chunk = self._body.read(len(buffer))
        if not chunk:  # the object ended early (replaced meanwhile): say so, do not spin
            raise OSError(f"{self._key}: ended at byte {self._position} of {self._size}")
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)

    def close(self) -> None:
        self._drop_body()
        super().close()

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None
