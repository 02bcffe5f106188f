"""One check: records + rulebook + terms + as_of → `Report`, decided by durable_rules."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal, Optional, Protocol

from check_compliance.engine.assemble import finding
from check_compliance.engine.compiler import Program, compile_program
from check_compliance.engine.facts import FactBuilder
from check_compliance.engine.findings import Finding, Report, RulebookRef, RuleInfo, summarise
from check_compliance.engine.parallel import block_shares, judge_blocks, judge_complaints, shares
from check_compliance.engine.runtime import DurableRuntime
from check_compliance.engine.statistics import Figures
from check_compliance.obligations.reading import NotProven, is_block_export
from check_compliance.obligations.records import Records
from check_compliance.obligations.rulebook import Rulebook, load_rulebook
from check_compliance.obligations.stream import RecordStream
from check_compliance.obligations.terms import Terms, load_terms

if TYPE_CHECKING:
    from check_compliance.obligations.reading.export import BlockExport

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

    @property
    def rules(self) -> list[RuleInfo]:
        """The rules this checker judges by (id, obligation, clause, breach, party, titles)."""
        return self.rule_infos

    def check(self, records: Records | RecordStream | BlockExport, *, as_of: Optional[datetime] = None, lang: Lang = "en", source: str = "<records>", jobs: int = 1) -> Report:
        """Judge `records` at `as_of` (default: the records' own `as_of`, else now).

        A `RecordStream` is read once; if it holds any input error, `InputError` is raised once it
        has been read to the end, and nothing judged from it is returned. `jobs` > 1 judges the
        complaints of in-memory `Records`, or of a fast-path `BlockExport` (obligations/reading),
        in that many processes (a `RecordStream` stays in one).
        """
        if is_block_export(records):
            try:
                return self._check(records, as_of=as_of, lang=lang, source=source, jobs=jobs)
            except NotProven:
                # The fast path words no error and judges nothing it has not proven valid: the
                # reference path reads the file again and gives today's result or messages.
                records = records.reference()  # type: ignore[union-attr]
        return self._check(records, as_of=as_of, lang=lang, source=source, jobs=jobs)

    def _check(self, records: Records | RecordStream | BlockExport, *, as_of: Optional[datetime], lang: Lang, source: str, jobs: int) -> Report:
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
        elif jobs > 1 and is_block_export(records) and len(block_shares(records, jobs)) > 1:  # type: ignore[arg-type]
            findings, figures, builder.checked["complaints"] = judge_blocks(self.program, type(self.runtime), records, moment, lang, jobs)  # type: ignore[arg-type]
            facts = builder.other_facts(records)
        findings += [
            finding(outcome, fact, builder.context(compiled, fact, subject), lang, zone)
            for compiled, outcome, fact, subject in self.runtime.run(figures.observe(facts))
        ]
        if isinstance(records, RecordStream) or is_block_export(records):
            records.finish()  # type: ignore[union-attr]
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
    records: Records | RecordStream,
    rulebook: Optional[Rulebook] = None,
    terms: Optional[Terms] = None,
    *,
    as_of: Optional[datetime] = None,
    lang: Lang = "en",
    source: str = "<records>",
    jobs: int = 1,
) -> Report:
    """Check `records` against `rulebook` (default: the shipped one) under `terms` (default: the
    default terms); the other parameters are `Checker.check`'s."""
    return Checker(rulebook, terms).check(records, as_of=as_of, lang=lang, source=source, jobs=jobs)
