"""Raw complaint blocks → valid blocks (obligations/blocks.py), by column; rows in doubt through pydantic.

Every test here is one the pydantic models or `Consistency` make, done on whole columns. A row the
columns cannot settle — a time not in the strict ISO shape, a naive time in a DST gap or a failed
cast, more than one pause (their overlaps) — is validated on its own with `Complaint` and
`Consistency`, exactly as the reference path would. A row that is invalid, by either, ends the fast
path (`NotProven`): the reference path then reads the input and words every problem as today.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from check_compliance.obligations.blocks import FIELD_ORDER, TIME_FIELDS, block_schema, from_complaints
from check_compliance.obligations.consistency import Consistency
from check_compliance.obligations.reading import NotProven
from check_compliance.obligations.records import Complaint

_DATE = r"[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
_WITH_OFFSET = "^" + _DATE + r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
_NAIVE = "^" + _DATE + "$"
_EVENTS = ("registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at")
_ALLOWED = {"urgency": ("urgent", "high", "normal", "low"), "status": ("open", "resolved", "closed", "withdrawn")}


class _Times:
    """One column of ISO texts as UTC microseconds: `us` where `has`, and the rows in `doubt`."""

    def __init__(self, texts: pa.Array, zone_name: str) -> None:
        n = len(texts)
        self.us = np.zeros(n, dtype=np.int64)
        self.has = np.asarray(texts.is_valid(), dtype=bool)
        self.doubt = np.zeros(n, dtype=bool)
        if not self.has.any():
            return
        offset = np.asarray(pc.fill_null(pc.match_substring_regex(texts, _WITH_OFFSET), False), dtype=bool)
        naive = np.asarray(pc.fill_null(pc.match_substring_regex(texts, _NAIVE), False), dtype=bool)
        self.doubt = self.has & ~(offset | naive)
        for mask, read in ((offset, _aware), (naive, lambda t: _local(t, zone_name))):
            if not mask.any():
                continue
            try:
                self.us[mask] = read(texts.filter(pa.array(mask)))
            except (pa.ArrowException, ValueError):
                self.doubt |= mask  # a day that does not exist, a wall time in a gap: pydantic decides


def _aware(texts: pa.Array) -> np.ndarray:
    return np.asarray(texts.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()))


def _local(texts: pa.Array, zone_name: str) -> np.ndarray:
    # `earliest` is Python's fold=0 (what `replace(tzinfo=zone)` gives) for a repeated wall time.
    local = pc.assume_timezone(texts.cast(pa.timestamp("us")), zone_name, ambiguous="earliest", nonexistent="raise")
    return np.asarray(local.cast(pa.int64()))


def valid_block(raw: pa.Table, line: Callable[[int], bytes], zone: tzinfo, zone_name: str) -> tuple[pa.Table, pa.Array]:
    """The valid block of `raw` (RAW_SCHEMA rows) and its ids; `line(i)` is row i's source text."""
    n = raw.num_rows
    col = {name: raw.column(name).combine_chunks() for name in raw.column_names}
    _require(pc.all(col["id"].is_valid()).as_py() and pc.all(col["received_at"].is_valid()).as_py(), "id or received_at missing")
    _require(pc.all(col["status"].is_valid()).as_py(), "status missing")
    for name, allowed in _ALLOWED.items():
        known = pc.is_in(col[name], value_set=pa.array(allowed))
        _require(pc.all(pc.or_kleene(known, col[name].is_null())).as_py(), f"{name} outside its set")
    satisfaction = col["satisfaction"]
    _require(pc.all(pc.fill_null(pc.and_(pc.greater_equal(satisfaction, 1), pc.less_equal(satisfaction, 5)), True)).as_py(), "satisfaction outside 1-5")

    times = {name: _Times(col[name], zone_name) for name in TIME_FIELDS}
    doubt = np.logical_or.reduce([t.doubt for t in times.values()])

    pauses = col["pauses"]
    counts = np.asarray(pc.fill_null(pc.list_value_length(pauses), 0), dtype=np.int64)
    items = pauses.flatten()
    _require(items.null_count == 0, "a pause that is not an object")
    starts = _Times(items.field("from"), zone_name)
    ends = _Times(items.field("to"), zone_name)
    _require(bool(starts.has.all()), "a pause without from")
    parent = np.repeat(np.arange(n), counts)
    doubt[parent[starts.doubt | ends.doubt]] = True
    doubt |= counts > 1  # overlaps between a complaint's pauses: Consistency decides

    _consistent(times, counts, starts, ends, parent, col["status"], ~doubt)

    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    schema = block_schema()
    pause_type = schema.field("pauses").type
    struct = pa.StructArray.from_arrays(
        [pa.array(starts.us), pa.array(ends.us, mask=~ends.has)], fields=list(pause_type.value_type)
    )
    columns: dict[str, Any] = {"row": col["row"]}
    for name in FIELD_ORDER:
        if name in TIME_FIELDS:
            columns[name] = pa.array(times[name].us, mask=~times[name].has)
        elif name == "pauses":
            columns[name] = pa.ListArray.from_arrays(pa.array(offsets), struct, type=pause_type)
        else:
            columns[name] = col[name]
    block = pa.Table.from_pydict(columns, schema=schema)
    if doubt.any():
        rows = np.flatnonzero(doubt)
        checked = from_complaints([_reference(line(int(i)), zone) for i in rows], rows=col["row"].take(pa.array(rows)).to_pylist())
        block = pa.concat_tables([block.filter(pa.array(~doubt)), checked]).sort_by("row")
    return block, col["id"]


def _consistent(times: dict[str, _Times], counts: np.ndarray, starts: _Times, ends: _Times, parent: np.ndarray, status: pa.Array, fast: np.ndarray) -> None:
    """OBLIGATIONS.md's consistency of one complaint, on the rows in `fast` (the rest go through `Consistency`)."""
    received = times["received_at"].us
    for name in _EVENTS:
        t = times[name]
        _require(not np.any(fast & t.has & (t.us < received)), f"{name} before received_at")
    resolved = times["resolved_at"]
    for name in ("feedback_at", "archived_at"):
        t = times[name]
        _require(not np.any(fast & resolved.has & t.has & (t.us < resolved.us)), f"{name} before resolved_at")
    closing = np.asarray(pc.fill_null(pc.is_in(status, value_set=pa.array(["resolved", "closed"])), False), dtype=bool)
    _require(not np.any(fast & closing & ~resolved.has), "resolved or closed without resolved_at")
    on = fast[parent]
    _require(not np.any(on & (starts.us < received[parent])), "a pause before received_at")
    _require(not np.any(on & ends.has & (ends.us < starts.us)), "a pause ending before it starts")


def _reference(text: bytes, zone: tzinfo) -> Complaint:
    raw = orjson.loads(text)
    raw.pop("type", None)
    try:
        complaint = Complaint.model_validate(raw, context={"zone": zone})
    except ValidationError as error:
        raise NotProven("an invalid complaint") from error
    _require(not Consistency(zone).record("complaints", 0, complaint), "an inconsistent complaint")
    return complaint


def _require(holds: bool, what: str) -> None:
    if not holds:
        raise NotProven(what)


__all__ = ["valid_block"]
