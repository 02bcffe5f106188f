"""The mapping file (MAPPING.md, version 1) as pydantic models, loaded with errors at file:line:col."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator, model_validator

from check_compliance.obligations.errors import MappingError, Problem
from check_compliance.obligations.exports.timeformat import TimeFormat, parse_format
from check_compliance.obligations.records import DEFAULT_TIMEZONE, Channel
from check_compliance.obligations.validation import yaml_problems
from check_compliance.obligations.yamlsrc import YamlSource, YamlSyntaxError, read_yaml

COMPLAINT_FIELDS = ("id", "channel", "received_at", "category", "urgency", "registered_at", "first_response_at",
                    "resolved_at", "feedback_at", "archived_at", "status", "satisfaction")
TIME_FIELDS = frozenset({"received_at", "registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at"})
ALLOWED_VALUES = {"urgency": ("urgent", "high", "normal", "low"), "status": ("open", "resolved", "closed", "withdrawn")}
Scalar = Union[str, int, float, bool, None]


def _text(value: object) -> object:
    # YAML reads `Yes`, `null`, `1.0` and unquoted dates as other types: texts must be written as texts.
    if not isinstance(value, str):
        raise ValueError(f"expected a text, got {_yaml_type(value)}: quote it (\"{_unparsed(value)}\")")
    return value


def _yaml_type(value: object) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _unparsed(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Text = Annotated[str, BeforeValidator(_text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FileRef(_Model):
    """One export file: a path (relative to the data folder), optionally a member of a zip."""

    path: Text
    member: Optional[Text] = None


def _file_ref(value: object) -> object:
    return {"path": value} if isinstance(value, str) else value


class Source(_Model):
    files: list[Annotated[FileRef, BeforeValidator(_file_ref)]] = Field(default_factory=list)
    format: Optional[Literal["csv", "xlsx", "parquet", "json", "jsonl"]] = None
    encoding: Text = "utf-8"
    delimiter: Text = ","
    skip_lines: int = Field(default=0, ge=0, strict=True)
    null_values: list[Text] = Field(default_factory=list)
    sheet: Optional[Text] = None
    records: Optional[Text] = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}: expected a Python codec name such as utf-8, utf-8-sig, gb18030, latin-1") from None
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str) -> str:
        if len(value) != 1 or not value.isascii() or value in "\r\n\"":
            raise ValueError(f"expected one ASCII character other than a quote or newline (\",\", \";\", \"\\t\", \"|\"), got {value!r}")
        return value


class Split(_Model):
    column: Text
    sep: Text = Field(min_length=1)
    index: int = Field(ge=0, strict=True)


class Derive(_Model):
    split: Split


class Lookup(_Model):
    file: Text
    key: Text
    value: Text
    encoding: Text = "utf-8"
    delimiter: Text = ","

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        return Source._known_encoding(value)

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str) -> str:
        return Source._one_character(value)


class OrderKey(_Model):
    column: Text
    as_: Literal["time", "int", "text"] = Field(default="text", alias="as")


class Events(_Model):
    key: Text
    order: list[OrderKey] = Field(default_factory=list)
    time: Text
    state: Text


def _bool_keys(value: object) -> object:
    # `true:` and `false:` are YAML booleans as keys: the names MAPPING.md gives them.
    if isinstance(value, dict):
        return {("true" if k is True else "false" if k is False else k): v for k, v in value.items()}
    return value


class ColumnProducer(_Model):
    """`{column: C}`: C in the complaint's first row (`row: last`: its last in event order), transformed."""

    column: Text
    row: Literal["first", "last"] = "first"
    lookup: Optional[Text] = None
    map: Optional[dict[Text, Scalar]] = None
    type: Optional[Literal["int", "bool", "time"]] = None
    true: Optional[list[Text]] = None
    false: Optional[list[Text]] = None

    @field_validator("map", mode="before")
    @classmethod
    def _text_keys(cls, value: object) -> object:
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise ValueError(f"map keys are texts, got {_yaml_type(key)} {_unparsed(key)!r}: quote it (\"{_unparsed(key)}\")")
        return value

    @model_validator(mode="after")
    def _bool_lists(self) -> ColumnProducer:
        if (self.true is not None or self.false is not None) and self.type != "bool":
            raise ValueError("`true` and `false` lists are for `type: bool`")
        return self

    def truths(self) -> tuple[list[str], list[str]]:
        return (self.true if self.true is not None else ["true"]), (self.false if self.false is not None else ["false"])


