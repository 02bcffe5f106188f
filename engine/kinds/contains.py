"""`contains`: a list or mapping field must hold every item (a mapping: each with non-blank text)."""

from __future__ import annotations

from typing import Any

from check_compliance.engine.compiler import CompiledRule, normal_outcomes, term_list
from check_compliance.engine.conditions import And, Expr
from check_compliance.engine.kinds.base import Kind, lacking
from check_compliance.obligations.rulebook import ContainsRule
from check_compliance.obligations.terms import Terms


class Contains(Kind):
    name = "contains"
    schema = ContainsRule

    def compile(self, rule: ContainsRule, terms: Terms, slot: int, scope: list[Expr], record_fields: tuple[str, ...]) -> CompiledRule:
        items = tuple(term_list(rule.items, terms))
        return CompiledRule(rule, slot, normal_outcomes({"incomplete": And((*scope, lacking(len(items))))}, slot), record_fields, items)

    def checked_fields(self, rule: ContainsRule) -> list[str]:
        return [rule.field]

    def record_fact(self, compiled: CompiledRule, fact: dict, record: Any, builder: Any) -> None:
        rule: Any = compiled.rule
        value = getattr(record, rule.field)
        for i, item in enumerate(compiled.items):
            fact[f"p_{compiled.slot}_{i}"] = builder.non_blank(value.get(item)) if isinstance(value, dict) else item in value


KIND = Contains()
