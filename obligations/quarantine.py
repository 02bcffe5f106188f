"""The quarantine: complaints set aside as invalid, each with its problems and where it came from.

A check with a quarantine judges every valid record and sets the invalid complaints aside instead
of stopping; the quarantine file lists each one with its id (when it has one), its source file,
its first source row and row count, and every problem, each of a kind:

| kind | the complaint … |
|---|---|
| `missing` | lacks `id`, `received_at` or `status` (or a pause's `from`) |
| `unreadable` | has a value its column's format or type cannot read |
| `unmapped` | has a text its `map` has no entry for (and no `"*"`) |
| `not_allowed` | has a value outside its allowed set (urgency, status, satisfaction 1–5) |
| `inconsistent` | breaks a consistency rule of OBLIGATIONS.md (an event before `received_at`, …) |
| `duplicate` | repeats the id of an earlier complaint (the first stays) |
| `invalid` | is otherwise not a valid complaint |

Messages show at most an excerpt of an offending value (`errors.excerpt`), never free text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional

import orjson

from check_compliance.obligations.errors import CheckError, Problem

Kind = Literal["missing", "unreadable", "unmapped", "not_allowed", "inconsistent", "duplicate", "invalid"]
KINDS: tuple[Kind, ...] = ("missing", "unreadable", "unmapped", "not_allowed", "inconsistent", "duplicate", "invalid")
QUARANTINE_VERSION = 1
SHOWN_EXAMPLES = 5  # of one kind of problem, when a check that cannot quarantine lists them


@dataclass(frozen=True)
class Issue:
    """One problem of a quarantined complaint: its kind, the field it is about, what is wrong."""

    kind: Kind
    path: str
    message: str


@dataclass(frozen=True)
class Quarantined:
    """An invalid complaint set aside: its id (if it has one), provenance and problems."""

    id: Optional[str]
    file: str
    row: int  # its first source row (1-based over the data rows of all files)
    rows: int  # how many source rows it was folded from
    issues: tuple[Issue, ...]
    values: dict[str, Any] = field(default_factory=dict)  # the fields as folded, for the person fixing the export
    path: Optional[str] = None  # a records file's complaint: its JSON path (`complaints[3]`); `row` is its JSON Lines line, or 0

    @property
    def kinds(self) -> list[Kind]:
        return sorted({i.kind for i in self.issues}, key=KINDS.index)

    def document(self) -> dict[str, Any]:
        where: dict[str, Any] = {"row": self.row, "rows": self.rows} if self.path is None else {"path": self.path, **({"line": self.row} if self.row else {})}
        return {
            "id": self.id,
            "file": self.file,
            **where,
            "problems": [{"kind": i.kind, "path": i.path, "message": i.message} for i in self.issues],
            "complaint": self.values,
        }


def counts_by_kind(items: Iterable[Quarantined]) -> dict[str, int]:
    """How many quarantined complaints have at least one problem of each kind, in KINDS order."""
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(item.kinds)
    return {kind: counts[kind] for kind in KINDS if counts[kind]}


def write_quarantine(path: Path, items: Sequence[Quarantined], source: str) -> None:
    """The quarantine file: JSON Lines (`.jsonl`, one complaint a line) or one JSON document."""
    try:
        if path.suffix == ".jsonl":
            text = b"".join(orjson.dumps(item.document(), default=str) + b"\n" for item in items)
        else:
            document = {"version": QUARANTINE_VERSION, "source": source, "quarantined": len(items), "by_kind": counts_by_kind(items),
                        "complaints": [item.document() for item in items]}
            text = orjson.dumps(document, default=str, option=orjson.OPT_INDENT_2) + b"\n"
    except orjson.JSONEncodeError as error:  # a library caller's own values; records text always encodes
        raise CheckError(str(path), [Problem("", f"cannot write the quarantine: {error}")]) from error
    try:
        path.write_bytes(text)
    except OSError as error:
        raise CheckError(str(path), [Problem("", f"cannot write: {error.strerror or error}")]) from None


def grouped_problems(items: Sequence[Quarantined]) -> list[Problem]:
    """Every invalid complaint's problems as input errors, grouped by field and kind: the first few
    examples of each, then how many more, so thousands of one mistake stay readable."""
    groups: dict[tuple[str, str], list[tuple[Quarantined, Issue]]] = {}
    for item in items:
        for issue in item.issues:
            groups.setdefault((issue.path.split("[", 1)[0], issue.kind), []).append((item, issue))
    problems = []
    for (_, _), members in groups.items():
        for item, issue in members[:SHOWN_EXAMPLES]:
            problems.append(Problem(f"{place(item)}.{issue.path}", issue.message))
        if len(members) > SHOWN_EXAMPLES:
            item, issue = members[SHOWN_EXAMPLES]
            problems.append(Problem(f"{place(item)}.{issue.path}", f"and {len(members) - SHOWN_EXAMPLES:,} more complaints with this {issue.kind} {issue.path.split('[', 1)[0]}"))
    return problems


def place(item: Quarantined) -> str:
    """Where a complaint stands in its export: `file row 12 (id "INC01")`."""
    from check_compliance.obligations.errors import excerpt

    if item.path is not None:
        rows = f"line {item.row}: {item.path}" if item.row else item.path
    else:
        rows = f"row {item.row}" if item.rows == 1 else f"row {item.row} (+{item.rows - 1} more)"
    named = f" id {excerpt(item.id)}" if item.id is not None else ""
    return f"{item.file} {rows}{named}"
