"""`deadline`: event `to` must happen within a limit after event `from`, on the limit's clock."""

from __future__ import annotations

from typing import Any, Optional

from check_compliance.engine.compiler import CompiledRule, check_limit, normal_outcomes
from check_compliance.engine.conditions import Expr
from check_compliance.engine.kinds.base import DeadlineSpec, Kind, deadline_outcomes, deadline_tallies
from check_compliance.engine.kinds.columns import BlockFacts
from check_compliance.obligations.rulebook import DeadlineRule
from check_compliance.obligations.terms import Terms


class Deadline(Kind):
    name = "deadline"
    schema = DeadlineRule

    def compile(self, rule: DeadlineRule, terms: Terms, slot: int, scope: list[Expr], record_fields: tuple[str, ...]) -> CompiledRule:
        check_limit(rule.limit, rule.limit_by, terms)
        outcomes = deadline_outcomes(scope)
        return CompiledRule(rule, slot, normal_outcomes(outcomes, slot), record_fields, tallies=normal_outcomes(deadline_tallies(scope, outcomes), slot))

    def checked_fields(self, rule: DeadlineRule) -> list[str]:
        return [rule.from_, rule.to]

    def deadline(self, rule: DeadlineRule) -> Optional[DeadlineSpec]:
        return DeadlineSpec(rule.from_, rule.limit, rule.limit_by is not None)

    def event(self, rule: DeadlineRule) -> Optional[str]:
        return rule.to

    def complaint_columns(self, compiled: CompiledRule, facts: BlockFacts) -> None:
        fill_deadline(self, compiled, facts)


def fill_deadline(kind: Any, compiled: CompiledRule, facts: BlockFacts) -> None:
    """`obs`, `due` and `risk` of a rule's slot, for the kinds that have them on complaints."""
    rule = compiled.rule
    event = kind.event(rule)
    if event is not None:
        values, happened = facts.happened(event)
        facts.facts.put(compiled.field("obs"), values, happened)
    spec = kind.deadline(rule)
    if spec is not None:
        due, risk = facts.deadline(spec)
        facts.facts.put(compiled.field("due"), due)
        facts.facts.put(compiled.field("risk"), risk)


KIND = Deadline()