class EventProducer(_Model):
    """`{event: first}` (optionally in / not in states) or `{event: final_entry, states: [...]}`."""

    event: Literal["first", "final_entry"]
    states: Optional[list[Text]] = None
    not_states: Optional[list[Text]] = None

    @model_validator(mode="after")
    def _states(self) -> EventProducer:
        if self.states is not None and self.not_states is not None:
            raise ValueError("give `states` or `not_states`, not both")
        if self.event == "final_entry" and not self.states:
            raise ValueError("`event: final_entry` needs `states`: the states a complaint ends in")
        if self.event == "final_entry" and self.not_states is not None:
            raise ValueError("`event: final_entry` takes `states`, not `not_states`")
        return self


class CoalesceProducer(_Model):
    coalesce: list[Producer] = Field(min_length=1)


class RowNumberProducer(_Model):
    row_number: Literal[True]
    prefix: Text = ""


class ConstProducer(_Model):
    const: Union[Scalar, datetime, date]


_PRODUCER_KEYS = ("column", "event", "coalesce", "row_number", "const")


def _producer_kind(value: object) -> Optional[str]:
    if isinstance(value, dict):
        for key in _PRODUCER_KEYS:
            if key in value:
                return key
        return None
    if isinstance(value, BaseModel):
        return next(k for k in _PRODUCER_KEYS if k in type(value).model_fields)
    return None


def _producer_shape(value: object) -> object:
    value = _bool_keys(value)
    if isinstance(value, dict) and _producer_kind(value) is None:
        raise ValueError(f"a producer is one of {{column: C}}, {{event: first|final_entry}}, {{coalesce: [...]}}, {{row_number: true}}, {{const: V}}; got keys {', '.join(map(str, value)) or 'none'}")
    if not isinstance(value, (dict, BaseModel)):
        raise ValueError(f"a producer is a mapping such as {{column: {_unparsed(value)}}}, got {_yaml_type(value)}")
    return value


Producer = Annotated[
    Annotated[
        Union[
            Annotated[ColumnProducer, Tag("column")],
            Annotated[EventProducer, Tag("event")],
            Annotated[CoalesceProducer, Tag("coalesce")],
            Annotated[RowNumberProducer, Tag("row_number")],
            Annotated[ConstProducer, Tag("const")],
        ],
        Discriminator(_producer_kind),
    ],
    BeforeValidator(_producer_shape),
]
CoalesceProducer.model_rebuild()


class PauseStates(_Model):
    states: list[Text] = Field(min_length=1)


class ComplaintSpec(_Model):
    id: Producer
    channel: Optional[Producer] = None
    received_at: Producer
    category: Optional[Producer] = None
    urgency: Optional[Producer] = None
    registered_at: Optional[Producer] = None
    first_response_at: Optional[Producer] = None
    resolved_at: Optional[Producer] = None
    feedback_at: Optional[Producer] = None
    archived_at: Optional[Producer] = None
    status: Producer
    satisfaction: Optional[Producer] = None
    pauses: Optional[PauseStates] = None
    extra: dict[Text, Producer] = Field(default_factory=dict)

    def producers(self) -> dict[str, Producer]:
        """The complaint fields this mapping produces, in RECORDS.md order."""
        return {name: getattr(self, name) for name in COMPLAINT_FIELDS if getattr(self, name) is not None}


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}: expected an IANA name such as Asia/Shanghai") from None
    return value


class ContractSpec(_Model):
    id: Text
    party_a: Optional[Text] = None
    party_b: Optional[Text] = None
    timezone: Text = DEFAULT_TIMEZONE
    effective_on: Union[Literal["first_of_month"], date]
    term_years: Union[Literal["cover"], Annotated[int, Field(ge=1, le=100, strict=True)]]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone(value)


