"""Where records come from: a file (JSON or JSON Lines, gzip or not) or standard input (`-`).

Every input is read in chunks through `_Reader`, which enforces the limits of `limits.py` as it
goes (a gzip bomb, `/dev/zero`, an endless stdin stop within seconds, in bounded memory), and
skips runs of blank lines without handing each one on.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, Optional, Union

from check_compliance.obligations.errors import InputError, Problem, excerpt
from check_compliance.obligations.jsontext import BadJson, parse_json
from check_compliance.obligations.limits import MAX_COMPRESSION_RATIO, MAX_DOCUMENT_BYTES, MAX_INPUT_BYTES, MAX_LINE_BYTES, RATIO_FROM_BYTES
from check_compliance.obligations.loading import parse_records, validate_records
from check_compliance.obligations.quarantine import Quarantined
from check_compliance.obligations.records import Records
from check_compliance.obligations.stream import RecordStream

Progress = Callable[[int], None]
CHUNK = 1 << 20  # bytes read at a time


def open_records(path: Union[str, Path], progress: Optional[Progress] = None, quarantine: Optional[list[Quarantined]] = None) -> Union[Records, RecordStream]:
    """Records from `path`: JSON Lines come back as a stream read lazily, a JSON document whole.

    `.jsonl` (and `.jsonl.gz`) is JSON Lines, `.gz` is decompressed on the fly, `-` is standard
    input, where JSON Lines are told from a document by their first line. With `quarantine` (a
    list), invalid complaints are appended to it, as `Quarantined` items, instead of stopping the
    load (for a stream: as it is read).
    """
    source = str(path)
    reader = _Reader(_open(source), source, compressed=source.endswith(".gz"))
    name = source[:-3] if source.endswith(".gz") else source
    if name.endswith(".jsonl") or (source == "-" and _is_record_line(reader.first_line())):
        return RecordStream(reader.lines(), source, progress, quarantine=quarantine, numbered=True)
    reader.refuse_non_object()
    return parse_records(reader.document(), source, quarantine)


def load_records(source: Union[str, Path, Mapping[str, Any]], name: Optional[str] = None, quarantine: Optional[list[Quarantined]] = None) -> Records:
    """`Records` from a records file (JSON or JSON Lines, gzipped or not; `-` is standard input),
    read whole, or from a parsed document (a mapping as in RECORDS.md), validated and checked for
    consistency. `name` is what errors call the source (default: the path, or `<records>`).
    With `quarantine` (a list) invalid complaints are set aside into it and the rest returned."""
    if isinstance(source, Mapping):
        return validate_records(dict(source), name or "<records>", quarantine)
    records = open_records(source, quarantine=quarantine)
    return records.to_records() if isinstance(records, RecordStream) else records


def input_size(path: Union[str, Path]) -> Optional[int]:
    """Bytes to read, for a progress bar: the file's size, or None (stdin, compressed)."""
    source = str(path)
    if source == "-" or source.endswith(".gz"):
        return None
    try:
        return Path(source).stat().st_size
    except OSError:
        return None


def _open(source: str) -> BinaryIO:
    if source == "-":
        return sys.stdin.buffer
    if Path(source).is_dir():
        raise InputError(source, [Problem("", "is a directory, not a records file")])
    try:
        return open(source, "rb")  # closed once read (a stream: at its end, or when dropped)
    except OSError as error:
        raise InputError(source, [Problem("", f"cannot read: {error.strerror or error}")]) from None


