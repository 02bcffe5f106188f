"""Reading records: JSON or JSON Lines text → validated, consistent `Records`, or one `InputError`."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from obligations.consistency import inconsistencies
from obligations.errors import InputError, Problem
from obligations.records import DEFAULT_TIMEZONE, Records


def parse_records(text: str, source: str = "<records>") -> Records:
    """Parse one JSON document in the records format."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise InputError(source, [Problem(where, f"not valid JSON: {error.msg}")]) from None
    return validate_records(document, source)


def parse_records_jsonl(text: str | bytes, source: str = "<records>") -> Records:
    """Parse JSON Lines (one record a line, each with a `type`) into `Records`; errors name the line."""
    from obligations.stream import RecordStream  # the stream builds on this module's helpers

    return RecordStream(text.splitlines(), source).to_records()


def validate_records(document: object, source: str = "<records>") -> Records:
    """Validate a parsed document (a dict as in RECORDS.md) and check its consistency."""
    if not isinstance(document, dict):
        raise InputError(source, [Problem("(top)", f"expected a JSON object, got {type(document).__name__}")])
    try:
        records = Records.model_validate(document, context={"zone": _zone_of(document)})
    except ValidationError as error:
        raise InputError(source, [error_problem(e) for e in error.errors()]) from None
    problems = inconsistencies(records)
    if problems:
        raise InputError(source, problems)
    return records


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


def error_problem(error: dict, prefix: tuple = ()) -> Problem:
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
