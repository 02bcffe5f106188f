"""The terms a signed contract fills in (limits, periods, calendars), defaults overridden by a file."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator

from check_compliance.obligations.calendar import BusinessCalendar, CalendarSpec, week_of_work
from check_compliance.obligations.clock import Clock, WallClock
from check_compliance.obligations.durations import MAX_DAYS, Limit, check_days, parse_limit
from check_compliance.obligations.errors import Problem, TermsError
from check_compliance.obligations.validation import yaml_problems
from check_compliance.obligations.yamlsrc import YamlSource, YamlSyntaxError, closest, read_yaml

URGENCIES = ("urgent", "high", "normal", "low")
DEFAULT_TERMS = Path(__file__).resolve().parent.parent / "rules" / "terms.yaml"


def _limit(value: object) -> Limit:
    return value if isinstance(value, Limit) else parse_limit(value)


LimitValue = Annotated[Limit, BeforeValidator(_limit)]


class UrgencyTable(BaseModel):
    """A limit that depends on the complaint's urgency."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    urgent: LimitValue
    high: LimitValue
    normal: LimitValue
    low: LimitValue

    def for_urgency(self, urgency: str) -> Limit:
        return getattr(self, urgency)


def _limit_shape(value: object) -> str:
    # A mapping is a table by urgency; anything else must read as one duration.
    return "table" if isinstance(value, dict) else "limit"


LimitSpec = Annotated[
    Union[Annotated[LimitValue, Tag("limit")], Annotated[UrgencyTable, Tag("table")]],
    Discriminator(_limit_shape),
]


class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelTerms(_Terms):
    required: list[str] = Field(min_length=1)


class EvaluationTerms(_Terms):
    period: Union[Literal["month", "quarter"], Annotated[int, Field(ge=1, strict=True), AfterValidator(check_days)]] = "month"
    due_days: Annotated[int, Field(ge=0, strict=True), AfterValidator(check_days)]
    covers: list[str]

    @field_validator("period", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        # `30d` reads as 30 days, like every other duration in the file.
        if isinstance(value, str) and value.endswith("d") and value[:-1].isascii() and value[:-1].isdigit():
            return int(value[:-1])
        if isinstance(value, str) and value not in ("month", "quarter"):
            raise ValueError(f"expected month, quarter or a number of days (30d), got {value!r}")
        return value


class ReportTerms(_Terms):
    due_days: Annotated[int, Field(ge=0, strict=True), AfterValidator(check_days)]
    sections: list[str]


class Terms(_Terms):
    """Every term the rules read. `rules/terms.yaml` holds the defaults of OBLIGATIONS.md."""

    limits: dict[str, LimitSpec]
    unclassified_urgency: Literal["urgent", "high", "normal", "low"] = "normal"
    channels: ChannelTerms
    evaluation: EvaluationTerms
    report: ReportTerms
    at_risk: float = Field(default=0.8, gt=0, le=1)
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)
    clocks: dict[str, str] = Field(default_factory=dict)
    not_tracked: dict[str, str] = Field(default_factory=dict)  # rule id -> why the export cannot show it

    def limit_for(self, name: str, urgency: str | None) -> Limit:
        value = self.limits[name]
        if isinstance(value, UrgencyTable):
            return value.for_urgency(urgency or self.unclassified_urgency)
        return value

    def clock_for(self, name: str, zone: tzinfo) -> Clock:
        """The clock the deadline of limit `name` counts on; calendar time unless `clocks` says."""
        calendar = self.clocks.get(name)
        if calendar is None:
            return WallClock(zone)
        return BusinessCalendar(self.calendars[calendar], calendar)


def default_limit_names() -> frozenset[str]:
    """The limits the default terms define: always allowed, whichever rules are loaded."""
    return frozenset(_read(DEFAULT_TERMS, "rules/terms.yaml").data["limits"])


def load_terms(path: str | Path | None = None) -> Terms:
    """The default terms, overridden key by key by the terms file at `path` (if any)."""
    defaults = _read(DEFAULT_TERMS, "rules/terms.yaml")
    if path is None:
        return _validate(defaults, defaults.data)
    override = _read(Path(path), str(path))
    if override.data is None:
        override.data = {}
    if not isinstance(override.data, dict):
        raise TermsError(override.name, [override.problem((), "expected a mapping of terms")])
    return _validate(override, _merge(defaults.data, override.data))


def _read(path: Path, name: str) -> YamlSource:
    try:
        return read_yaml(path, name)
    except OSError as error:
        raise TermsError(name, [Problem("", f"cannot read: {error.strerror or error}", file=name)]) from None
    except YamlSyntaxError as error:
        raise TermsError(name, [error.problem()]) from None


def _validate(source: YamlSource, data: Any) -> Terms:
    try:
        terms = Terms.model_validate(data)
    except ValidationError as error:
        raise TermsError(source.name, yaml_problems(source, error, Terms)) from None
    problems = []
    for limit, calendar in terms.clocks.items():
        if limit not in terms.limits:
            problems.append(source.problem(("clocks", limit), f"unknown limit {limit!r}; limits: {', '.join(sorted(terms.limits))}", key=True, suggestion=closest(limit, terms.limits)))
        if calendar not in terms.calendars:
            problems.append(source.problem(("clocks", limit), f"unknown calendar {calendar!r}; calendars: {', '.join(sorted(terms.calendars)) or 'none defined'}", suggestion=closest(calendar, terms.calendars)))
    problems += _calendar_span_problems(source, terms)
    if problems:
        raise TermsError(source.name, problems)
    return terms


def _calendar_span_problems(source: YamlSource, terms: Terms) -> list[Problem]:
    """Limits on a business calendar so sparse that the deadline would lie more than 100 years
    (MAX_DAYS) of calendar time after its start: refused here, not found slowly during a check."""
    problems = []
    for name, calendar in terms.clocks.items():
        spec = terms.calendars.get(calendar)
        if spec is None or name not in terms.limits:
            continue
        seconds, days = week_of_work(spec)
        for limit in _limits_of(terms.limits[name]):
            weeks = limit.amount / days if limit.is_days else limit.seconds / seconds
            week = f"{days} working day{'s' if days != 1 else ''}" if limit.is_days else f"{seconds / 3600:g} h of working time"
            if weeks * 7 > MAX_DAYS:
                problems.append(source.problem(("limits", name), f"limit {limit} on calendar {calendar!r} (its week holds {week})"
                                                                 f" ends about {weeks * 7 / 365.25:,.0f} years after it starts: at most 100 years (MAX_DAYS)"))
    return problems


def _limits_of(spec: object) -> list[Limit]:
    # One limit, or a table of them (by urgency, or keyed by a field): its fields' limits.
    if isinstance(spec, Limit):
        return [spec]
    found: list[Limit] = []
    for value in vars(spec).values():
        found += [v for v in (value.values() if isinstance(value, dict) else [value]) if isinstance(v, Limit)]
    return found


def _merge(base: Any, override: Any) -> Any:
    """Override `base` key by key; a table given in full or a scalar replaces what it overrides."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value) if key in base and not _is_urgency_table(value) else value
        return merged
    return override


def _is_urgency_table(value: Any) -> bool:
    # A limit table replaces the default one whole, so a missing urgency is an error, not inherited.
    return isinstance(value, dict) and set(value) <= set(URGENCIES) and bool(value)
