"""Deadlines by column: integer microseconds on UTC instants, pauses in closed form, calendars by searchsorted.

Every clock is a time axis: `W(t)`, the clock's running time at instant `t`, and its inverse.
Calendar time is the identity; a business calendar is its merged working spans `S`, `E` with
the cumulative working time `C` before each, `W(t) = C[i] + clip(t - S[i], 0, E[i] - S[i])`,
`i = searchsorted(S, t, 'right') - 1`, and `W⁻¹(w) = S[i] + (w - C[i])`,
`i = searchsorted(C + len, w, 'left')`, which lands exactly on a window's end as the per-record
clock does. Pauses are mapped into W-space, where every clock is calendar time: the running time
`r_k` before pause k (clipped to the start) is `W(b_k) - W(start) - Σ_{j<k} len_j`, and the due
instant is `start + limit + Σ len_k` over the pauses with `r_k < limit` (COLUMNAR.md "Facts").
The per-record clocks (`obligations/clock.py`, `obligations/calendar.py`) are the reference the
tests hold these to, exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from typing import Optional

import numpy as np

from check_compliance.obligations.calendar import MAX_IDLE_DAYS, BusinessCalendar
from check_compliance.obligations.clock import micros

I64 = np.int64
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Pauses:
    """The pauses of a block's rows, flattened: row `owner[k]` paused over `[begin[k], end[k]]`.

    Sorted by owner, then by begin; running pauses already cut at `as_of`.
    """

    owner: np.ndarray
    begin: np.ndarray
    end: np.ndarray

    def take(self, rows: np.ndarray) -> Pauses:
        """The pauses of the rows selected by the boolean mask `rows`, owners renumbered."""
        keep = rows[self.owner]
        renumber = np.cumsum(rows) - 1
        return Pauses(renumber[self.owner[keep]], self.begin[keep], self.end[keep])


def share(amount: np.ndarray, fraction: float) -> np.ndarray:
    """`obligations.clock.share_us` by column: the first whole µs at which `fraction` of `amount` ran."""
    exact = Fraction(repr(fraction))
    p, q = exact.numerator, exact.denominator
    if amount.size and int(np.abs(amount).max()) * p >= 2**62:
        return np.array([-(-(int(a) * p) // q) for a in amount], dtype=I64)
    return -((-(amount * p)) // q)


def _segment_sum(values: np.ndarray, owner: np.ndarray, rows: int) -> np.ndarray:
    """Σ values per owner (owners sorted), exactly in int64."""
    out = np.zeros(rows, dtype=I64)
    if values.size:
        np.add.at(out, owner, values)
    return out


def _exclusive_cumsum(values: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Per owner (sorted), the sum of the values before each one."""
    if not values.size:
        return values
    total = np.cumsum(values)
    first = np.r_[True, owner[1:] != owner[:-1]]
    base = np.maximum.accumulate(np.where(first, np.arange(values.size), 0))
    return total - values - (total[base] - values[base])


