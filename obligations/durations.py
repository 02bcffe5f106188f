"""Time limits as the terms file writes them: `30m`, `8h`, `3d`, `2bd`, or ISO 8601 `PT8H`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from check_compliance.obligations.errors import excerpt

Unit = Literal["s", "m", "h", "d", "bd"]

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SHORT = re.compile(r"^\s*(\d+)\s*(bd|d|h|m|s)\s*$")
_DIGITS = 12  # more digits are out of range whatever the unit; int() of thousands of digits is slow
_ISO = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")

ALLOWED = "a duration such as 30m, 8h, 3d, 2bd or ISO 8601 PT8H / P3D"

MAX_DAYS = 36525
"""Longest limit, due period or evaluation period a terms or rule file may give: 100 years, in days
(a `bd` limit counts at most this many working days). Longer is a typo, and would carry deadlines
past the year 9999 that dates can hold."""
RANGE = f"1s to 100 years ({MAX_DAYS}d, MAX_DAYS)"


@dataclass(frozen=True, order=True)
class Limit:
    """A time limit: an amount of running clock time, or a number of whole working days (`bd`).

    Time units count time on the deadline's clock: on a business clock `8h` is eight working
    hours. `bd` counts working days and ends at the close of the last one.
    """

    amount: int
    unit: Unit

    @property
    def is_days(self) -> bool:
        return self.unit == "bd"

    @property
    def seconds(self) -> int:
        if self.unit == "bd":
            raise ValueError("a working-day limit has no fixed length in seconds")
        return self.amount * _SECONDS[self.unit]

    @classmethod
    def of_seconds(cls, seconds: int) -> Limit:
        return cls(int(seconds), "s")

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_limit(text: object) -> Limit:
    """Parse a limit; raise ValueError naming what is allowed."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise ValueError(f"expected {ALLOWED}, got {excerpt(text)}")
    match = _SHORT.match(text)
    if match:
        digits, unit = match.groups()
        amount = int(digits) if len(digits) <= _DIGITS else MAX_DAYS * _SECONDS["d"] + 1
        if amount <= 0:
            raise ValueError(f"a limit must be positive, got {excerpt(text)}")
        if amount * _SECONDS.get(unit, _SECONDS["d"]) > MAX_DAYS * _SECONDS["d"]:
            raise ValueError(f"a limit must be {RANGE}, got {excerpt(text)}")
        return Limit(amount, unit)  # type: ignore[arg-type]
    match = _ISO.match(text.strip())
    if match and any(match.groups()):
        if any(g and len(g) > _DIGITS for g in match.groups()):
            raise ValueError(f"a limit must be {RANGE}, got {excerpt(text)}")
        days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
        if total > MAX_DAYS * _SECONDS["d"]:
            raise ValueError(f"a limit must be {RANGE}, got {excerpt(text)}")
        if total > 0:
            return _normalise(total)
    raise ValueError(f"expected {ALLOWED}, got {excerpt(text)}")


def check_days(value: int) -> int:
    """A whole number of days a terms or rule file gives (a due period): at most `MAX_DAYS`."""
    if value > MAX_DAYS:
        raise ValueError(f"expected at most {MAX_DAYS} days (100 years, MAX_DAYS), got {value}")
    return value


def _normalise(seconds: int) -> Limit:
    for unit in ("d", "h", "m"):
        if seconds % _SECONDS[unit] == 0:
            return Limit(seconds // _SECONDS[unit], unit)
    return Limit(seconds, "s")


def describe_seconds(seconds: float, lang: str = "en", working: bool = False) -> str:
    """A human length, rounded up to the second: `2 h 28 min`, `3 d 4 h`, `4 working hours`."""
    total = math.ceil(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if working:
        # Working time has no days of 24 hours: say hours, as the limit does.
        hours, days = hours + days * 24, 0
    values = (days, hours, minutes, secs)
    if lang == "zh":
        names = ("天", "个工作小时" if working else "小时", "分钟", "秒")
        return "".join(f"{v}{n}" for v, n in zip(values, names) if v) or "0秒"
    if working:
        names = (" d", " working hour", " min", " s")
        parts = [f"{v}{n}" + ("s" if n == " working hour" and v != 1 else "") for v, n in zip(values, names) if v]
        if not hours and parts:
            parts[-1] += " of working time"
    else:
        parts = [f"{v}{n}" for v, n in zip(values, (" d", " h", " min", " s")) if v]
    return " ".join(parts) or "0 s"


def describe_limit(limit: Limit, lang: str = "en", working: bool = False) -> str:
    """A limit as the terms wrote it: `24 h`, `3 d`, `8 working hours`, `2 working days`."""
    if limit.unit == "bd":
        return f"{limit.amount}个工作日" if lang == "zh" else f"{limit.amount} working day" + ("s" if limit.amount != 1 else "")
    if working or limit.unit == "s":
        return describe_seconds(limit.seconds, lang, working)
    zh = {"m": "分钟", "h": "小时", "d": "天"}
    en = {"m": "min", "h": "h", "d": "d"}
    return f"{limit.amount}{zh[limit.unit]}" if lang == "zh" else f"{limit.amount} {en[limit.unit]}"
