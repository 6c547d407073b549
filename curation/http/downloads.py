"""Serving a published version's files over HTTP (ETag, Range, streaming), straight from storage.

Every file of a published version is immutable and its SHA-256 is in the manifest, so the
checksum doubles as a strong ``ETag`` and the validators cost no disk read: conditional and
ranged requests (resume) are answered from the manifest alone. Bodies stream through a
bounded reader over ``services.streams.open_stream``: memory stays constant whatever the file
size, any Django storage works (on S3 a ``Range`` request becomes a ranged ``GET`` of the
object, nothing is copied first), and on a local disk gunicorn hands the open file to
``sendfile(2)``.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import IO

from django.core.files.storage import storages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from curation.services.datasets.artifacts import Artifact
from curation.services.streams import open_stream

STREAM_BLOCK_BYTES = 1 << 20  # when no sendfile: a few large reads, not thousands of 4 KiB ones
# Published files never change: clients and proxies may keep them, but only for the caller.
CACHE_CONTROL = "private, max-age=31536000, immutable"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class RangeNotSatisfiable(ValueError):
    """The requested range starts past the end of the file."""


def artifact_response(request: HttpRequest, artifact: Artifact) -> HttpResponse:
    """The whole file, a byte range of it, 304 or 416, as the request's headers ask."""
    if _not_modified(request, artifact):
        return _with_validators(HttpResponseNotModified(), artifact)
    try:
        byte_range = _honoured_range(request, artifact)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{artifact.size}"
        return _with_validators(response, artifact)
    start, end = byte_range or (0, artifact.size)
    response = _body(request, artifact, start, end, partial=byte_range is not None)
    response["Content-Length"] = str(end - start)
    if byte_range is not None:
        response["Content-Range"] = f"bytes {start}-{end - 1}/{artifact.size}"
    return _with_validators(response, artifact)


def _body(
    request: HttpRequest, artifact: Artifact, start: int, end: int, *, partial: bool
) -> HttpResponse:
    status = 206 if partial else 200
    if request.method == "HEAD":  # headers only: don't open the file at all
        response = HttpResponse(status=status, content_type="application/octet-stream")
    else:
        response = FileResponse(
            open_slice(artifact, start, end), status=status, content_type="application/octet-stream"
        )
        response.block_size = STREAM_BLOCK_BYTES
    response["Content-Disposition"] = content_disposition_header(
        True, PurePosixPath(artifact.path).name
    )
    return response


def _with_validators(response: HttpResponse, artifact: Artifact) -> HttpResponse:
    response["ETag"] = artifact.etag
    response["Last-Modified"] = http_date(artifact.last_modified.timestamp())
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = CACHE_CONTROL
    # RFC 3230 Digest for older clients, RFC 9530 Repr-Digest for newer ones, and the hex form
    # the manifest uses, so a script can compare without decoding anything.
    response["Digest"] = f"sha-256={artifact.digest}"
    response["Repr-Digest"] = f"sha-256=:{artifact.digest}:"
    response["X-Checksum-SHA256"] = artifact.sha256
    return response


def _not_modified(request: HttpRequest, artifact: Artifact) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
        return _etag_listed(if_none_match, artifact.etag, weak=True)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(artifact.last_modified.timestamp()) <= since


def _honoured_range(request: HttpRequest, artifact: Artifact) -> tuple[int, int] | None:
    """The range to send, or None for the whole file (no Range, or a stale If-Range)."""
    header = request.headers.get("Range")
    if header is None or not _if_range_holds(request.headers.get("If-Range"), artifact):
        return None
    return parse_range(header, artifact.size)


def _if_range_holds(if_range: str | None, artifact: Artifact) -> bool:
    """A resume is only safe against the same bytes: else the whole file is sent again."""
    if if_range is None:
        return True
    if if_range.strip().startswith(('"', "W/")):
        return if_range.strip() == artifact.etag  # strong comparison only
    return parse_http_date_safe(if_range) == int(artifact.last_modified.timestamp())


def _etag_listed(header: str, etag: str, *, weak: bool) -> bool:
    if header.strip() == "*":
        return True
    tags = [tag.strip() for tag in header.split(",")]
    if weak:
        tags = [tag.removeprefix("W/") for tag in tags]
    return etag in tags


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``[start, end)`` for one ``bytes=`` range; None when the header is to be ignored.

    Several ranges or a malformed header are ignored and the whole file is sent, which RFC 9110
    (14.2) allows: resuming clients ask for one open range, and multipart bodies would cost
    the constant-memory streaming for no real client.
    """
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # "bytes=-N": the last N bytes
        if int(last) == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - int(last)), size
    start = int(first)
    if start >= size:
        raise RangeNotSatisfiable(header)
    end = size if not last else min(int(last) + 1, size)
    return (start, end) if end > start else None


def open_slice(artifact: Artifact, start: int, end: int) -> BoundedReader:
    handle = open_stream(storages["datasets"], artifact.storage_name)
    if start:
        handle.seek(start)
    return BoundedReader(handle, end - start)


class BoundedReader:
    """Reads at most ``length`` bytes of an open file, then reports the end.

    ``fileno()`` is passed through so that gunicorn can ``sendfile(2)`` the slice: it sends
    Content-Length bytes from the descriptor's current offset, which ``seek`` has set.
    """

    def __init__(self, handle: IO[bytes], length: int) -> None:
        self._handle = handle
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        chunk = self._handle.read(size)
        self._left -= len(chunk)
        return chunk

    def fileno(self) -> int:
        return self._handle.fileno()

    def close(self) -> None:
        self._handle.close()
