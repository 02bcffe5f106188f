"""Records text → Python values, strictly: what a lenient JSON parser would let through is refused.

JSON's own grammar plus what a compliance check cannot live with, each a `Problem` at its place:
a key given twice in one object (parsers keep the last silently, and `"urgency":"urgent",
"urgency":"low"` would flip the verdict), nesting past `MAX_DEPTH`, a lone surrogate (`"\\ud800"`
is not a character), `NaN`/`Infinity` and numbers beyond a double, text that is not UTF-8.

orjson parses (fast, and it refuses surrogates and non-finite numbers itself) but keeps the last
of duplicate keys. Counting key ends (`"` then `:`) in the text and in orjson's compact re-dump
of the value finds every lost key cheaply: the counts differ only if a key was dropped, or where
`\\u0022`/`\\u0020` escapes write a quote or space the dump writes plainly. Only then is the text
parsed again with a pairs hook, to name the duplicate and its path.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional, Union

import orjson

from check_compliance.obligations.errors import Problem, excerpt
from check_compliance.obligations.limits import MAX_DEPTH

_SPACED_KEY_END = re.compile(rb'"[ \t\r\n]+:')
_KEY_END = re.compile(rb'"[ \t\r\n]*:')
_NOT_JSON = {b"NaN": "NaN is not a JSON number", b"Infinity": "Infinity is not a JSON number", b"-Infinity": "-Infinity is not a JSON number"}
PARSER_DEPTH = 1024  # orjson's own nesting limit; MAX_DEPTH above it cannot be honoured


class BadJson(ValueError):
    """The text is not acceptable records JSON; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def parse_json(data: Union[bytes, str], line: Optional[int] = None, depth: Optional[int] = None) -> Any:
    """The value of one JSON text (a document, or a JSON Lines line numbered `line`), or `BadJson`.

    `depth` is MAX_DEPTH's value, read once by a caller parsing many lines."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BadJson(_syntax_problem(data, error, line)) from None
    if isinstance(value, (dict, list)):
        depth = MAX_DEPTH.value if depth is None else depth
        if (data.count(b"[") + data.count(b"{") > depth) and _deeper_than(value, depth):
            path = _deep_path(value, depth)
            shown = json_path(path[:6]) + (f"... ({len(path)} levels)" if len(path) > 6 else "")
            raise BadJson(Problem(shown, MAX_DEPTH.exceeded("nesting of arrays and objects"), line=line))
        _refuse_duplicate_keys(data, value, line)
    return value


def json_path(loc: tuple) -> str:
    """`("complaints", 12, "received_at")` → `complaints[12].received_at`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top)"


def _syntax_problem(data: bytes, error: orjson.JSONDecodeError, line: Optional[int]) -> Problem:
    message = error.msg
    if "UTF-8" in message:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            surrogate = 0xED == data[bad.start] and bad.start + 1 < len(data) and data[bad.start + 1] >= 0xA0
            what = "a lone surrogate, which is not a character" if surrogate else bad.reason
            return Problem("", f"not UTF-8 text ({what} at byte {bad.start})", line=line)
        return Problem("", "not UTF-8 text", line=line)
    if "surrogate" in message:
        message = "a lone surrogate escape (such as \\ud800) is not a character (RFC 8259 section 8.2)"
    elif "depth limit" in message:
        message = MAX_DEPTH.exceeded(f"nesting of arrays and objects past {PARSER_DEPTH:,} levels")
    elif "infinity" in message:
        message = "a number beyond the range of a double (about 1.8e308): not a number the records format can hold"
    else:
        rest = data[error.pos:error.pos + 9]
        hint = next((text for token, text in _NOT_JSON.items() if rest.startswith(token)), None)
        message = f"not valid JSON: {hint or message}"
    # On a JSON Lines line the line is the file's; the text's own line is always 1 there.
    return Problem("", message, line=line if line is not None else error.lineno, column=error.colno)


def _deeper_than(value: Any, limit: int) -> bool:
    level, depth = [value], 1
    while level:
        if depth > limit:
            return True
        below = []
        for item in level:
            children = item.values() if type(item) is dict else item
            below += [child for child in children if type(child) is dict or type(child) is list]
        level, depth = below, depth + 1
    return False


def _deep_path(value: Any, limit: int) -> tuple:
    """The path to the first container nested past `limit` (the value is known to have one)."""
    path: list = []
    for _ in range(limit):
        children = value.items() if type(value) is dict else enumerate(value)
        for key, child in children:
            if (type(child) is dict or type(child) is list) and _deeper_than(child, limit - len(path) - 1):
                path.append(key)
                value = child
                break
    return tuple(path)


def _key_ends(data: bytes) -> int:
    if _SPACED_KEY_END.search(data) is None:
        return data.count(b'":')
    return len(_KEY_END.findall(data))


def _refuse_duplicate_keys(data: bytes, value: Any, line: Optional[int]) -> None:
    if b"\\u0022" not in data and b"\\u0020" not in data and _key_ends(data) == orjson.dumps(value).count(b'":'):
        return
    found: list[_Keys] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        keys = _Keys(items)
        if len(keys) < len(items):
            keys.duplicates = _repeated(items)
            found.append(keys)
        return keys

    try:
        tree = json.loads(data.decode("utf-8"), object_pairs_hook=pairs)
    except (ValueError, RecursionError):  # orjson accepted the text, so only nesting near 1,000 gets here
        raise BadJson(Problem("", "nested too deeply to be checked for duplicate keys; lower CHECK_COMPLIANCE_MAX_DEPTH's value or the nesting", line=line)) from None
    if not found:
        return
    where, keys = _first_duplicate(tree)
    key = keys.duplicates[0]
    record = _record_id(value, where)
    named = f" in the record with id {excerpt(record)}" if record is not None else ""
    raise BadJson(Problem(json_path((*where, key)), f"duplicate key {excerpt(key)}{named}: JSON would keep only its last value, so the record is ambiguous; give each key once", line=line))


class _Keys(dict):
    duplicates: list[str]


def _repeated(items: list[tuple[str, Any]]) -> list[str]:
    seen: set[str] = set()
    repeated = []
    for key, _ in items:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated


def _first_duplicate(value: Any, where: tuple = ()) -> tuple[tuple, _Keys]:
    stack: list[tuple[tuple, Any]] = [(where, value)]
    while stack:
        path, item = stack.pop(0)
        if isinstance(item, _Keys) and getattr(item, "duplicates", None):
            return path, item
        children = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        stack += [((*path, key), child) for key, child in children if isinstance(child, (dict, list))]
    raise AssertionError("a duplicate was found while parsing")  # pragma: no cover


def _record_id(value: Any, where: tuple) -> Optional[str]:
    """The id of the innermost record along `where` that has one (a pause has none: its complaint's)."""
    found = value.get("id") if isinstance(value, dict) else None
    for part in where:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            found = value["id"]
    return found if isinstance(found, str) else None
