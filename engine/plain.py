"""The same compiled conditions evaluated in plain Python: the yardstick the durable_rules runtime is held to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from check_compliance.engine.compiler import CompiledRule, Program
from check_compliance.engine.conditions import holds

T = TypeVar("T")


class PlainRuntime:
    """Same interface and same order of results as `DurableRuntime`, no rule engine."""

    def __init__(self, program: Program) -> None:
        self._rules: dict[str, list[CompiledRule]] = {}
        for compiled in program.rules:
            self._rules.setdefault(compiled.rule.subject, []).append(compiled)

    def run(self, facts: Iterable[tuple[dict, T]]) -> Iterator[tuple[CompiledRule, str, dict, T]]:
        for fact, subject in facts:
            for compiled in self._rules.get(fact["t"], []):
                for outcome, condition in compiled.outcomes.items():
                    if holds(condition, fact):
                        yield compiled, outcome, fact, subject
