"""Improvement recommendations (2.2) as data: a structured condition on a period's figures -> a zh/en text.

Conditions are parsed into small typed nodes when the file is loaded (errors at file:line:col) and
evaluated by walking them; nothing is ever `eval`ed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from check_compliance.engine.evaluation.indicators import Text, compare, read_data
from check_compliance.obligations.errors import Problem, RulebookError
from check_compliance.obligations.yamlsrc import YamlSource, closest

DEFAULT_RECOMMENDATIONS = Path(__file__).resolve().parents[2] / "rules" / "recommendations.yaml"
COMPARISONS = ("lt", "lte", "gt", "gte", "eq", "ne")
DIMENSIONS = ("channel", "weekday", "urgency")


@dataclass(frozen=True)
class Facts:
    """What a condition can read of a period: indicator values, breaches per rule, concentrated dimensions."""

    indicators: dict[str, Optional[float]]
    breaches: dict[str, int]
    concentrated: frozenset[str]


@dataclass(frozen=True)
class Test:
    reads: str  # "indicator" or "breaches"
    name: str
    op: str
    bound: float

    def holds(self, facts: Facts) -> bool:
        value = facts.indicators.get(self.name) if self.reads == "indicator" else facts.breaches.get(self.name, 0)
        return value is not None and compare(float(value), self.op, self.bound)


@dataclass(frozen=True)
class Concentrated:
    dimension: str

    def holds(self, facts: Facts) -> bool:
        return self.dimension in facts.concentrated


@dataclass(frozen=True)
class Combined:
    how: str  # all, any, not
    parts: tuple[Condition, ...]

    def holds(self, facts: Facts) -> bool:
        results = (part.holds(facts) for part in self.parts)
        if self.how == "all":
            return all(results)
        if self.how == "any":
            return any(results)
        return not next(results)


Condition = Union[Test, Concentrated, Combined]


@dataclass(frozen=True)
class Recommendation:
    id: str
    when: Condition
    text: Text


def load_recommendations(path: str | Path | None = None, indicators: tuple[str, ...] = (), rules: tuple[str, ...] = ()) -> list[Recommendation]:
    """The recommendations file at `path` (default: the shipped one), its names checked against `indicators` and `rules`."""
    name = str(path) if path is not None else "rules/recommendations.yaml"
    source = read_data(Path(path) if path is not None else DEFAULT_RECOMMENDATIONS, name)
    parser = _Parser(source, indicators, rules)
    data = source.data
    if not isinstance(data, dict) or set(data) != {"recommendations"} or not isinstance(data["recommendations"], list):
        raise RulebookError(name, [source.problem((), "expected a mapping with one key, recommendations: a list")])
    found = []
    seen: set[str] = set()
    for index, item in enumerate(data["recommendations"]):
        loc = ("recommendations", index)
        if not isinstance(item, dict):
            parser.problem(loc, "expected a mapping with id, when, text")
            continue
        for key in sorted(set(item) - {"id", "when", "text"}, key=str):
            parser.problem((*loc, key), f"unknown key {key!r}; allowed: id, text, when", key=True, suggestion=closest(str(key), ("id", "when", "text")))
        missing = [key for key in ("id", "when", "text") if key not in item]
        for key in missing:
            parser.problem(loc, f"required key {key!r} is missing")
        if missing:
            continue
        rec_id, text = item["id"], item["text"]
        if not isinstance(rec_id, str):
            parser.problem((*loc, "id"), "expected a text id")
            continue
        if rec_id in seen:
            parser.problem((*loc, "id"), f"duplicate recommendation id {rec_id!r}")
        seen.add(rec_id)
        if not (isinstance(text, dict) and set(text) == {"zh", "en"} and all(isinstance(v, str) and v.strip() for v in text.values())):
            parser.problem((*loc, "text"), "expected text: {zh: ..., en: ...}, both non-empty")
            continue
        condition = parser.condition(item["when"], (*loc, "when"))
        if condition is not None:
            found.append(Recommendation(id=rec_id, when=condition, text=Text(zh=text["zh"], en=text["en"])))
    if parser.problems:
        raise RulebookError(name, parser.problems)
    return found


class _Parser:
    def __init__(self, source: YamlSource, indicators: tuple[str, ...], rules: tuple[str, ...]) -> None:
        self.source = source
        self.indicators = indicators
        self.rules = rules
        self.problems: list[Problem] = []

    def problem(self, loc: tuple, message: str, key: bool = False, suggestion: Optional[str] = None) -> None:
        self.problems.append(self.source.problem(loc, message, key=key, suggestion=suggestion))

    def condition(self, node: Any, loc: tuple) -> Optional[Condition]:
        if not isinstance(node, dict) or not node:
            self.problem(loc, "expected a condition: all, any, not, {indicator: ID, lt: N}, {breaches: RULE, gte: N} or {concentrated: channel|weekday|urgency}")
            return None
        keys = set(node)
        for how in ("all", "any", "not"):
            if how in keys:
                if len(keys) != 1:
                    self.problem(loc, f"{how!r} stands alone in its mapping, got also {', '.join(sorted(map(str, keys - {how})))}")
                    return None
                return self._combined(how, node[how], (*loc, how))
        if "concentrated" in keys:
            if len(keys) != 1 or node["concentrated"] not in DIMENSIONS:
                self.problem(loc, f"expected {{concentrated: {' | '.join(DIMENSIONS)}}}")
                return None
            return Concentrated(node["concentrated"])
        for reads, names in (("indicator", self.indicators), ("breaches", self.rules)):
            if reads in keys:
                return self._test(reads, names, node, loc)
        self.problem(loc, f"unknown condition keys {', '.join(sorted(map(str, keys)))}; expected all, any, not, indicator, breaches or concentrated",
                     suggestion=closest(str(sorted(map(str, keys))[0]), ("all", "any", "not", "indicator", "breaches", "concentrated")))
        return None

    def _combined(self, how: str, parts: Any, loc: tuple) -> Optional[Condition]:
        items = [parts] if how == "not" and isinstance(parts, dict) else parts
        if not isinstance(items, list) or not items or (how == "not" and len(items) != 1):
            self.problem(loc, "expected one condition" if how == "not" else "expected a non-empty list of conditions")
            return None
        parsed = [self.condition(part, loc if how == "not" and isinstance(parts, dict) else (*loc, i)) for i, part in enumerate(items)]
        if any(p is None for p in parsed):
            return None
        return Combined(how, tuple(p for p in parsed if p is not None))

    def _test(self, reads: str, names: tuple[str, ...], node: dict, loc: tuple) -> Optional[Condition]:
        name = node[reads]
        ops = [key for key in node if key != reads]
        if len(ops) != 1 or ops[0] not in COMPARISONS:
            self.problem(loc, f"expected {{{reads}: NAME, OP: NUMBER}} with OP one of {', '.join(COMPARISONS)}", suggestion=closest(str(ops[0]), COMPARISONS) if len(ops) == 1 else None)
            return None
        bound = node[ops[0]]
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            self.problem((*loc, ops[0]), f"expected a number, got {bound!r}")
            return None
        if names and name not in names:
            what = "indicator" if reads == "indicator" else "rule"
            self.problem((*loc, reads), f"unknown {what} {name!r}; {what}s: {', '.join(names)}", suggestion=closest(str(name), names))
            return None
        return Test(reads, str(name), ops[0], float(bound))


def applicable(recommendations: list[Recommendation], facts: Facts) -> list[Recommendation]:
    """The recommendations whose condition holds, in the file's order."""
    return [r for r in recommendations if r.when.holds(facts)]
