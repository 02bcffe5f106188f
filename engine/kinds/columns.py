"""A block of complaints → their facts by column (the interface in `engine/kinds/__init__.py`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from check_compliance.engine.kinds.timeaxis import I64, BusinessAxis, Pauses, WallAxis, advance_w, paused_w, share
from check_compliance.obligations.blocks import TIME_FIELDS
from check_compliance.obligations.calendar import BusinessCalendar
from check_compliance.obligations.durations import Limit

if TYPE_CHECKING:
    from check_compliance.engine.compiler import Program
    from check_compliance.engine.kinds.base import DeadlineSpec

# The `due` and `risk` of a deadline that has not started by as_of. durable_rules reads garbage
# when a comparison's other field (`{"$m": "due_3"}`) is absent from the fact, so a deadline's
# fields are always there; this value makes every outcome test on them false.
NOT_STARTED = 2**53 - 1
LONGEST_TEXT = 1000


@dataclass
class FactColumns:
    """Facts by column: `values[name]` per fact field, `present[name]` where a row may lack it."""

    size: int
    subject: str
    values: dict[str, np.ndarray] = field(default_factory=dict)
    present: dict[str, np.ndarray] = field(default_factory=dict)

    def put(self, name: str, values: np.ndarray, present: Optional[np.ndarray] = None) -> None:
        self.values[name] = values
        if present is not None and not present.all():
            self.present[name] = present
        else:
            self.present.pop(name, None)

    def has(self, name: str) -> np.ndarray:
        """Whether each row's fact carries `name`."""
        if name not in self.values:
            return np.zeros(self.size, dtype=bool)
        return self.present.get(name, np.ones(self.size, dtype=bool))

    def rows(self) -> list[dict[str, Any]]:
        """The facts as dicts, absent fields omitted (never written as null), in row order."""
        facts: list[dict[str, Any]] = [{"t": self.subject} for _ in range(self.size)]
        for name, column in self.values.items():
            values = column.tolist()
            mask = self.present.get(name)
            if mask is None:
                for fact, value in zip(facts, values):
                    fact[name] = value
            else:
                for i in np.flatnonzero(mask).tolist():
                    facts[i][name] = values[i]
        return facts


