"""A records file read by the fast path: the small lists validated whole, complaints as valid blocks.

`BlockExport` is what a check reads (the `Export` of engine/facts.py): `complaint_blocks()` yields
the complaints as valid blocks (obligations/blocks.py) one bounded block at a time, `complaints`
the same as models; once they have been read, `channels`, `evaluations`, `reports` and
`disclosures` hold the rest and `finish()` checks what needs every complaint (duplicate ids).
Anything it cannot prove valid raises `NotProven` — then `reference()` is the same file on the
reference path, which gives today's exact result or messages.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Optional, TypeVar, Union

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from check_compliance.obligations.blocks import FIELD_ORDER, TIME_FIELDS, raw_schema
from check_compliance.obligations.clock import EPOCH
from check_compliance.obligations.errors import InputError
from check_compliance.obligations.reading import NotProven
from check_compliance.obligations.reading.complaints import valid_block
from check_compliance.obligations.reading.lines import BLOCK_BYTES, Block, blocks, prove_lines
from check_compliance.obligations.records import Channel, Complaint, Contract, Disclosure, Evaluation, Pause, Records, Report
from check_compliance.obligations.stream import RecordStream

_PARSE_BYTES = 1 << 20  # pyarrow parses 1 MB pieces faster than one 8 MB piece (measured: 0.10 s against 0.21 s for 20k lines)

_M = TypeVar("_M", Complaint, Pause)

# The input limits (obligations/limits.py) are enforced where the bytes are: lines.prove_lines
# (line length, nesting) and the routing function (file sizes).


@dataclass
class Span:
    """Where a file's complaints are: bytes `[start, end)`, one complaint a line, the first numbered `first`."""

    start: int
    end: int
    first: int
    commas: bool  # a document's list: every line but the last ends in `,`
    stop: int  # where the whole list ends (a share's `end` may come before)


@dataclass
class BlockExport:
    """Records whose complaints come in valid blocks; see the module docstring."""

    path: str
    kind: str  # "jsonl" or "json"
    contract: Contract
    as_of: Optional[datetime]
    span: Span
    shell_lines: list[bytes] = field(default_factory=list)  # JSON Lines: the contract line, then the other records met
    channels: list[Channel] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)
    block_bytes: int = BLOCK_BYTES
    ids: list[pa.Array] = field(default_factory=list)
    whole: bool = True  # False for a worker's share: the parent validates the other records, once

    def share(self, start: int, end: int, first: int) -> BlockExport:
        """The same export limited to complaint bytes `[start, end)` (a worker's share)."""
        return replace(self, span=replace(self.span, start=start, end=end, first=first), shell_lines=list(self.shell_lines[:1]), ids=[], whole=False)

    def complaint_blocks(self) -> Iterator[pa.Table]:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            for block in blocks(fd, self.span.start, self.span.end, self.span.first, self.block_bytes):
                yield self._valid(block)
        finally:
            os.close(fd)
        if self.kind == "jsonl" and self.whole:
            self.validate_shell()

    @property
    def complaints(self) -> Iterator[Complaint]:
        for block in self.complaint_blocks():
            yield from complaints_of(block)

    def finish(self) -> None:
        """Raise `NotProven` if two complaints share an id (the reference path says which)."""
        if self.ids:
            ids = pa.chunked_array(self.ids)
            if len(ids.unique()) != len(ids):
                raise NotProven("duplicate complaint ids")

    def reference(self) -> Union[Records, RecordStream]:
        from check_compliance.obligations.sources import open_records

        return open_records(self.path)

    def _valid(self, block: Block) -> pa.Table:
        data = block.data
        if self.span.commas:
            block, data = _uncomma(block, self.span.stop)
        prove_lines(block)
        schema = raw_schema().remove(0)
        if self.kind == "jsonl":
            schema = schema.append(pa.field("type", pa.string()))
        try:
            raw = pj.read_json(
                io.BytesIO(data),
                read_options=pj.ReadOptions(block_size=_PARSE_BYTES, use_threads=False),
                # `infer`, not `ignore`: only then does pyarrow refuse a key given twice among the
                # extra fields too (measured: no slower). Extras of a changing type step aside.
                parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer", newlines_in_values=False),
            )
        except (pa.ArrowException, UnicodeDecodeError) as error:
            raise NotProven("a line pyarrow cannot read in the schema") from error
        if raw.num_rows != block.lines:
            raise NotProven("a line holding more than one object")
        raw = raw.select(schema.names)  # the extras were read only to be proven single
        rows = pa.array(range(block.first, block.first + block.lines), pa.int64())
        raw = raw.add_column(0, "row", rows)
        lines = None
        if self.kind == "jsonl":
            is_complaint = pc.fill_null(pc.equal(raw.column("type"), "complaint"), False)
            mask = np.asarray(is_complaint, dtype=bool)
            self.shell_lines += [block.line(int(i)) for i in np.flatnonzero(~mask)]
            raw = raw.filter(is_complaint).drop_columns(["type"])
            lines = np.flatnonzero(mask)  # row i of `raw` is line lines[i] of the block
        valid, ids = valid_block(raw, (lambda i: block.line(int(lines[i]) if lines is not None else i)), self.contract.zone, self.contract.timezone)
        self.ids.append(ids)
        return valid

    def validate_shell(self) -> None:
        try:
            shell = RecordStream(self.shell_lines, self.path).to_records()
        except InputError as error:
            raise NotProven("an invalid record") from error
        self.channels, self.evaluations, self.reports, self.disclosures = shell.channels, shell.evaluations, shell.reports, shell.disclosures


