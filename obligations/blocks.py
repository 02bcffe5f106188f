"""Complaints as blocks of columns: the contract between the readers, the mappings and the engine.

Two shapes, both `pyarrow.Table`s with the columns below, in this order:

- **raw** (`RAW_SCHEMA`): complaints as an export states them, before validation — what the JSON
  and JSON Lines readers and a mapping's fold produce. Times are the ISO 8601 text of RECORDS.md
  (an offset, or none: the contract's zone), `satisfaction` is a number, `pauses` a list of
  `{from, to}` texts. A reader that cannot represent a row's value in this schema (a number where
  text belongs, a nested object) hands that row to the reference path (the pydantic models),
  which gives the exact message.
- **valid** (`BLOCK_SCHEMA`): the same complaints validated and checked for consistency — the
  input of fact building. Instants are int64 microseconds since the epoch, UTC (exact, and
  what the facts compare); text is stripped of nothing (the fact builder decides what blank
  means); `pauses` are sorted by `from`, a running pause has a null `to`.

Both carry `row`: where the complaint stands in its source (its 1-based line in JSON Lines, its
index in a document's `complaints` list, its first source row in a mapped export), for error
messages and to keep input order. Extra fields of a complaint are not columns: they are kept only
by the pydantic models, and never judged.

`from_complaints` builds a valid block from pydantic `Complaint`s (the library's `check(records)`
on `Records`, small inputs, and the tests' reference); `to_complaints` is its inverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Optional

from check_compliance.obligations.clock import EPOCH, micros
from check_compliance.obligations.records import Complaint

if TYPE_CHECKING:
    import pyarrow as pa

# Complaint fields in RECORDS.md order, by the kind of value they hold.
TEXT_FIELDS = ("id", "channel", "category", "urgency", "status")
TIME_FIELDS = ("received_at", "registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at")
FIELD_ORDER = ("id", "channel", "received_at", "category", "urgency", "registered_at", "first_response_at",
               "resolved_at", "feedback_at", "archived_at", "status", "satisfaction", "pauses")


def _pa() -> Any:
    # pyarrow is imported only where columns are built: a small check should not pay for it.
    import pyarrow

    return pyarrow


def raw_schema() -> pa.Schema:
    pa = _pa()
    fields = [pa.field("row", pa.int64(), nullable=False)]
    for name in FIELD_ORDER:
        if name == "satisfaction":
            fields.append(pa.field(name, pa.int64()))
        elif name == "pauses":
            fields.append(pa.field(name, pa.list_(pa.struct([pa.field("from", pa.string()), pa.field("to", pa.string())]))))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def block_schema() -> pa.Schema:
    pa = _pa()
    fields = [pa.field("row", pa.int64(), nullable=False)]
    for name in FIELD_ORDER:
        if name in TIME_FIELDS:
            fields.append(pa.field(name, pa.int64()))
        elif name == "satisfaction":
            fields.append(pa.field(name, pa.int64()))
        elif name == "pauses":
            fields.append(pa.field(name, pa.list_(pa.struct([pa.field("from", pa.int64()), pa.field("to", pa.int64())]))))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def from_complaints(complaints: Sequence[Complaint], rows: Optional[Iterable[int]] = None) -> pa.Table:
    """A valid block of `complaints` (already validated models); `rows` default to their positions."""
    pa = _pa()
    positions = list(rows) if rows is not None else list(range(len(complaints)))
    columns: dict[str, list[Any]] = {"row": positions}
    for name in FIELD_ORDER:
        if name in TIME_FIELDS:
            columns[name] = [_us(getattr(c, name)) for c in complaints]
        elif name == "pauses":
            columns[name] = [
                [{"from": micros(p.start), "to": _us(p.end)} for p in sorted(c.pauses, key=lambda p: p.start)] for c in complaints
            ]
        else:
            columns[name] = [getattr(c, name) for c in complaints]
    return pa.Table.from_pydict(columns, schema=block_schema())


def to_complaints(block: pa.Table) -> list[Complaint]:
    """The complaints of a valid block as pydantic models (instants in UTC)."""
    out = []
    for row in block.to_pylist():
        data = {name: row[name] for name in FIELD_ORDER if name != "pauses" and row[name] is not None}
        for name in TIME_FIELDS:
            if name in data:
                data[name] = _instant(data[name])
        data["pauses"] = [{"from": _instant(p["from"]), "to": _instant(p["to"]) if p["to"] is not None else None} for p in row["pauses"] or ()]
        out.append(Complaint.model_validate(data))
    return out


def _us(value: Optional[datetime]) -> Optional[int]:
    return micros(value) if value is not None else None


def _instant(value: int) -> datetime:
    from datetime import timedelta

    return (EPOCH + timedelta(microseconds=value)).astimezone(timezone.utc)
