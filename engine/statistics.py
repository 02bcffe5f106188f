"""Per-period figures an evaluator needs (clause 2.1): counts, on-time rates, response and resolution times, satisfaction.

They are taken off the same fact columns the engine judges, block by block as the complaints
stream past, and a deadline is counted by the compiled conditions of its rule (`tallies`: *met*,
*late*, *overdue*, still *running*), never decided a second time here. Times are wall-clock
seconds from receipt, for complaints whose event happened by `as_of`.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import numpy as np

from check_compliance.engine.compiler import Program
from check_compliance.engine.conditions import holds_columns
from check_compliance.engine.findings import DeadlineFigures, PeriodFigures, Spread
from check_compliance.obligations.clock import micros
from check_compliance.obligations.periods import term_periods
from check_compliance.obligations.records import Contract

STATES = ("met", "late", "overdue", "running")


class Figures:
    """Accumulates the figures of every period of the term that has begun by `as_of`."""

    def __init__(self, program: Program, contract: Contract, as_of: datetime) -> None:
        zone = contract.zone
        last_day = as_of.astimezone(zone).date()
        self._periods = [p for p in term_periods(contract.effective_on, contract.ends_on, program.terms.evaluation.period) if p[0] <= last_day]
        self._starts = np.array([micros(datetime.combine(first, time(), zone).astimezone(timezone.utc)) for first, _ in self._periods], dtype=np.int64)
        self._ends = np.array([micros(datetime.combine(last + timedelta(days=1), time(), zone).astimezone(timezone.utc)) for _, last in self._periods], dtype=np.int64)
        self._asof = micros(as_of)
        self._deadlines = [(c.rule.id, c.tallies) for c in program.by_subject("complaint") if c.tallies is not None]
        n = len(self._periods)
        self._count = np.zeros(n, dtype=np.int64)
        self._tally = {rule: np.zeros((n, len(STATES)), dtype=np.int64) for rule, _ in self._deadlines}
        self._response: list[list[Any]] = [[] for _ in range(n)]
        self._resolution: list[list[Any]] = [[] for _ in range(n)]
        self._satisfaction = np.zeros((n, 2), dtype=np.int64)

    def observe(self, block: Any, facts: Any) -> None:
        """Take the figures of a block of complaints (`engine.kinds.columns.BlockFacts`) and their facts."""
        n = len(self._periods)
        received = block.column("received_at")[0]
        index = np.searchsorted(self._starts, received, "right") - 1
        inside = (index >= 0) & (received < self._ends[np.clip(index, 0, max(n - 1, 0))]) if n else np.zeros(received.size, dtype=bool)
        self._count += np.bincount(index[inside], minlength=n)[:n]
        for rule, tallies in self._deadlines:
            for state, name in enumerate(STATES):
                counted = inside & holds_columns(tallies[name], facts)
                self._tally[rule][:, state] += np.bincount(index[counted], minlength=n)[:n]
        for name, values in (("first_response_at", self._response), ("resolved_at", self._resolution)):
            at, valid = block.column(name)
            taken = inside & valid & (at <= self._asof)
            seconds = (at - received) // 1_000_000
            for period in np.unique(index[taken]).tolist():
                values[period].append(seconds[taken & (index == period)])
        score, given = block.column("satisfaction")
        rated = inside & given
        self._satisfaction[:, 0] += np.bincount(index[rated], minlength=n)[:n]
        np.add.at(self._satisfaction[:, 1], index[rated], score[rated])

    def merge(self, other: Figures) -> None:
        """Add the figures another process took of its share of the same check's complaints."""
        self._count += other._count
        for rule, tally in other._tally.items():
            self._tally[rule] += tally
        for i in range(len(self._periods)):
            self._response[i].extend(other._response[i])
            self._resolution[i].extend(other._resolution[i])
        self._satisfaction += other._satisfaction

    def result(self) -> list[PeriodFigures]:
        return [self._period(i, first, last) for i, (first, last) in enumerate(self._periods)]

    def _period(self, i: int, first: date, last: date) -> PeriodFigures:
        deadlines = {}
        for rule, tally in self._tally.items():
            met, late, overdue, running = (int(v) for v in tally[i])
            decided = met + late + overdue
            deadlines[rule] = DeadlineFigures(met=met, late=late, overdue=overdue, running=running, on_time_rate=round(met / decided, 4) if decided else None)
        rated, total = (int(v) for v in self._satisfaction[i])
        return PeriodFigures(
            period=f"{first.isoformat()}/{last.isoformat()}",
            complaints=int(self._count[i]),
            deadlines=deadlines,
            first_response_seconds=_spread(self._response[i]),
            resolution_seconds=_spread(self._resolution[i]),
            satisfaction_count=rated,
            satisfaction_mean=round(total / rated, 2) if rated else None,
        )


def _spread(parts: list[Any]) -> Spread | None:
    ordered = sorted(np.concatenate(parts).tolist()) if parts else []
    if not ordered:
        return None

    def rank(q: float) -> int:
        # Nearest rank: the smallest value with at least a fraction q of the values at or below it.
        return ordered[max(0, math.ceil(len(ordered) * q) - 1)]

    return Spread(p50=rank(0.5), p90=rank(0.9), max=ordered[-1])
