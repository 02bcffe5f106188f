"""Evaluation periods of a contract term: calendar months or quarters, or runs of N days, cut by the term."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Literal, Union

PeriodSpec = Union[Literal["month", "quarter"], int]


def term_periods(first_day: date, end: date, spec: PeriodSpec) -> Iterator[tuple[date, date]]:
    """The periods `(first, last)` (inclusive days) of the term `[first_day, end)`, in order."""
    start = first_day
    while start < end:
        if isinstance(spec, int):
            following = start + timedelta(days=spec)
        else:
            months = 1 if spec == "month" else 3
            # Calendar periods: the one holding `start` ends where the next calendar one begins.
            index = start.year * 12 + start.month - 1
            index = (index // months + 1) * months
            following = date(index // 12, index % 12 + 1, 1)
        last = min(following, end) - timedelta(days=1)
        yield start, last
        start = last + timedelta(days=1)
