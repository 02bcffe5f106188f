"""Records → flat facts, one per subject, every rule's deadline already laid on its clock.

durable_rules has no dates, calendars or `as_of`, so everything time-like is settled here: events
after `as_of` are dropped (they have not happened), running pauses are cut at `as_of`, and each
deadline's `due` and at-risk instant are computed on the limit's clock. Complaints go by blocks
of columns (`engine/kinds/columns.py`, each kind filling its own slots); the small lists one
record at a time. What a fact does not say, the rules cannot see; what it says is the evidence a
finding carries. The details a finding needs beyond the fact (`Context`) are worked out only for
the facts that matched, by the matched rule's kind.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone, tzinfo
from typing import Any, Optional, Protocol, Union

from check_compliance.engine.compiler import CompiledRule, Program
from check_compliance.engine.kinds import KINDS
from check_compliance.engine.kinds.base import DeadlineSpec
from check_compliance.engine.kinds.columns import LONGEST_TEXT, NOT_STARTED, BlockFacts, FactColumns, axis_for, record_columns
from check_compliance.engine.kinds.source import ModelSource, source_of
from check_compliance.obligations.clock import Clock, Pause, micros
from check_compliance.obligations.durations import Limit
from check_compliance.obligations.records import Channel, Complaint, Contract, Disclosure, Evaluation, Report

__all__ = ["NOT_STARTED", "Context", "Export", "FactBuilder", "SubjectRef"]

Record = Union[Complaint, Evaluation, Report, Disclosure]
BLOCK = 4096  # complaints per block of columns: numpy pays off, memory stays small


class Export(Protocol):
    """What a check reads: `Records` in memory, or a `RecordStream` (complaints read once, first)."""

    @property
    def complaints(self) -> Iterable[Complaint]: ...
    @property
    def channels(self) -> Sequence[Channel]: ...
    @property
    def evaluations(self) -> Sequence[Evaluation]: ...
    @property
    def reports(self) -> Sequence[Report]: ...
    @property
    def disclosures(self) -> Sequence[Disclosure]: ...


@dataclass(frozen=True)
class SubjectRef:
    """The subject a fact is about: enough to describe any rule's finding on it afterwards."""

    type: str
    id: str
    record: Optional[Record] = None
    gaps: tuple[tuple[date, date], ...] = ()


@dataclass(frozen=True)
class Context:
    """What one finding needs beyond the fact: whose it is and how its deadline was laid."""

    rule: CompiledRule
    subject_type: str
    subject_id: str
    party: str
    clock: Optional[Clock] = None
    limit: Optional[Limit] = None
    urgency: Optional[str] = None
    classified: bool = True
    start: Optional[datetime] = None
    pauses: tuple[Pause, ...] = ()
    gaps: tuple[tuple[date, date], ...] = ()
    # A due date that is a whole day: the fact's `due` is its last microsecond (still on time),
    # the finding shows and measures from the midnight that ends it (the first late instant).
    end_of_day: bool = False


# Called with each block of complaints and its fact columns (the period figures take theirs).
BlockObserver = Callable[[Any, FactColumns], None]