def _uncomma(block: Block, end: int) -> tuple[Block, bytes]:
    """A document's complaint lines without their list commas (the span's last line has none)."""
    buffer = np.frombuffer(bytearray(block.data), dtype=np.uint8)
    last = block.ends - 1
    has = buffer[last] == ord(",")
    final = block.offset + int(block.ends[-1]) + 1 == end  # this block holds the list's last line
    if not has[:-1].all() or has[-1] == final:
        raise NotProven("the complaints list is not one complaint a line, separated by commas")
    buffer[last[has]] = ord(" ")
    data = buffer.tobytes()
    return replace(block, data=data), data


def complaints_of(block: pa.Table) -> list[Complaint]:
    """The complaints of a valid block as models, without validating them again (they are valid).

    Built as pydantic's `model_construct` builds them, minus its per-field work: 4 µs a complaint
    against 24 (the fact builder reads models until facts are built by column).
    """
    columns = {name: block.column(name).to_pylist() for name in FIELD_ORDER}
    for name in TIME_FIELDS:
        columns[name] = [_instant(v) for v in columns[name]]
    columns["pauses"] = [[_constructed(Pause, {"start": EPOCH + timedelta(microseconds=p["from"]), "end": _instant(p["to"])}) for p in pauses] for pauses in columns["pauses"]]
    return [_constructed(Complaint, dict(zip(FIELD_ORDER, values))) for values in zip(*(columns[name] for name in FIELD_ORDER))]


def _constructed(model: type[_M], values: dict) -> _M:
    # What `model_construct` sets for a model with every field given and no extras.
    item = object.__new__(model)
    object.__setattr__(item, "__dict__", values)
    object.__setattr__(item, "__pydantic_fields_set__", set(values))
    object.__setattr__(item, "__pydantic_extra__", {})
    object.__setattr__(item, "__pydantic_private__", None)
    return item


def _instant(value: Optional[int]) -> Optional[datetime]:
    return EPOCH + timedelta(microseconds=value) if value is not None else None


def parse_contract(line: bytes, path: str) -> tuple[Contract, Optional[datetime]]:
    """The first line of JSON Lines as the contract and `as_of`, or `NotProven`."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise NotProven("the first line is not JSON") from error
    if not isinstance(record, dict) or record.get("type") != "contract":
        raise NotProven("the first line is not the contract")
    try:
        shell = RecordStream([line], path).to_records()
    except InputError as error:
        raise NotProven("an invalid contract") from error
    return shell.contract, shell.as_of
