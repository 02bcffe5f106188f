"""The fold: an export's rows become complaints (raw, as RAW_SCHEMA), by column, with their troubles.

`shape: rows` takes each row as a complaint. `shape: events` sorts the rows of each key by the
mapping's `order` (then file row; a null sorts last) and folds them with one Polars group-by: every
producer is an aggregation over the key's rows in event order (`first`, `last`, the first event in
some states, the start of the final run in some states), pauses are the runs of consecutive events
in the pause states. No Python runs per row; Python only words the problems of flagged complaints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Optional

from check_compliance.obligations.exports.mapping import (
    TIME_FIELDS,
    CoalesceProducer,
    ColumnProducer,
    ConstProducer,
    EventProducer,
    LoadedMapping,
    Producer,
    RowNumberProducer,
)
from check_compliance.obligations.exports.timeformat import instants, iso_of
from check_compliance.obligations.exports.values import Kind, Use, evaluate, scalar_text

if TYPE_CHECKING:
    import polars as pl

EVENT_TIME = "_t"
STATE = "_state"
KEY = "_key"


@dataclass
class Folded:
    """Every folded complaint, valid or not, in output order: fields, extras and provenance as columns."""

    frame: pl.DataFrame  # row, the complaint fields, pauses, `x.NAME` extras, `_file`, `_rows`, troubles
    fields: list[str]  # the complaint fields the mapping produces
    extras: list[str]
    event_instants: Optional[pl.Series] = None  # UTC µs of every event (shape: events), for `as_of: latest`
    troubles: list[tuple[str, str]] = field(default_factory=list)  # (path, column prefix) pairs to read troubles from


def field_kind(name: str, producer: Producer) -> Kind:
    if name in TIME_FIELDS:
        return "time"
    if name == "satisfaction":
        return "int"
    if isinstance(producer, ColumnProducer) and producer.type is not None:
        return producer.type
    if isinstance(producer, CoalesceProducer):
        return field_kind(name, producer.coalesce[0])
    if isinstance(producer, ConstProducer) and isinstance(producer.const, bool):
        return "bool"
    if isinstance(producer, ConstProducer) and isinstance(producer.const, int):
        return "int"
    if isinstance(producer, EventProducer):
        return "time"
    return "text"


class _Compiler:
    """Producers → Polars expressions over one complaint's rows (`events`) or over each row (`rows`)."""

    def __init__(self, mapping: LoadedMapping, events: bool) -> None:
        self.mapping = mapping
        self.events = events
        self.uses: dict[tuple, Use] = {}
        self.state_sets: dict[tuple[str, ...], str] = {}

    def use(self, producer: ColumnProducer, kind: Kind) -> Use:
        key = (producer.column, kind, producer.lookup, tuple(sorted((producer.map or {}).items(), key=lambda kv: kv[0])), tuple(tuple(t) for t in producer.truths()) if kind == "bool" else ())
        if key not in self.uses:
            self.uses[key] = Use(f"_u{len(self.uses)}", producer.column, kind, producer)
        return self.uses[key]

    def states(self, states: list[str]) -> str:
        key = tuple(sorted(states))
        return self.state_sets.setdefault(key, f"_s{len(self.state_sets)}")

    def compile(self, producer: Producer, kind: Kind) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        """(value, bad text, trouble kind) of `producer` for a field of `kind`."""
        import polars as pl

        none = pl.lit(None, dtype=pl.String)
        dtype = _dtype(kind)
        if isinstance(producer, ColumnProducer):
            use = self.use(producer, kind)
            pick = (lambda e: e.last()) if producer.row == "last" else (lambda e: e.first())
            if not self.events:
                pick = lambda e: e  # noqa: E731
            return pick(pl.col(use.name)).cast(dtype), pick(pl.col(use.bad)), pick(pl.col(use.trouble))
        if isinstance(producer, EventProducer):
            time = pl.col(EVENT_TIME)
            if producer.event == "first":
                if producer.states is not None:
                    time = time.filter(pl.col(STATE).is_in(producer.states))
                elif producer.not_states is not None:
                    time = time.filter(~pl.col(STATE).is_in(producer.not_states).fill_null(False))
                return time.first().cast(dtype), none, none
            assert producer.states is not None
            flag = self.states(producer.states)
            run = pl.col(flag + "run")
            final = pl.when(pl.col(flag).last()).then(pl.col(EVENT_TIME).filter(run == run.last()).first())
            return final.cast(dtype), none, none
        if isinstance(producer, CoalesceProducer):
            parts = [self.compile(p, kind) for p in producer.coalesce]
            value, bad, trouble = parts[-1]
            for v, b, t in reversed(parts[:-1]):
                present = v.is_not_null() | b.is_not_null()
                value = pl.when(present).then(v).otherwise(value)
                bad = pl.when(present).then(b).otherwise(bad)
                trouble = pl.when(present).then(t).otherwise(trouble)
            return value, bad, trouble
        if isinstance(producer, RowNumberProducer):
            row = pl.col("_row").min() if self.events else pl.col("_row")
            return (pl.lit(producer.prefix) + row.cast(pl.String)).cast(dtype), none, none
        assert isinstance(producer, ConstProducer)
        constant = producer.const
        if kind == "time" and isinstance(constant, datetime):
            constant = iso_of(constant)
        elif kind == "time" and isinstance(constant, date):
            constant = constant.isoformat()
        if kind == "text":
            constant = scalar_text(constant)
        return pl.lit(constant).cast(dtype, strict=False), none, none


def _dtype(kind: Kind) -> Any:
    import polars as pl

    return {"text": pl.String, "time": pl.String, "int": pl.Int64, "bool": pl.Boolean}[kind]


