"""What the charts show beyond a period's summary figures: times per urgency against their limits,
ratings per period, channel spans, when late first responses fall due. Read off the records and findings."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict

from check_compliance.engine.findings import Finding, PeriodFigures
from check_compliance.obligations.clock import WallClock
from check_compliance.obligations.records import Records
from check_compliance.obligations.terms import Terms

URGENCIES = ("urgent", "high", "normal", "low")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Times(_Model):
    """Wall-clock seconds from receipt to an event, for one urgency, and the limit as written."""

    urgency: str
    seconds: list[int]
    limit: str
    limit_seconds: Optional[int]  # None where the limit is not a fixed wall-clock length (a business clock, working days)


class ChannelSpan(_Model):
    id: str
    kind: str
    opened_on: str
    closed_on: Optional[str]


class Distributions(_Model):
    first_response: list[Times]
    resolution: list[Times]
    satisfaction: dict[str, list[int]]  # period -> ratings 1..5 counted
    channels: list[ChannelSpan]
    late_first_responses: list[list[int]]  # weekday (Mon first) x hour, in the contract's zone, at the due instant
    term_start: str
    shown_until: str


def distributions(records: Records, terms: Terms, findings: list[Finding], periods: list[PeriodFigures], as_of: datetime,
                  first: Optional[date] = None, last: Optional[date] = None) -> Distributions:
    """The distributions of the complaints received `first`..`last` (default: the whole term up to `as_of`)."""
    zone = records.contract.zone
    chosen = [c for c in records.complaints if _within(c.received_at.astimezone(zone).date(), first, last)]
    times: dict[str, list[Times]] = {}
    for name, event in (("first_response", "first_response_at"), ("resolution", "resolved_at")):
        fixed = isinstance(terms.clock_for(name, zone), WallClock)
        rows = []
        for urgency in URGENCIES:
            limit = terms.limit_for(name, urgency)
            seconds = sorted(
                int((getattr(c, event) - c.received_at).total_seconds())
                for c in chosen
                if (c.urgency or terms.unclassified_urgency) == urgency and getattr(c, event) is not None and getattr(c, event) <= as_of
            )
            rows.append(Times(urgency=urgency, seconds=seconds, limit=str(limit), limit_seconds=limit.seconds if fixed and not limit.is_days else None))
        times[name] = rows
    satisfaction: dict[str, list[int]] = {}
    for p in periods:
        start, end = (date.fromisoformat(d) for d in p.period.split("/"))
        if (first is None or start >= first) and (last is None or end <= last):
            counts = Counter(c.satisfaction for c in chosen if c.satisfaction is not None and start <= c.received_at.astimezone(zone).date() <= end)
            satisfaction[p.period] = [counts.get(score, 0) for score in range(1, 6)]
    heat = [[0] * 24 for _ in range(7)]
    chosen_ids = {c.id for c in chosen}
    for f in findings:
        if f.rule == "first-response" and f.outcome in ("late", "overdue") and f.due_at is not None and f.subject.id in chosen_ids:
            due = datetime.fromisoformat(f.due_at).astimezone(zone)
            heat[due.weekday()][due.hour] += 1
    channels = [ChannelSpan(id=c.id, kind=c.kind, opened_on=c.opened_on.isoformat(), closed_on=c.closed_on.isoformat() if c.closed_on else None)
                for c in sorted(records.channels, key=lambda c: (c.kind, c.opened_on, c.id))]
    return Distributions(
        first_response=times["first_response"], resolution=times["resolution"], satisfaction=satisfaction, channels=channels,
        late_first_responses=heat, term_start=(first or records.contract.effective_on).isoformat(),
        shown_until=(last or as_of.astimezone(zone).date()).isoformat(),
    )


def _within(day: date, first: Optional[date], last: Optional[date]) -> bool:
    return (first is None or day >= first) and (last is None or day <= last)