def advance_w(start: np.ndarray, amount: np.ndarray, wb: np.ndarray, we: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """In W-space: the W at which `amount` of running time outside the pauses has run since `start`.

    `wb`, `we` are the pauses' W-bounds (any order within an owner is sorted by begin).
    """
    s = start[owner]
    b = np.maximum(wb, s)
    length = np.maximum(we - b, 0)
    before = _exclusive_cumsum(length, owner)
    running = (b - s) - before
    counted = np.where(running < amount[owner], length, 0)
    return start + amount + _segment_sum(counted, owner, start.size)


def paused_w(start: np.ndarray, until: np.ndarray, wb: np.ndarray, we: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """In W-space: the paused running time inside `[start, until]` of each row."""
    lo = np.maximum(wb, start[owner])
    hi = np.minimum(we, until[owner])
    return _segment_sum(np.maximum(hi - lo, 0), owner, start.size)


class WallAxis:
    """Calendar time: W is the identity; `Nbd` ends at the midnight after N local days."""

    is_business = False

    def __init__(self, midnight: Callable[[date], int]) -> None:
        self._midnight = midnight  # date -> UTC µs of that local midnight

    def w(self, t: np.ndarray) -> np.ndarray:
        return t

    def inverse(self, w: np.ndarray) -> np.ndarray:
        return w

    def working_days_amount(self, start: np.ndarray, days: int) -> np.ndarray:
        """`WallClock.due`'s amount for `Nbd`: to the midnight ending the N-th day after the start's day."""
        if not start.size:
            return start.copy()
        first, last = _day_range(start, days + 2)
        table = np.array([self._midnight(first + timedelta(days=i)) for i in range((last - first).days + 1)], dtype=I64)
        local = np.searchsorted(table, start, "right") - 1
        return table[local + days + 1] - start


class BusinessAxis:
    """A business calendar laid out as merged working spans over the days a block needs."""

    is_business = True

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self._first: Optional[date] = None
        self._days = 0

    def cover(self, start: np.ndarray, extra_days: int) -> None:
        """Lay out the spans from two days before the earliest start to `extra_days` after the latest."""
        first, last = _day_range(start, extra_days)
        if self._first is not None and self._first <= first and last <= self._first + timedelta(days=self._days - 1):
            return
        self._build(first, (last - first).days + 1)

    def widen(self) -> None:
        assert self._first is not None
        if self._days > MAX_IDLE_DAYS * 4:
            raise ValueError(f"calendar {self.calendar.name} has no working time in the {MAX_IDLE_DAYS} days after {self._first}")
        self._build(self._first, self._days * 2)

    def _build(self, first: date, days: int) -> None:
        self._first, self._days = first, days
        midnights: list[int] = []
        day_s: list[int] = []
        day_e: list[int] = []
        day_of: list[int] = []
        for i in range(days):
            day_midnight, spans = self.calendar._day(first + timedelta(days=i))
            midnights.append(micros(day_midnight))
            for opens, closes in spans:
                day_s.append(micros(opens))
                day_e.append(micros(closes))
                day_of.append(i)
        self.midnights = np.array(midnights, dtype=I64)
        self.day_s, self.day_e, self.day_of = (np.array(v, dtype=I64) for v in (day_s, day_e, day_of))
        # Windows merged across days, as `BusinessCalendar._spans` merges them.
        merged_s: list[int] = []
        merged_e: list[int] = []
        for a, b in zip(day_s, day_e):
            if merged_e and a <= merged_e[-1]:
                merged_e[-1] = max(merged_e[-1], b)
            else:
                merged_s.append(a)
                merged_e.append(b)
        self.S = np.array(merged_s, dtype=I64)
        self.E = np.array(merged_e, dtype=I64)
        lengths = self.E - self.S
        self.C = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(I64) if lengths.size else np.zeros(0, dtype=I64)
        self.C_end = self.C + lengths
        # Per day: its last window's end, whether it works, working days counted up to it.
        works = np.zeros(days, dtype=bool)
        last_end = np.zeros(days, dtype=I64)
        if self.day_of.size:
            works[self.day_of] = True
            last_end[self.day_of] = self.day_e  # the last write per day is its last window
        self.works = works
        self.last_end = last_end
        self.worked = np.cumsum(works)
        self.workdays = np.flatnonzero(works)

    def covers_w(self, w: np.ndarray) -> bool:
        return not w.size or (self.C_end.size > 0 and int(w.max()) <= int(self.C_end[-1]))

    def w(self, t: np.ndarray) -> np.ndarray:
        i = np.searchsorted(self.S, t, "right") - 1
        j = np.maximum(i, 0)
        inside = np.clip(t - self.S[j], 0, self.E[j] - self.S[j])
        return np.where(i >= 0, self.C[j] + inside, 0)

    def inverse(self, w: np.ndarray) -> np.ndarray:
        i = np.searchsorted(self.C_end, w, "left")
        return self.S[i] + (w - self.C[i])

    def start_day(self, begin: np.ndarray) -> np.ndarray:
        """The index of the day a deadline counts from: the local day, or last night's shift's day."""
        day = np.searchsorted(self.midnights, begin, "right") - 1
        # The last window of yesterday is the only one of its windows that can still hold `begin`.
        ends_yesterday = np.searchsorted(self.day_of, day - 1, "right") - 1
        k = np.maximum(ends_yesterday, 0)
        inside = (ends_yesterday >= 0) & (self.day_of[k] == day - 1) & (self.day_s[k] <= begin) & (begin < self.day_e[k])
        return day - inside

    def close_after(self, begin: np.ndarray, count: int) -> Optional[np.ndarray]:
        """The close of the `count`-th working day after each start day (None: not laid out far enough)."""
        day = self.start_day(begin)
        k = self.worked[day]  # working days up to and including the start day; the next is index k
        if k.size and int(k.max()) + count > self.workdays.size:
            return None
        ends = self.last_end[self.workdays]
        # max over the `count` working days, as `BusinessCalendar._close_after` keeps it
        window = ends[: ends.size - count + 1].copy() if ends.size >= count else np.zeros(0, dtype=I64)
        for shift in range(1, count):
            window = np.maximum(window, ends[shift: shift + window.size])
        return np.maximum(begin, window[k]) if k.size else begin.copy()


def _day_range(start: np.ndarray, extra_days: int) -> tuple[date, date]:
    """Days around the block's starts, wide enough for any zone: two before the first (a shift of
    last night may hold it), `extra_days` after the last."""
    lo = datetime.fromtimestamp(int(start.min()) // 1_000_000, timezone.utc).date() - 2 * _DAY
    hi = datetime.fromtimestamp(int(start.max()) // 1_000_000, timezone.utc).date() + 2 * _DAY
    return lo, hi + timedelta(days=extra_days)
