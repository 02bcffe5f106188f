"""Reports the reporter tests render: the sample month, the same month marked by a CI gate, odd text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from check_compliance import Checker, Report, load_records
from check_compliance.engine.findings import Resolved, Subject, Waived, WaiverStatus

# Text every format must escape: `%`, line breaks, `|`, `<&>`, quotes, `,:`, a control character.
ODD_MESSAGE = 'Done 100% <b>late</b> & "quoted" | a,b: c\nsecond line\r\nthird\x01'
ODD_ID = "C-1|<&>,:%"
ODD_SOURCE = "exports/oct 2026:v1,final.json"

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = "fixtures/sample-month.json"  # as a CI job would name it, relative to the repository


def sample_report(checker: Checker, as_of: datetime | None = None) -> Report:
    return checker.check(load_records(ROOT / SAMPLE), as_of=as_of, source=SAMPLE)


def gate_report(checker: Checker) -> Report:
    """Before the month's end: breaches, two at-risk warnings, waived, known and new findings."""
    report = sample_report(checker, as_of=datetime.fromisoformat("2026-10-31T20:00:00+08:00"))
    waived = Waived(waiver=1, reason="Hotline outage, see INC-42", approved_by="Li Wei", expires="2026-12-31")
    findings = []
    for f in report.findings:
        changes: dict[str, object] = {"baseline": "known" if f.rule in ("registration", "channels-open") else "new"}
        if f.rule == "first-response":
            changes["waived"] = waived
        findings.append(f.model_copy(update=changes))
    waivers = [
        WaiverStatus(waiver=1, rule="first-response", subject="C-*", reason=waived.reason, approved_by="Li Wei", expires="2026-12-31", status="active", matched=sum(1 for f in findings if f.waived)),
        WaiverStatus(waiver=2, clause="2.3", subject="2026-09-*", reason="Late data from the evaluator", approved_by="Zhang Min", expires="2026-10-15", status="expired", matched=0),
        WaiverStatus(waiver=3, breach=6, subject="D-9", reason="Consent on paper", approved_by="Li Wei", expires="2027-01-31", status="unused", matched=0),
    ]
    resolved = [Resolved(fingerprint="report-due:period:2026-09-01/2026-09-30", rule="report-due", subject=Subject(type="period", id="2026-09-01/2026-09-30"))]
    return report.with_findings(findings, waivers=waivers, resolved=resolved)


def odd_report(report: Report) -> Report:
    first, second, *_ = report.findings
    odd = [
        first.model_copy(update={"message": ODD_MESSAGE, "subject": Subject(type="complaint", id=ODD_ID)}),
        second.model_copy(update={"message": ODD_MESSAGE, "waived": Waived(waiver=1, reason="A | B <ok> & 5%\nsigned", approved_by="Q, A: lead", expires="2026-12-31")}),
    ]
    return report.with_findings(odd, source=ODD_SOURCE)


@pytest.fixture(scope="session")
def sample(checker: Checker) -> Report:
    return sample_report(checker)


@pytest.fixture(scope="session")
def gate(checker: Checker) -> Report:
    return gate_report(checker)


@pytest.fixture(scope="session")
def odd(sample: Report) -> Report:
    return odd_report(sample)
