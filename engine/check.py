"""One check: records + rulebook + terms + as_of → `Report`, decided by durable_rules."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Optional, Protocol

from check_compliance.engine.arithmetic import OUT_OF_RANGE, is_out_of_range, out_of_range
from check_compliance.engine.assemble import finding
from check_compliance.engine.compiler import Program, compile_program
from check_compliance.engine.coverage import covered, refuse_unknown_terms
from check_compliance.engine.evaluation.audit import audit_reports
from check_compliance.engine.facts import FactBuilder
from check_compliance.engine.findings import Finding, Report, RulebookRef, RuleInfo, summarise
from check_compliance.engine.parallel import block_shares, judge_blocks, judge_complaints, shares
from check_compliance.engine.runtime import DurableRuntime
from check_compliance.engine.statistics import Figures
from check_compliance.obligations.errors import InputError, Problem, excerpt
from check_compliance.obligations.reading import NotProven, is_block_export
from check_compliance.obligations.records import Records
from check_compliance.obligations.rulebook import Rulebook, load_rulebook
from check_compliance.obligations.stream import RecordStream
from check_compliance.obligations.terms import Terms, load_terms

if TYPE_CHECKING:
    from check_compliance.engine.evaluation.indicators import Indicators
    from check_compliance.obligations.reading.export import BlockExport

Lang = Literal["zh", "en"]


class Runtime(Protocol):
    def run(self, facts): ...  # type: ignore[no-untyped-def]

    def close(self) -> None: ...


class Checker:
    """A rulebook compiled under its terms, with its engine; reuse it for many checks.

    Thread-safe: one `Checker` may serve any number of threads at once. They share one engine
    (one durable_rules ruleset), whose batches a lock takes one at a time; everything else a
    check builds is its own. (Threads add no speed: durable_rules holds the GIL. For parallel
    work use `jobs` or processes.)

    The engine holds C memory Python does not see: `close()` releases it (or use the checker as a
    context manager, `with Checker() as checker:`); a checker that is collected releases it too.
    A closed checker refuses to check.
    """

    def __init__(self, rulebook: Optional[Rulebook] = None, terms: Optional[Terms] = None, runtime: Optional[type] = None) -> None:
        self.program: Program = compile_program(rulebook or load_rulebook(), terms or load_terms())
        self.runtime: Runtime = (runtime or DurableRuntime)(self.program)
        self.rule_infos = [
            RuleInfo(id=r.id, obligation=r.obligation, clause=r.clause, breach=r.breach, party=r.party, severity=r.severity, title_en=r.title.en, title_zh=r.title.zh)
            for r in self.program.rulebook.rules
        ]
        refuse_unknown_terms(self.program.terms.not_tracked, [r.id for r in self.rule_infos])
        # The indicators a submitted report's claimed figures are audited against (appendix 4;
        # engine/evaluation): None is the shipped rules/indicators.yaml, read only when needed.
        self.indicators: Optional[Indicators] = None

    def close(self) -> None:
        """Release the engine's ruleset; idempotent."""
        close = getattr(self.runtime, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, kind: Optional[type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        self.close()

    @property
    def rules(self) -> list[RuleInfo]:
        """The rules this checker judges by (id, obligation, clause, breach, party, titles)."""
        return self.rule_infos

    def check(self, records: Records | RecordStream | BlockExport, *, as_of: Optional[datetime] = None, lang: Lang = "en", source: str = "<records>", jobs: int = 1) -> Report:
        """Judge `records` at `as_of` (default: the records' own `as_of`, else now).

        The report also says what it could not judge (engine/coverage.py): obligations declared
        `not_tracked`, an export's quarantine, an `as_of` defaulted to now long after the data.

        A `RecordStream` is read once; if it holds any input error, `InputError` is raised once it
        has been read to the end, and nothing judged from it is returned. `jobs` > 1 judges the
        complaints of in-memory `Records`, or of a fast-path `BlockExport` (obligations/reading),
        in that many processes (a `RecordStream` stays in one). Dates whose deadlines cannot be
        computed are an `InputError` (engine.arithmetic).
        """
        try:
            return self._routed(records, as_of, lang, source, jobs)
        except OUT_OF_RANGE as error:
            if not is_out_of_range(error):
                raise
            raise out_of_range(error, source) from error

    def _routed(self, records: Records | RecordStream | BlockExport, as_of: Optional[datetime], lang: Lang, source: str, jobs: int) -> Report:
        if is_block_export(records):
            try:
                return self._check(records, as_of, lang, source, jobs)
            except NotProven:
                # The fast path words no error and judges nothing it has not proven valid: the
                # reference path reads the file again and gives today's result or messages.
                records = records.reference()  # type: ignore[union-attr]
        return self._check(records, as_of, lang, source, jobs)

    def _check(self, records: Records | RecordStream | BlockExport, as_of: Optional[datetime], lang: Lang, source: str, jobs: int) -> Report:
        contract = records.contract
        assert contract is not None  # a RecordStream without one has raised already
        zone = contract.zone
        moment = _in_range(as_of or records.as_of or datetime.now(timezone.utc), zone, source)
        try:
            report = self._judge(records, contract, zone, moment, lang, source, jobs)
            report = covered(report, records, self.rule_infos, self.program.terms.not_tracked, as_of is not None)
            # Appendix 4: the figures a submitted report claims, against the ones computed here.
            return audit_reports(report, records.reports, self.indicators)
        except OverflowError as error:
            # A deadline or period end past year 9999 (or a number past 64 bits in the engine):
            # the terms or the records ask for a time no calendar here can hold.
            raise InputError(source, [Problem("", f"a date or duration is out of range while judging ({excerpt(str(error), 80)}): "
                                                  "check the terms' limits, periods and due_days, and the records' instants")]) from error

    def _judge(self, records: Records | RecordStream | BlockExport, contract, zone: tzinfo, moment: datetime, lang: Lang, source: str, jobs: int) -> Report:  # type: ignore[no-untyped-def]
        figures = Figures(self.program, contract, moment)
        builder = FactBuilder(self.program, contract, moment, observe=figures.observe)
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
            for compiled, outcome, fact, subject in self.runtime.run(facts)
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
    with Checker(rulebook, terms) as checker:
        return checker.check(records, as_of=as_of, lang=lang, source=source, jobs=jobs)


# Deadlines and periods are laid from `as_of` and the records; an instant this close to the ends
# of the calendar leaves no room for them.
_FIRST_YEAR, _LAST_YEAR = 2, 9998


def _in_range(moment: datetime, zone: tzinfo, source: str) -> datetime:
    """`as_of` in the contract's zone (an offset-less one read there), refused near year 1 or 9999."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        years = {moment.astimezone(zone).year, moment.astimezone(timezone.utc).year}
    except (OverflowError, ValueError):
        years = {0}
    if not all(_FIRST_YEAR <= year <= _LAST_YEAR for year in years):
        raise InputError(source, [Problem("as_of", f"{excerpt(moment.isoformat())} is out of range: an instant from year {_FIRST_YEAR} to {_LAST_YEAR} is expected")])
    return moment