@dataclass
class BlockFacts:
    """One block of complaints on its way to facts: its columns read once, the facts being filled."""

    source: Any  # engine.kinds.source: an ArrowSource or a ModelSource
    as_of: int
    zone: Any
    program: Program
    axes: dict[str, Any]
    facts: FactColumns
    _columns: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _pauses: Optional[Pauses] = None
    _raw: Optional[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = None

    @property
    def size(self) -> int:
        return self.facts.size

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A complaint field as (values, valid): instants int64 µs, text an object array."""
        if name not in self._columns:
            self._columns[name] = self.source.column(name)
        return self._columns[name]

    def happened(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """An event's instant and whether it happened by `as_of`."""
        values, valid = self.column(name)
        return values, valid & (values <= self.as_of)

    def pauses(self) -> Pauses:
        """The rows' pauses that began by `as_of`, a running one (or one ending later) cut there."""
        if self._pauses is None:
            owner, begin, end, ended = self._raw_pauses()
            end = np.where(ended, end, self.as_of)
            keep = begin <= self.as_of
            owner, begin, end = owner[keep], begin[keep], np.minimum(end[keep], self.as_of)
            order = np.lexsort((end, begin, owner))
            self._pauses = Pauses(owner[order], begin[order], end[order])
        return self._pauses

    def _raw_pauses(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self._raw is None:
            self._raw = self.source.pauses()
        return self._raw

    def pause_count(self) -> np.ndarray:
        """How many pauses each row has (all of them, as the record states them)."""
        owner = self._raw_pauses()[0]
        return np.bincount(owner, minlength=self.size).astype(I64)[: self.size]

    def text(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A text field as a fact holds it: stripped, a blank one absent, a long one cut with its digest."""
        values, valid = self.column(name)
        out = np.empty(self.size, dtype=object)
        present = np.zeros(self.size, dtype=bool)
        for i in np.flatnonzero(valid).tolist():
            value = values[i].strip()
            if len(value) > LONGEST_TEXT:
                # durable_rules takes string lengths modulo 65,536: a long text could compare
                # equal to a short literal. Its head plus a digest keeps every comparison a rule
                # can make with a literal shorter than the head.
                value = value[:LONGEST_TEXT] + "#" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
            if value:
                out[i], present[i] = value, True
        return out, present

    def non_blank(self, name: str) -> np.ndarray:
        """Whether a complaint field counts as given (an instant: given by `as_of`)."""
        if name in TIME_FIELDS:
            return self.happened(name)[1]
        if name == "pauses":
            return self.pause_count() > 0
        if name == "satisfaction":
            return self.column(name)[1]
        return self.text(name)[1]

    def deadline(self, spec: DeadlineSpec) -> tuple[np.ndarray, np.ndarray]:
        """`due` and `risk` of a deadline on every row (`NOT_STARTED` where it has not started)."""
        terms = self.program.terms
        start, started = self.happened(spec.from_)
        due = np.full(self.size, NOT_STARTED, dtype=I64)
        risk = due.copy()
        key = terms.limit_key(spec.limit, spec.by_table)
        if key is None:
            groups = {terms.limit_at(spec.limit, None): started}
        else:
            # A key field holds few distinct values (an urgency, a category): one mask per value.
            keys, given = self.column(key)
            groups = {}
            for value in set(keys[started & given].tolist()) | ({None} if (started & ~given).any() else set()):
                rows = started & (~given if value is None else given & (keys == value))
                limit = terms.limit_at(spec.limit, value)
                groups[limit] = groups[limit] | rows if limit in groups else rows
        axis = self.axes[spec.limit]
        for limit, rows in groups.items():
            if rows.any():
                due[rows], risk[rows] = lay(axis, start[rows], limit, self.pauses().take(rows), terms.at_risk)
        return due, risk


def axis_for(program: Program, limit: str, zone: Any) -> Any:
    """The time axis a limit's deadlines are laid on: its business calendar, else calendar time."""
    from datetime import datetime, time

    from check_compliance.obligations.clock import micros

    clock = program.terms.clock_for(limit, zone)
    if isinstance(clock, BusinessCalendar):
        return BusinessAxis(clock)
    return WallAxis(lambda day: micros(datetime.combine(day, time(), zone)))


def lay(axis: Any, start: np.ndarray, limit: Limit, pauses: Pauses, at_risk: float) -> tuple[np.ndarray, np.ndarray]:
    """`due` and at-risk instants of one limit on the rows `start` (their pauses given), exactly
    as the per-record clocks lay them."""
    if not axis.is_business:
        amount = axis.working_days_amount(start, limit.amount) if limit.is_days else np.full(start.size, limit.seconds * 1_000_000, dtype=I64)
        b, e, o = pauses.begin, pauses.end, pauses.owner
        due = advance_w(start, amount, b, e, o)
        running = due - start - paused_w(start, due, b, e, o)
        return due, advance_w(start, share(running, at_risk), b, e, o)
    extra = 16 + (limit.amount * 3 if limit.is_days else 0)
    axis.cover(np.concatenate((start, pauses.end)), extra)
    while True:
        ws = axis.w(start)
        wb, we, o = axis.w(pauses.begin), axis.w(pauses.end), pauses.owner
        if limit.is_days:
            close = axis.close_after(start, limit.amount)
            if close is None:
                axis.widen()
                continue
            wclose = axis.w(close)
            lost = paused_w(ws, wclose, wb, we, o)
            due_w = advance_w(wclose, lost, wb, we, o)
        else:
            due_w = advance_w(ws, np.full(start.size, limit.seconds * 1_000_000, dtype=I64), wb, we, o)
        running = due_w - ws - paused_w(ws, due_w, wb, we, o)
        risk_w = advance_w(ws, share(running, at_risk), wb, we, o)
        if axis.covers_w(due_w) and axis.covers_w(risk_w):
            break
        axis.widen()
    due = axis.inverse(due_w)
    if limit.is_days:
        due = np.where(lost == 0, close, due)
    return due, axis.inverse(risk_w)


def record_columns(facts: BlockFacts, names: tuple[str, ...]) -> None:
    """`r_<field>` for the record fields the rules read, as `engine.facts` writes a record value."""
    for name in names:
        if name in TIME_FIELDS:
            values, present = facts.happened(name)
        elif name == "pauses":
            values = facts.pause_count()
            present = values > 0
        elif name == "satisfaction":
            values, present = facts.column(name)
        else:
            values, present = facts.text(name)
        facts.facts.put("r_" + name, values, present)