@dataclass
class FactBuilder:
    """Builds the facts of one check: one contract, one `Program`, one `as_of`."""

    program: Program
    contract: Contract
    as_of: datetime
    observe: Optional[BlockObserver] = None
    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("complaints", "evaluations", "reports", "disclosures", "channels"), 0))

    def __post_init__(self) -> None:
        self.asof_us = micros(self.as_of)
        self.zone = self.contract.zone
        self.term_start = midnight(self.contract.effective_on, self.zone)
        self.term_end = midnight(self.contract.ends_on, self.zone)
        self._clocks: dict[str, Clock] = {}
        self._rules = {subject: self.program.by_subject(subject) for subject in ("complaint", "evaluation", "report", "disclosure", "period", "channel_kind")}
        self._fields = {subject: sorted({f for r in rules for f in r.record_fields}) for subject, rules in self._rules.items()}
        limits = {spec.limit for c in self._rules["complaint"] if (spec := c.kind.deadline(c.rule)) is not None}
        self._axes = {name: axis_for(self.program, name, self.zone) for name in sorted(limits)}

    def _clock(self, limit_name: str) -> Clock:
        if limit_name not in self._clocks:
            self._clocks[limit_name] = self.program.terms.clock_for(limit_name, self.zone)
        return self._clocks[limit_name]

    def facts(self, export: Export) -> Iterator[tuple[dict, SubjectRef]]:
        """One fact per subject, in input order; counts what it checked.

        Complaints are read first and once, so a stream can hand them on block by block; the
        other lists are read after them, when a stream has them all.
        """
        yield from self.complaint_facts(export.complaints)
        yield from self.other_facts(export)

    def complaint_facts(self, complaints: Iterable[Complaint]) -> Iterator[tuple[dict, SubjectRef]]:
        """The facts of complaints that exist at `as_of` (any share of them: see engine.parallel)."""
        existing = (c for c in complaints if c.received_at <= self.as_of)
        while chunk := list(itertools.islice(existing, BLOCK)):
            self.checked["complaints"] += len(chunk)
            columns = self.complaint_columns(ModelSource(chunk))
            for fact, complaint in zip(columns.rows(), chunk):
                yield fact, SubjectRef("complaint", complaint.id, complaint)

    def complaint_columns(self, block: Any) -> FactColumns:
        """The facts of a valid block (`obligations.blocks.block_schema()`) by column.

        `block` is a `pyarrow.Table` of that schema, or an `engine.kinds.source` over pydantic
        complaints. Its rows must all exist at `as_of` (received by then); `observe`, if set,
        sees the block's columns and its facts.
        """
        source = source_of(block)
        facts = FactColumns(source.size, "complaint")
        work = BlockFacts(source, self.asof_us, self.zone, self.program, self._axes, facts)
        received = work.column("received_at")[0]
        facts.put("in_term", (received >= micros(self.term_start)) & (received < micros(self.term_end)))
        import numpy as np

        facts.put("asof", np.full(source.size, self.asof_us, dtype=np.int64))
        record_columns(work, tuple(self._fields["complaint"]))
        for compiled in self._rules["complaint"]:
            compiled.kind.complaint_columns(compiled, work)
        if self.observe is not None:
            self.observe(work, facts)
        return facts

    def _cut(self, complaint: Complaint) -> tuple[Pause, ...]:
        """The complaint's pauses as they stood at `as_of`: begun by then, a running one cut there."""
        as_of = self.as_of
        return tuple((p.start, min(p.end, as_of) if p.end is not None else as_of) for p in complaint.pauses if p.start <= as_of)

    def other_facts(self, export: Export) -> Iterator[tuple[dict, SubjectRef]]:
        """The facts of everything but complaints: evaluations, reports, disclosures, periods, channel kinds."""
        for name in ("evaluations", "reports", "channels"):
            self.checked[name] = len(getattr(export, name))
        for subject, items in (("evaluation", export.evaluations), ("report", export.reports)):
            for record in items:
                in_term = record.period.start < self.contract.ends_on and record.period.end >= self.contract.effective_on
                yield self._record_fact(subject, record, in_term), SubjectRef(subject, record.id, record)
        for disclosure in export.disclosures:
            if disclosure.at <= self.as_of:
                self.checked["disclosures"] += 1
                in_term = self.term_start <= disclosure.at < self.term_end
                yield self._record_fact("disclosure", disclosure, in_term), SubjectRef("disclosure", disclosure.id, disclosure)
        for name, kind in KINDS.items():  # in the registry's order: periods, then channel kinds
            rules = [c for c in self.program.rules if c.rule.kind == name]
            if kind.own_subject is not None and rules:
                yield from kind.subject_facts(rules, export, self)

    def context(self, compiled: CompiledRule, fact: dict, subject: SubjectRef) -> Context:
        """The details of a matched rule on a subject: its clock, limit, start, party, gaps."""
        return compiled.kind.context(compiled, fact, subject, self)

    # what the kinds ask of the builder

    def party(self, compiled: CompiledRule, subject: SubjectRef) -> str:
        rule = compiled.rule
        return getattr(subject.record, "party", rule.party) if rule.party == "subject" else rule.party

    def record_context(self, compiled: CompiledRule, subject: SubjectRef, spec: Optional[DeadlineSpec]) -> Context:
        """The context of a finding on a record; on a complaint, with its deadline's clock and limit."""
        record = subject.record
        party = self.party(compiled, subject)
        if not isinstance(record, Complaint):
            return Context(compiled, subject.type, subject.id, party)
        terms = self.program.terms
        urgency = record.urgency or terms.unclassified_urgency
        classified = record.urgency is not None
        pauses = self._cut(record)  # only for the complaints a rule matched
        if spec is None:
            return Context(compiled, "complaint", subject.id, party, urgency=urgency, classified=classified, pauses=pauses)
        key = terms.limit_key(spec.limit, spec.by_table)
        limit = terms.limit_at(spec.limit, getattr(record, key) if key else None)
        began = self.seen(getattr(record, spec.from_))
        return Context(compiled, "complaint", subject.id, party, self._clock(spec.limit), limit, urgency, classified, began, pauses)

    def seen(self, value: Optional[datetime]) -> Optional[datetime]:
        return value if value is not None and value <= self.as_of else None

    def is_given(self, value: object) -> bool:
        """Whether a required field counts as given: an instant by `as_of`, anything else non-blank."""
        return self.seen(value) is not None if isinstance(value, datetime) else self.non_blank(value)

    @staticmethod
    def non_blank(value: object) -> bool:
        if value is None:
            return False
        if isinstance(value, str):
            return bool(value.strip())
        if isinstance(value, list):
            return any(FactBuilder.non_blank(v) for v in value)
        if isinstance(value, dict):
            return any(FactBuilder.non_blank(v) for v in value.values())
        return True

    # evaluations, reports, disclosures

    def _record_fact(self, subject: str, record: Record, in_term: bool) -> dict:
        fact: dict = {"t": subject, "in_term": in_term, "asof": self.asof_us}
        for name in self._fields[subject]:
            value = self._value(getattr(record, name))
            if value is not None:
                fact["r_" + name] = value
        for compiled in self._rules[subject]:
            compiled.kind.record_fact(compiled, fact, record, self)
        return fact

    def _value(self, value: object) -> object:
        """A record value as a fact value of one kind; None when absent, blank or not yet happened."""
        if isinstance(value, datetime):
            return micros(value) if value <= self.as_of else None
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            # Surrounding blanks are an export's noise, not a different purpose or status.
            value = value.strip()
            if len(value) > LONGEST_TEXT:
                # durable_rules takes string lengths modulo 65,536 (see engine/kinds/columns.py).
                value = value[:LONGEST_TEXT] + "#" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
            return value or None
        if isinstance(value, (list, dict)):
            return len(value) or None
        return value


def midnight(day: date, zone: tzinfo) -> datetime:
    # In UTC, so that spans between two midnights are real durations across DST changes.
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)
