"""Complaint columns as numpy arrays, from a valid Arrow block or straight from pydantic complaints.

Both give the same arrays: a field as `(values, valid)` (instants and numbers int64, 0 where
null; text an object array, None where null) and the pauses flattened `(owner, begin, end,
ended)`, sorted by begin within a row as `obligations.blocks` sorts them. The models' source
needs no pyarrow, so a small check does not pay for importing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np

from check_compliance.obligations.blocks import TIME_FIELDS
from check_compliance.obligations.clock import EPOCH
from check_compliance.obligations.records import Complaint

I64 = np.int64
_US = timedelta(microseconds=1)
Column = tuple[np.ndarray, np.ndarray]


class ArrowSource:
    """A valid block (`obligations.blocks.block_schema()`)."""

    def __init__(self, block: Any) -> None:
        self.block = block
        self.size = block.num_rows

    def column(self, name: str) -> Column:
        array = self.block.column(name)
        valid = ~np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        if name in TIME_FIELDS or name == "satisfaction":
            return np.asarray(array.fill_null(0).to_numpy(zero_copy_only=False), dtype=I64), valid
        return np.array(array.to_pylist(), dtype=object), valid

    def pauses(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        import pyarrow.compute as pc

        lists = self.block.column("pauses").combine_chunks()
        lengths = np.asarray(pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False), dtype=I64)
        flat = pc.list_flatten(lists)
        ends = flat.field("to")
        return (
            np.repeat(np.arange(self.size, dtype=I64), lengths),
            np.asarray(flat.field("from").to_numpy(zero_copy_only=False), dtype=I64),
            np.asarray(ends.fill_null(0).to_numpy(zero_copy_only=False), dtype=I64),
            ~np.asarray(ends.is_null().to_numpy(zero_copy_only=False), dtype=bool),
        )


class ModelSource:
    """Validated `Complaint` models, read field by field."""

    def __init__(self, complaints: Sequence[Complaint]) -> None:
        self.complaints = complaints
        self.size = len(complaints)

    def column(self, name: str) -> Column:
        values = [getattr(c, name) for c in self.complaints]
        valid = np.array([v is not None for v in values], dtype=bool)
        if name in TIME_FIELDS:
            return np.array([(v - EPOCH) // _US if v is not None else 0 for v in values], dtype=I64), valid
        if name == "satisfaction":
            return np.array([v if v is not None else 0 for v in values], dtype=I64), valid
        out = np.empty(self.size, dtype=object)
        out[:] = values
        return out, valid

    def pauses(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        owner: list[int] = []
        begin: list[int] = []
        end: list[int] = []
        ended: list[bool] = []
        for row, complaint in enumerate(self.complaints):
            for pause in sorted(complaint.pauses, key=lambda p: p.start):
                owner.append(row)
                begin.append((pause.start - EPOCH) // _US)
                end.append((pause.end - EPOCH) // _US if pause.end is not None else 0)
                ended.append(pause.end is not None)
        return np.array(owner, dtype=I64), np.array(begin, dtype=I64), np.array(end, dtype=I64), np.array(ended, dtype=bool)


def source_of(block: Any) -> Any:
    """The columns of a block: an Arrow table, or a source already."""
    return block if isinstance(block, (ArrowSource, ModelSource)) else ArrowSource(block)
