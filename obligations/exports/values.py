"""A column's text through a producer's transforms (lookup, map, type), by column, with what went wrong.

Each use of a column becomes three columns of the same length: the value (typed: text, ISO time
text, int or bool), the offending text where the value could not be made (else null), and the
kind of trouble (`unmapped`, `unreadable`). Transforms are never applied to null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Optional

from check_compliance.obligations.exports.mapping import ColumnProducer
from check_compliance.obligations.exports.timeformat import TimeFormat, parse_times

if TYPE_CHECKING:
    import polars as pl

Kind = Literal["text", "time", "int", "bool"]
_INT = r"^\s*[+-]?\d{1,18}\s*$"


@dataclass(frozen=True)
class Use:
    """One column read one way: the columns `name`, `name!` (bad text) and `name?` (trouble kind)."""

    name: str
    column: str
    kind: Kind
    producer: Optional[ColumnProducer]

    @property
    def bad(self) -> str:
        return self.name + "!"

    @property
    def trouble(self) -> str:
        return self.name + "?"


def scalar_text(value: object) -> Optional[str]:
    """A YAML scalar (a map's value, a constant) as the text later transforms read."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def evaluate(frame: pl.DataFrame, use: Use, fmt: Optional[TimeFormat], lookups: dict[str, dict[str, Optional[str]]]) -> pl.DataFrame:
    """`frame` with `use`'s three columns added."""
    import polars as pl

    text = frame[use.column]
    bad = pl.repeat(None, frame.height, dtype=pl.String, eager=True)
    trouble = pl.repeat(None, frame.height, dtype=pl.String, eager=True)
    producer = use.producer
    if producer is not None and producer.lookup is not None:
        table = lookups[producer.lookup]
        text = text.replace_strict(list(table), list(table.values()), default=None, return_dtype=pl.String)
    if producer is not None and producer.map is not None:
        entries = {k: scalar_text(v) for k, v in producer.map.items() if k != "*"}
        has_default = "*" in producer.map
        known = text.is_in(list(entries))
        mapped = text.replace_strict(list(entries), list(entries.values()), default=None, return_dtype=pl.String)
        if has_default:
            fallback = scalar_text(producer.map["*"])
            mapped = pl.select(pl.when(known | text.is_null()).then(mapped).otherwise(pl.lit(fallback, dtype=pl.String))).to_series()
        else:
            unmapped = text.is_not_null() & ~known
            bad = pl.select(pl.when(unmapped).then(text).otherwise(bad)).to_series()
            trouble = pl.select(pl.when(unmapped).then(pl.lit("unmapped")).otherwise(trouble)).to_series()
        text = mapped
    value: pl.Series
    if use.kind == "time":
        assert fmt is not None
        parsed = parse_times(text, fmt)
        value = parsed["text"]
        failed = ~parsed["ok"] & bad.is_null()
        bad = pl.select(pl.when(failed).then(text).otherwise(bad)).to_series()
        trouble = pl.select(pl.when(failed).then(pl.lit("unreadable")).otherwise(trouble)).to_series()
    elif use.kind == "int":
        readable = text.str.contains(_INT)
        value = pl.select(pl.when(readable).then(text.str.strip_chars()).cast(pl.Int64, strict=False)).to_series()
        failed = text.is_not_null() & ~readable.fill_null(False) & bad.is_null()
        bad = pl.select(pl.when(failed).then(text).otherwise(bad)).to_series()
        trouble = pl.select(pl.when(failed).then(pl.lit("unreadable")).otherwise(trouble)).to_series()
    elif use.kind == "bool":
        truths, falsehoods = producer.truths() if producer is not None else (["true"], ["false"])
        value = pl.select(pl.when(text.is_in(truths)).then(True).when(text.is_in(falsehoods)).then(False)).to_series()
        failed = text.is_not_null() & value.is_null() & bad.is_null()
        bad = pl.select(pl.when(failed).then(text).otherwise(bad)).to_series()
        trouble = pl.select(pl.when(failed).then(pl.lit("unreadable")).otherwise(trouble)).to_series()
    else:
        value = text
    if trouble.null_count() == frame.height:
        # Nothing went wrong, as in most columns: nulls of type Null take no memory (a million
        # String nulls take 16 MB, carried through the sort and the group-by, twice per use).
        bad = trouble = pl.repeat(None, frame.height, dtype=pl.Null, eager=True)
    return frame.with_columns(value.alias(use.name), bad.alias(use.bad), trouble.alias(use.trouble))
