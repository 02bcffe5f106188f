"""What a check could not judge, said in its report: obligations not tracked, quarantined complaints, a stale as_of.

`Checker.check` applies all of it (`covered`), so a library check reports what the command line does.

- `not_tracked` (a mapping's or the terms' `{rule: reason}`): an obligation the export cannot
  show. Its findings are not reported and its rule is not counted as met: the report lists it
  under `not_checked` with the reason, in every format, and its period figures are left out.
- The quarantine: how many complaints were set aside and why (`quarantine`); the gate fails on
  them unless `Gate(max_quarantined=N)` allows them.
- `as_of` defaulted to now on data that ends long before now: every deadline still running at the
  export's end is then judged overdue at the time of the check. The report says so (`notices`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Optional

from check_compliance.engine.findings import NotChecked, QuarantineSummary, Report, RuleInfo, summarise
from check_compliance.obligations.errors import Problem, TermsError
from check_compliance.obligations.exports.export import ExportRecords
from check_compliance.obligations.quarantine import Quarantined, counts_by_kind
from check_compliance.obligations.records import Records
from check_compliance.obligations.yamlsrc import closest

STALE_AFTER = timedelta(days=31)  # of a defaulted as_of past the data's last instant


def covered(report: Report, records: object, rules: Sequence[RuleInfo], terms_not_tracked: Mapping[str, str], as_of_given: bool) -> Report:
    """`report` saying what it could not judge: the terms' and an export's `not_tracked` obligations,
    an export's quarantine (when it was read with one), a defaulted `as_of` long after the data;
    an export's files as the source when the caller named none."""
    exported = records if isinstance(records, ExportRecords) else None
    if exported is not None:
        refuse_unknown(exported, [r.id for r in rules])
    report = apply_not_tracked(report, {**terms_not_tracked, **(exported.not_tracked if exported is not None else {})})
    if exported is not None:
        if exported.quarantine is not None:
            # Read with a quarantine, the report says how many were set aside, none (0) included.
            report = with_quarantine(report, exported.quarantine)
        if report.source == "<records>":
            report = report.model_copy(update={"source": exported.source})
    if isinstance(records, Records):
        report = with_notice(report, stale_as_of(records, as_of_given))
    return report


def refuse_unknown(records: ExportRecords, rule_ids: Sequence[str]) -> None:
    """A `MappingError` at the mapping's lines for a `not_tracked` rule the rulebook lacks."""
    unknown = unknown_rules(records.not_tracked, rule_ids)
    if unknown:
        raise records.not_tracked_error(unknown)


def refuse_unknown_terms(terms_not_tracked: Mapping[str, str], rule_ids: Sequence[str]) -> None:
    """A `TermsError` for a terms `not_tracked` rule the rulebook lacks."""
    unknown = unknown_rules(terms_not_tracked, rule_ids)
    if unknown:
        raise TermsError("terms", [Problem(f"not_tracked.{rule}", message, suggestion=suggestion) for rule, message, suggestion in unknown])


def unknown_rules(declared: Iterable[str], rule_ids: Sequence[str]) -> list[tuple[str, str, Optional[str]]]:
    """(rule, message, suggestion) for each declared rule the rulebook does not have."""
    return [(rule, f"unknown rule {rule!r}; rules: {', '.join(rule_ids)}", closest(rule, rule_ids)) for rule in declared if rule not in rule_ids]


def apply_not_tracked(report: Report, declared: Mapping[str, str]) -> Report:
    """The report with the declared obligations taken out of judgement and listed as not checked."""
    if not declared:
        return report
    findings = [f for f in report.findings if f.rule not in declared]
    not_checked = [
        NotChecked(rule=r.id, obligation=r.obligation, clause=r.clause, breach=r.breach, party=r.party, reason=declared[r.id])
        for r in report.rules if r.id in declared
    ]
    periods = [p.model_copy(update={"deadlines": {k: v for k, v in p.deadlines.items() if k not in declared}}) for p in report.periods]
    return report.model_copy(update={
        "findings": findings,
        "summary": summarise(findings, report.summary.checked).model_copy(update={"waived": report.summary.waived}),
        "rules": [r for r in report.rules if r.id not in declared],
        "periods": periods,
        "not_checked": not_checked,
    })


def with_quarantine(report: Report, items: Sequence[Quarantined]) -> Report:
    """The report saying how many complaints were set aside, and how many had each kind of problem."""
    return report.model_copy(update={"quarantine": QuarantineSummary(complaints=len(items), by_kind=counts_by_kind(items))})


def stale_as_of(records: Records, as_of_given: bool, now: Optional[datetime] = None) -> Optional[str]:
    """A caution when `as_of` defaulted to now and the data's last instant is long before it."""
    if as_of_given or records.as_of is not None:
        return None
    latest = latest_instant(records)
    moment = now or datetime.now(timezone.utc)
    if latest is None or moment - latest <= STALE_AFTER:
        return None
    zone = records.contract.zone
    return (
        f"as_of defaulted to now ({moment.astimezone(zone).isoformat(timespec='seconds')}), but the data ends at "
        f"{latest.astimezone(zone).isoformat(timespec='seconds')}: deadlines still running then are judged overdue now; "
        "give --as-of (or as_of in the records, or `as_of: latest` in a mapping)"
    )


def latest_instant(records: Records) -> Optional[datetime]:
    times: list[datetime] = []
    for c in records.complaints:
        times += [t for t in (c.received_at, c.registered_at, c.first_response_at, c.resolved_at, c.feedback_at, c.archived_at) if t is not None]
        times += [t for p in c.pauses for t in (p.start, p.end) if t is not None]
    times += [e.completed_at for e in records.evaluations if e.completed_at is not None]
    times += [r.submitted_at for r in records.reports if r.submitted_at is not None]
    times += [d.at for d in records.disclosures]
    return max(times) if times else None


def with_notice(report: Report, notice: Optional[str]) -> Report:
    if notice is None:
        return report
    return report.model_copy(update={"notices": [*(report.notices or []), notice]})
