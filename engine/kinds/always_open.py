"""`always_open`: on every judged day of the term some record of each required kind is open."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from check_compliance.engine.compiler import CompiledRule, normal_outcomes, term_list
from check_compliance.engine.conditions import And, Cmp, Expr
from check_compliance.engine.kinds.base import Kind
from check_compliance.obligations.rulebook import AlwaysOpenRule
from check_compliance.obligations.terms import Terms


class AlwaysOpen(Kind):
    name = "always_open"
    schema = AlwaysOpenRule
    own_subject = "channel_kind"

    def compile(self, rule: AlwaysOpenRule, terms: Terms, slot: int, scope: list[Expr], record_fields: tuple[str, ...]) -> CompiledRule:
        kinds = tuple(term_list(rule.kinds, terms))
        return CompiledRule(rule, slot, normal_outcomes({"missing": And((*scope, Cmp("gap_days", "gt", 0)))}, slot), record_fields, kinds)

    def subject_facts(self, rules: list[CompiledRule], export: Any, builder: Any) -> Iterator[tuple[dict, Any]]:
        from check_compliance.engine.facts import SubjectRef

        first = builder.contract.effective_on
        last = min(builder.contract.ends_on - timedelta(days=1), builder.as_of.astimezone(builder.zone).date())
        for kind in sorted({kind for compiled in rules for kind in compiled.items}):
            spans = sorted((c.opened_on, c.closed_on or date.max) for c in export.channels if c.kind == kind)
            gaps = tuple(gaps_of(first, last, spans))
            fact = {"t": "channel_kind", "in_term": first <= last, "asof": builder.asof_us}
            for compiled in rules:
                if kind in compiled.items:
                    fact[compiled.field("gap_days")] = sum((b - a).days + 1 for a, b in gaps)
            yield fact, SubjectRef("channel_kind", kind, gaps=gaps)

    def context(self, compiled: CompiledRule, fact: dict, subject: Any, builder: Any) -> Any:
        from check_compliance.engine.facts import Context

        return Context(compiled, "channel_kind", subject.id, builder.party(compiled, subject), gaps=subject.gaps)


def gaps_of(first: date, last: date, spans: list[tuple[date, date]]) -> Iterator[tuple[date, date]]:
    """The runs of days in [first, last] that no span (inclusive) covers."""
    cursor = first
    for opened, closed in spans:
        if cursor > last:
            return
        if opened > cursor:
            yield cursor, min(opened - timedelta(days=1), last)
        if closed >= cursor:
            cursor = closed + timedelta(days=1) if closed < date.max else date.max
    if cursor <= last:
        yield cursor, last


KIND = AlwaysOpen()
