"""check-compliance as a library: load records, rules and terms; check; read the typed `Report`.

    from engine import check, load_records
    report = check(load_records("fixtures/sample-month.json"))
    for finding in report.findings: ...

Clocks stand on their own too: `BusinessCalendar(CalendarSpec(...), "support").due(start,
parse_limit("8h"), pauses)` and `.elapsed(a, b, pauses)`; `WallClock(zone)` is calendar time.

Errors (all `CheckError`, from `obligations.errors`): `InputError` for records, `RulebookError`
for rules, `TermsError` for terms, `EngineError` if the rule engine itself fails.
"""

from obligations.calendar import BusinessCalendar, CalendarSpec
from obligations.clock import Clock, WallClock
from obligations.durations import Limit, parse_limit
from obligations.errors import CheckError, EngineError, InputError, Problem, RulebookError, TermsError
from obligations.loading import parse_records, parse_records_jsonl, validate_records
from obligations.sources import load_records, open_records
from obligations.stream import RecordStream
from obligations.records import Records
from obligations.rulebook import Rulebook, load_rulebook
from obligations.terms import Terms, load_terms

from engine.check import Checker, check
from engine.findings import Finding, Report, Subject, Summary

__all__ = [
    "BusinessCalendar",
    "CalendarSpec",
    "Clock",
    "Limit",
    "WallClock",
    "parse_limit",
    "CheckError",
    "Checker",
    "EngineError",
    "Finding",
    "InputError",
    "Problem",
    "Records",
    "Report",
    "Rulebook",
    "RulebookError",
    "Subject",
    "Summary",
    "Terms",
    "TermsError",
    "check",
    "load_records",
    "load_rulebook",
    "load_terms",
    "open_records",
    "parse_records_jsonl",
    "RecordStream",
    "parse_records",
    "validate_records",
]
