"""Baselines: an earlier run's findings, matched by fingerprint, so the gate can fail only on new ones.

A baseline file is either a JSON report (`check-compliance --format json`) or the smaller document
`--write-baseline FILE` writes (`baseline_document`):

    {"version": 2, "contract": "HT-2026-001", "rulebook": {"id": "shipped", "sha256": "eed7a06c…"},
     "as_of": "2026-11-20T00:00:00+08:00",
     "findings": [{"rule": "first-response", "subject": {"type": "complaint", "id": "C-0102"},
                   "severity": "error", "fingerprint": "first-response:complaint:C-0102"}, ...]}

Only the `contract`, the `rulebook`'s `sha256`, and each finding's `rule`, `subject.type` and
`subject.id` (and `severity`, when present) are read; the fingerprint is recomputed from them,
never taken from the file, so a hand-edited or stale `fingerprint` cannot mark a finding known.
Everything else is ignored.

Decisions:
- A baseline is of one contract under one rulebook: applied to a check of another contract, or
  one judged by a rulebook of other rule files (its sha256 differs), it is refused
  (`BaselineError`), saying which differs: a finding "known" under other rules or another
  contract says nothing about this one. The fix is to write a new baseline from a run of this
  check (`--write-baseline FILE`).
- A baseline without `contract` or `rulebook.sha256` (written before version 2, or by hand) is
  refused when it loads, with the same fix: nothing could tell what it is a baseline of.
- A key given twice in one JSON object is refused, naming the key and both places: JSON parsers
  keep the last one silently.
- A written baseline records every finding that exists, waived or not, warnings too: waivers
  expire, and the baseline should still know the finding then.
- A finding is `known` when its fingerprint is in the baseline at the same or a higher severity:
  a complaint `at_risk` (a warning) in the baseline that is now overdue (an error) is a new
  breach, not a known one. A baseline entry without `severity` covers both.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from check_compliance.engine.findings import SEVERITY_RANK, Finding, Report, Resolved, Severity, Subject, natural_order
from check_compliance.obligations.errors import BaselineError, Problem, excerpt
from check_compliance.obligations.loading import json_path

BASELINE_VERSION = 2  # 2: the contract and the rulebook's sha256 say what it is a baseline of

MAX_BASELINE_BYTES = 64 * 1024 * 1024
"""Largest baseline file read (64 MiB: a `--write-baseline` file of about 300,000 findings, a JSON
report of about 40,000). Raise it with the environment variable `CHECK_COMPLIANCE_MAX_BASELINE_BYTES`."""
_ENV_MAX_BYTES = "CHECK_COMPLIANCE_MAX_BASELINE_BYTES"


class _Subject(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(strict=True, min_length=1)
    id: str = Field(strict=True, min_length=1)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rule: str = Field(strict=True, min_length=1)
    subject: _Subject
    severity: Optional[Severity] = None


class _Rulebook(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sha256: str = Field(strict=True, pattern=r"^[0-9a-f]{64}$")


class _Document(BaseModel):
    model_config = ConfigDict(extra="ignore")
    contract: str = Field(strict=True, min_length=1)
    rulebook: _Rulebook
    as_of: Optional[str] = None
    findings: list[_Entry]


@dataclass(frozen=True)
class BaselineEntry:
    rule: str
    subject: Subject
    severity: Severity  # the highest severity the baseline saw this fingerprint at

    @property
    def fingerprint(self) -> str:
        return f"{self.rule}:{self.subject.type}:{self.subject.id}"


@dataclass(frozen=True)
class Baseline:
    """The findings of an earlier run, by fingerprint."""

    source: str
    contract: str
    as_of: Optional[str]
    entries: Mapping[str, BaselineEntry]
    rulebook_sha256: str = ""  # the rulebook the baseline's findings were judged by

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(self.entries)

    def identity_problems(self, report: Report) -> list[Problem]:
        """What makes this baseline not one of `report`'s check: another contract, another rulebook."""
        fix = "write a new baseline from this check with --write-baseline FILE (without --baseline), or give the baseline of this contract and rulebook"
        problems = []
        if self.contract != report.contract:
            problems.append(Problem("contract", f"written for contract {excerpt(self.contract)}, but this check is of contract {excerpt(report.contract)}: {fix}"))
        if self.rulebook_sha256 != report.rulebook.sha256:
            problems.append(Problem("rulebook.sha256", f"written under rulebook sha256 {self.rulebook_sha256[:12]}…, but this check's rulebook ({excerpt(report.rulebook.id)}) is {report.rulebook.sha256[:12]}…;"
                                                        f" its findings were judged by other rules: {fix}"))
        return problems

    def is_known(self, finding: Finding) -> bool:
        entry = self.entries.get(finding.fingerprint)
        return entry is not None and SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[entry.severity]


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline: a JSON report of an earlier run, or a document `baseline_document` wrote."""
    source = str(path)
    limit = _max_bytes(source)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise BaselineError(source, [Problem("", f"cannot read: {error.strerror or error}")]) from error
    if len(data) > limit:
        raise BaselineError(source, [Problem("", f"larger than {limit:,} bytes (MAX_BASELINE_BYTES); set {_ENV_MAX_BYTES} to raise the limit,"
                                                 " or keep the smaller baseline --write-baseline writes instead of a JSON report")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BaselineError(source, [Problem("", f"not UTF-8 text ({error.reason} at byte {error.start})")]) from error
    return parse_baseline(text, source)


def parse_baseline(text: str, source: str = "<baseline>") -> Baseline:
    """The baseline in `text` (a JSON report or a `baseline_document`); `BaselineError` naming what is wrong."""
    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_int=_int)
    except json.JSONDecodeError as error:
        raise BaselineError(source, [Problem("", f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno)]) from error
    except _Duplicate as error:
        raise BaselineError(source, [_duplicate_problem(text, error.key)]) from error
    except RecursionError as error:
        raise BaselineError(source, [Problem("", "nested too deeply to be a report or a baseline")]) from error
    except ValueError as error:  # an integer of thousands of digits
        raise BaselineError(source, [Problem("", "not valid JSON here: a number of more than 4,300 digits")]) from error
    if not isinstance(data, dict):
        raise BaselineError(source, [Problem("(top)", f"expected a JSON object with a `findings` list (a JSON report or a baseline), got {type(data).__name__}")])
    missing = [key for key in ("contract", "rulebook") if key not in data]
    if missing:
        raise BaselineError(source, [Problem(key, "required field is missing: nothing says what contract and rulebook this is a baseline of"
                                                  " (written before baseline version 2, or by hand); write it again with --write-baseline FILE") for key in missing])
    try:
        document = _Document.model_validate(data)
    except ValidationError as error:
        raise BaselineError(source, [_problem(item) for item in error.errors()]) from error
    entries: dict[str, BaselineEntry] = {}
    for item in document.findings:
        entry = BaselineEntry(item.rule, Subject(type=item.subject.type, id=item.subject.id), item.severity or "error")
        previous = entries.get(entry.fingerprint)
        if previous is None or SEVERITY_RANK[entry.severity] > SEVERITY_RANK[previous.severity]:
            entries[entry.fingerprint] = entry
    return Baseline(source, document.contract, document.as_of, entries, document.rulebook.sha256)


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """Mark each finding `known` (in the baseline) or `new`; list the baseline's findings gone now as `resolved`.

    A baseline of another contract or rulebook is refused (`BaselineError`).
    """
    problems = baseline.identity_problems(report)
    if problems:
        raise BaselineError(baseline.source, problems)
    findings = [f.model_copy(update={"baseline": "known" if baseline.is_known(f) else "new"}) for f in report.findings]
    present = {f.fingerprint for f in report.findings}
    gone = [entry for fingerprint, entry in baseline.entries.items() if fingerprint not in present]
    resolved = [Resolved(fingerprint=e.fingerprint, rule=e.rule, subject=e.subject) for e in sorted(gone, key=_entry_order)]
    return report.with_findings(findings, resolved=resolved)


def baseline_document(report: Report) -> str:
    """The baseline `--write-baseline` writes: every finding (waived ones too), sorted, byte-deterministic."""
    entries: dict[str, BaselineEntry] = {}
    for finding in sorted(report.findings, key=Finding.sort_key):
        previous = entries.get(finding.fingerprint)
        if previous is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[previous.severity]:
            entries[finding.fingerprint] = BaselineEntry(finding.rule, finding.subject, finding.severity)
    document = {
        "version": BASELINE_VERSION,
        "contract": report.contract,
        "rulebook": {"id": report.rulebook.id, "sha256": report.rulebook.sha256},
        "as_of": report.as_of,
        "findings": [
            {"rule": e.rule, "subject": {"type": e.subject.type, "id": e.subject.id}, "severity": e.severity, "fingerprint": e.fingerprint}
            for e in entries.values()
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _problem(item: Mapping) -> Problem:
    message = item["msg"]
    if item["type"] == "missing":
        message = "required field is missing"
    elif not isinstance(item.get("input"), (dict, list)):
        message += f", got {json.dumps(item.get('input'), ensure_ascii=False, default=str)[:120]}"
    return Problem(json_path(tuple(item["loc"])), message)


def _entry_order(entry: BaselineEntry) -> tuple:
    return entry.rule, entry.subject.type, natural_order(entry.subject.id)


def _max_bytes(source: str) -> int:
    raw = os.environ.get(_ENV_MAX_BYTES)
    if raw is None:
        return MAX_BASELINE_BYTES
    if not re.fullmatch(r"\s*[0-9]{1,18}\s*", raw) or int(raw) <= 0:
        raise BaselineError(source, [Problem("", f"{_ENV_MAX_BYTES} must be a whole number of bytes, got {excerpt(raw)}")])
    return int(raw)


def _int(digits: str) -> int:
    # Refused on every Python alike: before 3.10.7 int() took any length (and its time).
    if len(digits) > 4300:
        raise ValueError("more than 4,300 digits")
    return int(digits)


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        raise _Duplicate(next(key for key, _ in pairs if key in seen or seen.add(key)))  # type: ignore[func-returns-value]
    return result


_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _duplicate_problem(text: str, key: str) -> Problem:
    """The duplicate key's second place, naming the first: found by walking the (valid) JSON text again."""
    objects: list[Optional[dict[str, int]]] = []  # per open container: an object's keys and where each stands
    previous = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            token = _STRING.match(text, index)
            end = token.end() if token else len(text)
            value = json.loads(text[index:end])
            keys = objects[-1] if objects else None
            if keys is not None and previous in "{,":
                if value in keys:
                    line, column = _line_column(text, keys[value])
                    here = _line_column(text, index)
                    return Problem("", f"duplicate key {excerpt(value)} (first at line {line} column {column}): give each key once", line=here[0], column=here[1])
                keys[value] = index
            previous, index = '"', end
            continue
        if char in "{[":
            objects.append({} if char == "{" else None)
        elif char in "}]":
            objects.pop()
        if not char.isspace():
            previous = char
        index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    return Problem("", f"duplicate key {excerpt(key)}: give each key once")


def _line_column(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)
