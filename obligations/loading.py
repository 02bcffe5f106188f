"""Reading records: JSON or JSON Lines text → validated, consistent `Records`, or one `InputError`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any, Optional
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from check_compliance.obligations.consistency import Consistency, inconsistencies
from check_compliance.obligations.errors import InputError, Problem
from check_compliance.obligations.records import DEFAULT_TIMEZONE, RECORD_LISTS, Records


def parse_records(text: str, source: str = "<records>") -> Records:
    """Parse one JSON document in the records format."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(source, [Problem("", f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno)]) from None
    return validate_records(document, source)


def parse_records_jsonl(text: str | bytes, source: str = "<records>") -> Records:
    """Parse JSON Lines (one record a line, each with a `type`) into `Records`; errors name the line."""
    from check_compliance.obligations.stream import RecordStream  # the stream builds on this module's helpers

    return RecordStream(text.splitlines(), source).to_records()


def validate_records(document: object, source: str = "<records>") -> Records:
    """Validate a parsed document (a dict as in RECORDS.md) and check its consistency.

    An invalid document is validated again record by record, and every valid record checked for
    consistency, so a file with a bad status in one complaint and a duplicate id in another is
    told both at once. (A valid one is validated whole: faster by a fifth.)
    """
    if not isinstance(document, dict):
        raise InputError(source, [Problem("(top)", f"expected a JSON object, got {type(document).__name__}")])
    zone = _zone_of(document)
    try:
        records = Records.model_validate(document, context={"zone": zone})
    except ValidationError:
        return _every_problem(document, source, zone)
    problems = inconsistencies(records)
    if problems:
        raise InputError(source, problems)
    return records


def _every_problem(document: dict, source: str, zone: ZoneInfo) -> Records:
    lists = {name: document.get(name) for name in RECORD_LISTS}
    shell = {key: value for key, value in document.items() if key not in RECORD_LISTS}
    problems: list[Problem] = []
    try:
        records = Records.model_validate(shell, context={"zone": zone})
    except ValidationError as error:
        problems += [error_problem(e) for e in error.errors()]
        records = None
    consistency = Consistency(records.contract.zone if records is not None else zone)
    valid: dict[str, list] = {}
    for name in RECORD_LISTS:
        items = lists[name]
        valid[name] = []
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(Problem(name, f"expected a list, got {type(items).__name__}"))
            continue
        for index, raw in enumerate(items):
            item, found = checked_record(name, index, raw, zone, consistency)
            problems += found
            if item is not None:
                valid[name].append(item)
    problems += consistency.finish()
    if problems or records is None:
        raise InputError(source, problems)
    return records.model_copy(update=valid)


def checked_record(name: str, index: int, raw: object, zone: tzinfo, consistency: Consistency, line: Optional[int] = None) -> tuple[Optional[BaseModel], list[Problem]]:
    """One record of list `name`: validated, and checked against the records seen before it.

    An invalid record's id still counts, so a duplicate of it is told too. `line` places
    every path (a JSON Lines line number).
    """
    try:
        item = RECORD_LISTS[name].model_validate(raw, context={"zone": zone})
    except ValidationError as error:
        record_id = raw.get("id") if isinstance(raw, dict) else None
        problems = [error_problem(e, (name, index)) for e in error.errors()]
        problems = [p.within(line=line) for p in problems] if line is not None else problems
        return None, problems + consistency.identify(name, index, record_id, line)
    return item, consistency.record(name, index, item, line)


def _zone_of(document: dict) -> ZoneInfo:
    contract = document.get("contract")
    name = contract.get("timezone") if isinstance(contract, dict) else None
    try:
        return ZoneInfo(name if isinstance(name, str) else DEFAULT_TIMEZONE)
    except (ValueError, KeyError, OSError):
        # The contract's own validation reports the bad zone; read the rest in the default one.
        return ZoneInfo(DEFAULT_TIMEZONE)


def json_path(loc: tuple) -> str:
    """`("complaints", 12, "received_at")` → `complaints[12].received_at`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top)"


def error_problem(error: Mapping[str, Any], prefix: tuple[Any, ...] = ()) -> Problem:
    """One pydantic error as a Problem at its JSON path (under `prefix`)."""
    loc = prefix + tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if error["type"] == "missing":
        message = "required field is missing"
    elif "input" in error and error["type"] not in {"model_type"}:
        message += f", got {json.dumps(error['input'], ensure_ascii=False, default=str)[:120]}"
    return Problem(json_path(loc), message)
