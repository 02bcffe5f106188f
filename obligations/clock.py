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
from fractions import Fraction
from typing import Protocol

from check_compliance.obligations.durations import Limit

Pause = tuple[datetime, datetime]


class Clock(Protocol):
    """What a deadline needs from a clock."""

    name: str
    is_business: bool

    def due(self, start: datetime, limit: Limit, pauses: Sequence[Pause] = ()) -> datetime: ...

    def advance(self, start: datetime, amount: timedelta, pauses: Sequence[Pause] = ()) -> datetime: ...

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> timedelta: ...


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)


def micros(instant: datetime) -> int:
    """Integer microseconds since the epoch: exact, so boundaries compare exactly, and fast."""
    return (instant - EPOCH) // _MICRO


def from_micros(value: int, zone: tzinfo) -> datetime:
    return (EPOCH + value * _MICRO).astimezone(zone)


class WallClock:
    """Calendar time, every second counts; `bd` limits count calendar days in `zone`.

    The arithmetic is on integer microseconds since the epoch, which is exact and is also what
    the fact builder uses directly (`due_us`) on the hot path of a million complaints.
    """

    is_business = False

    def __init__(self, zone: tzinfo, name: str = "calendar") -> None:
        self.zone = zone
        self.name = name

    def due(self, start: datetime, limit: Limit, pauses: Sequence[Pause] = ()) -> datetime:
        start_us = micros(start)
        if limit.is_days:
            last_day = start.astimezone(self.zone).date() + timedelta(days=limit.amount)
            amount = micros(datetime.combine(last_day + timedelta(days=1), time(), self.zone)) - start_us
        else:
            amount = limit.seconds * 1_000_000
        return from_micros(due_us(start_us, amount, _pauses_us(pauses)), self.zone)

    def advance(self, start: datetime, amount: timedelta, pauses: Sequence[Pause] = ()) -> datetime:
        """The instant `amount` of running time after `start`, to the microsecond."""
        return from_micros(due_us(micros(start), amount // _MICRO, _pauses_us(pauses)), self.zone)

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> timedelta:
        return elapsed_us(micros(start), micros(end), _pauses_us(pauses)) * _MICRO


def due_us(start: int, amount: int, pauses: Sequence[tuple[int, int]]) -> int:
    """The instant `amount` microseconds of running time after `start`; pauses sorted by start."""
    cursor, remaining = start, amount
    for begin, end in pauses:
        if end <= cursor:
            continue
        if begin >= cursor:
            if begin - cursor >= remaining:
                break  # the limit runs out before (or as) this pause begins
            remaining -= begin - cursor
        cursor = max(cursor, end)
    return cursor + remaining


def share_us(amount: int, fraction: float) -> int:
    """The first whole microsecond at which `fraction` of `amount` microseconds has run.

    `fraction` is read as the decimal the terms wrote (0.8 is exactly 4/5, not the binary float
    just above it), so at-risk is due the very microsecond 80 % has elapsed, even inside a second.
    """
    exact = Fraction(repr(fraction)) * amount
    return -(-exact.numerator // exact.denominator)


def elapsed_us(start: int, end: int, pauses: Sequence[tuple[int, int]]) -> int:
    if end <= start:
        return 0
    stopped = sum(max(0, min(b, end) - max(a, start)) for a, b in pauses)
    return end - start - stopped


def _pauses_us(pauses: Sequence[Pause]) -> list[tuple[int, int]]:
    return sorted((micros(a), micros(b)) for a, b in pauses)
