"""Inconsistent data is an input error, not a finding (OBLIGATIONS.md): the checks that say so."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from obligations.errors import Problem
from obligations.records import Complaint, Records

_EVENTS = ("registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at")


def inconsistencies(records: Records) -> list[Problem]:
    """Every inconsistency in `records`, each at its JSON path with the offending value or id."""
    problems: list[Problem] = []
    for name in ("channels", "complaints", "evaluations", "reports", "disclosures"):
        problems += _duplicate_ids(name, getattr(records, name))
    zone = records.contract.zone
    for i, complaint in enumerate(records.complaints):
        problems += _complaint(f"complaints[{i}]", complaint, zone)
    for i, channel in enumerate(records.channels):
        if channel.closed_on is not None and channel.closed_on < channel.opened_on:
            problems.append(Problem(f"channels[{i}].closed_on", f"{channel.closed_on} is before opened_on {channel.opened_on}"))
    for name in ("evaluations", "reports"):
        for i, record in enumerate(getattr(records, name)):
            if record.period.end < record.period.start:
                problems.append(Problem(f"{name}[{i}].period.end", f"{record.period.end} is before period.start {record.period.start}"))
    evaluation_ids = {e.id for e in records.evaluations}
    for i, report in enumerate(records.reports):
        if report.evaluation is not None and report.evaluation not in evaluation_ids:
            problems.append(Problem(f"reports[{i}].evaluation", f"names evaluation {report.evaluation!r}, which does not exist"))
    return problems


def _duplicate_ids(name: str, items: Sequence) -> Iterable[Problem]:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in first:
            yield Problem(f"{name}[{i}].id", f"duplicate id {item.id!r} (first at {name}[{first[item.id]}])")
        else:
            first[item.id] = i


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

