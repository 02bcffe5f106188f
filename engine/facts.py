"""Records → flat facts, one per subject, every rule's deadline already laid on its clock.

durable_rules has no dates, calendars or `as_of`, so everything time-like is settled here: events
after `as_of` are dropped (they have not happened), running pauses are cut at `as_of`, and each
deadline's `due` and at-risk instant are computed on the limit's clock. What a fact does not say,
the rules cannot see; what it says is the evidence a finding carries. The details a finding needs
beyond the fact (`Context`) are worked out only for the facts that matched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Optional, Protocol, Union

from check_compliance.engine.compiler import CompiledRule, Program
from check_compliance.obligations.clock import Clock, Pause, WallClock, due_us, from_micros, micros, share_us
from check_compliance.obligations.durations import Limit
from check_compliance.obligations.periods import term_periods
from check_compliance.obligations.records import Channel, Complaint, Contract, Disclosure, Evaluation, Report
from check_compliance.obligations.rulebook import ContainsRule, Deadline, DeadlineRule, EveryPeriodRule, RequiredRule

_MICRO = timedelta(microseconds=1)
# The `due` and `risk` of a deadline that has not started by as_of. durable_rules reads garbage
# when a comparison's other field (`{"$m": "due_3"}`) is absent from the fact, so a deadline's
# fields are always there; this value makes every outcome test on them false.
NOT_STARTED = 2**53 - 1
_LONGEST_TEXT = 1000
Record = Union[Complaint, Evaluation, Report, Disclosure]


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
    pauses: tuple[Pause, ...] = ()
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


@dataclass(frozen=True)
class _Plan:
    """How one rule fills its slot of a complaint's fact, worked out once per check."""

    compiled: CompiledRule
    presence: bool  # a required rule: p_<slot>_<i> for its fields
    event: Optional[str]  # the event that fulfils it (or makes the required rule apply)
    deadline: Union[DeadlineRule, Deadline, None]
    obs_key: str
    due_key: str
    risk_key: str
    # Calendar-time limits by urgency, as (limit, risk) microseconds: the fast path.
    wall: Optional[dict[Optional[str], tuple[int, int]]]


