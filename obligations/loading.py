"""Reading records: JSON or JSON Lines text → validated, consistent `Records`, or one `InputError`.

With a quarantine (a list passed as `quarantine`), invalid complaints are set aside into it as
`Quarantined` items instead of stopping the load; anything else invalid still stops it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any, Optional, Union
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from check_compliance.obligations.consistency import Consistency, inconsistencies
from check_compliance.obligations.errors import InputError, Problem, excerpt
from check_compliance.obligations.jsontext import BadJson, json_path, parse_json
from check_compliance.obligations.quarantine import SHOWN_EXAMPLES, Issue, Kind, Quarantined
from check_compliance.obligations.records import DEFAULT_TIMEZONE, RECORD_LISTS, Records

__all__ = ["parse_records", "parse_records_jsonl", "validate_records", "checked_record", "error_problem", "json_path", "Problems"]

# Fields whose value is free text (names, purposes, prose): a message says what is wrong, never the value.
FREE_TEXT = frozenset({"party_a", "party_b", "owner", "recipient", "purpose", "sections", "recommendations"})
# A value outside an allowed set is shown only when it is close to an allowed one (a misspelling),
# never when it could be a name or a phone number typed into the wrong field.
_WORDLIKE = re.compile(r"[A-Za-z][A-Za-z_-]{0,19}")
_VALUES = re.compile(r'"(?:[^"\\]|\\.)*"|\S*\d\S*')  # what differs between problems of one kind: values, instants, positions
MAX_GROUPS = 1000  # kinds of problem listed; past that, counted


def parse_records(text: Union[str, bytes], source: str = "<records>", quarantine: Optional[list[Quarantined]] = None) -> Records:
    """Parse one JSON document in the records format."""
    try:
        document = parse_json(text)
    except BadJson as error:
        raise InputError(source, [error.problem]) from None
    return validate_records(document, source, quarantine)


def parse_records_jsonl(text: Union[str, bytes], source: str = "<records>", quarantine: Optional[list[Quarantined]] = None) -> Records:
    """Parse JSON Lines (one record a line, each with a `type`) into `Records`; errors name the line."""
    from check_compliance.obligations.stream import RecordStream  # the stream builds on this module's helpers

    return RecordStream(text.splitlines(), source, quarantine=quarantine).to_records()


def validate_records(document: object, source: str = "<records>", quarantine: Optional[list[Quarantined]] = None) -> Records:
    """Validate a parsed document (a dict as in RECORDS.md) and check its consistency.

    An invalid document is validated again record by record, and every valid record checked for
    consistency, so a file with a bad status in one complaint and a duplicate id in another is
    told both at once. (A valid one is validated whole: faster by a fifth.)
    """
    if not isinstance(document, dict):
        raise InputError(source, [Problem("(top)", f"expected a JSON object, got {_kind(document)}")])
    zone = _zone_of(document)
    try:
        records = Records.model_validate(document, context={"zone": zone})
    except ValidationError:
        return _every_problem(document, source, zone, quarantine)
    except (OverflowError, RecursionError) as error:  # a validator's arithmetic; never a traceback
        raise InputError(source, [Problem("(top)", f"a value out of range ({type(error).__name__})")]) from error
    if not inconsistencies(records):
        return records
    return _every_problem(document, source, zone, quarantine)


def _every_problem(document: dict, source: str, zone: ZoneInfo, quarantine: Optional[list[Quarantined]]) -> Records:
    lists = {name: document.get(name) for name in RECORD_LISTS}
    shell = {key: value for key, value in document.items() if key not in RECORD_LISTS}
    problems = Problems()
    try:
        records = Records.model_validate(shell, context={"zone": zone})
    except ValidationError as error:
        problems.extend(error_problem(e) for e in error.errors())
        records = None
    consistency = Consistency(records.contract.zone if records is not None else zone)
    valid: dict[str, list] = {}
    for name in RECORD_LISTS:
        items = lists[name]
        valid[name] = []
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add(Problem(name, f"expected a list, got {_kind(items)}"))
            continue
        for index, raw in enumerate(items):
            item, found = checked_record(name, index, raw, zone, consistency)
            if found and quarantine is not None and name == "complaints":
                quarantine.append(quarantined(source, index, raw, found))
            else:
                problems.extend(found)
            if item is not None and not found:
                valid[name].append(item)
    problems.extend(consistency.finish())
    problems.raise_any(source)
    if records is None:  # pragma: no cover - an invalid shell always has a problem
        raise InputError(source, [Problem("(top)", "not a valid records document")])
    return records.model_copy(update=valid)


def checked_record(name: str, index: int, raw: object, zone: tzinfo, consistency: Consistency, line: Optional[int] = None) -> tuple[Optional[BaseModel], list[Problem]]:
    """One record of list `name`: validated, and checked against the records seen before it.

    An invalid record's id still counts, so a duplicate of it is told too. `line` places
    every path (a JSON Lines line number); every problem names the record's id if it has one.
    """
    record_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        item = RECORD_LISTS[name].model_validate(raw, context={"zone": zone})
    except ValidationError as error:
        problems = [error_problem(e, (name, index)) for e in error.errors()]
        problems += consistency.identify(name, index, record_id)
        item = None
    else:
        problems = consistency.record(name, index, item)
    placed = [p.within(line=line) for p in problems] if line is not None else problems
    return item, [p.of_record(record_id) for p in placed]


def quarantined(source: str, index: int, raw: object, problems: list[Problem], line: Optional[int] = None) -> Quarantined:
    """An invalid complaint set aside: its id, place (list index, JSON Lines line) and problems by kind."""
    record_id = raw.get("id") if isinstance(raw, dict) else None
    prefix = f"complaints[{index}]"
    issues = tuple(Issue(issue_kind(p), p.path.removeprefix(prefix).lstrip(".") or "(record)", p.message) for p in problems)
    values = raw if isinstance(raw, dict) else {}
    return Quarantined(record_id if isinstance(record_id, str) else None, source, line or 0, 1, issues, values, path=prefix)


def issue_kind(problem: Problem) -> Kind:
    """The quarantine's kind of a record problem (quarantine.py's table)."""
    if problem.message.startswith("duplicate id"):
        return "duplicate"
    if problem.message == "required field is missing":
        return "missing"
    if problem.message.startswith("Input should be "):
        return "not_allowed" if "'" in problem.message or "than or equal" in problem.message else "unreadable"
    if "expected an ISO 8601" in problem.message or "is outside" in problem.message:
        return "unreadable"
    if " is before " in problem.message or "overlaps" in problem.message or "but status is" in problem.message:
        return "inconsistent"
    return "invalid"


class Problems:
    """Problems collected while reading, grouped by kind: the first few of each listed, the rest
    counted, so thousands of one mistake stay readable (and a stream's memory stays bounded)."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], list[Problem]] = {}
        self._more: dict[tuple[str, str], int] = {}

    def add(self, problem: Problem) -> None:
        key = (re.sub(r"\[\d+\]", "[]", problem.path), _VALUES.sub("…", problem.message.split(", got ", 1)[0])[:80])
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= MAX_GROUPS:
                key = ("", "other")
                group = self._groups.setdefault(key, [])
            else:
                group = self._groups[key] = []
        if len(group) < SHOWN_EXAMPLES:
            group.append(problem)
        else:
            self._more[key] = self._more.get(key, 0) + 1

    def extend(self, problems: Any) -> None:
        for problem in problems:
            self.add(problem)

    def __bool__(self) -> bool:
        return bool(self._groups)

    def listed(self) -> list[Problem]:
        listed: list[Problem] = []
        for key, group in self._groups.items():
            listed += group
            more = self._more.get(key, 0)
            if more:
                last = group[-1]
                listed.append(Problem(key[0], f"... and {more:,} more like the above: {key[1]}", line=last.line))
        return listed

    def raise_any(self, source: str) -> None:
        if self._groups:
            raise InputError(source, self.listed())


def _zone_of(document: dict) -> ZoneInfo:
    contract = document.get("contract")
    name = contract.get("timezone") if isinstance(contract, dict) else None
    try:
        return ZoneInfo(name if isinstance(name, str) else DEFAULT_TIMEZONE)
    except (ValueError, KeyError, OSError):
        # The contract's own validation reports the bad zone; read the rest in the default one.
        return ZoneInfo(DEFAULT_TIMEZONE)


def error_problem(error: Mapping[str, Any], prefix: tuple[Any, ...] = ()) -> Problem:
    """One pydantic error as a Problem at its JSON path (under `prefix`), the value shown only as
    an excerpt, a value outside an allowed set only if it looks like a word, free text never."""
    loc = prefix + tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if error["type"] == "missing":
        message = "required field is missing"
    elif "input" in error and error["type"] not in {"model_type"}:
        allowed = re.findall(r"'([^']*)'", message) if error["type"] == "literal_error" else None
        message += f", got {shown_value(error['input'], loc, allowed)}"
    return Problem(json_path(loc), message)


def shown_value(value: object, loc: tuple, allowed: Optional[list[str]] = None) -> str:
    """An offending value as an error message may show it (clause 3.1 binds the tool's own logs):
    free text never; outside an `allowed` set, only a misspelling of an allowed word."""
    if any(isinstance(part, str) and part in FREE_TEXT for part in loc):
        return f"{_kind(value)} (free text: not shown)"
    if allowed is not None and isinstance(value, str):
        close = _WORDLIKE.fullmatch(value) and difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
        if not close:
            return f"a text of {len(value):,} characters (not shown: it may be personal data)"
    return excerpt(value)


def _kind(value: object) -> str:
    return {type(None): "null", list: "an array", dict: "an object", str: "a string", bool: "a boolean"}.get(type(value), "a number")