def fold(mapping: LoadedMapping, frame: pl.DataFrame, lookups: dict[str, dict[str, Optional[str]]], zone: str) -> Folded:
    """Fold `frame` (the export's rows with derived columns) into complaints as the mapping says."""
    import polars as pl

    spec = mapping.spec
    events = spec.shape == "events"
    compiler = _Compiler(mapping, events)
    producers = spec.complaint.producers()
    outputs: dict[str, tuple[pl.Expr, pl.Expr, pl.Expr]] = {}
    for name, producer in producers.items():
        outputs[name] = compiler.compile(producer, field_kind(name, producer))
    for name, producer in spec.complaint.extra.items():
        outputs["x." + name] = compiler.compile(producer, field_kind("x." + name, producer))
    pause_flag = compiler.states(spec.complaint.pauses.states) if spec.complaint.pauses is not None and events else None

    event_uses: list[tuple[str, Use]] = []
    if events:
        assert spec.events is not None
        event_uses.append(("events.time", Use(EVENT_TIME, spec.events.time, "time", None)))
        for i, key in enumerate(spec.events.order):
            event_uses.append((f"events.order[{i}]", Use(f"_o{i}", key.column, key.as_, None)))
    for use in list(compiler.uses.values()) + [u for _, u in event_uses]:
        frame = evaluate(frame, use, mapping.formats.get(use.column), lookups)

    if not events:
        columns = [pl.col("_row").alias("row")]
        for name, (value, bad, trouble) in outputs.items():
            columns += [value.alias(name), bad.alias(name + "!"), trouble.alias(name + "?")]
        columns += [pl.col("_file"), pl.lit(1, dtype=pl.UInt32).alias("_rows")]
        out = frame.select(columns)
        return Folded(out, list(producers), list(spec.complaint.extra))

    assert spec.events is not None
    key_text = frame[spec.events.key]
    frame = frame.with_columns(
        # A row without a key cannot be folded with others: it is a complaint of its own (and invalid).
        pl.when(key_text.is_null()).then(pl.lit("\x00row ") + pl.col("_row").cast(pl.String)).otherwise(key_text).alias(KEY),
        key_text.is_null().alias("_nokey"),
        pl.col(spec.events.state).alias(STATE),
    )
    frame = frame.with_columns(pl.col("_row").min().over(KEY).alias("_first"))
    sort_by = ["_first"]
    for i, key in enumerate(spec.events.order):
        name = f"_o{i}"
        if key.as_ == "time":
            frame = frame.with_columns(instants(frame[name], zone).alias(name + "@"))
            name += "@"
        sort_by.append(name)
    frame = frame.with_columns(instants(frame[EVENT_TIME], zone).alias("_t@"))
    # Only what the aggregations read is sorted and kept: the export's own text columns are done with.
    kept = [KEY, "_row", "_file", "_nokey", STATE, "_t@", *sort_by[1:]]
    kept += [c for _, use in event_uses for c in (use.name, use.bad, use.trouble)]
    kept += [c for use in compiler.uses.values() for c in (use.name, use.bad, use.trouble)]
    frame = frame.select(list(dict.fromkeys(kept)) + ["_first"])
    frame = frame.sort(sort_by + ["_row"], nulls_last=True, maintain_order=True)
    for states, flag in compiler.state_sets.items():
        inside = pl.col(STATE).is_in(list(states)).fill_null(False)
        frame = frame.with_columns(inside.alias(flag))
        # Runs are numbered over the whole frame, not per key (a window `over` a quarter of a million
        # keys made the fold grow faster than the events): sorted by each key's first row, a key's
        # rows are contiguous, so a number only ever spans keys where a run ends one key and starts
        # the next, and every use of it is within a key (a group, or grouped by key and run).
        starts = pl.col(flag) & ~pl.col(flag).shift(1).fill_null(False)
        frame = frame.with_columns(starts.cast(pl.Int32).cum_sum().alias(flag + "run"))
    aggregations = [pl.col("_row").min().alias("row"), pl.col("_file").first().alias("_file"), pl.len().alias("_rows"), pl.col("_nokey").first().alias("_nokey")]
    for name, (value, bad, trouble) in outputs.items():
        aggregations += [value.alias(name), bad.alias(name + "!"), trouble.alias(name + "?")]
    for path, use in event_uses:
        label = "_e" + str(event_uses.index((path, use)))
        aggregations += [pl.col(use.bad).drop_nulls().first().alias(label + "!"), pl.col(use.trouble).drop_nulls().first().alias(label + "?")]
    out = frame.group_by(KEY, maintain_order=True).agg(aggregations)
    if pause_flag is not None:
        out = out.join(_pauses(frame, pause_flag), on=KEY, how="left", maintain_order="left")
    folded = Folded(out.drop(KEY), list(producers), list(spec.complaint.extra), frame["_t@"])
    folded.troubles = [(path, "_e" + str(i)) for i, (path, _) in enumerate(event_uses)]
    return folded


def _pauses(frame: pl.DataFrame, flag: str) -> pl.DataFrame:
    """Each maximal run of consecutive events in the pause states: from its first event to the next event."""
    import polars as pl

    # Rows of a key are contiguous (see `fold`): the next event is the next row when its key is the same.
    same_as_next = (pl.col(KEY) == pl.col(KEY).shift(-1)).fill_null(False)
    marked = frame.with_columns(pl.when(same_as_next).then(pl.col(EVENT_TIME).shift(-1)).alias("_next"))
    runs = (
        marked.filter(pl.col(flag))
        .group_by([KEY, flag + "run"], maintain_order=True)
        .agg(pl.col(EVENT_TIME).first().alias("from"), pl.col("_next").last().alias("to"))
    )
    return runs.group_by(KEY, maintain_order=True).agg(pl.struct("from", "to").alias("pauses"))
