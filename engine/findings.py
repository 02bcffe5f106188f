"""What a check returns: typed findings, their summary, and the report (OUTPUT.md)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["late", "overdue", "missing", "incomplete", "prohibited", "at_risk"]
Severity = Literal["error", "warning"]
SEVERITY_RANK = {"warning": 1, "error": 2}
REPORT_VERSION = 1


class Subject(BaseModel):
    model_config = ConfigDict(frozen=True)
    type: str
    id: str


class DateRange(BaseModel):
    model_config = ConfigDict(frozen=True)
    start: str
    end: str


class Evidence(BaseModel):
    """What the finding rests on, beyond due and observed instants."""

    model_config = ConfigDict(frozen=True)
    limit: Optional[str] = None
    clock: Optional[str] = None
    urgency: Optional[str] = None
    classified: Optional[bool] = None
    elapsed_seconds: Optional[int] = None
    working_delay_seconds: Optional[int] = None
    missing: Optional[list[str]] = None
    gaps: Optional[list[DateRange]] = None


class Finding(BaseModel):
    """One breach (or at-risk warning) of one obligation by one subject, traced to its clause."""

    model_config = ConfigDict(frozen=True)
    rule: str
    obligation: int
    clause: str
    breach: int
    party: str
    severity: Severity
    outcome: Outcome
    subject: Subject
    due_at: Optional[str] = None
    observed_at: Optional[str] = None
    delay_seconds: Optional[int] = None
    message: str
    evidence: Evidence = Field(default_factory=Evidence)

    def sort_key(self) -> tuple:
        return (self.breach, self.rule, _natural(self.subject.id), self.subject.type, self.outcome)


class RulebookRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    sha256: str


class Summary(BaseModel):
    model_config = ConfigDict(frozen=True)
    findings: int
    errors: int
    warnings: int
    by_breach: dict[str, int]
    by_party: dict[str, int]
    by_rule: dict[str, int]
    checked: dict[str, int]


class Report(BaseModel):
    """The result of one check; renderers only present it, `exit_code` alone decides the gate."""

    model_config = ConfigDict(frozen=True)
    version: int = REPORT_VERSION
    as_of: str
    contract: str
    lang: Literal["zh", "en"] = "en"
    rulebook: RulebookRef
    summary: Summary
    findings: list[Finding]

    def failing(self, fail_on: Severity = "error") -> list[Finding]:
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on]]

    def exit_code(self, fail_on: Severity = "error") -> int:
        return 1 if self.failing(fail_on) else 0


def summarise(findings: list[Finding], checked: dict[str, int]) -> Summary:
    breaches = [f for f in findings if f.severity == "error"]
    return Summary(
        findings=len(findings),
        errors=len(breaches),
        warnings=len(findings) - len(breaches),
        by_breach=_counted(str(f.breach) for f in breaches),
        by_party=_counted(f.party for f in breaches),
        by_rule=_counted(f.rule for f in findings),
        checked=checked,
    )


def _counted(values) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = Counter(values)
    return {key: counts[key] for key in sorted(counts, key=_natural)}


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))
