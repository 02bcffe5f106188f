"""The problems a period shows (2.3 "problems found"): its breaches by obligation, the worst cases, where they gather."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Optional

from pydantic import BaseModel, ConfigDict

from check_compliance.engine.findings import Finding, RuleInfo
from check_compliance.obligations.records import Complaint, Records

WORST_CASES = 3
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A dimension's value "gathers" breaches when it holds at least this many of them and at least
# this multiple of its share of the period's complaints.
CONCENTRATION_MIN = 3
CONCENTRATION_RATIO = 2.0


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class WorstCase(_Model):
    subject: str
    outcome: str
    delay_seconds: Optional[int]
    message: str


class ProblemGroup(_Model):
    """The period's breaches of one obligation."""

    rule: str
    obligation: int
    clause: str
    breach: int
    party: str
    title_en: str
    title_zh: str
    count: int
    worst: list[WorstCase]


class Concentration(_Model):
    """Where the period's complaint breaches gather most, in one dimension (channel, weekday, urgency)."""

    dimension: str
    value: str
    breaches: int
    complaints: int
    breach_share: float
    complaint_share: float
    concentrated: bool


def period_findings(findings: list[Finding], records: Records, first: date, last: date) -> list[Finding]:
    """The findings that belong to the period `first`..`last`: of its complaints, its evaluation, report, disclosures, gaps."""
    key = f"{first.isoformat()}/{last.isoformat()}"
    zone = records.contract.zone
    day_of: dict[tuple[str, str], date] = {}
    for c in records.complaints:
        day_of[("complaint", c.id)] = c.received_at.astimezone(zone).date()
    for d in records.disclosures:
        day_of[("disclosure", d.id)] = d.at.astimezone(zone).date()
    period_of = {("evaluation", e.id): e.period.key for e in records.evaluations}
    period_of.update({("report", r.id): r.period.key for r in records.reports})
    chosen = []
    for f in findings:
        kind, ident = f.subject.type, f.subject.id
        if kind == "period" or kind == "report_figure":
            belongs = ident == key or ident.split(":")[0] in {r.id for r in records.reports if r.period.key == key}
        elif (kind, ident) in period_of:
            belongs = period_of[(kind, ident)] == key
        elif (kind, ident) in day_of:
            belongs = first <= day_of[(kind, ident)] <= last
        elif kind == "channel_kind":
            belongs = any(g.start <= last.isoformat() and g.end >= first.isoformat() for g in f.evidence.gaps or ())
        else:
            belongs = False
        if belongs:
            chosen.append(f)
    return chosen


def problem_groups(findings: list[Finding], rules: list[RuleInfo]) -> list[ProblemGroup]:
    """The breaches (not warnings) grouped by obligation, worst (longest delay) first in each."""
    titles = {r.id: r for r in rules}
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity == "error":
            groups.setdefault(f.rule, []).append(f)
    result = []
    for rule, items in sorted(groups.items(), key=lambda kv: (kv[1][0].obligation, kv[0])):
        first = items[0]
        info = titles.get(rule)
        worst = sorted(items, key=lambda f: (-(f.delay_seconds or 0), f.sort_key()))[:WORST_CASES]
        result.append(ProblemGroup(
            rule=rule, obligation=first.obligation, clause=first.clause, breach=first.breach, party=first.party,
            title_en=info.title_en if info else rule, title_zh=info.title_zh if info else rule, count=len(items),
            worst=[WorstCase(subject=f.subject.id, outcome=f.outcome, delay_seconds=f.delay_seconds, message=f.message) for f in worst],
        ))
    return result


def concentrations(findings: list[Finding], complaints: list[Complaint], zone: object) -> list[Concentration]:
    """Per dimension, the value holding most of the period's complaint breaches, against its share of complaints."""
    by_id = {c.id: c for c in complaints}
    breached = [by_id[f.subject.id] for f in findings if f.severity == "error" and f.subject.type == "complaint" and f.subject.id in by_id]
    result = []
    for dimension in ("channel", "weekday", "urgency"):
        of_complaints = Counter(_value(c, dimension, zone) for c in complaints)
        of_breaches = Counter(_value(c, dimension, zone) for c in breached)
        if not of_breaches:
            continue
        # The most breaches; ties go to the smaller share of complaints (the sharper concentration), then by name.
        value = min(of_breaches, key=lambda v: (-of_breaches[v], of_complaints[v], v))
        breach_share = of_breaches[value] / len(breached)
        complaint_share = of_complaints[value] / len(complaints)
        result.append(Concentration(
            dimension=dimension, value=value, breaches=of_breaches[value], complaints=of_complaints[value],
            breach_share=round(breach_share, 4), complaint_share=round(complaint_share, 4),
            concentrated=of_breaches[value] >= CONCENTRATION_MIN and breach_share >= CONCENTRATION_RATIO * complaint_share,
        ))
    return result


def _value(complaint: Complaint, dimension: str, zone: object) -> str:
    if dimension == "channel":
        return complaint.channel or "-"
    if dimension == "urgency":
        return complaint.urgency or "unclassified"
    return WEEKDAYS[complaint.received_at.astimezone(zone).weekday()]  # type: ignore[arg-type]
