"""Inconsistent data is an input error, not a finding (OBLIGATIONS.md): the checks that say so."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Optional

from check_compliance.obligations.errors import Problem, excerpt
from check_compliance.obligations.records import Channel, Complaint, Evaluation, Records, Report

_EVENTS = ("registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at")


def inconsistencies(records: Records) -> list[Problem]:
    """Every inconsistency in `records`, each at its JSON path with the offending value or id."""
    checker = Consistency(records.contract.zone)
    problems: list[Problem] = []
    for name in ("channels", "complaints", "evaluations", "reports", "disclosures"):
        for i, record in enumerate(getattr(records, name)):
            problems += checker.record(name, i, record)
    return problems + checker.finish()


class Consistency:
    """The same checks one record at a time, for a stream: ids seen so far, references kept."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._first: dict[str, dict[str, int]] = {}
        self._references: list[tuple[int, str]] = []
        self._evaluations: set[str] = set()

    def record(self, name: str, index: int, record: object, line: Optional[int] = None) -> list[Problem]:
        """Problems of `name[index]`; `line` places them on a JSON Lines line."""
        path = f"{name}[{index}]"
        problems = self.identify(name, index, record.id, line)  # type: ignore[attr-defined]
        if isinstance(record, Complaint):
            problems += _complaint(path, record, self.zone)
        elif isinstance(record, Channel):
            if record.closed_on is not None and record.closed_on < record.opened_on:
                problems.append(Problem(f"{path}.closed_on", f"{record.closed_on} is before opened_on {record.opened_on}"))
        elif isinstance(record, (Evaluation, Report)):
            if record.period.end < record.period.start:
                problems.append(Problem(f"{path}.period.end", f"{record.period.end} is before period.start {record.period.start}"))
            if isinstance(record, Evaluation):
                self._evaluations.add(record.id)
            elif record.evaluation is not None:
                self._references.append((index, record.evaluation))
        return [p.within(line=line) for p in problems] if line is not None else problems

    def identify(self, name: str, index: int, record_id: object, line: Optional[int] = None) -> list[Problem]:
        """A duplicate id is a problem even when the record is invalid otherwise: say both."""
        if not isinstance(record_id, str):
            return []
        first = self._first.setdefault(name, {})
        if record_id in first:
            return [Problem(f"{name}[{index}].id", f"duplicate id {excerpt(record_id)} (first at {name}[{first[record_id]}])", line=line)]
        first[record_id] = index
        return []

    def finish(self) -> list[Problem]:
        """The checks that need every record: a report may name an evaluation listed after it."""
        return [
            Problem(f"reports[{i}].evaluation", f"names evaluation {excerpt(name)}, which does not exist")
            for i, name in self._references
            if name not in self._evaluations
        ]


def _complaint(path: str, complaint: Complaint, zone: tzinfo) -> list[Problem]:
    def shown(value: datetime) -> str:
        # Instants are held in UTC; say them in the contract's zone, as the export most likely did.
        return value.astimezone(zone).isoformat()

    problems = []
    received = complaint.received_at
    for field in _EVENTS:
        value = getattr(complaint, field)
        if value is not None and value < received:
            problems.append(Problem(f"{path}.{field}", f"{shown(value)} is before received_at {shown(received)}"))
    resolved = complaint.resolved_at
    if resolved is not None:
        for field in ("feedback_at", "archived_at"):
            value = getattr(complaint, field)
            if value is not None and value < resolved:
                problems.append(Problem(f"{path}.{field}", f"{shown(value)} is before resolved_at {shown(resolved)}"))
    elif complaint.status in ("resolved", "closed"):
        problems.append(Problem(f"{path}.resolved_at", f"missing, but status is {complaint.status!r}"))
    latest_end, running_seen = None, False
    for j, pause in sorted(enumerate(complaint.pauses), key=lambda item: item[1].start):
        where = f"{path}.pauses[{j}]"
        if pause.start < received:
            problems.append(Problem(f"{where}.from", f"{shown(pause.start)} is before received_at {shown(received)}"))
        if pause.end is not None and pause.end < pause.start:
            problems.append(Problem(f"{where}.to", f"{shown(pause.end)} is before its from {shown(pause.start)}"))
        if running_seen or (latest_end is not None and pause.start < latest_end):
            problems.append(Problem(where, "overlaps another pause of the same complaint"))
        if pause.end is None:
            running_seen = True
        elif latest_end is None or pause.end > latest_end:
            latest_end = pause.end
    return problems

