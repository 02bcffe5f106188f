"""The fast readers: JSON Lines and JSON documents in the common layout, read as blocks of columns.

`open_export(path)` is the one routing function. It gives a `BlockExport` (obligations/reading/
export.py) when the file is one the fast path can read — a plain file (not standard input, not
gzipped) of JSON Lines whose first line is the contract, or a JSON document with one complaint a
line inside `"complaints": [` … `]` — and the reference path's `Records` or `RecordStream`
(obligations/sources.py) otherwise. A check that meets `NotProven` on a `BlockExport` starts again
on `reference()`: the fast path never words an error itself, so every message is today's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:
    from check_compliance.obligations.reading.export import BlockExport
    from check_compliance.obligations.records import Records
    from check_compliance.obligations.stream import RecordStream

FAST_FROM = 1 << 20  # smaller files take the reference path: pyarrow's import costs more than it saves
_MARKER = "\x00complaints"
_OPENINGS = (b'"complaints":[\n', b'"complaints": [\n')
_SCAN = 8 << 20

__all__ = ["NotProven", "is_block_export", "open_export"]


class NotProven(Exception):
    """The fast path cannot prove this input valid: the reference path reads it instead (and words any error).

    Internal: a check catches it and starts again on the reference path; it never leaves the library.
    """


def is_block_export(records: object) -> bool:
    """Whether `records` came from the fast path (without importing pyarrow for a check that did not)."""
    module = sys.modules.get("check_compliance.obligations.reading.export")
    return module is not None and isinstance(records, module.BlockExport)


def open_export(path: Union[str, Path], progress: Optional[Callable[[int], None]] = None, fast_from: Optional[int] = None) -> Union[BlockExport, Records, RecordStream]:
    """The records of `path` on the fast path when it can take them, else on the reference path
    (which alone reports `progress`)."""
    from check_compliance.obligations.sources import open_records

    source = str(path)
    if source != "-" and not source.endswith(".gz"):
        try:
            size = os.stat(source).st_size
            if size >= (FAST_FROM if fast_from is None else fast_from) and os.path.isfile(source) and _within_limits(source, size):
                if source.endswith(".jsonl"):
                    return _jsonl(source, size)
                return _document(source, size)
        except (OSError, NotProven):
            pass
    return open_records(source, progress)


def _within_limits(path: str, size: int) -> bool:
    from check_compliance.obligations.reading.lines import input_limits

    limits = input_limits()
    if limits is None:
        return True
    biggest = limits.MAX_INPUT_BYTES.value if path.endswith(".jsonl") else min(limits.MAX_INPUT_BYTES.value, limits.MAX_DOCUMENT_BYTES.value)
    return size <= biggest  # past it the reference path refuses the file, in its words


def _jsonl(path: str, size: int) -> BlockExport:
    from check_compliance.obligations.reading.export import BlockExport, Span, parse_contract

    with open(path, "rb") as handle:
        first = handle.readline()
    if not first.endswith(b"\n"):
        raise NotProven("one line only")
    contract, as_of = parse_contract(first, path)
    return BlockExport(path, "jsonl", contract, as_of, Span(len(first), size, 2, commas=False, stop=size), shell_lines=[first])


def _document(path: str, size: int) -> BlockExport:
    import orjson

    from check_compliance.obligations.errors import InputError
    from check_compliance.obligations.loading import validate_records
    from check_compliance.obligations.reading.export import BlockExport, Span

    fd = os.open(path, os.O_RDONLY)
    try:
        start, end = _span(fd, size)
        head = os.pread(fd, start, 0)
        tail = os.pread(fd, size - end, end)
    finally:
        os.close(fd)
    try:
        document = orjson.loads(head + orjson.dumps(_MARKER) + b"\n" + tail)
    except orjson.JSONDecodeError as error:
        raise NotProven("the rest of the document") from error
    # The marker stands exactly where the top-level `complaints` list is (JSON text has no raw
    # newline inside a string, and a later duplicate key would replace it): else, not this layout.
    if not isinstance(document, dict) or document.get("complaints") != [_MARKER]:
        raise NotProven("not the common layout")
    document["complaints"] = []
    try:
        shell = validate_records(document, path)
    except InputError as error:
        raise NotProven("an invalid record outside the complaints") from error
    if shell.as_of is None:
        # The CLI cautions when as_of defaults to now long after the data: it reads `Records` for that.
        raise NotProven("a document without as_of")
    export = BlockExport(path, "json", shell.contract, shell.as_of, Span(start, end, 0, commas=True, stop=end))
    export.channels, export.evaluations, export.reports, export.disclosures = shell.channels, shell.evaluations, shell.reports, shell.disclosures
    return export


def _span(fd: int, size: int) -> tuple[int, int]:
    """Bytes `[start, end)` of the complaint lines: after `"complaints":[` and its newline, up to the line starting with `]`."""
    offset, start, carry = 0, -1, b""
    while offset < size:
        chunk = os.pread(fd, _SCAN, offset)
        data = carry + chunk
        base = offset - len(carry)
        if start < 0:
            found = [(data.find(o), o) for o in _OPENINGS if data.find(o) >= 0]
            if found:
                at, opening = min(found)
                start = base + at + len(opening)
        if start >= 0:
            at = data.find(b"\n]", max(0, start - base - 1))
            if at >= 0:
                if start == base + at + 1:
                    raise NotProven("an empty complaints list")
                return start, base + at + 1
        carry = data[-16:]
        offset += len(chunk)
    raise NotProven("no complaints list one complaint a line")
