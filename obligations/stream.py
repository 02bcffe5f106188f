"""JSON Lines records read as a stream: complaints handed on one at a time, everything else held.

Memory stays bounded by what must be held anyway — the contract, channels, evaluations, reports,
disclosures, and the ids seen (for duplicates) — not by the number of complaints. Every problem is
collected while reading; `finish()` raises them all together, so a check of an invalid stream
never yields a report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any, Optional
from zoneinfo import ZoneInfo

from pydantic import BaseModel, TypeAdapter, ValidationError

from check_compliance.obligations.consistency import Consistency
from check_compliance.obligations.errors import Problem, excerpt
from check_compliance.obligations.jsontext import BadJson, parse_json
from check_compliance.obligations.limits import MAX_DEPTH
from check_compliance.obligations.loading import Problems, checked_record, error_problem, quarantined
from check_compliance.obligations.quarantine import Quarantined
from check_compliance.obligations.records import DEFAULT_TIMEZONE, RECORD_LISTS, Channel, Complaint, Contract, Disclosure, Evaluation, Instant, Records, Report

# A line's `type` → the list of the export it belongs to.
LISTS: dict[str, str] = {name[:-1]: name for name in RECORD_LISTS}
_INSTANT = TypeAdapter(Instant)


class RecordStream:
    """Records from JSON Lines; iterate `complaints` once, then read the held lists and `finish()`."""

    def __init__(self, lines: Iterable[Any], source: str = "<records>", progress: Optional[Callable[[int], None]] = None,
                 quarantine: Optional[list[Quarantined]] = None, numbered: bool = False) -> None:
        self.source = source
        # `numbered`: the lines come as (number, line) pairs, blank ones left out (sources.py)
        self._lines: Iterator[tuple[int, bytes | str]] = iter(lines) if numbered else enumerate(lines, start=1)
        self._progress = progress
        self._quarantine = quarantine  # invalid complaints go here instead of into the problems
        self._depth = MAX_DEPTH.value
        self.problems = Problems()
        self.contract: Optional[Contract] = None
        self.as_of: Optional[datetime] = None
        self.channels: list[Channel] = []
        self.evaluations: list[Evaluation] = []
        self.reports: list[Report] = []
        self.disclosures: list[Disclosure] = []
        self._held: list[tuple[int, dict]] = []  # complaints met before the contract line
        self._count = dict.fromkeys(RECORD_LISTS, 0)
        self._zone: tzinfo = ZoneInfo(DEFAULT_TIMEZONE)
        self._consistency = Consistency(self._zone)
        self._contract_line: Optional[int] = None
        self.start()

    def start(self) -> None:
        """Read up to the contract; without a valid one nothing can be judged, so read on and fail."""
        for number, line in self._lines:
            record = self._parse(number, line)
            if record is not None and self._take(number, record, hold=True) == "contract":
                break
        if self.contract is None:
            if self._contract_line is None:
                self.problems.add(Problem("(stream)", 'no record with "type": "contract"'))
            for _ in self.complaints:
                pass
            self.finish()

    @property
    def complaints(self) -> Iterator[Complaint]:
        held, self._held = self._held, []
        for number, record in held:
            complaint = self._validate(number, "complaint", record)
            if complaint is not None:
                yield complaint  # type: ignore[misc]
        for number, line in self._lines:
            parsed = self._parse(number, line)
            if parsed is None:
                continue
            if self._take(number, parsed, hold=False) == "complaint":
                complaint = self._validate(number, "complaint", parsed)
                if complaint is not None:
                    yield complaint  # type: ignore[misc]

    def to_records(self) -> Records:
        """Read the whole stream into `Records` (for files small enough to hold)."""
        complaints = list(self.complaints)
        self.finish()
        assert self.contract is not None  # finish() raised otherwise
        return Records.model_construct(
            contract=self.contract,
            as_of=self.as_of,
            channels=self.channels,
            complaints=complaints,
            evaluations=self.evaluations,
            reports=self.reports,
            disclosures=self.disclosures,
        )

    def finish(self) -> None:
        """Raise every problem met, if any (call once the complaints have been read)."""
        self.problems.extend(self._consistency.finish())
        self.problems.raise_any(self.source)

    # reading

    def _parse(self, number: int, line: bytes | str) -> Optional[dict]:
        if self._progress is not None:
            self._progress(len(line))
        if not line.strip():
            return None
        try:
            record = parse_json(line, number, self._depth)
        except BadJson as error:
            self.problems.add(error.problem)
            return None
        if not isinstance(record, dict):
            self.problems.add(Problem("", f"expected a JSON object, got {_kind(record)}", line=number))
            return None
        return record

    def _take(self, number: int, record: dict, hold: bool) -> Optional[str]:
        kind = record.pop("type", None)
        if not isinstance(kind, str):  # absent, or a list, number, ...: no type at all
            allowed = ", ".join(["contract", *LISTS])
            got = "no type" if kind is None else _kind(kind)
            self.problems.add(Problem("type", f"expected one of {allowed}, got {got}", line=number).of_record(record.get("id")))
            return None
        if kind == "contract":
            self._contract(number, record)
        elif kind == "complaint":
            if hold:
                self._held.append((number, record))
        elif kind in LISTS:
            item = self._validate(number, kind, record)
            if item is not None:
                getattr(self, LISTS[kind]).append(item)
        else:
            allowed = ", ".join(["contract", *LISTS])
            self.problems.add(Problem("type", f"expected one of {allowed}, got {excerpt(kind)}", line=number).of_record(record.get("id")))
        return kind

    def _contract(self, number: int, record: dict) -> None:
        if self._contract_line is not None:
            self.problems.add(Problem("", f"a second contract record (the first is on line {self._contract_line})", line=number))
            return
        self._contract_line = number
        as_of = record.pop("as_of", None)
        try:
            self.contract = Contract.model_validate(record)
            self._zone = self.contract.zone
            self._consistency = Consistency(self._zone)
        except ValidationError as error:
            self.problems.extend(_at_line(number, error_problem(e, ("contract",))) for e in error.errors())
        if as_of is not None:
            try:
                self.as_of = _INSTANT.validate_python(as_of, context={"zone": self._zone})
            except ValidationError as error:
                self.problems.extend(_at_line(number, error_problem(e, ("as_of",))) for e in error.errors())

    def _validate(self, number: int, kind: str, record: dict[str, Any]) -> Optional[BaseModel]:
        name = LISTS[kind]
        index = self._count[name]
        self._count[name] += 1
        item, problems = checked_record(name, index, record, self._zone, self._consistency, number)
        if not problems:
            return item
        if self._quarantine is not None and name == "complaints":
            self._quarantine.append(quarantined(self.source, index, record, problems, number))
        else:
            self.problems.extend(problems)
        return None


def _kind(value: object) -> str:
    return {type(None): "null", list: "an array", dict: "an object", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def _at_line(number: int, problem: Problem) -> Problem:
    return problem.within(line=number)
