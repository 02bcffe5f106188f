"""YAML read safely, with the line and column of every node, so errors can name `file:line:col`.

Every YAML file the checker reads (rules, terms, waivers, mappings) comes through `read_yaml` or
`parse_yaml`, which refuse, each at its `file:line:col`:

- a file that is missing, a directory, unreadable, or larger than `MAX_YAML_BYTES`;
- text that is not UTF-8 (a UTF-8 byte order mark is allowed and skipped; UTF-16/32 are not);
- control characters other than tab, newline and carriage return (NUL, ESC, C1 controls),
  bidirectional controls (U+202E, U+2066–U+2069, ...) and noncharacters;
- a key given twice in one mapping, naming both places: YAML itself keeps the last one, which
  would let a second `subject: "*"` silently widen a waiver;
- anchors (`&name`), aliases (`*name`) and merge keys (`<<`): none of these files needs them, a
  reader cannot see at the place of use what an alias stands for, and expanding nested aliases is
  how nine lines of YAML ("billion laughs") take gigabytes;
- nesting deeper than `MAX_YAML_DEPTH`, more than `MAX_YAML_NODES` values, mapping keys that are
  lists or mappings, and tags other than the standard scalar ones.

The limits are far above what any real rule, terms, waivers or mapping file needs (the shipped
ones are under 10 kB, 6 levels deep, a few hundred values) and keep a hostile file's cost to a
few seconds and a few tens of megabytes.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn, Optional

import yaml

from check_compliance.obligations.errors import _BIDI, Problem, excerpt

Marks = dict[tuple, tuple[int, int]]

MAX_YAML_BYTES = 1_048_576
"""Largest YAML file read, in bytes (1 MiB; the shipped files are under 10 kB). Raise it with the
environment variable `CHECK_COMPLIANCE_MAX_YAML_BYTES` (a whole number of bytes)."""

MAX_YAML_DEPTH = 64
"""Deepest nesting of mappings and lists in a YAML file (the shipped files need 6). Fixed: deeper
nesting would run the YAML parser out of Python stack."""

MAX_YAML_NODES = 20_000
"""Most values (scalars, mappings, lists) in one YAML file: a waivers file of about 1,500 waivers;
the shipped files hold a few hundred. PyYAML reads some 10,000 values a second, so this bounds a
hostile file's cost to seconds. `CHECK_COMPLIANCE_MAX_YAML_BYTES` raises it in proportion (twice
the bytes, twice the values)."""

_ENV_MAX_BYTES = "CHECK_COMPLIANCE_MAX_YAML_BYTES"
_MAX_DIGITS = 4300  # Python's own default limit for int() of a string (sys.int_info.default_max_str_digits)
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
# What PyYAML itself refuses (it would raise an unplaced ReaderError), NEL (a line break to YAML
# but not to editors, so lines would be miscounted), C1 controls, and bidirectional controls.
_FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[" + "".join(sorted(_BIDI)) + "]")


class YamlSource:
    """A parsed YAML file: its data (plain dicts and lists) and where each value stands."""

    def __init__(self, name: str, data: Any, marks: Marks, key_marks: Marks) -> None:
        self.name = name
        self.data = data
        self.marks = marks
        self.key_marks = key_marks

    def at(self, loc: Iterable, key: bool = False) -> tuple[int, int]:
        """Line and column of the deepest value on `loc` (of its key, with `key`); parts not in the file are skipped."""
        best = self.marks.get((), (1, 1))
        path: tuple[Any, ...] = ()
        for part in loc:
            candidate = path + (part,)
            if candidate in self.marks:
                path, best = candidate, self.marks[candidate]
        if key and path in self.key_marks:
            best = self.key_marks[path]
        return best

    def where(self, loc: Iterable, key: bool = False) -> str:
        """`file:line:col` of the deepest value on `loc` (see `at`)."""
        line, column = self.at(loc, key)
        return f"{self.name}:{line}:{column}"

    def problem(self, loc: Iterable, message: str, key: bool = False, suggestion: Optional[str] = None) -> Problem:
        """A problem at the value (or key) on `loc`, its path the keys that lead there."""
        loc = tuple(loc)
        line, column = self.at(loc, key)
        return Problem(key_path(loc), message, file=self.name, line=line, column=column, suggestion=suggestion)


class YamlSyntaxError(Exception):
    """A YAML file that cannot be read, is over a limit, or is not acceptable YAML, at its line and column when known.

    Each loader turns it into its own `CheckError` (`TermsError`, `RulebookError`, ...).
    """

    def __init__(self, name: str, place: Optional[tuple[int, int]], message: str) -> None:
        self.name = name
        self.place = place
        self.message = message
        super().__init__(str(self.problem()))

    def problem(self) -> Problem:
        line, column = self.place if self.place else (None, None)
        return Problem("", self.message, file=self.name, line=line, column=column)


def max_yaml_bytes() -> int:
    """`MAX_YAML_BYTES`, or the value of `CHECK_COMPLIANCE_MAX_YAML_BYTES` when set."""
    raw = os.environ.get(_ENV_MAX_BYTES)
    if raw is None:
        return MAX_YAML_BYTES
    if not re.fullmatch(r"\s*[0-9]{1,18}\s*", raw) or int(raw) <= 0:
        raise YamlSyntaxError(_ENV_MAX_BYTES, None, f"expected a whole number of bytes, got {excerpt(raw)}")
    return int(raw)


def read_yaml(path: str | Path, name: str | None = None) -> YamlSource:
    """Read the YAML file at `path` (see the module's list of what is refused); raise `YamlSyntaxError`."""
    name = name or str(path)
    limit = max_yaml_bytes()
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError as error:
        raise YamlSyntaxError(name, None, "cannot read: no such file") from error
    except IsADirectoryError as error:
        raise YamlSyntaxError(name, None, "cannot read: a directory, not a YAML file") from error
    except OSError as error:
        raise YamlSyntaxError(name, None, f"cannot read: {error.strerror or error}") from error
    if len(data) > limit:
        place = _byte_place(data, limit)
        raise YamlSyntaxError(name, place, f"larger than {limit:,} bytes (MAX_YAML_BYTES); set {_ENV_MAX_BYTES} to raise the limit")
    return parse_yaml(_decode(data, name), name)


def parse_yaml(text: str, name: str) -> YamlSource:
    """Parse YAML text (see the module's list of what is refused); raise `YamlSyntaxError`."""
    limit = max_yaml_bytes()
    if len(text) > limit:
        raise YamlSyntaxError(name, _place(text, limit), f"larger than {limit:,} characters (MAX_YAML_BYTES); set {_ENV_MAX_BYTES} to raise the limit")
    _refuse_characters(text, name)
    loader = _Loader(text, MAX_YAML_NODES * max(1, limit // MAX_YAML_BYTES))
    try:
        node = loader.get_single_node()
        marks: Marks = {}
        key_marks: Marks = {}
        data = _build(loader, node, (), marks, key_marks) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = (mark.line + 1, mark.column + 1) if mark else None
        message = error.problem if isinstance(error, _Refused) else f"not valid YAML: {_short(error.problem or error.context)}"
        raise YamlSyntaxError(name, place, message or "not valid YAML") from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(name, None, f"not valid YAML: {_short(str(error))}") from error
    finally:
        loader.dispose()
    return YamlSource(name, data, marks, key_marks)


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML this checker does not accept (an alias, a duplicate key, a limit exceeded)."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases and counting depth and values as it composes."""

    def __init__(self, text: str, max_nodes: int) -> None:
        super().__init__(text)
        self._depth = 0
        self._nodes = 0
        self._max_nodes = max_nodes

    def compose_node(self, parent: Optional[yaml.Node], index: Any) -> Optional[yaml.Node]:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"an alias (*{str(event.anchor)[:40]}) is not allowed: write the value out in full"
                           " (aliases hide what a value is where it is used, and nested ones can expand to gigabytes)", event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(f"an anchor (&{anchor[:40]}) is not allowed: anchors and aliases are refused in these files (an alias hides"
                           " what a value is where it is used, and nested ones can expand to gigabytes); write each value out in full", event.start_mark)
        self._nodes += 1
        if self._nodes > self._max_nodes:
            raise _Refused(f"more than {self._max_nodes:,} values (MAX_YAML_NODES); set {_ENV_MAX_BYTES} to raise the limit", event.start_mark)
        if not isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise _Refused(f"nested more than {MAX_YAML_DEPTH} levels deep (MAX_YAML_DEPTH)", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _build(loader: _Loader, node: yaml.Node, path: tuple, marks: Marks, key_marks: Marks) -> Any:
    """The node's value, recording where each value and key stands; a key given twice is refused."""
    marks[path] = _at(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            _unsupported_tag(node)
        result: dict = {}
        for key_node, value_node in node.value:
            key = _key(loader, key_node)
            child = path + (key,)
            if key in result:
                line, column = key_marks[child]
                raise _Refused(f"duplicate key {excerpt(key)} (first at line {line} column {column}): give each key once", key_node.start_mark)
            key_marks[child] = _at(key_node.start_mark)
            result[key] = _build(loader, value_node, child, marks, key_marks)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            _unsupported_tag(node)
        return [_build(loader, item, path + (index,), marks, key_marks) for index, item in enumerate(node.value)]
    return _scalar(loader, node)


def _key(loader: _Loader, node: yaml.Node) -> Any:
    if node.tag == _MERGE:
        raise _Refused("the merge key `<<` is not allowed: write the keys out in full", node.start_mark)
    if not isinstance(node, yaml.ScalarNode):
        raise _Refused("a key must be a single value such as a name, not a list or mapping", node.start_mark)
    return _scalar(loader, node)


def _scalar(loader: _Loader, node: yaml.Node) -> Any:
    if node.tag.endswith(":int") and len(str(node.value)) > _MAX_DIGITS:
        # Refused here on every Python: before 3.10.7 int() took any length (and its time).
        raise _Refused(f"an integer of {len(str(node.value)):,} digits is too long", node.start_mark)
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:
        # PyYAML raises bare errors for an impossible date (2026-02-30) or a 5,000-digit integer.
        if node.tag.endswith(":int"):
            message = f"an integer of {len(str(node.value)):,} digits is too long"
        elif node.tag.endswith(":timestamp"):
            message = f"not a valid date or time ({error})"
        else:
            message = f"not a valid {node.tag.rpartition(':')[2]} ({error})"
        raise _Refused(message, node.start_mark) from error


def _unsupported_tag(node: yaml.Node) -> NoReturn:
    raise _Refused(f"not valid YAML: the tag {node.tag[:80]!r} is not supported here (write a plain mapping or list)", node.start_mark)


def _short(text: Optional[str], limit: int = 200) -> str:
    # PyYAML's messages quote what they found (a tag, a character): a hostile file's could be long.
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"


def _at(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _decode(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]  # editors count line 1 column 1 after it
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise YamlSyntaxError(name, (1, 1), "UTF-16 or UTF-32 text (it starts with that byte order mark): save the file as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(name, _byte_place(data, error.start), f"not UTF-8: byte 0x{data[error.start]:02x} is not part of a UTF-8 character; save the file as UTF-8") from error


def _refuse_characters(text: str, name: str) -> None:
    found = _FORBIDDEN.search(text)
    if found is None:
        return
    char = found.group()
    code = f"U+{ord(char):04X}"
    if char == "\0":
        what = f"a NUL character ({code})"
    elif char in _BIDI:
        what = f"a bidirectional control character ({code}), which makes text display differently from what it holds,"
    elif 0xD800 <= ord(char) <= 0xDFFF:
        what = f"a lone surrogate ({code})"
    elif ord(char) in (0xFFFE, 0xFFFF):
        what = f"a noncharacter ({code})"
    else:
        what = f"a control character ({code})"
    raise YamlSyntaxError(name, _place(text, found.start()), f"{what} is not allowed in a YAML file (tab, newline and carriage return are)")


def _place(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _byte_place(data: bytes, index: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, index) + 1
    return data.count(b"\n", 0, index) + 1, len(data[line_start:index].decode("utf-8", "replace")) + 1


def closest(word: str, choices: Iterable[str]) -> Optional[str]:
    """The choice `word` was most likely meant to be, if one is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def key_path(loc: Iterable) -> str:
    """`("limits", "first_response")` -> `limits.first_response`; list positions as `[3]`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
