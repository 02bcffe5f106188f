"""Time formats of a mapping (`strptime` patterns or `iso`), parsed by column into ISO text and UTC instants.

A pattern is compiled to the regular expression Python's `strptime` itself uses for each directive
(C locale, case-insensitive, unpadded day and month accepted), and matched by Polars over a whole
column at once; the parts become a datetime only when they form a real one (31/2 is unreadable,
not 2 March). Values come out as RECORDS.md text: `YYYY-MM-DDTHH:MM:SS[.ffffff]`, plus the offset
when the value had one (a naive value is in the contract's zone). `instants` turns such text into
UTC microseconds; a wall time that does not exist in the zone (a DST gap) is resolved as Python's
`zoneinfo` does (the offset before the change), so the figures agree with the record models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import polars as pl

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# The expressions of CPython's _strptime.TimeRE for these directives (C locale).
_DIRECTIVES = {
    "Y": r"(?P<Y>\d\d\d\d)",
    "y": r"(?P<y>\d\d)",
    "m": r"(?P<m>1[0-2]|0[1-9]|[1-9])",
    "d": r"(?P<d>3[01]|[12]\d|0[1-9]|[1-9]| [1-9])",
    "H": r"(?P<H>2[0-3]|[0-1]\d|\d)",
    "I": r"(?P<I>1[0-2]|0[1-9]|[1-9])",
    "M": r"(?P<M>[0-5]\d|\d)",
    "S": r"(?P<S>6[0-1]|[0-5]\d|\d)",
    "f": r"(?P<f>[0-9]{1,6})",
    "p": r"(?P<p>am|pm)",
    "b": "(?P<b>" + "|".join(m[:3] for m in _MONTHS) + ")",
    "B": "(?P<B>" + "|".join(_MONTHS) + ")",
    "a": "(?:" + "|".join(d[:3] for d in _DAYS) + ")",
    "A": "(?:" + "|".join(_DAYS) + ")",
    "z": r"(?P<z>[+-]\d\d:?[0-5]\d|(?-i:Z))",
}
SUPPORTED = "%Y %y %m %d %H %I %M %S %f %p %b %B %a %A %z %%"
_ISO = (
    r"^(?P<Y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"(?P<z>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


@dataclass(frozen=True)
class TimeFormat:
    """A column's time format: its text as the mapping gives it, and the expression that reads it."""

    text: str
    regex: str
    groups: frozenset[str]

    @property
    def is_iso(self) -> bool:
        return self.text == "iso"


def parse_format(text: str) -> TimeFormat:
    """Compile a mapping's time format; a `ValueError` says what is wrong and what is allowed."""
    if text == "iso":
        return TimeFormat(text, _ISO, frozenset("YmdHMSfz"))
    parts = ["(?i)^"]
    groups: set[str] = set()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%":
            if i + 1 == len(text):
                raise ValueError(f"time format {text!r} ends in a lone %; directives: {SUPPORTED}")
            directive = text[i + 1]
            if directive == "%":
                parts.append("%")
            elif directive in _DIRECTIVES:
                if directive in groups:
                    raise ValueError(f"time format {text!r} has %{directive} twice")
                if directive not in "aA":
                    groups.add(directive)
                parts.append(_DIRECTIVES[directive])
            else:
                raise ValueError(f"time format {text!r}: %{directive} is not supported; directives: {SUPPORTED} (or `iso`)")
            i += 2
            continue
        if char.isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            parts.append(r"\s+")
            continue
        parts.append(re.escape(char))
        i += 1
    parts.append("$")
    if not ({"Y", "y"} & groups and {"m", "b", "B"} & groups and "d" in groups):
        raise ValueError(f"time format {text!r} needs a year (%Y or %y), a month (%m, %b or %B) and a day (%d)")
    return TimeFormat(text, "".join(parts), frozenset(groups))


def parse_times(values: pl.Series, fmt: TimeFormat) -> pl.DataFrame:
    """`values` (text) read with `fmt`: columns `text` (RECORDS.md ISO text) and `ok` (null stays null, ok)."""
    import polars as pl

    # Exports repeat their times (every event of a ticket carries its opening time): read each once.
    distinct = values.unique(maintain_order=True)
    if len(distinct) < len(values):
        parsed = _parse_distinct(distinct, fmt).with_columns(distinct.alias("v"))
        joined = pl.DataFrame({"v": values}).join(parsed, on="v", how="left", nulls_equal=True, maintain_order="left")
        return joined.select("text", "ok")
    return _parse_distinct(values, fmt)


