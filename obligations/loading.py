"""Reading records: JSON or JSON Lines text → validated, consistent `Records`, or one `InputError`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from obligations.consistency import inconsistencies
from obligations.errors import InputError, Problem
from obligations.records import DEFAULT_TIMEZONE, Records

_LIST_OF_TYPE = {
    "channel": "channels",
    "complaint": "complaints",
    "evaluation": "evaluations",
    "report": "reports",
    "disclosure": "disclosures",
}


def load_records(path: str | Path) -> Records:
    """Read a records file (`.json` one document, `.jsonl` one record a line)."""
    source = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as error:
        raise InputError(source, [Problem("", f"cannot read: {error.strerror or error}")]) from None
    except UnicodeDecodeError as error:
        raise InputError(source, [Problem("", f"not UTF-8 text ({error.reason} at byte {error.start})")]) from None
    if source.endswith(".jsonl"):
        return parse_records_jsonl(text, source)
    return parse_records(text, source)


def parse_records(text: str, source: str = "<records>") -> Records:
    """Parse one JSON document in the records format."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise InputError(source, [Problem(where, f"not valid JSON: {error.msg}")]) from None
    return validate_records(document, source)


def parse_records_jsonl(text: str, source: str = "<records>") -> Records:
    """Parse JSON Lines: one record a line, each with a `type`; errors name the line too."""
    document: dict[str, Any] = {name: [] for name in _LIST_OF_TYPE.values()}
    lines: dict[tuple[str, int], int] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(f"line {number} column {error.colno}", f"not valid JSON: {error.msg}"))
            continue
        kind = record.pop("type", None) if isinstance(record, dict) else None
        if kind == "contract":
            if "contract" in document:
                problems.append(Problem(f"line {number}", "a second contract record"))
            if "as_of" in record:
                document["as_of"] = record.pop("as_of")
            document["contract"] = record
        elif kind in _LIST_OF_TYPE:
            items = document[_LIST_OF_TYPE[kind]]
            lines[(_LIST_OF_TYPE[kind], len(items))] = number
            items.append(record)
        else:
            allowed = ", ".join(["contract", *_LIST_OF_TYPE])
            problems.append(Problem(f"line {number}.type", f"expected one of {allowed}, got {kind!r}"))
    if problems:
        raise InputError(source, problems)
    try:
        return validate_records(document, source)
    except InputError as error:
        raise InputError(source, [_with_line(p, lines) for p in error.problems]) from None


def validate_records(document: object, source: str = "<records>") -> Records:
    """Validate a parsed document (a dict as in RECORDS.md) and check its consistency."""
    if not isinstance(document, dict):
        raise InputError(source, [Problem("(top)", f"expected a JSON object, got {type(document).__name__}")])
    try:
        records = Records.model_validate(document, context={"zone": _zone_of(document)})
    except ValidationError as error:
        raise InputError(source, [_problem(e) for e in error.errors()]) from None
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


def _problem(error: dict) -> Problem:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if error["type"] == "missing":
        message = "required field is missing"
    elif "input" in error and error["type"] not in {"model_type"}:
        message += f", got {json.dumps(error['input'], ensure_ascii=False, default=str)[:120]}"
    return Problem(json_path(loc), message)


def _with_line(problem: Problem, lines: dict[tuple[str, int], int]) -> Problem:
    head, _, rest = problem.where.partition("[")
    index = rest.split("]", 1)[0]
    if index.isdigit() and (head, int(index)) in lines:
        return Problem(f"line {lines[(head, int(index))]}: {problem.where}", problem.message)
    return problem
