"""Baselines: an earlier run's findings, matched by fingerprint, so the gate can fail only on new ones.

A baseline file is either a JSON report (`check-compliance --format json`) or the smaller document
`--write-baseline FILE` writes (`baseline_document`):

    {"version": 1, "contract": "HT-2026-001", "as_of": "2026-11-20T00:00:00+08:00",
     "findings": [{"rule": "first-response", "subject": {"type": "complaint", "id": "C-0102"},
                   "severity": "error", "fingerprint": "first-response:complaint:C-0102"}, ...]}

Only each finding's `rule`, `subject.type` and `subject.id` (and `severity`, when present) are
read; the fingerprint is recomputed from them, never taken from the file, so a hand-edited or
stale `fingerprint` cannot mark a finding known. Everything else is ignored.

Decisions:
- A written baseline records every finding that exists, waived or not, warnings too: waivers
  expire, and the baseline should still know the finding then.
- A finding is `known` when its fingerprint is in the baseline at the same or a higher severity:
  a complaint `at_risk` (a warning) in the baseline that is now overdue (an error) is a new
  breach, not a known one. A baseline entry without `severity` covers both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from check_compliance.engine.findings import SEVERITY_RANK, Finding, Report, Resolved, Severity, Subject, natural_order
from check_compliance.obligations.errors import BaselineError, Problem
from check_compliance.obligations.loading import json_path

BASELINE_VERSION = 1


class _Subject(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(strict=True, min_length=1)
    id: str = Field(strict=True, min_length=1)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rule: str = Field(strict=True, min_length=1)
    subject: _Subject
    severity: Optional[Severity] = None


class _Document(BaseModel):
    model_config = ConfigDict(extra="ignore")
    contract: Optional[str] = None
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
    contract: Optional[str]
    as_of: Optional[str]
    entries: Mapping[str, BaselineEntry]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(self.entries)

    def is_known(self, finding: Finding) -> bool:
        entry = self.entries.get(finding.fingerprint)
        return entry is not None and SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[entry.severity]


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline: a JSON report of an earlier run, or a document `baseline_document` wrote."""
    source = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as error:
        raise BaselineError(source, [Problem("", f"cannot read: {error.strerror or error}")]) from None
    except UnicodeDecodeError as error:
        raise BaselineError(source, [Problem("", f"not UTF-8 text ({error.reason} at byte {error.start})")]) from None
    return parse_baseline(text, source)


def parse_baseline(text: str, source: str = "<baseline>") -> Baseline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(source, [Problem("", f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno)]) from None
    if not isinstance(data, dict):
        raise BaselineError(source, [Problem("(top)", f"expected a JSON object with a `findings` list (a JSON report or a baseline), got {type(data).__name__}")])
    try:
        document = _Document.model_validate(data)
    except ValidationError as error:
        raise BaselineError(source, [_problem(item) for item in error.errors()]) from None
    entries: dict[str, BaselineEntry] = {}
    for item in document.findings:
        entry = BaselineEntry(item.rule, Subject(type=item.subject.type, id=item.subject.id), item.severity or "error")
        previous = entries.get(entry.fingerprint)
        if previous is None or SEVERITY_RANK[entry.severity] > SEVERITY_RANK[previous.severity]:
            entries[entry.fingerprint] = entry
    return Baseline(source, document.contract, document.as_of, entries)


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """Mark each finding `known` (in the baseline) or `new`; list the baseline's findings gone now as `resolved`."""
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
