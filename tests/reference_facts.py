"""The per-record reference for complaint facts: one complaint at a time, on the per-record clocks.

This is the fact builder the checker had before facts were built by column (engine/kinds/): plain
datetimes, `Clock.due` / `elapsed` / `advance` of obligations/clock.py and obligations/calendar.py,
one `getattr` at a time. tests/engine/test_facts_columns.py holds the column builder to it exactly.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Union

from check_compliance.engine.compiler import Program
from check_compliance.obligations.clock import micros, share_us
from check_compliance.obligations.records import Complaint, Contract
from check_compliance.obligations.rulebook import Deadline, DeadlineRule, RequiredRule

NOT_STARTED = 2**53 - 1
_MICRO = timedelta(microseconds=1)


def reference_fact(program: Program, contract: Contract, as_of: datetime, complaint: Complaint) -> dict:
    """The fact of one complaint received by `as_of`, as the per-record builder wrote it."""
    zone = contract.zone
    rules = program.by_subject("complaint")
    term_start, term_end = _midnight(contract.effective_on, zone), _midnight(contract.ends_on, zone)
    fact: dict = {"t": "complaint", "in_term": term_start <= complaint.received_at < term_end, "asof": micros(as_of)}
    for name in sorted({f for r in rules for f in r.record_fields}):
        value = _value(getattr(complaint, name), as_of)
        if value is not None:
            fact["r_" + name] = value
    pauses = tuple((p.start, min(p.end, as_of) if p.end is not None else as_of) for p in complaint.pauses if p.start <= as_of)
    for compiled in rules:
        rule = compiled.rule
        if isinstance(rule, RequiredRule):
            for i, name in enumerate(compiled.items):
                value = getattr(complaint, name)
                fact[f"p_{compiled.slot}_{i}"] = (value is not None and value <= as_of) if isinstance(value, datetime) else _non_blank(value)
        event = rule.to if isinstance(rule, DeadlineRule) else rule.once.event if isinstance(rule, RequiredRule) and rule.once else None
        if event is not None:
            happened = getattr(complaint, event)
            if happened is not None and happened <= as_of:
                fact[compiled.field("obs")] = micros(happened)
        deadline = _deadline_of(rule)
        if deadline is None:
            continue
        start = getattr(complaint, deadline.from_)
        if start is None or start > as_of:
            fact[compiled.field("due")] = fact[compiled.field("risk")] = NOT_STARTED
            continue
        clock = program.terms.clock_for(deadline.limit, zone)
        key = program.terms.limit_key(deadline.limit, _by_table(deadline))
        limit = program.terms.limit_at(deadline.limit, getattr(complaint, key) if key else None)
        due_at = clock.due(start, limit, pauses)
        running = clock.elapsed(start, due_at, pauses) // _MICRO
        risk_at = clock.advance(start, share_us(running, program.terms.at_risk) * _MICRO, pauses)
        fact[compiled.field("due")], fact[compiled.field("risk")] = micros(due_at), micros(risk_at)
    return fact


def _by_table(deadline: Union[DeadlineRule, Deadline]) -> bool:
    return deadline.limit_by is not None if isinstance(deadline, DeadlineRule) else True


def _deadline_of(rule: object) -> Union[DeadlineRule, Deadline, None]:
    if isinstance(rule, DeadlineRule):
        return rule
    if isinstance(rule, RequiredRule) and rule.once is not None:
        return rule.once.or_after
    return None


def _value(value: object, as_of: datetime) -> object:
    if isinstance(value, datetime):
        return micros(value) if value <= as_of else None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        value = value.strip()
        if len(value) > 1000:
            value = value[:1000] + "#" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        return value or None
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
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)