@dataclass
class FactBuilder:
    """Builds the facts of one check: one contract, one `Program`, one `as_of`."""

    program: Program
    contract: Contract
    as_of: datetime
    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("complaints", "evaluations", "reports", "disclosures", "channels"), 0))

    def __post_init__(self) -> None:
        self.asof_us = micros(self.as_of)
        self.zone = self.contract.zone
        self.term_start = _midnight(self.contract.effective_on, self.zone)
        self.term_end = _midnight(self.contract.ends_on, self.zone)
        self._clocks: dict[str, Clock] = {}
        self._rules = {subject: self.program.by_subject(subject) for subject in ("complaint", "evaluation", "report", "disclosure", "period", "channel_kind")}
        self._fields = {subject: sorted({f for r in rules for f in r.record_fields}) for subject, rules in self._rules.items()}
        self._plans = [plan for plan in map(self._plan, self._rules["complaint"]) if plan is not None]

    def _plan(self, compiled: CompiledRule) -> Optional[_Plan]:
        rule = compiled.rule
        if isinstance(rule, DeadlineRule):
            event: Optional[str] = rule.to
        elif isinstance(rule, RequiredRule):
            event = rule.once.event if rule.once else None
        else:
            return None
        deadline = _deadline_of(rule)
        wall = None
        if deadline is not None:
            clock = self._clock(deadline.limit)
            urgencies = ("urgent", "high", "normal", "low") if _by_urgency(deadline) else (None,)
            limits = {u: self.program.terms.limit_for(deadline.limit, u) for u in urgencies}
            if isinstance(clock, WallClock) and not any(limit.is_days for limit in limits.values()):
                fraction = self.program.terms.at_risk
                wall = {u: (limit.seconds * 1_000_000, share_us(limit.seconds * 1_000_000, fraction)) for u, limit in limits.items()}
        return _Plan(compiled, isinstance(rule, RequiredRule), event, deadline, compiled.field("obs"), compiled.field("due"), compiled.field("risk"), wall)

    def _clock(self, limit_name: str) -> Clock:
        if limit_name not in self._clocks:
            self._clocks[limit_name] = self.program.terms.clock_for(limit_name, self.zone)
        return self._clocks[limit_name]

    def facts(self, export: Export) -> Iterator[tuple[dict, SubjectRef]]:
        """One fact per subject, in input order; counts what it checked.

        Complaints are read first and once, so a stream can hand them on one by one; the other
        lists are read after them, when a stream has them all.
        """
        yield from self.complaint_facts(export.complaints)
        yield from self.other_facts(export)

    def complaint_facts(self, complaints: Iterable[Complaint]) -> Iterator[tuple[dict, SubjectRef]]:
        """The facts of complaints that exist at `as_of` (any share of them: see engine.parallel)."""
        for complaint in complaints:
            if complaint.received_at <= self.as_of:
                self.checked["complaints"] += 1
                yield self._complaint(complaint)

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
        if self._rules["period"]:
            yield from self._periods(export)
        if self._rules["channel_kind"]:
            yield from self._channel_kinds(export)

    def context(self, compiled: CompiledRule, fact: dict, subject: SubjectRef) -> Context:
        """The details of a matched rule on a subject: its clock, limit, start, party, gaps."""
        rule = compiled.rule
        record = subject.record
        party = getattr(record, "party", rule.party) if rule.party == "subject" else rule.party
        if subject.type == "period":
            start = from_micros(fact[compiled.field("end")], self.zone)
            return Context(compiled, "period", subject.id, party, WallClock(self.zone), start=start, end_of_day=True)
        if subject.type == "channel_kind":
            return Context(compiled, "channel_kind", subject.id, party, gaps=subject.gaps)
        if not isinstance(record, Complaint):
            return Context(compiled, subject.type, subject.id, party)
        urgency = record.urgency or self.program.terms.unclassified_urgency
        deadline = _deadline_of(rule)
        if deadline is None:
            return Context(compiled, "complaint", subject.id, party, urgency=urgency, classified=record.urgency is not None, pauses=subject.pauses)
        clock, limit, began = self._deadline(deadline, record)
        return Context(compiled, "complaint", subject.id, party, clock, limit, urgency, record.urgency is not None, began, subject.pauses)

    # complaints

    def _complaint(self, complaint: Complaint) -> tuple[dict, SubjectRef]:
        as_of = self.as_of
        fact = self._base("complaint", complaint, self.term_start <= complaint.received_at < self.term_end)
        pauses = tuple((p.start, min(p.end, as_of) if p.end is not None else as_of) for p in complaint.pauses if p.start <= as_of)
        pauses_us = sorted((micros(a), micros(b)) for a, b in pauses)
        urgency = complaint.urgency or self.program.terms.unclassified_urgency
        for plan in self._plans:
            if plan.presence:
                self._presence(fact, plan.compiled, complaint)
            if plan.event is not None:
                happened = getattr(complaint, plan.event)
                if happened is not None and happened <= as_of:
                    fact[plan.obs_key] = micros(happened)
            deadline = plan.deadline
            if deadline is None:
                continue
            start = getattr(complaint, deadline.from_)
            if start is None or start > as_of:
                fact[plan.due_key] = fact[plan.risk_key] = NOT_STARTED
                continue
            if plan.wall is not None:
                # The hot path: calendar time in integer microseconds, no datetime arithmetic.
                limit_us, risk_us = plan.wall[urgency if len(plan.wall) > 1 else None]
                start_us = micros(start)
                fact[plan.due_key] = due_us(start_us, limit_us, pauses_us)
                fact[plan.risk_key] = due_us(start_us, risk_us, pauses_us)
            else:
                clock, limit, _ = self._deadline(deadline, complaint)
                due_at = clock.due(start, limit, pauses)
                running = clock.elapsed(start, due_at, pauses) // _MICRO
                risk_at = clock.advance(start, share_us(running, self.program.terms.at_risk) * _MICRO, pauses)
                fact[plan.due_key], fact[plan.risk_key] = micros(due_at), micros(risk_at)
        return fact, SubjectRef("complaint", complaint.id, complaint, pauses)

    def _deadline(self, deadline: Union[DeadlineRule, Deadline], complaint: Complaint) -> tuple[Clock, Limit, Optional[datetime]]:
        """The clock, limit and start (None: not started by as_of) of a deadline on a complaint."""
        urgency = (complaint.urgency or self.program.terms.unclassified_urgency) if _by_urgency(deadline) else None
        limit = self.program.terms.limit_for(deadline.limit, urgency)
        return self._clock(deadline.limit), limit, self._seen(getattr(complaint, deadline.from_))

    # evaluations, reports, disclosures

    def _record_fact(self, subject: str, record: Record, in_term: bool) -> dict:
        fact = self._base(subject, record, in_term)
        for compiled in self._rules[subject]:
            rule = compiled.rule
            if isinstance(rule, ContainsRule):
                value = getattr(record, rule.field)
                for i, item in enumerate(compiled.items):
                    fact[f"p_{compiled.slot}_{i}"] = _non_blank(value.get(item)) if isinstance(value, dict) else item in value
            elif isinstance(rule, RequiredRule):
                self._presence(fact, compiled, record)
        return fact

    # periods and channels

    def _periods(self, export: Export) -> Iterator[tuple[dict, SubjectRef]]:
        rules = self._rules["period"]
        delivered = {compiled.slot: self._earliest(compiled, export) for compiled in rules}
        for first, last in term_periods(self.contract.effective_on, self.contract.ends_on, self.program.terms.evaluation.period):
            end = _midnight(last + timedelta(days=1), self.zone)
            fact = {"t": "period", "in_term": True, "asof": self.asof_us}
            for compiled in rules:
                assert compiled.due_days is not None
                due = _midnight(last + timedelta(days=compiled.due_days + 1), self.zone) - _MICRO
                fact[compiled.field("end")] = micros(end)
                fact[compiled.field("due")] = micros(due)
                # The limit runs from the period's end to the midnight that ends its due day.
                fact[compiled.field("risk")] = micros(end) + share_us(micros(due) + 1 - micros(end), self.program.terms.at_risk)
                self._event(fact, compiled.field("obs"), delivered[compiled.slot].get((first, last)))
            yield fact, SubjectRef("period", f"{first.isoformat()}/{last.isoformat()}")

    def _earliest(self, compiled: CompiledRule, export: Export) -> dict[tuple[date, date], datetime]:
        """The earliest delivery (by as_of) of each period's records: the one that counts."""
        rule = compiled.rule
        assert isinstance(rule, EveryPeriodRule)
        delivered: dict[tuple[date, date], datetime] = {}
        for record in getattr(export, rule.record):
            at = self._seen(getattr(record, rule.delivered))
            key = (record.period.start, record.period.end)
            if at is not None and (key not in delivered or at < delivered[key]):
                delivered[key] = at
        return delivered

    def _channel_kinds(self, export: Export) -> Iterator[tuple[dict, SubjectRef]]:
        rules = self._rules["channel_kind"]
        first = self.contract.effective_on
        last = min(self.contract.ends_on - timedelta(days=1), self.as_of.astimezone(self.zone).date())
        for kind in sorted({kind for compiled in rules for kind in compiled.items}):
            spans = sorted((c.opened_on, c.closed_on or date.max) for c in export.channels if c.kind == kind)
            gaps = tuple(_gaps(first, last, spans))
            fact = {"t": "channel_kind", "in_term": first <= last, "asof": self.asof_us}
            for compiled in rules:
                if kind in compiled.items:
                    fact[compiled.field("gap_days")] = sum((b - a).days + 1 for a, b in gaps)
            yield fact, SubjectRef("channel_kind", kind, gaps=gaps)

    # shared pieces

    def _base(self, subject: str, record: Record, in_term: bool) -> dict:
        fact: dict = {"t": subject, "in_term": in_term, "asof": self.asof_us}
        for name in self._fields[subject]:
            value = self._value(getattr(record, name))
            if value is not None:
                fact["r_" + name] = value
        return fact

    def _presence(self, fact: dict, compiled: CompiledRule, record: Record) -> None:
        for i, name in enumerate(compiled.items):
            value = getattr(record, name)
            fact[f"p_{compiled.slot}_{i}"] = self._seen(value) is not None if isinstance(value, datetime) else _non_blank(value)

    def _event(self, fact: dict, key: str, value: Optional[datetime]) -> None:
        if value is not None and value <= self.as_of:
            fact[key] = micros(value)

    def _seen(self, value: Optional[datetime]) -> Optional[datetime]:
        return value if value is not None and value <= self.as_of else None

    def _value(self, value: object) -> object:
        """A record value as a fact value of one kind; None when absent, blank or not yet happened."""
        if isinstance(value, datetime):
            return micros(value) if value <= self.as_of else None
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            # Surrounding blanks are an export's noise, not a different purpose or status.
            value = value.strip()
            if len(value) > _LONGEST_TEXT:
                # durable_rules takes string lengths modulo 65,536: a long text could compare
                # equal to a short literal. Its head plus a digest keeps every comparison a rule
                # can make with a literal shorter than the head.
                value = value[:_LONGEST_TEXT] + "#" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
            return value or None
        if isinstance(value, (list, dict)):
            return len(value) or None
        return value


def _by_urgency(deadline: Union[DeadlineRule, Deadline]) -> bool:
    # A required rule's own deadline (`or_after`) follows the limit's table when it has one.
    return deadline.limit_by is not None if isinstance(deadline, DeadlineRule) else True


def _deadline_of(rule: object) -> Union[DeadlineRule, Deadline, None]:
    if isinstance(rule, DeadlineRule):
        return rule
    if isinstance(rule, RequiredRule) and rule.once is not None:
        return rule.once.or_after
    return None


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
