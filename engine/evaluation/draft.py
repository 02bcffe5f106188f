"""The draft of Party B's report of one period (2.3): method, results, problems, recommendations."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict

from check_compliance.engine.evaluation.distributions import Distributions, distributions
from check_compliance.engine.evaluation.indicators import Indicators
from check_compliance.engine.evaluation.problems import Concentration, ProblemGroup, WorstCase, concentrations, period_findings, problem_groups
from check_compliance.engine.evaluation.recommendations import Facts, Recommendation, applicable
from check_compliance.engine.findings import Finding, PeriodFigures, Report, RulebookRef
from check_compliance.obligations.errors import CheckError, Problem
from check_compliance.obligations.records import Records
from check_compliance.obligations.terms import Terms

PREVIOUS_PERIODS = 3


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PastValue(_Model):
    period: str
    value: Optional[float]


class IndicatorResult(_Model):
    id: str
    group: str
    name_en: str
    name_zh: str
    unit: str
    figure: str
    value: Optional[float]
    target_op: Optional[str]
    target: Optional[float]
    met: Optional[bool]  # None: no target, or no value
    previous: list[PastValue]


class RecommendationResult(_Model):
    id: str
    text_en: str
    text_zh: str


class Method(_Model):
    source: str
    source_sha256: Optional[str]
    rulebook: RulebookRef
    terms: str
    as_of: str
    complaints: int


class Evaluation(_Model):
    """Everything the 2.3 report of one period says, each number taken from the check's report."""

    contract: str
    lang: str
    period: str
    period_index: int  # the period's place in the JSON report's `periods`
    method: Method
    indicators: list[IndicatorResult]
    breaches: int
    warnings: int
    problems: list[ProblemGroup]
    concentrations: list[Concentration]
    recommendations: list[RecommendationResult]
    findings: list[Finding]
    distributions: Distributions


def find_period(periods: list[PeriodFigures], wanted: str) -> int:
    """The index of the period `wanted` names: `2026-10` (a month), a day in it, or its `start/end` key."""
    try:
        day = date.fromisoformat(wanted.split("/")[0] + ("-01" if len(wanted) == 7 else ""))
    except ValueError:
        raise CheckError("--period", [Problem("--period", f"expected a month (2026-10), a day (2026-10-15) or a period (2026-10-01/2026-10-31), got {wanted!r}")]) from None
    for index, p in enumerate(periods):
        start, end = (date.fromisoformat(d) for d in p.period.split("/"))
        if start <= day <= end:
            return index
    begun = ", ".join(p.period for p in periods) or "none"
    raise CheckError("--period", [Problem("--period", f"{wanted} is in no evaluation period begun by as_of; periods: {begun}")])


def evaluate(report: Report, records: Records, terms: Terms, indicators: Indicators, recommendations: list[Recommendation],
             wanted: str, terms_name: str = "default terms (rules/terms.yaml)") -> Evaluation:
    """Draft the report of the period `wanted` from a finished check of `records`."""
    index = find_period(report.periods, wanted)
    figures = report.periods[index]
    first, last = (date.fromisoformat(d) for d in figures.period.split("/"))
    zone = records.contract.zone
    results = []
    for indicator in indicators.indicators:
        value = indicator.value(figures)
        target = indicator.target
        previous = [PastValue(period=p.period, value=indicator.value(p)) for p in report.periods[max(0, index - PREVIOUS_PERIODS):index]]
        results.append(IndicatorResult(
            id=indicator.id, group=indicator.group, name_en=indicator.name.en, name_zh=indicator.name.zh, unit=indicator.unit,
            figure=indicator.figure, value=value, target_op=target.op if target else None, target=target.value if target else None,
            met=target.is_met(value) if target is not None and value is not None else None, previous=previous,
        ))
    found = period_findings(report.findings, records, first, last)
    in_period = [c for c in records.complaints if first <= c.received_at.astimezone(zone).date() <= last]
    gathered = concentrations(found, in_period, zone)
    breaches = [f for f in found if f.severity == "error"]
    facts = Facts(
        indicators={r.id: r.value for r in results},
        breaches={rule: sum(1 for f in breaches if f.rule == rule) for rule in {f.rule for f in breaches}},
        concentrated=frozenset(c.dimension for c in gathered if c.concentrated),
    )
    as_of = datetime.fromisoformat(report.as_of)
    return Evaluation(
        contract=report.contract, lang=report.lang, period=figures.period, period_index=index,
        method=Method(source=report.source, source_sha256=source_sha256(report.source), rulebook=report.rulebook, terms=terms_name,
                      as_of=report.as_of, complaints=figures.complaints),
        indicators=results, breaches=len(breaches), warnings=len(found) - len(breaches),
        problems=problem_groups(found, report.rules), concentrations=gathered,
        recommendations=[RecommendationResult(id=r.id, text_en=r.text.en, text_zh=r.text.zh) for r in applicable(recommendations, facts)],
        findings=found,
        distributions=distributions(records, terms, report.findings, report.periods, as_of, first, last),
    )


def source_sha256(source: str) -> Optional[str]:
    """The records file's sha256, so the report names exactly the data it rests on (None for standard input)."""
    path = Path(source)
    if source == "-" or not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


__all__ = ["Evaluation", "WorstCase", "evaluate", "find_period"]
