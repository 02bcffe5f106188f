"""The terms a signed contract fills in (limits, periods, calendars), defaults overridden by a file."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator

from check_compliance.obligations.calendar import BusinessCalendar, CalendarSpec, week_of_work
from check_compliance.obligations.clock import Clock, WallClock
from check_compliance.obligations.durations import MAX_DAYS, Limit, check_days, parse_limit
from check_compliance.obligations.errors import Problem, TermsError
from check_compliance.obligations.records import Status
from check_compliance.obligations.validation import yaml_problems
from check_compliance.obligations.yamlsrc import YamlSource, YamlSyntaxError, closest, read_yaml

URGENCIES = ("urgent", "high", "normal", "low")
STATUSES: tuple[str, ...] = get_args(Status)
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


class KeyedTable(BaseModel):
    """A limit by the value of a complaint field: `{by: category, values: {network: 2d}, default: 5d}`.

    The record's value is matched with surrounding blanks stripped; a complaint whose value is
    absent or not listed gets `default` (by urgency, an absent urgency is `unclassified_urgency`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    by: str
    values: dict[str, LimitValue] = Field(min_length=1)
    default: Optional[LimitValue] = None


# The complaint fields a limit may be keyed by, with their allowed values where the format fixes them.
KEYS: dict[str, Optional[tuple[str, ...]]] = {"category": None, "channel": None, "urgency": URGENCIES, "status": STATUSES}


def _limit_shape(value: object) -> str:
    # A mapping with `by` is keyed by that field; another mapping is a table by urgency; anything
    # else must read as one duration.
    if isinstance(value, dict):
        return "keyed" if "by" in value else "table"
    return "limit"


LimitSpec = Annotated[
    Union[Annotated[LimitValue, Tag("limit")], Annotated[UrgencyTable, Tag("table")], Annotated[KeyedTable, Tag("keyed")]],
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
        if isinstance(value, KeyedTable):
            return self.limit_at(name, urgency)
        return value

    def limit_key(self, name: str, by_table: bool) -> Optional[str]:
        """The complaint field limit `name` depends on (None: one limit for all complaints).

        A table by urgency applies only to a rule that asks for it (`by_table`); a keyed table
        says itself what it is keyed by.
        """
        value = self.limits[name]
        if isinstance(value, KeyedTable):
            return value.by
        return "urgency" if isinstance(value, UrgencyTable) and by_table else None

    def limit_at(self, name: str, value: Optional[str]) -> Limit:
        """Limit `name` for a complaint whose `limit_key` field holds `value` (None: absent)."""
        table = self.limits[name]
        if isinstance(table, Limit):
            return table
        key = value.strip() if isinstance(value, str) else None
        if isinstance(table, UrgencyTable):
            return table.for_urgency(key or self.unclassified_urgency)
        if table.by == "urgency" and not key:
            key = self.unclassified_urgency
        found = table.values.get(key) if key else None
        if found is None:
            found = table.default
        if found is None:  # validation requires a default unless every allowed value is listed
            raise ValueError(f"limit {name!r} has no value for {table.by} {key!r} and no default")
        return found

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
    except YamlSyntaxError as error:  # unreadable files included: read_yaml says why
        raise TermsError(name, [error.problem()]) from None


def _validate(source: YamlSource, data: Any) -> Terms:
    try:
        terms = Terms.model_validate(data)
    except ValidationError as error:
        raise TermsError(source.name, yaml_problems(source, error, Terms)) from None
    problems = []
    for name, table in terms.limits.items():
        if isinstance(table, KeyedTable):
            problems += _keyed_problems(source, name, table)
    for limit, calendar in terms.clocks.items():
        if limit not in terms.limits:
            problems.append(source.problem(("clocks", limit), f"unknown limit {limit!r}; limits: {', '.join(sorted(terms.limits))}", key=True, suggestion=closest(limit, terms.limits)))
        if calendar not in terms.calendars:
            problems.append(source.problem(("clocks", limit), f"unknown calendar {calendar!r}; calendars: {', '.join(sorted(terms.calendars)) or 'none defined'}", suggestion=closest(calendar, terms.calendars)))
    problems += _calendar_span_problems(source, terms)
    if problems:
        raise TermsError(source.name, problems)
    return terms


def _keyed_problems(source: YamlSource, name: str, table: KeyedTable) -> list[Problem]:
    where = ("limits", name)
    if table.by not in KEYS:
        return [source.problem((*where, "by"), f"a limit can be keyed by {', '.join(KEYS)}, not {table.by!r}", suggestion=closest(table.by, KEYS))]
    allowed = KEYS[table.by]
    problems = []
    if allowed is not None:
        for value in table.values:
            if value not in allowed:
                problems.append(source.problem((*where, "values", value), f"unknown {table.by} {value!r}; allowed: {', '.join(allowed)}", key=True, suggestion=closest(value, allowed)))
    complete = allowed is not None and set(allowed) <= set(table.values)
    if table.default is None and not complete:
        problems.append(source.problem((*where, "by"), f"limit {name!r} by {table.by} needs a `default` for complaints whose {table.by} is absent or not listed", key=True))
    return problems


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
    # A limit table replaces the default one whole, so a missing urgency is an error, not inherited;
    # so does a keyed table.
    return isinstance(value, dict) and bool(value) and (set(value) <= set(URGENCIES) or "by" in value)
