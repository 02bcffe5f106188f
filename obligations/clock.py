"""Clocks that deadlines run on: calendar time (24x7) here; business calendars in `calendar.py`.

A clock answers two questions, and they are inverse: `due(start, limit, pauses)` is the instant at
which the running time since `start` reaches `limit`, and `elapsed(start, end, pauses)` is the
running time between two instants. Running time is the clock's time outside pauses. Pauses are
closed `(from, to)` intervals of aware datetimes; a pause still running has already been cut at
`as_of` by the caller. The boundary belongs to the earlier side: a deadline can fall exactly at the
start of a pause.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import Protocol

from obligations.durations import Limit

Pause = tuple[datetime, datetime]


class Clock(Protocol):
    """What a deadline needs from a clock."""

    name: str
    is_business: bool

    def due(self, start: datetime, limit: Limit, pauses: Sequence[Pause] = ()) -> datetime: ...

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> timedelta: ...


class WallClock:
    """Calendar time, every second counts; `bd` limits count calendar days in `zone`."""

    is_business = False

    def __init__(self, zone: tzinfo, name: str = "calendar") -> None:
        self.zone = zone
        self.name = name

    def due(self, start: datetime, limit: Limit, pauses: Sequence[Pause] = ()) -> datetime:
        # In UTC: arithmetic on datetimes of one ZoneInfo is wall-clock arithmetic, wrong across DST.
        start = start.astimezone(timezone.utc)
        if limit.is_days:
            last_day = start.astimezone(self.zone).date() + timedelta(days=limit.amount)
            end_of_day = datetime.combine(last_day + timedelta(days=1), time(), self.zone)
            seconds = (end_of_day - start).total_seconds()
        else:
            seconds = limit.seconds
        return start + timedelta(seconds=_due_seconds(start, seconds, pauses))

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> timedelta:
        start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
        if end <= start:
            return timedelta(0)
        stopped = sum((_overlap(p, start, end) for p in pauses), timedelta(0))
        return end - start - stopped


def _due_seconds(start: datetime, seconds: float, pauses: Sequence[Pause]) -> float:
    """Wall seconds from `start` until `seconds` of running time have passed."""
    cursor, remaining = start, seconds
    for begin, end in sorted((b.astimezone(timezone.utc), e.astimezone(timezone.utc)) for b, e in pauses):
        if end <= cursor:
            continue
        if begin > cursor:
            run = (begin - cursor).total_seconds()
            if run >= remaining:
                break
            remaining -= run
        cursor = max(cursor, end)
    return (cursor - start).total_seconds() + remaining


def _overlap(pause: Pause, start: datetime, end: datetime) -> timedelta:
    begin, finish = max(pause[0].astimezone(timezone.utc), start), min(pause[1].astimezone(timezone.utc), end)
    return finish - begin if finish > begin else timedelta(0)