class _Reader:
    """An input read in chunks, every limit checked on each: total size, compression ratio, line length."""

    def __init__(self, raw: BinaryIO, source: str, compressed: bool) -> None:
        self.source = source
        self._raw = raw
        self._compressed = compressed
        self._stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw  # type: ignore[assignment]
        self._buffer = b""  # read, not yet handed on
        self._total = 0
        self._max_input = MAX_INPUT_BYTES.value
        self._max_line = MAX_LINE_BYTES.value
        self._max_ratio = MAX_COMPRESSION_RATIO.value
        self._ratio_from = RATIO_FROM_BYTES.value
        self._ended = False

    def _chunk(self) -> bytes:
        if self._ended:
            return b""
        try:
            chunk = self._stream.read(CHUNK)
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(self.source, [Problem("", f"cannot read: {error}")]) from None
        if not chunk:
            self._ended = True
            self._close()
            return b""
        self._total += len(chunk)
        if self._total > self._max_input:
            self._fail(MAX_INPUT_BYTES.exceeded(f"the input ({self._total:,} bytes read so far)"))
        if self._compressed and self._total > self._ratio_from:
            ratio = self._total / max(1, self._compressed_read())
            if ratio > self._max_ratio:
                self._fail(MAX_COMPRESSION_RATIO.exceeded(f"the compressed input, which expands {ratio:,.0f} times (a gzip bomb?),"))
        return chunk

    def _compressed_read(self) -> int:
        try:
            return self._raw.tell()
        except OSError:  # a pipe: the decompressed total alone bounds it
            return self._total

    def _close(self) -> None:
        # What open_records opened is closed at the end, on a refusal, or when a stream is dropped.
        if self._stream is not self._raw:
            self._stream.close()
        if self._raw is not sys.stdin.buffer:
            self._raw.close()

    def _fail(self, message: str, line: Optional[int] = None) -> None:
        self._ended = True
        self._close()
        raise InputError(self.source, [Problem("", message, line=line)])

    def first_line(self) -> bytes:
        """The first line (at most MAX_LINE_BYTES of it), kept for what is read next."""
        while b"\n" not in self._buffer and len(self._buffer) <= self._max_line:
            chunk = self._chunk()
            if not chunk:
                break
            self._buffer += chunk
        return self._buffer.split(b"\n", 1)[0][: self._max_line]

    def refuse_non_object(self) -> None:
        """A JSON document is an object: refuse anything else from its first bytes, not after
        reading a gigabyte of zeros."""
        while not self._buffer.strip() and not self._ended:
            if len(self._buffer) > CHUNK:  # blanks before the document: no need to hold them
                self._buffer = b""
            self._buffer += self._chunk()
        head = self._buffer.lstrip()[:24]
        if head and not head.startswith(b"{"):
            printable = 0x20 < head[0] < 0x7F
            shown = excerpt(head.decode("utf-8", "replace"), 20) if printable else f"byte 0x{head[0]:02x}"
            self._fail(f"not a records document: expected a JSON object ('{{'), but the text starts with {shown}")

    def document(self) -> bytes:
        """The whole input (a JSON document), refused past MAX_DOCUMENT_BYTES."""
        limit = MAX_DOCUMENT_BYTES.value
        chunks, size, chunk = [], 0, self._buffer
        self._buffer = b""
        while chunk:
            size += len(chunk)
            if size > limit:
                self._fail(MAX_DOCUMENT_BYTES.exceeded("the JSON document") + " (or give JSON Lines, which are read as a stream)")
            chunks.append(chunk)
            chunk = self._chunk()
        return b"".join(chunks)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """The non-blank lines, each with its 1-based number; a line past MAX_LINE_BYTES stops the read."""
        number, pending, first = 0, b"", self._buffer
        self._buffer = b""
        try:
            yield from self._numbered(number, pending, first)
        finally:
            self._close()

    def _numbered(self, number: int, pending: bytes, first: bytes) -> Iterator[tuple[int, bytes]]:
        while True:
            chunk, first = first or self._chunk(), b""
            if not chunk:
                break
            if not pending and not chunk.strip():
                number += chunk.count(b"\n")  # a run of blank lines, skipped at C speed
                continue
            parts = (pending + chunk).split(b"\n")
            pending = parts.pop()
            for part in parts:
                number += 1
                if len(part) > self._max_line:
                    self._fail(MAX_LINE_BYTES.exceeded(f"a line of {len(part):,} bytes"), number)
                if part.strip():
                    yield number, part
            if len(pending) > self._max_line:
                self._fail(MAX_LINE_BYTES.exceeded(f"a line of more than {self._max_line:,} bytes"), number + 1)
        if pending.strip():
            yield number + 1, pending


def _is_record_line(line: bytes) -> bool:
    try:
        record = parse_json(line)
    except BadJson:
        return False
    return isinstance(record, dict) and "type" in record
