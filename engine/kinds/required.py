"""`required`: these fields must be present (non-blank), once an event happened or a deadline ran out."""

from __future__ import annotations

from typing import Any, Optional

from check_compliance.engine.compiler import CompiledRule, check_limit, normal_outcomes
from check_compliance.engine.conditions import And, Cmp, Expr, Or, Ref
from check_compliance.engine.kinds.base import DeadlineSpec, Kind, lacking
from check_compliance.engine.kinds.columns import BlockFacts
from check_compliance.engine.kinds.deadline import fill_deadline
from check_compliance.obligations.rulebook import RequiredRule
from check_compliance.obligations.terms import Terms


class Required(Kind):
    name = "required"
    schema = RequiredRule

    def compile(self, rule: RequiredRule, terms: Terms, slot: int, scope: list[Expr], record_fields: tuple[str, ...]) -> CompiledRule:
        condition: list[Expr] = [*scope, lacking(len(rule.fields))]
        if rule.once is not None:
            triggers: list[Expr] = [Cmp("obs", "exists")]
            if rule.once.or_after is not None:
                check_limit(rule.once.or_after.limit, "urgency", terms)
                triggers.append(Cmp("asof", "gt", Ref("due")))
            condition.insert(len(scope), Or(tuple(triggers)))
        return CompiledRule(rule, slot, normal_outcomes({"missing": And(tuple(condition))}, slot), record_fields, tuple(rule.fields))

    def checked_fields(self, rule: RequiredRule) -> list[str]:
        once = rule.once
        return [*rule.fields, *([once.event] if once else []), *([once.or_after.from_] if once and once.or_after else [])]

    def deadline(self, rule: RequiredRule) -> Optional[DeadlineSpec]:
        # The rule's own deadline (`or_after`) follows the limit's table when it has one.
        if rule.once is None or rule.once.or_after is None:
            return None
        return DeadlineSpec(rule.once.or_after.from_, rule.once.or_after.limit, True)

    def event(self, rule: RequiredRule) -> Optional[str]:
        return rule.once.event if rule.once else None

    def complaint_columns(self, compiled: CompiledRule, facts: BlockFacts) -> None:
        for i, name in enumerate(compiled.items):
            facts.facts.put(f"p_{compiled.slot}_{i}", facts.non_blank(name))
        fill_deadline(self, compiled, facts)

    def record_fact(self, compiled: CompiledRule, fact: dict, record: Any, builder: Any) -> None:
        for i, name in enumerate(compiled.items):
            fact[f"p_{compiled.slot}_{i}"] = builder.is_given(getattr(record, name))


KIND = Required()
