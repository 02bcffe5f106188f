"""A file in bounded blocks of whole lines, and the proof that each line is one JSON object.

Blocks are read with `os.pread` (no mmap: mapped pages count as the process's memory) and cut at
the last newline, so no line is split. pyarrow's JSON reader accepts a few things a JSON parser
must refuse, and skips or merges lines; what it would hide is found here, by bytes, before it
reads: a blank or indented line, a line not starting with `{`, `NaN`/`Infinity`, invalid UTF-8,
and nesting deeper than orjson allows (only a long line can nest that deep).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from check_compliance.obligations.reading import NotProven

BLOCK_BYTES = 8 << 20
_LONG_LINE = 2048  # below this a line cannot nest 1,024 deep: orjson's limit needs 2 bytes a level
_NEWLINE = ord("\n")


@dataclass(frozen=True)
class Block:
    """Whole lines of a file: `data` ends with a newline; `first` is the 1-based number of its first line."""

    data: bytes
    first: int
    offset: int  # of `data` in the file
    starts: np.ndarray  # offset of each line in `data`
    ends: np.ndarray  # offset of each line's newline

    @property
    def lines(self) -> int:
        return len(self.starts)

    def line(self, i: int) -> bytes:
        return self.data[self.starts[i]:self.ends[i]]


def blocks(fd: int, start: int, end: int, first_line: int, size: int = BLOCK_BYTES) -> Iterator[Block]:
    """The lines of bytes `[start, end)` of `fd` (which begin at a line) in blocks of about `size` bytes."""
    offset, line = start, first_line
    carry = b""
    while offset < end or carry:
        chunk = os.pread(fd, min(size, end - offset), offset) if offset < end else b""
        offset += len(chunk)
        data = carry + chunk
        if not data:
            return
        base = offset - len(data)
        cut = data.rfind(b"\n") + 1
        if offset >= end or not chunk:
            if cut != len(data):
                data += b"\n"  # a last line without its newline
            cut = len(data)
        elif cut == 0:
            carry = data  # one line longer than a block: read on
            continue
        data, carry = data[:cut], data[cut:]
        block = _block(data, line, base)
        line += block.lines
        yield block


def _block(data: bytes, first: int, offset: int) -> Block:
    view = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(view == _NEWLINE)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    return Block(data, first, offset, starts, ends)


def prove_lines(block: Block) -> None:
    """Raise `NotProven` unless pyarrow will read exactly one row per line, as orjson would."""
    view = np.frombuffer(block.data, dtype=np.uint8)
    if np.any(block.ends == block.starts) or np.any(view[block.starts] != ord("{")):
        raise NotProven("a blank line, or a line that does not start with an object")
    if view.max(initial=0) >= 0x80:
        try:
            block.data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotProven("invalid UTF-8") from error
    suspects = set()
    for word in (b"NaN", b"Infinity"):
        at = block.data.find(word)
        while at >= 0:
            suspects.add(int(np.searchsorted(block.ends, at)))
            at = block.data.find(word, at + 1)
    suspects.update(np.flatnonzero(block.ends - block.starts >= _LONG_LINE).tolist())
    limits = input_limits()
    if limits is not None:
        if int((block.ends - block.starts).max(initial=0)) > limits.MAX_LINE_BYTES.value:
            raise NotProven("a line past MAX_LINE_BYTES")
        # A line cannot nest deeper than it has brackets: only lines with more than MAX_DEPTH
        # of them need the reference parser's depth count.
        opens = ((view == ord("{")) | (view == ord("["))).astype(np.int32)
        deep = np.add.reduceat(opens, block.starts) > limits.MAX_DEPTH.value
        suspects.update(np.flatnonzero(deep).tolist())
    for i in sorted(suspects):
        try:
            orjson.loads(block.line(i))
        except orjson.JSONDecodeError as error:
            raise NotProven(f"line {block.first + i} is not JSON orjson reads") from error
        if limits is not None:
            jsontext = importlib.import_module("check_compliance.obligations.jsontext")
            try:
                jsontext.parse_json(block.line(i))
            except jsontext.BadJson as error:
                raise NotProven(f"line {block.first + i} is refused by the reference parser") from error


def input_limits() -> Any:
    """obligations/limits.py (the input limits the reference path enforces), if this tree has it.

    The fast path must refuse nothing the reference path accepts and accept nothing it refuses:
    past a limit it steps aside, and the reference path words the refusal. Until the limits reach
    this branch (they are the "records" work), there is nothing to enforce.
    """
    # By name, so that this module type-checks with or without them (static imports once merged).
    try:
        return importlib.import_module("check_compliance.obligations.limits")
    except ImportError:
        return None
