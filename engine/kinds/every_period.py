"""`every_period`: each period of the term needs a record delivered by the period's due date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from check_compliance.engine.compiler import CompiledRule, normal_outcomes, term_int
from check_compliance.engine.conditions import Cmp, Expr, Ref
from check_compliance.engine.kinds.base import Kind, deadline_outcomes
from check_compliance.obligations.clock import WallClock, from_micros, micros, share_us
from check_compliance.obligations.periods import term_periods
from check_compliance.obligations.rulebook import EveryPeriodRule
from check_compliance.obligations.terms import Terms


class EveryPeriod(Kind):
    name = "every_period"
    schema = EveryPeriodRule
    own_subject = "period"

    def compile(self, rule: EveryPeriodRule, terms: Terms, slot: int, scope: list[Expr], record_fields: tuple[str, ...]) -> CompiledRule:
        due_days = term_int(rule.due_days, terms)
        scope = [*scope, Cmp("asof", "gte", Ref("end"))]  # only a period that has ended owes anything
        return CompiledRule(rule, slot, normal_outcomes(deadline_outcomes(scope), slot), record_fields, due_days=due_days)

    def subject_facts(self, rules: list[CompiledRule], export: Any, builder: Any) -> Iterator[tuple[dict, Any]]:
        from check_compliance.engine.facts import SubjectRef, midnight

        delivered = {compiled.slot: _earliest(compiled, export, builder) for compiled in rules}
        for first, last in term_periods(builder.contract.effective_on, builder.contract.ends_on, builder.program.terms.evaluation.period):
            end = micros(midnight(last + timedelta(days=1), builder.zone))
            fact = {"t": "period", "in_term": True, "asof": builder.asof_us}
            for compiled in rules:
                assert compiled.due_days is not None
                due = micros(midnight(last + timedelta(days=compiled.due_days + 1), builder.zone)) - 1
                fact[compiled.field("end")] = end
                fact[compiled.field("due")] = due
                # The limit runs from the period's end to the midnight that ends its due day.
                fact[compiled.field("risk")] = end + share_us(due + 1 - end, builder.program.terms.at_risk)
                at = delivered[compiled.slot].get((first, last))
                if at is not None:
                    fact[compiled.field("obs")] = micros(at)
            yield fact, SubjectRef("period", f"{first.isoformat()}/{last.isoformat()}")

    def context(self, compiled: CompiledRule, fact: dict, subject: Any, builder: Any) -> Any:
        from check_compliance.engine.facts import Context

        start = from_micros(fact[compiled.field("end")], builder.zone)
        return Context(compiled, "period", subject.id, builder.party(compiled, subject), WallClock(builder.zone), start=start, end_of_day=True)


def _earliest(compiled: CompiledRule, export: Any, builder: Any) -> dict[tuple[date, date], datetime]:
    """The earliest delivery (by as_of) of each period's records: the one that counts."""
    rule: Any = compiled.rule
    delivered: dict[tuple[date, date], datetime] = {}
    for record in getattr(export, rule.record):
        at = builder.seen(getattr(record, rule.delivered))
        key = (record.period.start, record.period.end)
        if at is not None and (key not in delivered or at < delivered[key]):
            delivered[key] = at
    return delivered


KIND = EveryPeriod()
