"""Applying waivers to a report: waived findings stay in it, marked, and every waiver gets a status."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from check_compliance.engine.findings import Finding, Report, Waived, WaiverStatus
from check_compliance.obligations.waivers import Waiver


def waiver_day(report: Report) -> date:
    """The day a check's waivers are judged on: its `as_of` date in the contract's zone."""
    # A report's as_of is written in the contract's zone, so its calendar date is that zone's day.
    return datetime.fromisoformat(report.as_of).date()


def apply_waivers(report: Report, waivers: list[Waiver], today: date) -> Report:
    """Mark the findings that active waivers accept; say of each waiver whether it was active, expired or unused.

    A finding takes the first active waiver that matches it, in file order. `matched` counts every
    finding a waiver's terms match, whether or not an earlier waiver took it first, so a waiver is
    `unused` only when nothing it names exists. An expired waiver waives nothing and is reported
    `expired` (with what it would have matched), whether or not it matched anything.
    """
    active = [waiver.is_active(today) for waiver in waivers]
    matched = [0] * len(waivers)
    findings = []
    for finding in report.findings:
        hits = [index for index, waiver in enumerate(waivers) if _matches(waiver, finding)]
        for index in hits:
            matched[index] += 1
        first = next((index for index in hits if active[index]), None)
        # Re-derived from scratch, so applying the same waivers twice gives the same report.
        waived = None if first is None else _waived(first, waivers[first])
        findings.append(finding.model_copy(update={"waived": waived}))
    statuses = [_status(index, waiver, active[index], matched[index]) for index, waiver in enumerate(waivers)]
    return report.with_findings(findings, waivers=statuses)


def _matches(waiver: Waiver, finding: Finding) -> bool:
    return waiver.matches(finding.rule, finding.clause, finding.breach, finding.subject.type, finding.subject.id)


def _waived(index: int, waiver: Waiver) -> Waived:
    return Waived(waiver=index + 1, reason=waiver.reason, approved_by=waiver.approved_by, expires=waiver.expires.isoformat())


def _status(index: int, waiver: Waiver, is_active: bool, matched: int) -> WaiverStatus:
    status: Literal["active", "expired", "unused"] = "expired" if not is_active else "active" if matched else "unused"
    return WaiverStatus(
        waiver=index + 1,
        rule=waiver.rule,
        clause=waiver.clause,
        breach=waiver.breach,
        subject=waiver.subject,
        reason=waiver.reason,
        approved_by=waiver.approved_by,
        expires=waiver.expires.isoformat(),
        status=status,
        matched=matched,
    )
