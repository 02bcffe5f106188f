"""What a mapping derives from the folded complaints: the contract, `as_of` and the channels.

All three are computed over every folded complaint, quarantined ones included (their readable
values), so they do not depend on what the quarantine takes out.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Optional
from zoneinfo import ZoneInfo

from check_compliance.obligations.errors import MappingError
from check_compliance.obligations.exports.mapping import TIME_FIELDS, DerivedChannels, LoadedMapping
from check_compliance.obligations.exports.timeformat import instants

if TYPE_CHECKING:
    import polars as pl

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _instant(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def contract_document(mapping: LoadedMapping, frame: pl.DataFrame) -> dict[str, Any]:
    """The contract as RECORDS.md: `first_of_month` and `cover` worked out from `received_at`."""
    spec = mapping.spec.contract
    zone = ZoneInfo(spec.timezone)
    received = instants(frame["received_at"], spec.timezone).drop_nulls() if "received_at" in frame.columns else None
    document: dict[str, Any] = {"id": spec.id}
    for key in ("party_a", "party_b"):
        if getattr(spec, key) is not None:
            document[key] = getattr(spec, key)
    needs_dates = spec.effective_on == "first_of_month" or spec.term_years == "cover"
    if needs_dates and (received is None or received.is_empty()):
        raise MappingError(mapping.yaml.name, [mapping.problem(("contract",), "no complaint has a readable received_at to work out effective_on or term_years from")])
    if spec.effective_on == "first_of_month":
        assert received is not None
        first = _instant(int(received.min())).astimezone(zone).date()  # type: ignore[arg-type]
        effective = first.replace(day=1)
    else:
        assert isinstance(spec.effective_on, date)
        effective = spec.effective_on
    if spec.term_years == "cover":
        assert received is not None
        latest = _instant(int(received.max())).astimezone(zone).date()  # type: ignore[arg-type]
        years = 1
        while _term_end(effective, years) <= latest:
            years += 1
    else:
        years = spec.term_years
    document.update({"effective_on": effective.isoformat(), "term_years": years, "timezone": spec.timezone})
    return document


def _term_end(start: date, years: int) -> date:
    # As Contract.ends_on: 29 February plus whole years is 1 March in a common year.
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def as_of_text(mapping: LoadedMapping, frame: pl.DataFrame, event_instants: Optional[pl.Series]) -> Optional[str]:
    """`as_of` as the mapping gives it, or `latest`: the latest instant among every complaint's time
    fields, pause bounds and (events) every event time — never a due date or an extra."""
    import polars as pl

    value = mapping.spec.as_of
    if value != "latest":
        return value
    zone = mapping.spec.contract.timezone
    best: Optional[int] = None
    candidates: list[pl.Series] = [instants(frame[name], zone) for name in TIME_FIELDS if name in frame.columns]
    if "pauses" in frame.columns:
        bounds = frame.select(pl.col("pauses").explode().struct.unnest()) if frame["pauses"].dtype != pl.Null else None
        if bounds is not None and bounds.height:
            candidates += [instants(bounds["from"], zone), instants(bounds["to"], zone)]
    if event_instants is not None:
        candidates.append(event_instants)
    for series in candidates:
        top = series.max()
        if top is not None and (best is None or int(top) > best):  # type: ignore[arg-type]
            best = int(top)  # type: ignore[arg-type]
    if best is None:
        raise MappingError(mapping.yaml.name, [mapping.problem(("as_of",), "`latest` needs at least one readable time in the export")])
    return _instant(best).astimezone(ZoneInfo(zone)).isoformat()


def channel_documents(mapping: LoadedMapping, frame: pl.DataFrame, effective_on: str) -> list[dict[str, Any]]:
    """The channels: as listed, or one per distinct mapped `channel` value (sorted), open from effective_on."""
    spec = mapping.spec.channels
    if spec is None:
        return []
    if not isinstance(spec, DerivedChannels):
        return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.items()} for item in spec]
    if "channel" not in frame.columns:
        raise MappingError(mapping.yaml.name, [mapping.problem(("channels", "derive"), "channels derived from `channel` need a complaint.channel producer")])
    values = sorted(v for v in frame["channel"].unique().to_list() if v is not None)
    return [{"id": v, "kind": spec.kinds.get(v, v), "opened_on": effective_on} for v in values]
