"""The errors raised when a check cannot be made, each naming the place and what is allowed.

Every error the library raises is one of these (anything else escaping it is a bug):

    CheckError                 anything that stops a check (CLI exit code 2)
    ├── InputError             records: problems at a JSON path, a line, or a source row
    ├── RulebookError          rules/*.yaml: problems at file:line:col
    ├── TermsError             the terms file: problems at file:line:col
    ├── WaiverError            the waivers file: problems at file:line:col
    ├── MappingError           a mapping file (MAPPING.md): problems at file:line:col
    ├── BaselineError          the baseline file: problems at a JSON path
    ├── OutputError            a report cannot be written, or would overwrite an input
    └── EngineError            the rule engine failed or lost a fact (a bug, never a finding)

Each carries `source` (the file or input it is about) and `problems`, a list of `Problem`s with
the place as fields (`path`, `file`, `line`, `column`) and an optional `suggestion`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and a close name if there is one.

    `path` is where in the data (`complaints[3].urgency`, `limits.first_response`, `rule
    first-response`); `file`, `line` and `column` where in a text (a YAML file's
    `rules/complaints.yaml:41:7`, a JSON Lines line, a JSON syntax error's line and column);
    `suggestion` a name the input probably meant (`first_response` for `first_responce`);
    `record` the id of the record it is in, shown as an excerpt after the path.
    """

    path: str
    message: str
    file: str = ""
    line: Optional[int] = None
    column: Optional[int] = None
    suggestion: Optional[str] = None
    record: Optional[str] = None

    @property
    def where(self) -> str:
        """The place as one text: `file:line:col`, `line 12 column 3`, and/or the path."""
        if self.file:
            # A position in a text says where; the path stays a field for programs.
            return self.file + "".join(f":{n}" for n in (self.line, self.column) if n is not None)
        place = ""
        if self.line is not None:
            place = f"line {self.line}" + (f" column {self.column}" if self.column is not None else "")
        if self.path:
            place = f"{place}: {self.path}" if place else self.path
        if self.record is not None:
            place += f" (id {excerpt(self.record)})"
        return place

    def __str__(self) -> str:
        text = f"{self.message} (did you mean {self.suggestion!r}?)" if self.suggestion else self.message
        where = self.where
        return f"{where}: {text}" if where else text

    def within(self, *, line: Optional[int] = None, prefix: str = "") -> Problem:
        """The same problem placed on a line (JSON Lines) or under a path prefix."""
        path = f"{prefix}{self.path}" if prefix else self.path
        return Problem(path, self.message, self.file, self.line if line is None else line, self.column, self.suggestion, self.record)

    def of_record(self, record: object) -> Problem:
        """The same problem naming the id of the record it is in (when the record has a text id)."""
        if not isinstance(record, str) or self.record is not None:
            return self
        return Problem(self.path, self.message, self.file, self.line, self.column, self.suggestion, record)


class Unknown(ValueError):
    """A name that is not allowed, raised inside a model's validator with the close name it may mean."""

    def __init__(self, message: str, suggestion: Optional[str] = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


class CheckError(Exception):
    """The check could not be made; `problems` lists every reason found, not just the first."""

    kind = "error"

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=_order)
        super().__init__(self.render())

    def __reduce__(self) -> tuple:
        # Rebuilt from its fields, not its message: a worker process hands its errors back pickled.
        return type(self), (self.source, self.problems)

    def render(self) -> str:
        head = f"{self.source}: {len(self.problems)} {self.kind}" + ("s" if len(self.problems) != 1 else "")
        return "\n".join([head] + [f"  {p}" for p in self.problems])


class InputError(CheckError):
    kind = "input error"


class RulebookError(CheckError):
    kind = "rule error"


class TermsError(CheckError):
    kind = "terms error"


class WaiverError(CheckError):
    """The waivers file cannot be read or is not valid."""

    kind = "waiver error"


class MappingError(CheckError):
    """A mapping file cannot be read, is not valid, or names what its export does not have."""

    kind = "mapping error"


class BaselineError(CheckError):
    """The baseline file cannot be read, or is not a report or baseline of this check."""

    kind = "baseline error"


class OutputError(CheckError):
    """A report cannot be written (full disk, no permission), or its file is an input or a directory."""

    kind = "output error"


class EngineError(CheckError):
    kind = "engine error"


SHOWN_CHARACTERS = 40  # of an offending value in a message: enough to recognise, too little to leak


def excerpt(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """An offending value as a message may show it: its JSON text, at most `limit` characters,
    with controls, bidi overrides and lone surrogates escaped so it cannot act on a terminal or log.

    Free-text fields (names, purposes, sections) are never shown at all: callers say only what
    is wrong with them.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    cut = len(text) > limit
    shown = "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF and ch not in _BIDI else f"\\u{ord(ch):04x}" for ch in text[:limit])
    return f"{shown}… ({len(text)} characters)" if cut else shown


_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _natural(text: str) -> tuple:
    # `complaints[10]` after `complaints[9]`; compared as digit strings by length, never int():
    # a key of 5,000 digits (or a lone "²") would make int() raise.
    return tuple((1, len(p.lstrip("0")), p.lstrip("0")) if p.isdigit() else (0, 0, p) for p in re.split(r"(\d+)", text))


def _order(problem: Problem) -> tuple:
    return _natural(problem.file), problem.line or 0, problem.column or 0, _natural(problem.path), problem.message
