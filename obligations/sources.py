"""Where records come from: a file (JSON or JSON Lines, gzip or not) or standard input (`-`)."""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, Optional, Union

from check_compliance.obligations.errors import InputError, Problem
from check_compliance.obligations.loading import parse_records, validate_records
from check_compliance.obligations.records import Records
from check_compliance.obligations.stream import RecordStream

Progress = Callable[[int], None]


def open_records(path: Union[str, Path], progress: Optional[Progress] = None) -> Union[Records, RecordStream]:
    """Records from `path`: JSON Lines come back as a stream read lazily, a JSON document whole.

    `.jsonl` (and `.jsonl.gz`) is JSON Lines, `.gz` is decompressed on the fly, `-` is standard
    input, where JSON Lines are told from a document by their first line.
    """
    source = str(path)
    raw = _open(source)
    stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if source.endswith(".gz") else raw  # type: ignore[assignment]
    name = source[:-3] if source.endswith(".gz") else source
    try:
        first = _first_line(stream, source)
        if name.endswith(".jsonl") or (source == "-" and _is_record_line(first)):
            # The stream closes its file when read to the end (or given up).
            return RecordStream(_lines(first, stream, source, _closing(raw, stream)), source, progress)
        rest = _read(stream, source)
    except BaseException:
        _closing(raw, stream)()
        raise
    _closing(raw, stream)()
    try:
        text = (first + rest).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(source, [Problem("", f"not UTF-8 text ({error.reason} at byte {error.start})")]) from None
    return parse_records(text, source)


def load_records(source: Union[str, Path, Mapping[str, Any]], name: Optional[str] = None) -> Records:
    """`Records` from a records file (JSON or JSON Lines, gzipped or not; `-` is standard input),
    read whole, or from a parsed document (a mapping as in RECORDS.md), validated and checked for
    consistency. `name` is what errors call the source (default: the path, or `<records>`)."""
    if isinstance(source, Mapping):
        return validate_records(dict(source), name or "<records>")
    records = open_records(source)
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
    try:
        return open(source, "rb")  # closed once read (a stream: at its end, or when dropped)
    except OSError as error:
        raise InputError(source, [Problem("", f"cannot read: {error.strerror or error}")]) from None


def _first_line(stream: BinaryIO, source: str) -> bytes:
    try:
        return stream.readline()
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(source, [Problem("", f"cannot read: {error}")]) from None


def _read(stream: BinaryIO, source: str) -> bytes:
    try:
        return stream.read()
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(source, [Problem("", f"cannot read: {error}")]) from None


def _lines(first: bytes, stream: BinaryIO, source: str, close: Callable[[], None]) -> Iterator[bytes]:
    try:
        yield first
        yield from stream
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(source, [Problem("", f"cannot read: {error}")]) from None
    finally:
        close()


def _closing(raw: BinaryIO, stream: BinaryIO) -> Callable[[], None]:
    """Closes what `open_records` opened: the decompressor and the file, never standard input."""
    def close() -> None:
        if stream is not raw:
            stream.close()
        if raw is not sys.stdin.buffer:
            raw.close()
    return close


def _is_record_line(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(record, dict) and "type" in record

