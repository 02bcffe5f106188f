"""What a mapping's schema alone cannot say: each part used where it means something, every name defined."""

from __future__ import annotations

from collections.abc import Iterator

from check_compliance.obligations.errors import Problem
from check_compliance.obligations.exports.mapping import (
    ALLOWED_VALUES,
    TIME_FIELDS,
    CoalesceProducer,
    ColumnProducer,
    ConstProducer,
    EventProducer,
    Mapping,
    Producer,
    RowNumberProducer,
)
from check_compliance.obligations.exports.readers import Wanted
from check_compliance.obligations.exports.timeformat import TimeFormat
from check_compliance.obligations.yamlsrc import YamlSource, closest


def producers(mapping: Mapping) -> Iterator[tuple[tuple, str, Producer]]:
    """Every producer with its place in the file and the field it produces, coalesce parts included."""
    spec = mapping.complaint
    stack: list[tuple[tuple, str, Producer]] = [(("complaint", name), name, p) for name, p in spec.producers().items()]
    stack += [(("complaint", "extra", name), "x." + name, p) for name, p in spec.extra.items()]
    while stack:
        loc, name, producer = stack.pop(0)
        yield loc, name, producer
        if isinstance(producer, CoalesceProducer):
            stack[0:0] = [((*loc, "coalesce", i), name, p) for i, p in enumerate(producer.coalesce)]


def mapping_problems(mapping: Mapping, source: YamlSource, formats: dict[str, TimeFormat]) -> list[Problem]:
    problems: list[Problem] = []
    events = mapping.shape == "events"
    if events and mapping.events is None:
        problems.append(source.problem(("shape",), "`shape: events` needs an `events` section (key, order, time, state)"))
    if not events and mapping.events is not None:
        problems.append(source.problem(("events",), "an `events` section is for `shape: events`; this mapping has `shape: rows`", key=True))
    if mapping.complaint.pauses is not None and not events:
        problems.append(source.problem(("complaint", "pauses"), "pauses from states need `shape: events`", key=True))
    for loc, name, producer in producers(mapping):
        time_field = name in TIME_FIELDS
        if isinstance(producer, EventProducer) and not events:
            problems.append(source.problem(loc, "`event` producers need `shape: events`"))
        if isinstance(producer, EventProducer) and not time_field and not name.startswith("x."):
            problems.append(source.problem(loc, f"`event` producers give a time; {name} is not a time field"))
        if isinstance(producer, RowNumberProducer) and (time_field or name == "satisfaction"):
            problems.append(source.problem(loc, f"`row_number` gives a text; {name} is not a text field"))
        if isinstance(producer, ConstProducer) and name in ALLOWED_VALUES and producer.const is not None and producer.const not in ALLOWED_VALUES[name]:
            problems.append(source.problem((*loc, "const"), f"{name} must be one of {', '.join(ALLOWED_VALUES[name])}, got {producer.const!r}"))
        if not isinstance(producer, ColumnProducer):
            continue
        if producer.type is not None and (time_field or name == "satisfaction") and producer.type != ("time" if time_field else "int"):
            problems.append(source.problem((*loc, "type"), f"{name} is always read as {'time' if time_field else 'int'}; leave `type` out"))
        is_time = time_field or producer.type == "time"
        if is_time and producer.column not in formats and producer.column not in mapping.timestamps:
            problems.append(source.problem((*loc, "column"), f"column {producer.column!r} is read as a time: give its format under `timestamps` (a strptime pattern or iso)"))
        if producer.lookup is not None and producer.lookup not in mapping.lookups:
            problems.append(source.problem((*loc, "lookup"), f"unknown lookup {producer.lookup!r}; lookups: {', '.join(mapping.lookups) or 'none defined'}", suggestion=closest(producer.lookup, mapping.lookups)))
        if producer.map is not None and name in ALLOWED_VALUES:
            allowed = ALLOWED_VALUES[name]
            for text, value in producer.map.items():
                if value is not None and value not in allowed:
                    problems.append(source.problem((*loc, "map", text), f"{name} must be one of {', '.join(allowed)} (or null), got {value!r}", suggestion=closest(str(value), allowed)))
    if events and mapping.events is not None:
        if mapping.events.time not in mapping.timestamps:
            problems.append(source.problem(("events", "time"), f"column {mapping.events.time!r} is the event time: give its format under `timestamps`"))
        for i, key in enumerate(mapping.events.order):
            if key.as_ == "time" and key.column not in mapping.timestamps:
                problems.append(source.problem(("events", "order", i, "column"), f"column {key.column!r} orders as a time: give its format under `timestamps`"))
    for name in mapping.derive:
        if name in mapping.lookups:
            problems.append(source.problem(("derive", name), f"{name!r} is both a derived column and a lookup", key=True))
    return problems


def wanted(mapping: Mapping) -> list[Wanted]:
    """The export's columns the mapping reads (not the derived ones), each with where it is named."""
    derived = set(mapping.derive)
    found: list[Wanted] = []
    for name, spec in mapping.derive.items():
        found.append(Wanted(spec.split.column, ("derive", name, "split", "column")))
    if mapping.events is not None:
        found.append(Wanted(mapping.events.key, ("events", "key")))
        found.append(Wanted(mapping.events.time, ("events", "time")))
        found.append(Wanted(mapping.events.state, ("events", "state")))
        found += [Wanted(k.column, ("events", "order", i, "column")) for i, k in enumerate(mapping.events.order)]
    for loc, _, producer in producers(mapping):
        if isinstance(producer, ColumnProducer):
            found.append(Wanted(producer.column, (*loc, "column")))
    unique: dict[str, Wanted] = {}
    for want in found:
        if want.column not in derived:
            unique.setdefault(want.column, want)
    return list(unique.values())
