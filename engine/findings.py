"""What a check returns: typed findings, their summary, and the report (OUTPUT.md)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, computed_field

Outcome = Literal["late", "overdue", "missing", "incomplete", "prohibited", "at_risk", "inaccurate"]  # inaccurate: the audit of a report's figures
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


class Waived(BaseModel):
    """The waiver a finding is accepted under: it stays in the report, and does not fail the gate."""

    model_config = ConfigDict(frozen=True)
    waiver: int  # the waiver's position in its file, from 1
    reason: str
    approved_by: str
    expires: str


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
    # Set by waivers and a baseline (the CI gate); absent from a plain check.
    waived: Optional[Waived] = None
    baseline: Optional[Literal["new", "known"]] = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fingerprint(self) -> str:
        """Stable identity across runs: the rule and the subject, never message text or timing."""
        return f"{self.rule}:{self.subject.type}:{self.subject.id}"

    @property
    def gates(self) -> bool:
        """Whether this finding can fail the gate: not waived, and not known to the baseline."""
        return self.waived is None and self.baseline != "known"

    def sort_key(self) -> tuple:
        return (self.breach, self.rule, natural_order(self.subject.id), self.subject.type, self.outcome)


class RuleInfo(BaseModel):
    """A rule of the rulebook the check ran, so views can count rules that found nothing."""

    model_config = ConfigDict(frozen=True)
    id: str
    obligation: int
    clause: str
    breach: int
    party: str
    severity: Severity
    title_en: str
    title_zh: str


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
    waived: int = 0
    new: Optional[int] = None  # with a baseline only
    known: Optional[int] = None


class WaiverStatus(BaseModel):
    """What became of one waiver in this check."""

    model_config = ConfigDict(frozen=True)
    waiver: int  # position in the waivers file, from 1
    rule: Optional[str] = None
    clause: Optional[str] = None
    breach: Optional[int] = None
    subject: str
    reason: str
    approved_by: str
    expires: str
    status: Literal["active", "expired", "unused"]
    matched: int


class Resolved(BaseModel):
    """A finding of the baseline that this check no longer gives."""

    model_config = ConfigDict(frozen=True)
    fingerprint: str
    rule: str
    subject: Subject


class Spread(BaseModel):
    model_config = ConfigDict(frozen=True)
    p50: int
    p90: int
    max: int


class DeadlineFigures(BaseModel):
    """How one complaint deadline went in a period: met, late, overdue, still running."""

    model_config = ConfigDict(frozen=True)
    met: int
    late: int
    overdue: int
    running: int
    on_time_rate: Optional[float]  # met / (met + late + overdue); None when none is decided


class PeriodFigures(BaseModel):
    """The figures of one evaluation period (2.1), for complaints received in it."""

    model_config = ConfigDict(frozen=True)
    period: str
    complaints: int
    deadlines: dict[str, DeadlineFigures]
    first_response_seconds: Optional[Spread]
    resolution_seconds: Optional[Spread]
    satisfaction_count: int
    satisfaction_mean: Optional[float]


class QuarantineSummary(BaseModel):
    """How many invalid complaints were set aside instead of checked, and why (complaints per problem kind)."""

    model_config = ConfigDict(frozen=True)
    complaints: int
    by_kind: dict[str, int]


class NotChecked(BaseModel):
    """An obligation the export cannot show (declared `not_tracked`): neither breached nor passed."""

    model_config = ConfigDict(frozen=True)
    rule: str
    obligation: int
    clause: str
    breach: int
    party: str
    reason: str


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
    source: str = "<records>"  # the records file as given (`-` for standard input)
    rules: list[RuleInfo] = Field(default_factory=list)
    periods: list[PeriodFigures] = Field(default_factory=list)
    waivers: Optional[list[WaiverStatus]] = None  # with --waivers only
    resolved: Optional[list[Resolved]] = None  # with --baseline only
    quarantine: Optional[QuarantineSummary] = None  # with a quarantine only
    not_checked: Optional[list[NotChecked]] = None  # when obligations are declared not_tracked
    notices: Optional[list[str]] = None  # cautions about the check itself (an as_of long after the data)

    def failing(self, fail_on: Severity = "error") -> list[Finding]:
        return [f for f in self.findings if f.gates and SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on]]

    def exit_code(self, fail_on: Severity = "error", strict_waivers: bool = False) -> int:
        unused = strict_waivers and any(w.status == "unused" for w in self.waivers or ())
        return 1 if self.failing(fail_on) or unused else 0

    def with_findings(self, findings: list[Finding], **changes: object) -> Report:
        """The same check with findings re-marked (waived, new/known), the summary recounted."""
        summary = summarise(findings, self.summary.checked)
        return self.model_copy(update={"findings": findings, "summary": summary, **changes})


def summarise(findings: list[Finding], checked: dict[str, int]) -> Summary:
    breaches = [f for f in findings if f.severity == "error"]
    with_baseline = any(f.baseline is not None for f in findings)
    return Summary(
        waived=sum(1 for f in findings if f.waived is not None),
        new=sum(1 for f in findings if f.baseline == "new") if with_baseline else None,
        known=sum(1 for f in findings if f.baseline == "known") if with_baseline else None,
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
    return {key: counts[key] for key in sorted(counts, key=natural_order)}


def natural_order(text: str) -> tuple:
    """`C-10` after `C-9`: numbers in ids compare as numbers. Only ASCII digits: `str.isdigit`
    also holds for `²`, which `int()` refuses."""
    return tuple(int(p) if i % 2 else p for i, p in enumerate(re.split(r"([0-9]+)", text)))
