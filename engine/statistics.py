"""Per-period figures an evaluator needs (clause 2.1): counts, on-time rates, response and resolution times, satisfaction.

They are read off the same facts the engine judges, as the complaints stream past: a deadline is
*met* when its event happened at or before `due`, *late* after it, *overdue* when it has not
happened and `as_of` is past `due`, and still *running* otherwise. Times are wall-clock seconds
from receipt, for complaints whose event happened by `as_of`.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from typing import TypeVar

from check_compliance.engine.compiler import Program
from check_compliance.engine.conditions import Expr, fields, holds
from check_compliance.engine.facts import NOT_STARTED
from check_compliance.engine.findings import DeadlineFigures, PeriodFigures, Spread
from check_compliance.obligations.clock import micros
from check_compliance.obligations.periods import term_periods
from check_compliance.obligations.records import Complaint, Contract
from check_compliance.obligations.rulebook import DeadlineRule

T = TypeVar("T")


class Figures:
    """Accumulates the figures of every period of the term that has begun by `as_of`."""

    def __init__(self, program: Program, contract: Contract, as_of: datetime) -> None:
        zone = contract.zone
        last_day = as_of.astimezone(zone).date()
        self._periods = [p for p in term_periods(contract.effective_on, contract.ends_on, program.terms.evaluation.period) if p[0] <= last_day]
        self._starts = [micros(datetime.combine(first, time(), zone).astimezone(timezone.utc)) for first, _ in self._periods]
        self._ends = [micros(datetime.combine(last + timedelta(days=1), time(), zone).astimezone(timezone.utc)) for _, last in self._periods]
        self._asof = micros(as_of)
        self._deadlines = [
            (c.rule.id, c.field("due"), c.field("obs"), c.applies, tuple(sorted(fields(c.applies))) if c.applies else ())
            for c in program.by_subject("complaint")
            if isinstance(c.rule, DeadlineRule)
        ]
        # A `when` reads a few record fields with few values (a status): decide each once.
        self._applies: dict[tuple, bool] = {}
        n = len(self._periods)
        self._count = [0] * n
        self._tally = [{deadline[0]: [0, 0, 0, 0] for deadline in self._deadlines} for _ in range(n)]
        self._response = [array("q") for _ in range(n)]
        self._resolution = [array("q") for _ in range(n)]
        self._satisfaction = [[0, 0] for _ in range(n)]

    def observe(self, facts: Iterable[tuple[dict, T]]) -> Iterator[tuple[dict, T]]:
        """Pass the facts on unchanged, taking the figures of each complaint on the way."""
        for fact, subject in facts:
            record = getattr(subject, "record", None)
            if isinstance(record, Complaint):
                self._add(record, fact)
            yield fact, subject

    def _add(self, complaint: Complaint, fact: dict) -> None:
        received = micros(complaint.received_at)
        index = bisect.bisect_right(self._starts, received) - 1
        if index < 0 or received >= self._ends[index]:
            return  # outside the term
        self._count[index] += 1
        for rule, due_key, obs_key, applies, reads in self._deadlines:
            due = fact.get(due_key)
            if due is None or due == NOT_STARTED or (applies is not None and not self._owed(rule, applies, reads, fact)):
                continue  # not started by as_of, or not owed (a withdrawn complaint's resolution)
            observed = fact.get(obs_key)
            state = 3 if observed is None and self._asof <= due else 2 if observed is None else 0 if observed <= due else 1
            self._tally[index][rule][state] += 1
        for at, values in ((complaint.first_response_at, self._response), (complaint.resolved_at, self._resolution)):
            if at is not None:
                at_us = micros(at)
                if at_us <= self._asof:
                    values[index].append((at_us - received) // 1_000_000)
        if complaint.satisfaction is not None:
            self._satisfaction[index][0] += 1
            self._satisfaction[index][1] += complaint.satisfaction

    def _owed(self, rule: str, applies: Expr, reads: tuple[str, ...], fact: dict) -> bool:
        key = (rule, *(fact.get(name) for name in reads))
        owed = self._applies.get(key)
        if owed is None:
            owed = holds(applies, fact)
            if len(self._applies) < 10_000:  # a `when` on a many-valued field is simply not cached
                self._applies[key] = owed
        return owed

    def merge(self, other: Figures) -> None:
        """Add the figures another process took of its share of the same check's complaints."""
        for i in range(len(self._periods)):
            self._count[i] += other._count[i]
            for rule, tally in other._tally[i].items():
                self._tally[i][rule] = [a + b for a, b in zip(self._tally[i][rule], tally)]
            self._response[i].extend(other._response[i])
            self._resolution[i].extend(other._resolution[i])
            self._satisfaction[i] = [a + b for a, b in zip(self._satisfaction[i], other._satisfaction[i])]

    def result(self) -> list[PeriodFigures]:
        return [self._period(i, first, last) for i, (first, last) in enumerate(self._periods)]

    def _period(self, i: int, first: date, last: date) -> PeriodFigures:
        deadlines = {}
        for rule, (met, late, overdue, running) in self._tally[i].items():
            decided = met + late + overdue
            deadlines[rule] = DeadlineFigures(met=met, late=late, overdue=overdue, running=running, on_time_rate=round(met / decided, 4) if decided else None)
        rated, total = self._satisfaction[i]
        return PeriodFigures(
            period=f"{first.isoformat()}/{last.isoformat()}",
            complaints=self._count[i],
            deadlines=deadlines,
            first_response_seconds=_spread(self._response[i]),
            resolution_seconds=_spread(self._resolution[i]),
            satisfaction_count=rated,
            satisfaction_mean=round(total / rated, 2) if rated else None,
        )


def _spread(values: array) -> Spread | None:
    if not values:
        return None
    ordered = sorted(values)

    def rank(q: float) -> int:
        # Nearest rank: the smallest value with at least a fraction q of the values at or below it.
        return ordered[max(0, math.ceil(len(ordered) * q) - 1)]

    return Spread(p50=rank(0.5), p90=rank(0.9), max=ordered[-1])
