"""One check: records + rulebook + terms + as_of → `Report`, decided by durable_rules."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal, Optional, Protocol

from obligations.records import Records
from obligations.rulebook import Rulebook, load_rulebook
from obligations.stream import RecordStream
from obligations.terms import Terms, load_terms

from engine.assemble import finding
from engine.compiler import Program, compile_program
from engine.facts import FactBuilder
from engine.findings import Finding, Report, RuleInfo, RulebookRef, summarise
from engine.parallel import judge_complaints, shares
from engine.runtime import DurableRuntime
from engine.statistics import Figures

Lang = Literal["zh", "en"]


class Runtime(Protocol):
    def run(self, facts): ...  # type: ignore[no-untyped-def]


class Checker:
    """A rulebook compiled under its terms, with its engine; reuse it for many checks."""

    def __init__(self, rulebook: Optional[Rulebook] = None, terms: Optional[Terms] = None, runtime: Optional[type] = None) -> None:
        self.program: Program = compile_program(rulebook or load_rulebook(), terms or load_terms())
        self.runtime: Runtime = (runtime or DurableRuntime)(self.program)
        self.rule_infos = [
            RuleInfo(id=r.id, obligation=r.obligation, clause=r.clause, breach=r.breach, party=r.party, severity=r.severity, title_en=r.title.en, title_zh=r.title.zh)
            for r in self.program.rulebook.rules
        ]

    def check(self, records: Records | RecordStream, as_of: Optional[datetime] = None, lang: Lang = "en", source: str = "<records>", jobs: int = 1) -> Report:
        """Judge `records` at `as_of` (default: the records' own `as_of`, else now).

        A `RecordStream` is read once; if it holds any input error, `InputError` is raised once it
        has been read to the end, and nothing judged from it is returned. `jobs` > 1 judges the
        complaints of in-memory `Records` in that many processes (a stream stays in one).
        """
        contract = records.contract
        assert contract is not None  # a RecordStream without one has raised already
        zone = contract.zone
        moment = as_of or records.as_of or datetime.now(timezone.utc)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        builder = FactBuilder(self.program, contract, moment)
        figures = Figures(self.program, contract, moment)
        findings: list[Finding] = []
        facts = builder.facts(records)
        if jobs > 1 and isinstance(records, Records) and len(shares(len(records.complaints), jobs)) > 1:
            findings, figures, builder.checked["complaints"] = judge_complaints(
                self.program, type(self.runtime), contract, moment, lang, records.complaints, jobs
            )
            facts = builder.other_facts(records)
        findings += [
            finding(outcome, fact, builder.context(compiled, fact, subject), lang, zone)
            for compiled, outcome, fact, subject in self.runtime.run(figures.observe(facts))
        ]
        if isinstance(records, RecordStream):
            records.finish()
        findings.sort(key=lambda f: f.sort_key())
        return Report(
            as_of=moment.astimezone(zone).isoformat(),
            contract=contract.id,
            lang=lang,
            rulebook=RulebookRef(id=self.program.rulebook.id, sha256=self.program.rulebook.sha256),
            summary=summarise(findings, builder.checked),
            findings=findings,
            source=source,
            rules=self.rule_infos,
            periods=figures.result(),
        )


def check(
    records: Records,
    rulebook: Optional[Rulebook] = None,
    terms: Optional[Terms] = None,
    as_of: Optional[datetime] = None,
    lang: Lang = "en",
) -> Report:
    """Check `records` against the rulebook (default: the shipped one) under `terms` (default terms)."""
    return Checker(rulebook, terms).check(records, as_of=as_of, lang=lang)
