"""The records format, version 1 (RECORDS.md) as pydantic models: the checker's public input."""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from typing import Annotated, Literal, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError, ValidationInfo

from check_compliance.obligations.limits import FIRST_YEAR, LAST_YEAR

DEFAULT_TIMEZONE = "Asia/Shanghai"

Urgency = Literal["urgent", "high", "normal", "low"]
Status = Literal["open", "resolved", "closed", "withdrawn"]
Party = Literal["A", "B"]


def _iso_text(value: object) -> object:
    # pydantic would take 1700000000 as a datetime; the format says ISO 8601 text only.
    if value is not None and not isinstance(value, (str, datetime, date)):
        raise ValueError("expected an ISO 8601 string")
    return value


def _in_years(value: date) -> date:
    # Deadlines are computed from these (up to a century on); year 1 or 9999 is a placeholder or an
    # attack, and would overflow the arithmetic.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"year {value.year} is outside {FIRST_YEAR}-{LAST_YEAR}, the years records may name")
    return value


def _in_contract_zone(value: datetime, info: ValidationInfo) -> datetime:
    _in_years(value)
    if value.tzinfo is None:
        zone = (info.context or {}).get("zone") or ZoneInfo(DEFAULT_TIMEZONE)
        value = value.replace(tzinfo=zone)
    # Held in UTC: Python subtracts two datetimes of one ZoneInfo as wall times, wrong across DST.
    return value.astimezone(timezone.utc)


def _null_is_empty(value: object) -> object:
    # A null and an absent field mean the same (RECORDS.md): for a list, no items.
    return [] if value is None else value


def _null_is_empty_map(value: object) -> object:
    return {} if value is None else value


Instant = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_in_contract_zone)]
Day = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_in_years)]
_WALL_TIME = TypeAdapter(Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_in_years)])


def parse_instant(text: str) -> datetime:
    """An instant as records write them (`--as-of` too), on every Python alike: pydantic's ISO 8601
    parser, not `datetime.fromisoformat` (3.10's refuses `.5`, 9-digit fractions). Without an offset
    it is returned naive, for the contract's zone; `ValueError` says what is wrong."""
    try:
        return _WALL_TIME.validate_python(text)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise ValueError(message) from None


class _Record(BaseModel):
    # Exports carry more than we read: unknown fields are kept and ignored.
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


def _zone_name(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: expected an IANA name such as Asia/Shanghai") from None
    return name


class Contract(_Record):
    id: str
    party_a: Optional[str] = None
    party_b: Optional[str] = None
    effective_on: Day
    term_years: int = Field(ge=1, le=100, strict=True)
    timezone: Annotated[str, AfterValidator(_zone_name)] = DEFAULT_TIMEZONE

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def ends_on(self) -> date:
        """The first day after the term: the term is `[effective_on, ends_on)`."""
        start = self.effective_on
        year = start.year + self.term_years
        # 29 February plus whole years lands on 1 March in a common year.
        try:
            return start.replace(year=year)
        except ValueError:
            return date(year, 3, 1)


class Channel(_Record):
    id: str
    kind: str
    opened_on: Day
    closed_on: Optional[Day] = None


class Pause(_Record):
    start: Instant = Field(alias="from")
    end: Optional[Instant] = Field(default=None, alias="to")


class Complaint(_Record):
    id: str
    channel: Optional[str] = None
    received_at: Instant
    category: Optional[str] = None
    urgency: Optional[Urgency] = None
    registered_at: Optional[Instant] = None
    first_response_at: Optional[Instant] = None
    resolved_at: Optional[Instant] = None
    feedback_at: Optional[Instant] = None
    archived_at: Optional[Instant] = None
    status: Status
    satisfaction: Optional[int] = Field(default=None, ge=1, le=5, strict=True)
    pauses: Annotated[list[Pause], BeforeValidator(_null_is_empty)] = Field(default_factory=list)


class Period(_Record):
    start: Day
    end: Day

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


class Evaluation(_Record):
    id: str
    period: Period
    completed_at: Optional[Instant] = None
    covers: Annotated[list[str], BeforeValidator(_null_is_empty)] = Field(default_factory=list)
    recommendations: Annotated[list[Optional[str]], BeforeValidator(_null_is_empty)] = Field(default_factory=list)


class Report(_Record):
    id: str
    evaluation: Optional[str] = None
    period: Period
    submitted_at: Optional[Instant] = None
    sections: Annotated[dict[str, Optional[str]], BeforeValidator(_null_is_empty_map)] = Field(default_factory=dict)
    # The indicators the report claims (name -> number), audited against the computed ones (appendix 4).
    figures: Optional[dict[str, Annotated[float, Field(strict=True)]]] = None


class Disclosure(_Record):
    id: str
    party: Party
    information: str
    at: Instant
    owner: Optional[str] = None
    recipient: Optional[str] = None
    third_party: Optional[bool] = Field(default=None, strict=True)
    consent: Optional[bool] = Field(default=None, strict=True)
    purpose: Optional[str] = None


class Records(_Record):
    """One export: the contract, the instant it was taken at, and its lists of records."""

    contract: Contract
    as_of: Optional[Instant] = None
    channels: Annotated[list[Channel], BeforeValidator(_null_is_empty)] = Field(default_factory=list)
    complaints: Annotated[list[Complaint], BeforeValidator(_null_is_empty)] = Field(default_factory=list)
    evaluations: Annotated[list[Evaluation], BeforeValidator(_null_is_empty)] = Field(default_factory=list)
    reports: Annotated[list[Report], BeforeValidator(_null_is_empty)] = Field(default_factory=list)
    disclosures: Annotated[list[Disclosure], BeforeValidator(_null_is_empty)] = Field(default_factory=list)


# The lists of an export and the record each holds, in the order the format gives them.
RECORD_LISTS: dict[str, type[_Record]] = {
    "channels": Channel,
    "complaints": Complaint,
    "evaluations": Evaluation,
    "reports": Report,
    "disclosures": Disclosure,
}
