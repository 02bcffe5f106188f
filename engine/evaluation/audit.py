"""The audit of a submitted report (appendix 4): each figure a report claims, against the one computed from the same records."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Optional

from check_compliance.engine.conditions import Cmp, Or, Ref
from check_compliance.engine.findings import Finding, Report, RuleInfo, Subject
from check_compliance.engine.runtime import DurableRuntime
from check_compliance.obligations.errors import InputError, Problem, excerpt
from check_compliance.obligations.records import Report as ReportRecord
from check_compliance.obligations.yamlsrc import closest

if TYPE_CHECKING:  # the indicators are read only when a report claims figures
    from check_compliance.engine.evaluation.indicators import Indicators

Claim = tuple[ReportRecord, str, float, Optional[float], float]  # record, name, claimed, computed, tolerance

# Not one of OBLIGATIONS.md's 14: the accuracy of what a 2.3 report says, checked as appendix 4 asks.
AUDIT_RULE = RuleInfo(id="report-figures", obligation=15, clause="2.3", breach=5, party="B", severity="warning",
                      title_en="A report's figures match the records", title_zh="评估报告数据与记录一致")

_MESSAGES = {
    "en": {
        "off": "Report {report} claims {name} {claimed}; the records give {computed} (off by {diff}, tolerance {tolerance})",
        "none": "Report {report} claims {name} {claimed}; the records give no value for its period",
    },
    "zh": {
        "off": "评估报告 {report} 声称 {name} 为 {claimed}；依记录计算为 {computed}（相差 {diff}，容差 {tolerance}）",
        "none": "评估报告 {report} 声称 {name} 为 {claimed}；其评估期的记录无此数值",
    },
}


def audit(report: Report, reports: Sequence[ReportRecord], indicators: Indicators) -> Report:
    """The report with a warning finding for each claimed figure off by more than its tolerance.

    A claim naming no indicator is an input error: a silent skip would pass an unchecked claim.
    """
    known = indicators.by_id()
    unknown = []
    for index, record in enumerate(reports):
        for name in sorted(record.figures or {}):
            if name not in known:
                unknown.append(_unknown(index, name, known))
    if unknown:
        raise InputError(report.source, unknown)
    by_period = {p.period: p for p in report.periods}
    words = _MESSAGES[report.lang]
    claims = []
    for record in reports:
        figures = by_period.get(record.period.key)
        for name, claimed in sorted((record.figures or {}).items()):
            indicator = known[name]
            computed = indicator.value(figures) if figures is not None else None
            claims.append((record, name, claimed, computed, indicators.tolerance(indicator)))
    found = []
    for record, name, claimed, computed, tolerance in judged(claims):
        fields = {"report": record.id, "name": name, "claimed": _number(claimed), "tolerance": _number(tolerance)}
        if computed is None:
            message = words["none"].format(**fields)
        else:
            message = words["off"].format(computed=_number(computed), diff=_number(abs(claimed - computed)), **fields)
        found.append(Finding(
            rule=AUDIT_RULE.id, obligation=AUDIT_RULE.obligation, clause=AUDIT_RULE.clause, breach=AUDIT_RULE.breach,
            party=AUDIT_RULE.party, severity="warning", outcome="inaccurate",
            subject=Subject(type="report_figure", id=f"{record.id}:{name}"), message=message,
        ))
    if not any(r.figures for r in reports):
        return report
    findings = sorted([*report.findings, *found], key=lambda f: f.sort_key())
    rules = report.rules if any(r.id == AUDIT_RULE.id for r in report.rules) else [*report.rules, AUDIT_RULE]
    return report.with_findings(findings, rules=rules)


# A claim is inaccurate when the records give no value for it, or when it is off by more than
# its tolerance. durable_rules decides it, as every other outcome: the fact carries the distance
# and the tolerance in billionths (integers: exact, and what the engine compares as numbers).
INACCURATE = Or((Cmp("known", "eq", 0), Cmp("diff", "gt", Ref("tol"))))
_SCALE = 10**9


def claim_fact(claimed: float, computed: Optional[float], tolerance: float) -> dict[str, int]:
    if computed is None:
        return {"known": 0, "diff": 0, "tol": 0}
    return {"known": 1, "diff": round(abs(claimed - computed) * _SCALE), "tol": round(tolerance * _SCALE)}


def judged(claims: list[Claim]) -> list[Claim]:
    """The claims durable_rules finds inaccurate, in their order."""
    if not claims:
        return []
    matched = {subject for _, _, _, subject in _runtime().run((claim_fact(c[2], c[3], c[4]), i) for i, c in enumerate(claims))}
    return [claim for i, claim in enumerate(claims) if i in matched]


@cache
def _runtime() -> DurableRuntime:
    # One small ruleset per process, shared (the runtime is thread-safe); its one rule is the audit's.
    from check_compliance.engine.compiler import CompiledRule, Program

    rule = CompiledRule(rule=None, slot=0, outcomes={"inaccurate": INACCURATE})  # type: ignore[arg-type]
    return DurableRuntime(Program(rulebook=None, terms=None, rules=(rule,)))  # type: ignore[arg-type]


def _unknown(index: int, name: str, known: dict) -> Problem:
    return Problem(f"reports[{index}].figures.{name[:40]}", f"no indicator named {excerpt(name)}; indicators: {', '.join(known)}", suggestion=closest(name, known))


def _number(value: float) -> str:
    # Four decimals say a rate to a hundredth of a percent; whole numbers stay whole.
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")


def audit_reports(report: Report, reports: Sequence[ReportRecord], indicators: Optional[Indicators] = None) -> Report:
    """`audit` with `indicators` (default: the shipped ones, read only when a report claims figures)."""
    if not any(r.figures for r in reports):
        return report
    if indicators is None:
        from check_compliance.engine.evaluation.indicators import load_indicators

        indicators = load_indicators()
    return audit(report, reports, indicators)
