"""Records → flat facts, one per subject per rule, deadlines already laid on their clock.

durable_rules has no dates, calendars or `as_of`, so everything time-like is settled here: events
after `as_of` are dropped (they have not happened), running pauses are cut at `as_of`, and each
deadline's `due` and at-risk instant are computed on the limit's clock. What a fact does not say,
the rules cannot see; what it says is the evidence a finding carries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Optional, Protocol

from obligations.clock import Clock, Pause, WallClock
from obligations.durations import Limit
from obligations.periods import term_periods
from obligations.records import Channel, Complaint, Contract, Disclosure, Evaluation, Report
from obligations.rulebook import AlwaysOpenRule, ContainsRule, DeadlineRule, EveryPeriodRule, RequiredRule

from engine.compiler import CompiledRule, Program

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Export(Protocol):
    """What a check reads: `Records` in memory, or a `RecordStream` (complaints read once, first)."""

    complaints: Iterable[Complaint]
    channels: list[Channel]
    evaluations: list[Evaluation]
    reports: list[Report]
    disclosures: list[Disclosure]

_MICRO = timedelta(microseconds=1)


def micros(instant: datetime) -> int:
    """Integer microseconds since the epoch: exact, so a boundary compares exactly."""
    return (instant - EPOCH) // _MICRO


def instant(value: int, zone: tzinfo) -> datetime:
    return (EPOCH + value * _MICRO).astimezone(zone)


@dataclass(frozen=True)
class Context:
    """What a finding needs beyond the fact: whose it is and how its deadline was laid."""

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


class FactBuilder:
    """Builds the facts of one check: one `Records`, one `Program`, one `as_of`."""

    def __init__(self, program: Program, contract: Contract, as_of: datetime) -> None:
        self.program = program
        self.contract = contract
        self.as_of = as_of
        self.asof_us = micros(as_of)
        self.zone = contract.zone
        self.term_start = _midnight(contract.effective_on, self.zone)
        self.term_end = _midnight(contract.ends_on, self.zone)
        self._clocks: dict[str, Clock] = {}
        self.checked = {"complaints": 0, "evaluations": 0, "reports": 0, "disclosures": 0, "channels": 0}

    def facts(self, export: Export) -> Iterator[tuple[dict, Context]]:
        """Every fact of the check, subject by subject, in input order; counts what it checked.

        Complaints are read first and once, so a stream can hand them on one by one; the other
        lists are read after them, when a stream has them all.
        """
        complaint_rules = self.program.by_subject("complaint")
        for complaint in export.complaints:
            if complaint.received_at <= self.as_of:
                self.checked["complaints"] += 1
                yield from self._complaint(complaint, complaint_rules)
        self.checked["evaluations"] = len(export.evaluations)
        self.checked["reports"] = len(export.reports)
        self.checked["channels"] = len(export.channels)
        contract = self.contract
        for subject, items in (("evaluation", export.evaluations), ("report", export.reports)):
            rules = self.program.by_subject(subject)
            for record in items:
                in_term = record.period.start < contract.ends_on and record.period.end >= contract.effective_on
                for compiled in rules:
                    yield self._record_fact(compiled, record, in_term), Context(compiled, subject, record.id, compiled.rule.party)
        rules = self.program.by_subject("disclosure")
        for disclosure in export.disclosures:
            if disclosure.at <= self.as_of:
                self.checked["disclosures"] += 1
                in_term = self.term_start <= disclosure.at < self.term_end
                for compiled in rules:
                    party = disclosure.party if compiled.rule.party == "subject" else compiled.rule.party
                    yield self._record_fact(compiled, disclosure, in_term), Context(compiled, "disclosure", disclosure.id, party)
        for compiled in self.program.by_subject("period"):
            yield from self._periods(compiled, export)
        for compiled in self.program.by_subject("channel_kind"):
            yield from self._channel_kinds(compiled, export)

    # complaints

    def _complaint(self, complaint: Complaint, rules: list[CompiledRule]) -> Iterator[tuple[dict, Context]]:
        in_term = self.term_start <= complaint.received_at < self.term_end
        pauses = tuple(
            (p.start, min(p.end, self.as_of) if p.end is not None else self.as_of)
            for p in complaint.pauses
            if p.start <= self.as_of
        )
        urgency = complaint.urgency or self.program.terms.unclassified_urgency
        for compiled in rules:
            rule = compiled.rule
            fact = self._base(compiled, complaint, in_term)
            context = Context(compiled, "complaint", complaint.id, rule.party, urgency=urgency, classified=complaint.urgency is not None, pauses=pauses)
            if isinstance(rule, DeadlineRule):
                start = self._seen(getattr(complaint, rule.from_))
                if start is None:
                    continue  # the obligation has not started by as_of
                limit = self.program.terms.limit_for(rule.limit, urgency if rule.limit_by else None)
                context = self._lay(fact, context, rule.limit, limit, start, pauses, getattr(complaint, rule.to))
            elif isinstance(rule, RequiredRule):
                self._presence(fact, complaint, compiled.items)
                if rule.once is not None:
                    self._event(fact, "obs", getattr(complaint, rule.once.event))
                    after = rule.once.or_after
                    if after is not None and self._seen(getattr(complaint, after.from_)) is not None:
                        limit = self.program.terms.limit_for(after.limit, urgency)
                        context = self._lay(fact, context, after.limit, limit, getattr(complaint, after.from_), pauses, None)
            yield fact, context

    def _lay(self, fact: dict, context: Context, limit_name: str, limit: Limit, start: datetime, pauses: tuple[Pause, ...], event: Optional[datetime]) -> Context:
        clock = self._clock(limit_name)
        due = clock.due(start, limit, pauses)
        running = clock.elapsed(start, due, pauses).total_seconds()
        risk = clock.due(start, Limit.of_seconds(math.ceil(running * self.program.terms.at_risk)), pauses)
        fact["due"], fact["risk"] = micros(due), micros(risk)
        self._event(fact, "obs", event)
        return Context(context.rule, context.subject_type, context.subject_id, context.party, clock, limit, context.urgency, context.classified, start, pauses)

    def _clock(self, limit_name: str) -> Clock:
        if limit_name not in self._clocks:
            self._clocks[limit_name] = self.program.terms.clock_for(limit_name, self.zone)
        return self._clocks[limit_name]

    # evaluations, reports, disclosures

    def _record_fact(self, compiled: CompiledRule, record: object, in_term: bool) -> dict:
        fact = self._base(compiled, record, in_term)
        rule = compiled.rule
        if isinstance(rule, ContainsRule):
            value = getattr(record, rule.field)
            for i, item in enumerate(compiled.items):
                fact[f"p{i}"] = _non_blank(value.get(item)) if isinstance(value, dict) else item in value
        elif isinstance(rule, RequiredRule):
            self._presence(fact, record, compiled.items)
        return fact

    # periods and channels

    def _periods(self, compiled: CompiledRule, export: Export) -> Iterator[tuple[dict, Context]]:
        rule = compiled.rule
        assert isinstance(rule, EveryPeriodRule) and compiled.due_days is not None
        delivered: dict[tuple[date, date], datetime] = {}
        for record in getattr(export, rule.record):
            at = self._seen(getattr(record, rule.delivered))
            key = (record.period.start, record.period.end)
            if at is not None and (key not in delivered or at < delivered[key]):
                delivered[key] = at
        contract = self.contract
        for first, last in term_periods(contract.effective_on, contract.ends_on, self.program.terms.evaluation.period):
            end = _midnight(last + timedelta(days=1), self.zone)
            due = _midnight(last + timedelta(days=compiled.due_days + 1), self.zone) - _MICRO
            risk = end + (due - end) * self.program.terms.at_risk
            fact = {"t": rule.id, "in_term": True, "asof": self.asof_us, "end": micros(end), "due": micros(due), "risk": micros(risk)}
            self._event(fact, "obs", delivered.get((first, last)))
            clock = WallClock(self.zone)
            yield fact, Context(compiled, "period", f"{first.isoformat()}/{last.isoformat()}", rule.party, clock=clock, start=end, end_of_day=True)

    def _channel_kinds(self, compiled: CompiledRule, export: Export) -> Iterator[tuple[dict, Context]]:
        rule = compiled.rule
        assert isinstance(rule, AlwaysOpenRule)
        contract = self.contract
        first = contract.effective_on
        last = min(contract.ends_on - timedelta(days=1), self.as_of.astimezone(self.zone).date())
        for kind in compiled.items:
            spans = sorted((c.opened_on, c.closed_on or date.max) for c in getattr(export, rule.record) if c.kind == kind)
            gaps = tuple(_gaps(first, last, spans))
            days = sum((b - a).days + 1 for a, b in gaps)
            fact = {"t": rule.id, "in_term": first <= last, "asof": self.asof_us, "gap_days": days}
            yield fact, Context(compiled, "channel_kind", kind, rule.party, gaps=gaps)

    # shared pieces

    def _base(self, compiled: CompiledRule, record: object, in_term: bool) -> dict:
        fact: dict = {"t": compiled.rule.id, "in_term": in_term, "asof": self.asof_us}
        for name in compiled.record_fields:
            value = self._value(getattr(record, name))
            if value is not None:
                fact["r_" + name] = value
        return fact

    def _presence(self, fact: dict, record: object, names: tuple[str, ...]) -> None:
        for i, name in enumerate(names):
            value = getattr(record, name)
            fact[f"p{i}"] = self._seen(value) is not None if isinstance(value, datetime) else _non_blank(value)

    def _event(self, fact: dict, key: str, value: Optional[datetime]) -> None:
        seen = self._seen(value)
        if seen is not None:
            fact[key] = micros(seen)

    def _seen(self, value: Optional[datetime]) -> Optional[datetime]:
        return value if value is not None and value <= self.as_of else None

    def _value(self, value: object) -> object:
        """A record value as a fact value of one kind; None when absent, blank or not yet happened."""
        if isinstance(value, datetime):
            return micros(value) if value <= self.as_of else None
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return value if value.strip() else None
        if isinstance(value, (list, dict)):
            return len(value) or None
        return value


def _non_blank(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_non_blank(v) for v in value)
    if isinstance(value, dict):
        return any(_non_blank(v) for v in value.values())
    return True


def _midnight(day: date, zone: tzinfo) -> datetime:
    # In UTC, so that spans between two midnights are real durations across DST changes.
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)


def _gaps(first: date, last: date, spans: list[tuple[date, date]]) -> Iterator[tuple[date, date]]:
    """The runs of days in [first, last] that no span (inclusive) covers."""
    cursor = first
    for opened, closed in spans:
        if cursor > last:
            return
        if opened > cursor:
            yield cursor, min(opened - timedelta(days=1), last)
        if closed >= cursor:
            cursor = closed + timedelta(days=1) if closed < date.max else date.max
    if cursor <= last:
        yield cursor, last
