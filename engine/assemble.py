"""Matches from the engine → findings: evidence read off the fact, the rule's message filled in."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Optional

from check_compliance.engine.facts import Context
from check_compliance.engine.findings import DateRange, Evidence, Finding, Subject
from check_compliance.obligations.clock import from_micros
from check_compliance.obligations.durations import describe_limit, describe_seconds

_UNCLASSIFIED = {"en": "{urgency}, unclassified", "zh": "未分类，按{urgency}"}
_URGENCY = {
    "zh": {"urgent": "紧急", "high": "高", "normal": "一般", "low": "低"},
    "en": {"urgent": "urgent", "high": "high", "normal": "normal", "low": "low"},
}


def finding(outcome: str, fact: dict, context: Context, lang: str, zone) -> Finding:  # type: ignore[no-untyped-def]
    rule = context.rule.rule
    clock = context.clock
    working = bool(clock and clock.is_business)
    shown_zone = getattr(clock, "zone", zone) if working else zone
    rule_fields = context.rule
    due_us, observed_us = fact.get(rule_fields.field("due")), fact.get(rule_fields.field("obs"))
    if due_us is not None and context.end_of_day:
        due_us += 1  # the midnight that ends the due day: the first late instant
    due = from_micros(due_us, shown_zone) if due_us is not None else None
    observed = from_micros(observed_us, shown_zone) if observed_us is not None else None
    as_of = from_micros(fact["asof"], shown_zone)
    delay: Optional[timedelta] = None
    working_delay: Optional[timedelta] = None
    if due is not None and due_us is not None and outcome in ("late", "overdue"):
        until_us = observed_us if outcome == "late" and observed_us is not None else fact["asof"]
        # Between instants, never wall readings: two datetimes of one zone subtract as wall times,
        # an hour off across a DST change.
        delay = timedelta(microseconds=until_us - due_us)
        if working and clock is not None:
            working_delay = clock.elapsed(due, from_micros(until_us, shown_zone), context.pauses)
    elapsed = None
    if outcome == "at_risk" and clock is not None and context.start is not None:
        elapsed = clock.elapsed(context.start, as_of, context.pauses)
    missing = [item for i, item in enumerate(context.rule.items) if fact.get(f"p_{context.rule.slot}_{i}") is False]
    evidence = Evidence(
        limit=str(context.limit) if context.limit else None,
        clock=clock.name if clock and context.limit else None,
        urgency=context.urgency,
        classified=context.classified if context.urgency else None,
        elapsed_seconds=int(elapsed.total_seconds()) if elapsed is not None else None,
        working_delay_seconds=math.ceil(working_delay.total_seconds()) if working_delay is not None else None,
        missing=missing or None,
        gaps=[DateRange(start=a.isoformat(), end=b.isoformat()) for a, b in context.gaps] or None,
    )
    values = {
        "subject": context.subject_id,
        "party": context.party,
        "urgency": _urgency(context, lang),
        "limit": _limit_text(context, lang),
        "delay": _length(working_delay if working_delay is not None else delay, lang, working),
        "elapsed": _length(elapsed, lang, working),
        "due_at": _when(due, context.end_of_day),
        "observed_at": _when(observed),
        "missing": ("、" if lang == "zh" else ", ").join(missing),
        "gaps": ("、" if lang == "zh" else ", ").join(_range(a, b) for a, b in context.gaps),
        "field": "",
    }
    template = rule.message[outcome].get(lang)  # type: ignore[index]
    return Finding(
        rule=rule.id,
        obligation=rule.obligation,
        clause=rule.clause,
        breach=rule.breach,
        party=context.party,
        severity="warning" if outcome == "at_risk" else rule.severity,
        outcome=outcome,
        subject=Subject(type=context.subject_type, id=context.subject_id),
        due_at=due.isoformat() if due else None,
        observed_at=observed.isoformat() if observed else None,
        delay_seconds=math.ceil(delay.total_seconds()) if delay is not None else None,
        message=template.format_map(values),
        evidence=evidence,
    )


def _urgency(context: Context, lang: str) -> str:
    if context.urgency is None:
        return ""
    name = _URGENCY[lang][context.urgency]
    return name if context.classified else _UNCLASSIFIED[lang].format(urgency=name)


def _limit_text(context: Context, lang: str) -> str:
    if context.limit is None:
        return ""
    return describe_limit(context.limit, lang, bool(context.clock and context.clock.is_business))


def _length(value: Optional[timedelta], lang: str, working: bool) -> str:
    return describe_seconds(value.total_seconds(), lang, working) if value is not None else ""


def _when(value: Optional[datetime], end_of_day: bool = False) -> str:
    if value is None:
        return ""
    if end_of_day:
        # The midnight that ends a due day reads as the end of that day.
        return (value - timedelta(days=1)).strftime("%Y-%m-%d 24:00")
    return value.strftime("%Y-%m-%d %H:%M")


def _range(first, last) -> str:  # type: ignore[no-untyped-def]
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