def _parse_distinct(values: pl.Series, fmt: TimeFormat) -> pl.DataFrame:
    import polars as pl

    frame = pl.DataFrame({"v": values}).select(pl.col("v").str.extract_groups(fmt.regex).alias("g"), pl.col("v").is_null().alias("null"))
    g = frame["g"].struct

    def part(name: str, default: int) -> pl.Series:
        if name not in fmt.groups:
            return pl.repeat(default, len(values), dtype=pl.Int32, eager=True)
        value = g.field(name).str.strip_chars().cast(pl.Int32, strict=False)
        # In `iso` the time of day is optional (a date is 00:00); in a pattern every part is required.
        return value.fill_null(default) if fmt.is_iso and name in "HMS" else value

    n = len(values)
    year = part("Y", 1900)
    if "y" in fmt.groups:
        short = part("y", 0)
        year = pl.select(pl.when(short <= 68).then(short + 2000).otherwise(short + 1900)).to_series()
    if "b" in fmt.groups or "B" in fmt.groups:
        name = g.field("b" if "b" in fmt.groups else "B").str.to_lowercase().str.slice(0, 3)
        month = name.replace_strict([m[:3] for m in _MONTHS], list(range(1, 13)), default=None, return_dtype=pl.Int32)
    else:
        month = part("m", 1)
    day = part("d", 1)
    hour = part("H", 0)
    if "I" in fmt.groups:
        twelve = part("I", 0) % 12
        pm = g.field("p").str.to_lowercase() == "pm" if "p" in fmt.groups else pl.repeat(False, n, eager=True)
        hour = pl.select(pl.when(pm.fill_null(False)).then(twelve + 12).otherwise(twelve)).to_series()
    minute = part("M", 0)
    second = part("S", 0)
    fraction = g.field("f").str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int32, strict=False) if "f" in fmt.groups else pl.repeat(0, n, dtype=pl.Int32, eager=True)
    fraction = fraction.fill_null(0)
    offset = _offset_text(g.field("z")) if "z" in fmt.groups else pl.repeat(None, n, dtype=pl.String, eager=True)
    matched = g.field("Y" if "Y" in fmt.groups else "y").is_not_null()
    parts = pl.DataFrame({"matched": matched, "y": year, "mo": month, "d": day, "h": hour, "mi": minute, "s": second, "us": fraction, "z": offset, "null": frame["null"]})
    y, mo, d = pl.col("y"), pl.col("mo"), pl.col("d")
    real = (
        pl.col("matched") & y.is_not_null() & mo.is_between(1, 12) & (d >= 1) & pl.col("h").is_between(0, 23) & pl.col("mi").is_between(0, 59) & pl.col("s").is_between(0, 59)
        & (d <= pl.date(y, mo.clip(1, 12), 1).dt.month_end().dt.day())
    )
    out = parts.with_columns(real.fill_null(False).alias("real")).with_columns(
        pl.when(pl.col("real")).then(pl.datetime(y, mo, d, pl.col("h"), pl.col("mi"), pl.col("s"), pl.col("us"))).alias("dt")
    )
    text = out.select(
        pl.when(pl.col("dt").is_not_null()).then(
            pl.concat_str(
                pl.col("dt").dt.strftime("%Y-%m-%dT%H:%M:%S"),
                pl.when(pl.col("us") != 0).then(pl.lit(".") + pl.col("us").cast(pl.String).str.zfill(6)).otherwise(pl.lit("")),
                pl.col("z").fill_null(""),
            )
        ).alias("text"),
        (pl.col("null") | pl.col("dt").is_not_null()).alias("ok"),
    )
    return text


def _offset_text(z: pl.Series) -> pl.Series:
    import polars as pl

    frame = pl.DataFrame({"z": z}).select(
        pl.when(pl.col("z").str.to_uppercase() == "Z").then(pl.lit("+00:00"))
        .when(pl.col("z").str.len_chars() == 3).then(pl.col("z") + ":00")
        .when(pl.col("z").str.len_chars() == 5).then(pl.col("z").str.slice(0, 3) + ":" + pl.col("z").str.slice(3, 2))
        .otherwise(pl.col("z")).alias("z")
    )
    return frame["z"]


def instants(texts: pl.Series, zone: str) -> pl.Series:
    """UTC microseconds of RECORDS.md ISO texts (as `parse_times` writes them); naive ones in `zone`."""
    import polars as pl

    frame = pl.DataFrame({"t": texts}).with_columns(
        pl.col("t").str.slice(0, 19).str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S", strict=False).alias("wall"),
        pl.col("t").str.extract(r"\.(\d{6})", 1).cast(pl.Int64, strict=False).fill_null(0).alias("us"),
        pl.col("t").str.extract(r"([+-])(\d\d):(\d\d)$", 0).alias("z"),
    )
    frame = frame.with_columns((pl.col("wall") + pl.duration(microseconds=pl.col("us"))).alias("wall"))
    sign = pl.when(pl.col("z").str.slice(0, 1) == "-").then(-1).otherwise(1)
    offset_us = sign * (pl.col("z").str.slice(1, 2).cast(pl.Int64, strict=False) * 3600 + pl.col("z").str.slice(4, 2).cast(pl.Int64, strict=False) * 60) * 1_000_000
    local = pl.col("wall").dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null").dt.epoch("us")
    frame = frame.with_columns(
        pl.when(pl.col("z").is_not_null()).then(pl.col("wall").dt.epoch("us") - offset_us).otherwise(local).alias("utc")
    )
    gaps = frame.filter(pl.col("utc").is_null() & pl.col("wall").is_not_null())
    if gaps.height:
        # A wall time in a DST gap: zoneinfo (fold=0) reads it with the offset in force before the gap.
        fixed = {wall: _python_instant(wall, zone) for wall in set(gaps["wall"].to_list())}
        frame = frame.with_columns(
            pl.when(pl.col("utc").is_null() & pl.col("wall").is_not_null())
            .then(pl.col("wall").replace_strict(list(fixed), list(fixed.values()), default=None, return_dtype=pl.Int64))
            .otherwise(pl.col("utc")).alias("utc")
        )
    return frame["utc"]


def _python_instant(wall: Any, zone: str) -> int:
    aware = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    return (aware - datetime(1970, 1, 1, tzinfo=timezone.utc)) // _MICROSECOND


def iso_of(dt: datetime) -> str:
    """A datetime (an Excel or Parquet cell, a YAML constant) as RECORDS.md text."""
    text = dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{dt.microsecond:06d}" if dt.microsecond else "")
    if dt.tzinfo is not None:
        offset = dt.utcoffset()
        assert offset is not None
        minutes = int(offset.total_seconds()) // 60
        text += f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text




_MICROSECOND = timedelta(microseconds=1)
