"""Business-calendar clock: deadlines that count only working time in a zone's working windows."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_pkg
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from check_compliance.obligations.clock import Pause
from check_compliance.obligations.durations import Limit

__all__ = ["MAX_IDLE_DAYS", "BusinessCalendar", "CalendarSpec", "HolidaySource", "NoWorkingTime", "week_of_work"]

UTC = timezone.utc
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_IDLE_DAYS = 3660  # ten years without a working minute means the calendar is broken, not slow
_ONE_DAY = timedelta(days=1)
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class NoWorkingTime(ValueError):
    """A calendar with no working time for `MAX_IDLE_DAYS` days: a deadline on it never comes."""


# Minutes after the day's midnight; an end past 1440 crosses midnight.
Window = tuple[int, int]
Span = tuple[datetime, datetime]  # UTC, half-open


def _parse_days(key: str) -> list[int]:
    text = key.strip().lower()
    if text in ("daily", "all"):
        return list(range(7))
    first, dash, last = text.partition("-")
    if first in DAYS and (not dash or last in DAYS):
        a = DAYS.index(first)
        b = DAYS.index(last) if dash else a
        return [(a + i) % 7 for i in range((b - a) % 7 + 1)]  # fri-mon wraps over the weekend
    raise ValueError(
        f'unknown day "{key}": expected mon..sun, a range such as mon-fri, or daily/all'
    )


def _parse_window(text: object) -> Window:
    match = _WINDOW.match(text) if isinstance(text, str) else None
    if match:
        sh, sm, eh, em = map(int, match.groups())
        if sh < 24 and sm < 60 and em < 60 and (eh < 24 or (eh, em) == (24, 0)):
            start, end = sh * 60 + sm, eh * 60 + em
            return start, end if end > start else end + 1440
    raise ValueError(
        f"bad window {_quote(text)}: expected HH:MM-HH:MM such as 09:00-18:00"
        " (24:00 allowed as an end)"
    )


def _quote(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _weekly(hours: Mapping[str, Sequence[str]]) -> list[tuple[Window, ...]]:
    """Windows of each weekday, Monday first; a day named by two keys is an error."""
    week: list[tuple[Window, ...] | None] = [None] * 7
    for key, windows in hours.items():
        parsed = tuple(sorted(_parse_window(w) for w in windows))
        for day in _parse_days(key):
            if week[day] is not None:
                raise ValueError(f'day "{DAYS[day]}" is given twice in hours (again by "{key}")')
            week[day] = parsed
    return [w or () for w in week]


class HolidaySource(BaseModel):
    """Statutory holidays and makeup workdays of a country (and subdivision) from `holidays`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str
    subdivision: str | None = None

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.strip().upper()

    @model_validator(mode="after")
    def _supported(self) -> HolidaySource:
        supported = holidays_pkg.list_supported_countries()
        if self.country not in supported:
            raise ValueError(
                f'unknown country "{self.country}": expected an ISO 3166-1 alpha-2 code '
                "that the holidays package supports, such as CN, DE or US"
            )
        try:
            holidays_pkg.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError as exc:
            allowed = ", ".join(supported[self.country]) or "none"
            raise ValueError(
                f'unknown subdivision "{self.subdivision}" of {self.country}: '
                f"expected one of {allowed}"
            ) from exc
        return self