class DerivedChannels(_Model):
    derive: Literal["channel"]
    kinds: dict[Text, Text] = Field(default_factory=dict)


def _as_of(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value != "latest":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"expected an ISO 8601 instant (2026-11-01T00:00:00+08:00) or `latest`, got {value!r}") from None
    return value


class Mapping(_Model):
    """One mapping file: how one system's export becomes records (MAPPING.md, version 1)."""

    version: Literal[1]
    name: Text
    source: Source = Field(default_factory=Source)
    derive: dict[Text, Derive] = Field(default_factory=dict)
    lookups: dict[Text, Lookup] = Field(default_factory=dict)
    timestamps: dict[Text, Text] = Field(default_factory=dict)
    shape: Literal["rows", "events"]
    events: Optional[Events] = None
    contract: ContractSpec
    as_of: Annotated[Optional[str], BeforeValidator(_as_of)] = None
    channels: Union[DerivedChannels, list[dict[str, Any]], None] = None
    complaint: ComplaintSpec
    not_tracked: dict[Text, Text] = Field(default_factory=dict)

    @field_validator("channels", mode="before")
    @classmethod
    def _channels(cls, value: object) -> object:
        if isinstance(value, dict) and "derive" not in value:
            raise ValueError("expected a list of channel records, or {derive: channel, kinds: {value: kind}}")
        return value


class LoadedMapping:
    """A validated mapping, its time formats compiled, and where each of its values stands in the file."""

    def __init__(self, mapping: Mapping, source: YamlSource, folder: Path, formats: dict[str, TimeFormat], channels: list[Channel]) -> None:
        self.spec = mapping
        self.yaml = source
        self.folder = folder
        self.formats = formats
        self.channels = channels

    @property
    def name(self) -> str:
        return self.spec.name

    def problem(self, loc: tuple, message: str, suggestion: Optional[str] = None) -> Problem:
        return self.yaml.problem(loc, message, suggestion=suggestion)


def load_mapping(path: Union[str, Path]) -> LoadedMapping:
    """Read and validate the mapping file at `path`; every problem is a `MappingError` at file:line:col."""
    name = str(path)
    try:
        source = read_yaml(path, name)
    except YamlSyntaxError as error:  # unreadable or not UTF-8 included: read_yaml says why
        raise MappingError(name, [error.problem()]) from None
    if not isinstance(source.data, dict):
        raise MappingError(name, [source.problem((), "expected a mapping with version, name, source, shape, contract and complaint")])
    try:
        mapping = Mapping.model_validate(source.data)
    except ValidationError as error:
        raise MappingError(name, yaml_problems(source, error, Mapping)) from None
    problems: list[Problem] = []
    formats = _formats(mapping, source, problems)
    from check_compliance.obligations.exports.checks import mapping_problems

    problems += mapping_problems(mapping, source, formats)
    channels = _channel_records(mapping, source, problems)
    if problems:
        raise MappingError(name, problems)
    return LoadedMapping(mapping, source, Path(path).resolve().parent, formats, channels)


def _formats(mapping: Mapping, source: YamlSource, problems: list[Problem]) -> dict[str, TimeFormat]:
    formats = {}
    for column, text in mapping.timestamps.items():
        try:
            formats[column] = parse_format(text)
        except ValueError as error:
            problems.append(source.problem(("timestamps", column), str(error)))
    return formats


def _channel_records(mapping: Mapping, source: YamlSource, problems: list[Problem]) -> list[Channel]:
    if not isinstance(mapping.channels, list):
        return []
    records = []
    for index, item in enumerate(mapping.channels):
        try:
            records.append(Channel.model_validate(item))
        except ValidationError as error:
            for e in error.errors():
                loc = ("channels", index, *e["loc"])
                message = "required key is missing" if e["type"] == "missing" else e["msg"]
                problems.append(source.problem(loc, message))
    return records
