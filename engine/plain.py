"""The same compiled conditions evaluated in plain Python: the yardstick the durable_rules runtime is held to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from engine.compiler import Program
from engine.conditions import holds

T = TypeVar("T")


class PlainRuntime:
    """Same interface and same order of results as `DurableRuntime`, no rule engine."""

    def __init__(self, program: Program) -> None:
        self._rules = {c.rule.id: c for c in program.rules}

    def run(self, facts: Iterable[tuple[dict, T]]) -> Iterator[tuple[str, str, dict, T]]:
        for fact, context in facts:
            compiled = self._rules[fact["t"]]
            for outcome, condition in compiled.outcomes.items():
                if holds(condition, fact):
                    yield compiled.rule.id, outcome, fact, context
