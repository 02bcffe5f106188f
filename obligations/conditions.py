"""Structured conditions as rules write them: `all`/`any`/`not` over field tests; no code, no eval.

    when:
      all:
        - {field: third_party, eq: true}
        - not: {field: consent, eq: true}

A test on a field the record lacks (absent, null, blank text or empty list) is false, except
`missing` and `ne`/`not_in`, which hold for it; `not` is exact negation.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Scalar = Union[bool, int, float, str]
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "exists", "missing")


class Test(BaseModel):
    """One field test: `{field: status, ne: withdrawn}`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    field: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    eq: Optional[Scalar] = None
    ne: Optional[Scalar] = None
    lt: Optional[Union[int, float, str]] = None
    lte: Optional[Union[int, float, str]] = None
    gt: Optional[Union[int, float, str]] = None
    gte: Optional[Union[int, float, str]] = None
    in_: Optional[list[Scalar]] = Field(default=None, alias="in", min_length=1)
    not_in: Optional[list[Scalar]] = Field(default=None, min_length=1)
    exists: Optional[Literal[True]] = None
    missing: Optional[Literal[True]] = None

    @model_validator(mode="after")
    def _one_operator(self) -> Test:
        given = [op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(given) != 1:
            raise ValueError(f"a test needs exactly one operator of {', '.join(OPERATORS)}; got {len(given)}")
        return self

    @property
    def operator(self) -> str:
        return next(op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None)

    @property
    def value(self) -> Any:
        return getattr(self, "in_" if self.operator == "in" else self.operator)


class All(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all: list[Condition] = Field(min_length=1)


class Any_(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    any: list[Condition] = Field(min_length=1)


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    not_: Condition = Field(alias="not")


def _shape(value: object) -> str:
    # Choose the shape by its key, so a bad test is reported as a test, not as four failed guesses.
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
    elif isinstance(value, BaseModel):
        shapes: dict[type, str] = {All: "all", Any_: "any", Not: "not"}
        return shapes.get(type(value), "test")
    return "test"


Condition = Annotated[
    Union[Annotated[All, Tag("all")], Annotated[Any_, Tag("any")], Annotated[Not, Tag("not")], Annotated[Test, Tag("test")]],
    Discriminator(_shape),
]
All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


def fields_of(condition: Optional[Condition]) -> set[str]:
    """The record fields a condition reads."""
    if condition is None:
        return set()
    if isinstance(condition, Test):
        return {condition.field}
    if isinstance(condition, All):
        return set().union(*(fields_of(c) for c in condition.all))
    if isinstance(condition, Any_):
        return set().union(*(fields_of(c) for c in condition.any))
    return fields_of(condition.not_)
