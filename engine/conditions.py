"""Compiled conditions over flat facts: one tree, two evaluators (durable_rules JSON and plain Python).

Rule conditions (obligations.conditions) and the outcome tests of each rule kind are compiled to
this tree, negations pushed down to the tests (durable_rules has no `not` inside one pattern).
`to_durable` writes it as durable_rules' condition JSON; `holds` evaluates the very same tree in
Python, which is how the tests hold the engine to account.

Semantics, shared by both: a comparison on an absent field is false; `ne` holds for an absent
field; values compare only within their kind (numbers with numbers, text with text, booleans with
booleans), which the fact builder guarantees by writing every field with one kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

from check_compliance.obligations.conditions import All, Any_, Condition, Not, Test

Value = Union[bool, int, float, str]
_NEGATED = {"eq": "ne", "ne": "eq", "exists": "missing", "missing": "exists", "in": "not_in", "not_in": "in"}
_FLIPPED_ORDER = {"lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt"}


@dataclass(frozen=True)
class Ref:
    """The value of another field of the same fact (`{"$m": field}`)."""

    field: str


@dataclass(frozen=True)
class Cmp:
    field: str
    op: str  # eq ne lt lte gt gte in not_in exists missing
    value: Union[Value, Ref, tuple[Value, ...], None] = None

    @property
    def values(self) -> tuple[Value, ...]:
        """The listed values of an `in` / `not_in` test."""
        if not isinstance(self.value, tuple):
            raise TypeError(f"{self.op} needs a list of values")
        return self.value


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Neg:
    item: Expr


Expr = Union[Cmp, And, Or, Neg]


def from_rule(condition: Condition, prefix: str = "r_") -> Expr:
    """A rule's YAML condition over record fields → the tree over the fact's `r_<field>` fields."""
    if isinstance(condition, Test):
        value = condition.value
        return Cmp(prefix + condition.field, condition.operator, tuple(value) if isinstance(value, list) else value)
    if isinstance(condition, All):
        return And(tuple(from_rule(c, prefix) for c in condition.all))
    if isinstance(condition, Any_):
        return Or(tuple(from_rule(c, prefix) for c in condition.any))
    assert isinstance(condition, Not)
    return Neg(from_rule(condition.not_, prefix))


def normal(expr: Expr, negate: bool = False) -> Expr:
    """Push negations down to the tests (exactly, under the semantics above) and expand in/not_in."""
    if isinstance(expr, Neg):
        return normal(expr.item, not negate)
    if isinstance(expr, (And, Or)):
        items = tuple(normal(item, negate) for item in expr.items)
        return (Or if isinstance(expr, And) == negate else And)(items)
    op = expr.op
    if negate and op in _NEGATED:
        op = _NEGATED[op]
    elif negate:
        # not (x < v) holds for an absent x as well as for x >= v.
        return Or((Cmp(expr.field, "missing"), Cmp(expr.field, _FLIPPED_ORDER[op], expr.value)))
    if op == "in":
        return Or(tuple(Cmp(expr.field, "eq", v) for v in expr.values))
    if op == "not_in":
        return And(tuple(Cmp(expr.field, "ne", v) for v in expr.values))
    return Cmp(expr.field, op, expr.value)


def to_durable(expr: Expr) -> dict[str, Any]:
    """A normalised tree as a durable_rules condition (one pattern, `$and`/`$or` of tests)."""
    if isinstance(expr, And):
        return {"$and": [to_durable(item) for item in expr.items]}
    if isinstance(expr, Or):
        return {"$or": [to_durable(item) for item in expr.items]}
    if isinstance(expr, Neg) or expr.op in ("in", "not_in"):
        raise ValueError("normalise the condition before compiling it")
    field, op, value = expr.field, expr.op, expr.value
    operand = {"$m": value.field} if isinstance(value, Ref) else value
    if op == "exists":
        return {"$ex": {field: 1}}
    if op == "missing":
        return {"$nex": {field: 1}}
    if op == "eq":
        return {field: operand}
    if op == "ne":
        # durable_rules' $neq is false for an absent field; ours holds there.
        return {"$or": [{"$nex": {field: 1}}, {"$neq": {field: operand}}]}
    return {f"${op}": {field: operand}}


def holds(expr: Expr, fact: Mapping[str, Any]) -> bool:
    """Evaluate a tree on one fact in plain Python."""
    if isinstance(expr, And):
        return all(holds(item, fact) for item in expr.items)
    if isinstance(expr, Or):
        return any(holds(item, fact) for item in expr.items)
    if isinstance(expr, Neg):
        return not holds(expr.item, fact)
    present = expr.field in fact
    op = expr.op
    if op == "exists":
        return present
    if op == "missing":
        return not present
    if op in ("ne", "not_in"):
        return not holds(Cmp(expr.field, "eq" if op == "ne" else "in", expr.value), fact)
    if not present:
        return False
    left = fact[expr.field]
    right = fact.get(expr.value.field) if isinstance(expr.value, Ref) else expr.value
    if isinstance(expr.value, Ref) and expr.value.field not in fact:
        return False
    if op == "in":
        return any(_same_kind(left, v) and left == v for v in expr.values)
    if not _same_kind(left, right):
        return False
    if op == "eq":
        return bool(left == right)
    return bool({"lt": left < right, "lte": left <= right, "gt": left > right, "gte": left >= right}[op])


def _same_kind(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    return isinstance(a, str) and isinstance(b, str)


def fields(expr: Expr) -> set[str]:
    if isinstance(expr, Cmp):
        return {expr.field} | ({expr.value.field} if isinstance(expr.value, Ref) else set())
    if isinstance(expr, Neg):
        return fields(expr.item)
    return set().union(*(fields(item) for item in expr.items))


def holds_columns(expr: Expr, facts: Any) -> Any:
    """Evaluate a tree on facts by column (`engine.kinds.columns.FactColumns`): a boolean array,
    row for row what `holds` gives on each fact."""
    import numpy as np

    if isinstance(expr, (And, Or)):
        parts = [holds_columns(item, facts) for item in expr.items]
        out = parts[0].copy() if parts else np.full(facts.size, isinstance(expr, And))
        for part in parts[1:]:
            out = (out & part) if isinstance(expr, And) else (out | part)
        return out
    if isinstance(expr, Neg):
        return ~holds_columns(expr.item, facts)
    op = expr.op
    if op in ("ne", "not_in"):
        return ~holds_columns(Cmp(expr.field, "eq" if op == "ne" else "in", expr.value), facts)
    if op == "in":
        return holds_columns(Or(tuple(Cmp(expr.field, "eq", v) for v in expr.values)), facts)
    if expr.field == "t":
        return np.full(facts.size, op == "eq" and expr.value == facts.subject or op == "exists")
    present = facts.has(expr.field)
    if op == "exists":
        return present
    if op == "missing":
        return ~present
    out = np.zeros(facts.size, dtype=bool)
    if expr.field not in facts.values:
        return out
    left = facts.values[expr.field]
    if isinstance(expr.value, Ref):
        if expr.value.field not in facts.values:
            return out
        right = facts.values[expr.value.field]
        present = present & facts.has(expr.value.field)
        if _column_kind(left) != _column_kind(right):
            return out
        right = right[present]
    else:
        if _column_kind(left) != _value_kind(expr.value):
            return out
        right = expr.value
    chosen = left[present]
    compare = {"eq": np.equal, "lt": np.less, "lte": np.less_equal, "gt": np.greater, "gte": np.greater_equal}[op]
    out[present] = np.asarray(compare(chosen, right), dtype=bool)
    return out


def _column_kind(column: Any) -> str:
    kind = column.dtype.kind
    return "bool" if kind == "b" else "number" if kind in "iuf" else "text"


def _value_kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "text" if isinstance(value, str) else "none"
