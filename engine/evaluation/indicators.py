"""The evaluation's indicators and targets (attachment 2), kept as data in `rules/indicators.yaml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from check_compliance.engine.findings import PeriodFigures
from check_compliance.obligations.errors import RulebookError
from check_compliance.obligations.validation import yaml_problems
from check_compliance.obligations.yamlsrc import YamlSource, YamlSyntaxError, closest, read_yaml

DEFAULT_INDICATORS = Path(__file__).resolve().parents[2] / "rules" / "indicators.yaml"

Group = Literal["satisfaction", "efficiency", "quality"]
Unit = Literal["ratio", "score", "seconds", "count"]
GROUPS: tuple[Group, ...] = ("satisfaction", "efficiency", "quality")

# The paths a `figure` may name, checked when the file is loaded (a deadline is any rule's id).
_SCALARS = ("complaints", "satisfaction_mean", "satisfaction_count")
_DEADLINE_FIELDS = ("on_time_rate", "met", "late", "overdue", "running")
_SPREADS = ("first_response_seconds", "resolution_seconds")
_SPREAD_FIELDS = ("p50", "p90", "max")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Data):
    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Target(_Data):
    gte: Optional[float] = None
    lte: Optional[float] = None
    gt: Optional[float] = None
    lt: Optional[float] = None

    @model_validator(mode="after")
    def _one(self) -> Target:
        if len(self.model_dump(exclude_none=True)) != 1:
            raise ValueError("a target is exactly one of gte, lte, gt, lt")
        return self

    @property
    def op(self) -> str:
        return next(iter(self.model_dump(exclude_none=True)))

    @property
    def value(self) -> float:
        return float(next(iter(self.model_dump(exclude_none=True).values())))

    def is_met(self, value: float) -> bool:
        return compare(value, self.op, self.value)


class Indicator(_Data):
    id: str
    group: Group
    name: Text
    figure: str
    unit: Unit
    target: Optional[Target] = None
    tolerance: Optional[float] = None

    def value(self, figures: PeriodFigures) -> Optional[float]:
        """The indicator's value in one period; None where the period has nothing to measure."""
        current: Any = figures.model_dump(mode="json")
        for part in _split(self.figure):
            if not isinstance(current, dict):
                return None
            current = current.get(part)
        return None if current is None else float(current)


class Indicators(_Data):
    tolerances: dict[Unit, float]
    indicators: list[Indicator]

    def tolerance(self, indicator: Indicator) -> float:
        return indicator.tolerance if indicator.tolerance is not None else self.tolerances.get(indicator.unit, 0.0)

    def by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}


def compare(value: float, op: str, bound: float) -> bool:
    return {"gte": value >= bound, "lte": value <= bound, "gt": value > bound, "lt": value < bound, "eq": value == bound, "ne": value != bound}[op]


def _split(figure: str) -> list[str]:
    # `deadlines.first-response.on_time_rate`: rule ids hold hyphens, never dots.
    return figure.split(".")


def read_data(path: Path, name: str) -> YamlSource:
    """A YAML data file of the rulebook, its errors as `RulebookError`s at file:line:col."""
    try:
        return read_yaml(path, name)
    except YamlSyntaxError as error:  # unreadable files included: read_yaml says why
        raise RulebookError(name, [error.problem()]) from None


def load_indicators(path: str | Path | None = None, rules: tuple[str, ...] = ()) -> Indicators:
    """The indicators file at `path` (default: the shipped one); `rules` are the deadline rules a figure may name."""
    name = str(path) if path is not None else "rules/indicators.yaml"
    source = read_data(Path(path) if path is not None else DEFAULT_INDICATORS, name)
    try:
        indicators = Indicators.model_validate(source.data)
    except ValidationError as error:
        raise RulebookError(name, yaml_problems(source, error, Indicators)) from None
    problems = []
    seen: set[str] = set()
    for index, indicator in enumerate(indicators.indicators):
        if indicator.id in seen:
            problems.append(source.problem(("indicators", index, "id"), f"duplicate indicator id {indicator.id!r}"))
        seen.add(indicator.id)
        message, suggestion = _figure_problem(indicator.figure, rules)
        if message:
            problems.append(source.problem(("indicators", index, "figure"), message, suggestion=suggestion))
    if problems:
        raise RulebookError(name, problems)
    return indicators


def _figure_problem(figure: str, rules: tuple[str, ...]) -> tuple[Optional[str], Optional[str]]:
    parts = _split(figure)
    head = parts[0]
    if head in _SCALARS:
        return (None, None) if len(parts) == 1 else (f"{head} has no parts, got {figure!r}", None)
    if head in _SPREADS:
        if len(parts) == 2 and parts[1] in _SPREAD_FIELDS:
            return None, None
        return f"expected {head}.p50, .p90 or .max, got {figure!r}", None
    if head == "deadlines":
        if len(parts) != 3 or parts[2] not in _DEADLINE_FIELDS:
            return f"expected deadlines.RULE.FIELD with FIELD one of {', '.join(_DEADLINE_FIELDS)}, got {figure!r}", None
        if rules and parts[1] not in rules:
            return f"no deadline rule {parts[1]!r}; deadline rules: {', '.join(rules)}", closest(parts[1], rules)
        return None, None
    allowed = (*_SCALARS, *_SPREADS, "deadlines")
    return f"unknown figure {figure!r}; a figure starts with one of {', '.join(allowed)}", closest(head, allowed)