class CalendarSpec(BaseModel):
    """A business calendar as a terms file writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str
    hours: dict[str, tuple[str, ...]]
    holidays: HolidaySource | None = None
    extra_holidays: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfo raises several types for bad keys, all meaning this
            raise ValueError(
                f'unknown time zone "{value}": '
                "expected an IANA name such as Asia/Shanghai or Europe/Berlin"
            ) from exc
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if not any(_weekly(value)):
            # Found here, not when the first deadline on it is counted during a check.
            raise ValueError('no working hours on any day: give at least one window, such as mon-fri: ["09:00-18:00"]')
        return value

    @model_validator(mode="after")
    def _disjoint(self) -> CalendarSpec:
        both = sorted(set(self.extra_holidays) & set(self.extra_workdays))
        if both:
            raise ValueError(
                f"dates both in extra_holidays and extra_workdays: {', '.join(map(str, both))}"
            )
        return self


def week_of_work(spec: CalendarSpec) -> tuple[int, int]:
    """Working seconds and working days in an ordinary week of the calendar (before holidays)."""
    week = _weekly(spec.hours)
    seconds = sum((end - start) * 60 for day in week for start, end in day)
    return min(seconds, 7 * 86400), sum(1 for day in week if day)


class BusinessCalendar:
    """A `Clock` that counts only working time: weekly windows, minus holidays, plus workdays.

    Which windows a date has, in order of precedence: an `extra_workdays` date works the windows
    of its own weekday, and if that weekday has none (a weekend), those of the weekday it stands
    in for where the holiday calendar names one, else the standard hours; an `extra_holidays`
    date has none; a makeup workday (调休, a weekend day the
    holidays package lists in `weekend_workdays`) works with the hours of the weekday whose day off
    it pays for, read from the package's substituted-holiday tables (2026-01-04, a Sunday, works
    as Friday 2026-01-02), else the standard hours; a statutory holiday has none; any other date
    has its weekday's windows. The standard hours are Monday's, or if Monday has none, those of
    the first weekday that has some.

    Windows are local wall times, resolved to instants with `fold=0` (an ambiguous time is its
    first occurrence, a time skipped by DST lands that much later), and all arithmetic is on
    real elapsed seconds: on spring-forward day a 01:00-04:00 window holds 2 h, on fall-back 4 h.
    A window belongs to the day it starts on, even when it crosses midnight; windows that overlap
    (also across midnight) are merged. Every public result is an aware datetime in the zone.
    """

    is_business = True

    def __init__(self, spec: CalendarSpec, name: str) -> None:
        self.spec = spec
        self.name = name
        self.zone = ZoneInfo(spec.timezone)
        self._week = _weekly(spec.hours)
        if not any(self._week):
            raise ValueError(f"calendar {name} has no working hours")
        self._standard = next(w for w in self._week if w)
        self._extra_off = frozenset(spec.extra_holidays)
        self._extra_on = frozenset(spec.extra_workdays)
        # Per-instance caches: a million deadlines touch only a few thousand distinct dates.
        self._day = lru_cache(maxsize=8192)(self._build_day)
        self._year = lru_cache(maxsize=64)(self._holiday_year)

    # -- the Clock protocol -------------------------------------------------------------------

    def due(self, start: datetime, limit: Limit, pauses: Sequence[Pause] = ()) -> datetime:
        """When `limit` of working time outside pauses has run since `start`.

        `Nbd` ends at the close of the N-th working day after the start day (the day whose window
        holds `start`, else its local date; it never counts itself). Pauses then push that close
        on by the working time they took out of it, counted on from the close like any limit.
        """
        begin = _utc(start)
        if not limit.is_days:
            return self._local(self._advance(begin, timedelta(seconds=limit.seconds), pauses))
        close = self._close_after(begin, limit.amount)
        lost = (
            self._working(begin, close, ()) - self._working(begin, close, pauses)
            if pauses
            else timedelta(0)
        )
        return self._local(self._advance(close, lost, pauses))

    def advance(self, start: datetime, amount: timedelta, pauses: Sequence[Pause] = ()) -> datetime:
        """The instant `amount` of working time outside pauses after `start`, to the microsecond."""
        return self._local(self._advance(_utc(start), amount, pauses))

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> timedelta:
        """Working time between `start` and `end` outside pauses; zero if `end <= start`."""
        return self._working(_utc(start), _utc(end), pauses)

    # -- inspection ---------------------------------------------------------------------------

    def working_windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The merged windows that start on `day`, as aware datetimes in the zone."""
        return [(self._local(s), self._local(e)) for s, e in self._day(day)[1]]

    def is_working(self, instant: datetime) -> bool:
        """Whether `instant` lies in a window (a window's start is working time, its end is not)."""
        at = _utc(instant)
        day = at.astimezone(self.zone).date()
        return any(s <= at < e for d in (day - _ONE_DAY, day) for s, e in self._day(d)[1])

    # -- internals ----------------------------------------------------------------------------

    def _advance(self, begin: datetime, amount: timedelta, pauses: Sequence[Pause]) -> datetime:
        if amount <= timedelta(0):
            return begin
        for s, e in self._running(begin, pauses):
            if e - s >= amount:
                return s + amount  # may be exactly a window's end or a pause's start
            amount -= e - s
        raise AssertionError("unreachable: _running never ends")

    def _working(self, begin: datetime, end: datetime, pauses: Sequence[Pause]) -> timedelta:
        total = timedelta(0)
        if end <= begin:
            return total
        for s, e in self._running(begin, pauses):
            if s >= end:
                break
            total += min(e, end) - s
            if e >= end:
                break
        return total

    def _running(self, begin: datetime, pauses: Sequence[Pause]) -> Iterator[Span]:
        """Working spans from `begin` on, minus the pauses."""
        stops = sorted(
            (a, b) for a, b in ((_utc(p), _utc(q)) for p, q in pauses) if b > begin and b > a
        )
        if not stops:  # the common case
            yield from self._spans(begin)
            return
        i = 0
        for s, e in self._spans(begin):
            while s < e:
                while i < len(stops) and stops[i][1] <= s:
                    i += 1
                if i == len(stops) or stops[i][0] >= e:
                    yield s, e
                    break
                if stops[i][0] > s:
                    yield s, stops[i][0]
                s = max(s, stops[i][1])

    def _spans(self, begin: datetime) -> Iterator[Span]:
        """Merged working spans that end after `begin`, clipped to it; endless, in order."""
        # From yesterday: its window may run past midnight.
        day = begin.astimezone(self.zone).date() - _ONE_DAY
        pending: Span | None = None
        idle = 0
        while True:
            midnight, spans = self._day(day)
            if pending and pending[1] <= midnight:  # nothing starting today or later can join it
                if pending[1] > begin:
                    yield max(pending[0], begin), pending[1]
                pending = None
            idle = 0 if spans else idle + 1
            if idle > MAX_IDLE_DAYS:
                raise NoWorkingTime(
                    f"calendar {self.name} has no working time "
                    f"in the {MAX_IDLE_DAYS} days before {day}"
                )
            for s, e in spans:
                if pending and s <= pending[1]:
                    pending = (pending[0], max(pending[1], e))
                    continue
                if pending and pending[1] > begin:
                    yield max(pending[0], begin), pending[1]
                pending = (s, e)
            day += _ONE_DAY

    def _close_after(self, begin: datetime, count: int) -> datetime:
        day = begin.astimezone(self.zone).date()
        if any(s <= begin < e for s, e in self._day(day - _ONE_DAY)[1]):
            day -= _ONE_DAY  # inside last night's shift: that shift's day is the start day
        idle, close = 0, begin
        while count > 0:
            day += _ONE_DAY
            spans = self._day(day)[1]
            if spans:
                # max: a shift overlapping the next day's window keeps both days open until it ends
                count, idle, close = count - 1, 0, max(close, spans[-1][1])
            elif (idle := idle + 1) > MAX_IDLE_DAYS:
                raise NoWorkingTime(
                    f"calendar {self.name} has no working day "
                    f"in the {MAX_IDLE_DAYS} days before {day}"
                )
        return close

    def _build_day(self, day: date) -> tuple[datetime, tuple[Span, ...]]:
        """The day's midnight and its merged windows, both in UTC."""
        spans = sorted(
            (self._instant(day, a), self._instant(day, b)) for a, b in self._windows(day)
        )
        merged: list[Span] = []
        for s, e in spans:
            if e <= s:
                continue  # a window inside a DST gap
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return self._instant(day, 0), tuple(merged)

    def _windows(self, day: date) -> tuple[Window, ...]:
        own = self._week[day.weekday()]
        if day in self._extra_on:
            return own or self._stand_in(day)
        if day in self._extra_off:
            return ()
        statutory, makeup = self._year(day.year)
        if day in makeup:
            return self._stand_in(day)
        return () if day in statutory else own

    def _stand_in(self, day: date) -> tuple[Window, ...]:
        """The windows of the weekday a working weekend day stands in for, else the standard ones."""
        replaced = self._year(day.year)[1].get(day)
        if replaced is None:
            replaced = self._replaced(day)
        return self._week[replaced] if replaced is not None and self._week[replaced] else self._standard

    def _replaced(self, day: date) -> int | None:
        # An extra workday the holidays package does not list as a makeup day may still be in
        # its substitution tables (a makeup day the user lists by hand).
        source = self.spec.holidays
        if source is None:
            return None
        table = holidays_pkg.country_holidays(source.country, subdiv=source.subdivision, years=(day.year, day.year + 1))
        return _substitutions(table, (day.year, day.year + 1)).get(day)

    def _holiday_year(self, year: int) -> tuple[frozenset[date], dict[date, int | None]]:
        source = self.spec.holidays
        if source is None:
            return frozenset(), {}
        # The next year too: its tables may list makeup workdays at the end of this one.
        table = holidays_pkg.country_holidays(
            source.country, subdiv=source.subdivision, years=(year, year + 1)
        )
        replaced = _substitutions(table, (year, year + 1))
        makeup = {d: replaced.get(d) for d in table.weekend_workdays if d.year == year}
        return frozenset(d for d in table if d.year == year), makeup

    def _instant(self, day: date, minutes: int) -> datetime:
        days, minute = divmod(minutes, 1440)
        local = datetime.combine(
            day + timedelta(days=days), time(minute // 60, minute % 60), self.zone
        )
        return local.astimezone(UTC)

    def _local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone)


def _substitutions(table: Any, years: Sequence[int]) -> dict[date, int]:
    """Makeup workday -> weekday of the day off it pays for.

    The holidays package keeps these in `special_*_holidays` tables as
    `(to_month, to_day, from_month, from_day[, from_year])`; it exposes no public accessor, so a
    change of that format falls back to the standard hours instead of failing.
    """
    found: dict[date, int] = {}
    try:
        for attr in dir(table):
            mapping = (
                getattr(table, attr, None)
                if attr.startswith("special_") and attr.endswith("_holidays")
                else None
            )
            if not isinstance(mapping, dict):
                continue
            for year in years:
                entries = mapping.get(year, ())
                if entries and not isinstance(entries[0], tuple):
                    entries = (entries,)
                for entry in entries:
                    if len(entry) >= 4 and all(isinstance(x, int) for x in entry):
                        to_month, to_day, from_month, from_day, *from_year = entry
                        workday = date(from_year[0] if from_year else year, from_month, from_day)
                        found[workday] = date(year, to_month, to_day).weekday()
    except (TypeError, ValueError):
        return {}
    return found


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant.isoformat()}")
    return instant.astimezone(UTC)
