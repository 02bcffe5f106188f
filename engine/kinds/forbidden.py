"""`forbidden`: a condition that must never hold; it reads only record fields (`r_<field>`)."""

from __future__ import annotations

from typing import Any

from check_compliance.engine.compiler import CompiledRule, normal_outcomes
from check_compliance.engine.conditions import And, Expr, from_rule
from check_compliance.engine.kinds.base import Kind
from check_compliance.obligations.conditions import fields_of
from check_compliance.obligations.rulebook import ForbiddenRule
from check_compliance.obligations.terms import Terms


class Forbidden(Kind):
    name = "forbidden"
    schema = ForbiddenRule

    def compile(self, rule: ForbiddenRule, terms: Terms, slot: int, scope: list[Expr], record_fields: tuple[str, ...]) -> CompiledRule:
        return CompiledRule(rule, slot, normal_outcomes({"prohibited": And((*scope, from_rule(rule.condition)))}, slot), record_fields)

    def read_fields(self, rule: ForbiddenRule) -> set[str]:
        return set(fields_of(rule.condition))

    def record_fact(self, compiled: CompiledRule, fact: dict, record: Any, builder: Any) -> None:
        """Nothing of its own: the record fields it reads are in every fact of its subject."""


KIND = Forbidden()
