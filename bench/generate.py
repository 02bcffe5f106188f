"""Seeded generator of realistic monthly complaint exports with planted breaches, for the bench.

One call makes one month of records for contract HT-2026-001 (RECORDS.md), judged at `as_of`
(by default the 20th of the next month, when every deadline of the month has run out), plus the
list of breaches planted in it (OBLIGATIONS.md's rule ids). Everything not planted meets its
deadlines with a wide margin (at most half of each limit, pauses counted), so a correct checker
finds exactly the planted list. Complaints are made one at a time and written as a stream, so
a million of them never sit in memory; the same seed gives byte-identical files.

Library: `generate(...) -> Month`, then `write_records(month, out, "json" | "jsonl")` and
`month.expected()`. CLI: `python bench/generate.py --help`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple, Protocol

try:  # optional: about 5x faster compact encoding; the bytes are the same as json's for our records
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None  # type: ignore[assignment]

__all__ = ["Breach", "Month", "generate", "write_records", "write_expected", "main"]

MINUTE, HOUR, DAY = 60, 3600, 86400
# Asia/Shanghai is UTC+8 all year (no daylight saving since 1991), so a fixed offset is exact.
ZONE_OFFSET = 8 * HOUR
ZONE_SUFFIX = "+08:00"
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

CONTRACT: dict[str, Any] = {
    "id": "HT-2026-001",
    "party_a": "远航客户服务有限公司",
    "party_b": "明鉴绩效评估咨询有限公司",
    "effective_on": "2026-01-01",
    "term_years": 1,
    "timezone": "Asia/Shanghai",
}
TERM_START, TERM_END = date(2026, 1, 1), date(2027, 1, 1)

# The default terms of OBLIGATIONS.md, in seconds of running clock.
FIRST_RESPONSE = {"urgent": 2 * HOUR, "high": 8 * HOUR, "normal": 24 * HOUR, "low": 72 * HOUR}
RESOLUTION = {"urgent": 24 * HOUR, "high": 3 * DAY, "normal": 7 * DAY, "low": 15 * DAY}
REGISTRATION, FEEDBACK, ARCHIVE = 24 * HOUR, 48 * HOUR, 7 * DAY
EVALUATION_DUE_DAYS, REPORT_DUE_DAYS = 10, 15
# A deadline that is not planted is met within this share of its limit: far from late, and far
# from the 80 % at-risk line should a checker ever look at fulfilled deadlines.
MARGIN = 0.5

URGENCIES = (("urgent", 0.05), ("high", 0.20), ("normal", 0.60), ("low", 0.15))
CATEGORIES = (("billing", 0.24), ("service", 0.30), ("product", 0.20), ("delivery", 0.16), ("privacy", 0.04), ("other", 0.06))
CHANNEL_KINDS = (("phone", 0.42), ("email", 0.15), ("website", 0.28), ("wechat", 0.15))
CHANNEL_OF_KIND = {"phone": "hotline", "email": "mailbox", "wechat": "wechat"}  # website: by date
SATISFACTION = ((1, 0.05), (2, 0.08), (3, 0.17), (4, 0.35), (5, 0.35))
# Complaints per hour of the local day: quiet nights, peaks mid-morning and mid-afternoon.
HOURLY = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.5, 2.5, 3.0, 2.8, 2.0, 2.2, 2.8, 3.0, 2.7, 2.2, 1.8, 1.6, 1.4, 1.1, 0.7, 0.4)
WEEKEND_FACTOR = 0.75

PAUSED_SHARE, TWO_PAUSES_SHARE = 0.15, 0.15
WITHDRAWN_SHARE = 0.03
OPEN_CLOSED_SHARE = 0.93  # of handled complaints, the rest stay `resolved`
RATED_SHARE = 0.85
AGENT_SHARE = 0.35
NULLS_SHARE = 0.05  # exports that write an absent event as null rather than leaving it out
LOCAL_SHARE, UTC_SHARE = 0.03, 0.02  # timestamps without offset (contract zone) and in UTC


class Kind(NamedTuple):
    """A kind of planted breach: the obligation, its rule id, the outcome a checker must give."""

    obligation: int
    rule: str
    outcome: str


FR_LATE, FR_OVERDUE = Kind(2, "first-response", "late"), Kind(2, "first-response", "overdue")
REG_LATE, REG_OVERDUE = Kind(3, "registration", "late"), Kind(3, "registration", "overdue")
UNCLASSIFIED = Kind(4, "classification", "missing")
RES_LATE, RES_OVERDUE = Kind(5, "resolution", "late"), Kind(5, "resolution", "overdue")
FB_LATE, FB_OVERDUE = Kind(6, "feedback", "late"), Kind(6, "feedback", "overdue")
AR_LATE, AR_OVERDUE = Kind(7, "archive", "late"), Kind(7, "archive", "overdue")
COMPLAINT_KINDS = (FR_LATE, FR_OVERDUE, REG_LATE, REG_OVERDUE, UNCLASSIFIED, RES_LATE, RES_OVERDUE,
                   FB_LATE, FB_OVERDUE, AR_LATE, AR_OVERDUE)


@dataclass(frozen=True, order=True)
class Breach:
    """One planted breach, as the expected file lists it."""

    obligation: int
    rule: str
    subject: str
    outcome: str

    def as_dict(self) -> dict[str, Any]:
        return {"obligation": self.obligation, "rule": self.rule, "subject": self.subject, "outcome": self.outcome}


# --------------------------------------------------------------------------- time helpers

def _epoch(day: date) -> int:
    """The instant local midnight starts `day`, in epoch seconds."""
    return (day - date(1970, 1, 1)).days * DAY - ZONE_OFFSET


def _parse_instant(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))  # Python 3.10 reads no "Z"
    if moment.tzinfo is None:  # as RECORDS.md reads it: in the contract zone
        moment = moment.replace(tzinfo=timezone(timedelta(seconds=ZONE_OFFSET)))
    return int(moment.timestamp())


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


_CLOCK_FACES = tuple(f"{minute:02d}:{second:02d}" for minute in range(60) for second in range(60))


class _Stamps:
    """Formats epoch seconds as ISO 8601 text fast: datetime.isoformat was the bottleneck at 1M."""

    def __init__(self) -> None:
        self._hours: dict[int, str] = {}  # "2026-10-03T09:" by hours since the epoch

    def text(self, instant: int, style: str = ZONE_SUFFIX) -> str:
        # style: "+08:00" (local with offset), "" (local, no offset) or "Z" (UTC)
        hour, rest = divmod(instant if style == "Z" else instant + ZONE_OFFSET, HOUR)
        prefix = self._hours.get(hour)
        if prefix is None:
            day, hour_of_day = divmod(hour, 24)
            prefix = self._hours[hour] = f"{date.fromordinal(_EPOCH_ORDINAL + day).isoformat()}T{hour_of_day:02d}:"
        return prefix + _CLOCK_FACES[rest] + style


def _picker(table: Sequence[tuple[Any, float]]) -> Callable[[random.Random], Any]:
    """A weighted choice that costs one `random()`; stable across Python versions."""
    values = [value for value, _ in table]
    cumulative, total = [], 0.0
    for _, weight in table:
        total += weight
        cumulative.append(total)
    last = len(values) - 1
    return lambda rng: values[min(bisect_right(cumulative, rng.random() * total), last)]


_urgency, _category, _channel_kind = _picker(URGENCIES), _picker(CATEGORIES), _picker(CHANNEL_KINDS)
_satisfaction = _picker(SATISFACTION)


def _delay(rng: random.Random, cap: int) -> int:
    """How far past a limit a late event lands: a minute up to `cap`, mostly nearer the minute."""
    if cap < MINUTE:
        raise RuntimeError(f"no room to plant a late event (cap {cap} s): as_of is too early")
    return MINUTE + int((cap - MINUTE) * rng.random() ** 2)


# --------------------------------------------------------------------------- the month

@dataclass
class Month:
    """One generated month: the small lists at hand, the complaints as a stream made on demand."""

    seed: int
    complaint_count: int
    breach_rate: float
    start: date
    as_of: int
    contract: dict[str, Any]
    channels: list[dict[str, Any]]
    evaluations: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    disclosures: list[dict[str, Any]]
    fixed_breaches: list[Breach]
    boundary: str | None = None  # the complaint answered exactly at its limit (on time)
    _complaint_breaches: list[Breach] | None = field(default=None, repr=False)

    @property
    def as_of_text(self) -> str:
        return _Stamps().text(self.as_of)

    def complaints(self) -> Iterator[dict[str, Any]]:
        """The complaints in order of receipt; a full pass records the breaches planted in them."""
        maker = _ComplaintMaker(self)
        yield from maker.run()
        self._complaint_breaches = maker.breaches
        self.boundary = maker.boundary

    def expected(self) -> list[dict[str, Any]]:
        """Every planted breach, sorted; makes (and discards) the complaints if not yet made."""
        if self._complaint_breaches is None:
            for _ in self.complaints():
                pass
        return [b.as_dict() for b in sorted([*self.fixed_breaches, *(self._complaint_breaches or [])])]


def generate(complaints: int, seed: int, breach_rate: float = 0.1, start: date | str = "2026-10-01",
             as_of: datetime | str | None = None) -> Month:
    """Plan one month of records; the complaints themselves are made when iterated."""
    first = date.fromisoformat(start) if isinstance(start, str) else start
    if first.day != 1 or not TERM_START <= first < TERM_END:
        raise ValueError(f"start must be the first day of a month in the term, got {first}")
    if complaints < 0 or not 0.0 <= breach_rate <= 1.0:
        raise ValueError("complaints must be >= 0 and breach_rate in [0, 1]")
    following = _next_month(first)
    earliest = _epoch(following + timedelta(days=19))  # the late report (day 17) is in; all complaint deadlines ran out
    latest = _epoch(_next_month(following))  # next month's period must not have ended: it owes nothing yet
    moment = earliest if as_of is None else _parse_instant(as_of if isinstance(as_of, str) else as_of.isoformat())
    if not earliest <= moment < latest:
        raise ValueError(f"as_of must be in [{_Stamps().text(earliest)}, {_Stamps().text(latest)}) for month {first:%Y-%m}")
    periods = _periods(random.Random(f"{seed}:periods"), first)
    return Month(seed=seed, complaint_count=complaints, breach_rate=breach_rate, start=first, as_of=moment,
                 contract=dict(CONTRACT), channels=_channels(first), disclosures=_disclosures(first),
                 evaluations=periods[0], reports=periods[1], fixed_breaches=periods[2] + _fixed_breaches())


def _channels(first: date) -> list[dict[str, Any]]:
    # The website form is down from day 11 to day 12 of the month: the one channel gap planted.
    opened = TERM_START.isoformat()
    return [
        {"id": "hotline", "kind": "phone", "opened_on": opened, "closed_on": None, "number": "400-820-6600"},
        {"id": "mailbox", "kind": "email", "opened_on": opened, "closed_on": None, "address": "tousu@example.cn"},
        {"id": "web-form", "kind": "website", "opened_on": opened, "closed_on": (first + timedelta(days=9)).isoformat()},
        {"id": "web-portal", "kind": "website", "opened_on": (first + timedelta(days=12)).isoformat(), "closed_on": None},
        {"id": "wechat", "kind": "wechat", "opened_on": opened, "closed_on": None},
    ]


def _disclosures(first: date) -> list[dict[str, Any]]:
    def at(day: int, hour: int) -> str:
        return _Stamps().text(_epoch(first + timedelta(days=day - 1)) + hour * HOUR)

    return [
        {"id": "D-1", "party": "B", "information": "customer_information", "owner": "A", "recipient": "乙方评估组",
         "third_party": False, "purpose": "contract", "at": at(3, 10)},
        {"id": "D-2", "party": "A", "information": "trade_secret", "owner": "B", "recipient": "an outside consultancy",
         "third_party": True, "consent": False, "purpose": "contract", "at": at(9, 15)},
        {"id": "D-3", "party": "B", "information": "customer_information", "owner": "A", "recipient": "乙方市场部",
         "third_party": False, "consent": False, "purpose": "marketing", "at": at(17, 11)},
        {"id": "D-4", "party": "B", "information": "customer_information", "owner": "A", "recipient": "a survey subcontractor",
         "third_party": True, "consent": True, "purpose": "contract", "at": at(24, 14)},
    ]


def _fixed_breaches() -> list[Breach]:
    return [
        Breach(1, "channels-open", "website", "missing"),
        Breach(13, "disclosure-consent", "D-2", "prohibited"),
        Breach(14, "disclosure-purpose", "D-3", "prohibited"),
    ]


SECTIONS = {"method": "问卷调查与工单抽样复核", "results": "满意度与处理时效达到约定指标",
            "problems": "高峰时段热线接通率偏低", "recommendations": "高峰时段增加坐席"}
RECOMMENDATIONS = ("周末增加热线值班人员", "完善工单分类指引", "缩短回访间隔", "加强隐私类投诉培训")


def _periods(rng: random.Random, target: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Breach]]:
    """Evaluations and reports for every month of the term up to `target`, on time and complete,
    except the planted ones: target's evaluation lacks `quality`, target's report is late
    (day 17) and lacks `problems`, the month before target's evaluation gives no recommendation."""
    stamps, evaluations, reports, breaches = _Stamps(), [], [], []
    month = TERM_START
    while month <= target:
        last = _next_month(month) - timedelta(days=1)
        key, period = f"{month:%Y-%m}", {"start": month.isoformat(), "end": last.isoformat()}
        ids = f"EV-{key}", f"RP-{key}"
        done = rng.randint(2, 6)  # well before the evaluation's due day (last + 10)
        evaluation: dict[str, Any] = {"id": ids[0], "period": period,
                      "completed_at": stamps.text(_epoch(last + timedelta(days=done)) + rng.randint(9 * HOUR, 18 * HOUR)),
                      "covers": ["satisfaction", "efficiency", "quality"],
                      "recommendations": rng.sample(RECOMMENDATIONS, 2), "evaluator": "乙方评估组"}
        sent = last + timedelta(days=done + rng.randint(1, 4))  # well before the report's due day (last + 15)
        sections = dict(SECTIONS)
        if month == target:
            evaluation["covers"] = ["satisfaction", "efficiency"]
            breaches.append(Breach(9, "evaluation-coverage", ids[0], "incomplete"))
            sent = last + timedelta(days=REPORT_DUE_DAYS + 2)
            breaches.append(Breach(11, "report-due", f"{month}/{last}", "late"))
            del sections["problems"]
            breaches.append(Breach(12, "report-complete", ids[1], "incomplete"))
        elif _next_month(month) == target:
            evaluation["recommendations"] = []
            breaches.append(Breach(10, "evaluation-recommendations", ids[0], "missing"))
        evaluations.append(evaluation)
        reports.append({"id": ids[1], "evaluation": ids[0], "period": period,
                        "submitted_at": stamps.text(_epoch(sent) + rng.randint(9 * HOUR, 18 * HOUR)),
                        "sections": sections, "pages": rng.randint(8, 30)})
        month = _next_month(month)
    return evaluations, reports, breaches


class _ComplaintMaker:
    """Makes one pass of a month's complaints. Three random streams (arrivals, which complaints
    carry a breach, their details) keep each choice independent of the others."""

    def __init__(self, month: Month) -> None:
        self.month, self.as_of, self.stamps = month, month.as_of, _Stamps()
        self.rng = random.Random(f"{month.seed}:details")
        self.breaches: list[Breach] = []
        self.boundary: str | None = None
        self.width = max(4, len(str(month.complaint_count)))
        self.gap = (_epoch(month.start + timedelta(days=10)), _epoch(month.start + timedelta(days=12)))

    def run(self) -> Iterator[dict[str, Any]]:
        n = self.month.complaint_count
        arrivals = _arrivals(random.Random(f"{self.month.seed}:arrivals"), n, self.month.start)
        plan = _plan(random.Random(f"{self.month.seed}:plan"), n, round(n * self.month.breach_rate))
        for index, (received, kind) in enumerate(zip(arrivals, plan, strict=True), start=1):
            cid = f"C-{index:0{self.width}d}"
            # The first complaint without a planted breach is answered exactly at its limit.
            boundary = kind is None and self.boundary is None
            if boundary:
                self.boundary = cid
            if kind is not None:
                self.breaches.append(Breach(kind.obligation, kind.rule, cid, kind.outcome))
            yield self.complaint(cid, received, kind, boundary)

    def complaint(self, cid: str, received: int, kind: Kind | None, boundary: bool) -> dict[str, Any]:
        rng, as_of = self.rng, self.as_of
        urgency, category = _urgency(rng), _category(rng)
        dropped = (("urgency" if rng.random() < 0.5 else "category") if kind is UNCLASSIFIED else None)
        effective = "normal" if dropped == "urgency" else urgency  # unclassified counts as normal
        respond_limit, resolve_limit = FIRST_RESPONSE[effective], RESOLUTION[effective]
        withdrawn = kind is None and not boundary and rng.random() < WITHDRAWN_SHARE

        # Offsets in running seconds since receipt; `wall` below turns them into instants past the pauses.
        registered: int | None = max(MINUTE, int(MARGIN * REGISTRATION * rng.random() ** 3))
        responded: int | None = max(MINUTE, int(MARGIN * respond_limit * rng.random() ** 2))
        if boundary:
            responded = respond_limit
        elif kind is FR_LATE:  # late, yet early enough that resolution stays within its margin
            responded = respond_limit + _delay(rng, min(respond_limit, int(0.3 * resolve_limit) - respond_limit))
        elif kind is FR_OVERDUE:
            responded = None
        if kind is REG_LATE:
            registered = REGISTRATION + _delay(rng, REGISTRATION)
        elif kind is REG_OVERDUE:
            registered = None
        before = max(responded or 0, registered if registered is not None and registered <= 0.3 * resolve_limit else 0)
        low, high = before + 10 * MINUTE, int(MARGIN * resolve_limit)
        resolved_offset = low + int((high - low) * rng.random() ** 1.5)

        # Pauses (waiting on the customer) come after the first response and before resolution,
        # so they stretch the receipt-anchored deadlines and never those from resolved_at.
        pauses: list[tuple[int, int]] = []  # (running offset, wall seconds)
        if not withdrawn and not boundary and rng.random() < PAUSED_SHARE:
            first, last = (responded or 0) + MINUTE, (high if kind in (RES_LATE, RES_OVERDUE) else resolved_offset) - MINUTE
            if last - first >= 10 * MINUTE:
                offset = first + int((last - first - MINUTE) * rng.random())
                pauses.append((offset, rng.randint(HOUR, DAY)))
                if rng.random() < TWO_PAUSES_SHARE and last - offset >= 3 * MINUTE:
                    # a running minute at least between them keeps them apart
                    pauses.append((offset + MINUTE + int((last - offset - 2 * MINUTE) * rng.random()), rng.randint(HOUR, DAY)))

        def wall(offset: int) -> int:
            return received + offset + sum(length for at, length in pauses if at < offset)

        resolved: int | None = None
        if kind is RES_LATE:
            due = wall(resolve_limit)
            resolved = due + _delay(rng, min(resolve_limit // 2, as_of - 6 * HOUR - due))
        elif not withdrawn and kind is not RES_OVERDUE:
            resolved = wall(resolved_offset)
        feedback = archived = None
        if resolved is not None:
            room = as_of - MINUTE - resolved  # a late event must still happen before as_of
            feedback = min(room, max(5 * MINUTE, int(MARGIN * FEEDBACK * rng.random() ** 2)))
            archived = min(room, HOUR + int((MARGIN * ARCHIVE - HOUR) * rng.random()))
            if kind is FB_LATE:
                feedback = FEEDBACK + _delay(rng, min(FEEDBACK, room - FEEDBACK))
            elif kind is FB_OVERDUE:
                feedback = None
            if kind is AR_LATE:
                archived = ARCHIVE + _delay(rng, min(ARCHIVE, room - ARCHIVE))
            elif kind is AR_OVERDUE:
                archived = None

        if withdrawn:
            status = "withdrawn"
        elif resolved is None:
            status = "open"
        elif feedback is None or rng.random() >= OPEN_CLOSED_SHARE:
            status = "resolved"
        else:
            status = "closed"

        # Presentation only from here: the same instants, written the ways real exports write them.
        draw = rng.random()
        style = "" if draw < LOCAL_SHARE else "Z" if draw < LOCAL_SHARE + UTC_SHARE else ZONE_SUFFIX
        text = self.stamps.text
        nulls = rng.random() < NULLS_SHARE
        record: dict[str, Any] = {"id": cid, "channel": self._channel(received), "received_at": text(received, style)}
        if dropped != "category":
            record["category"] = category
        if dropped != "urgency":
            record["urgency"] = urgency
        events = (("registered_at", None if registered is None else wall(registered)),
                  ("first_response_at", None if responded is None else wall(responded)),
                  ("resolved_at", resolved),
                  ("feedback_at", None if feedback is None or resolved is None else resolved + feedback),
                  ("archived_at", None if archived is None or resolved is None else resolved + archived))
        for name, instant in events:
            if instant is not None:
                record[name] = text(instant, style)
            elif nulls:
                record[name] = None
        record["status"] = status
        if status == "closed" and rng.random() < RATED_SHARE:
            record["satisfaction"] = _satisfaction(rng)
        if pauses:
            record["pauses"] = [{"from": text(wall(at), style), "to": text(wall(at) + length, style)} for at, length in pauses]
        if rng.random() < AGENT_SHARE:
            record["agent"] = f"A-{rng.randint(1, 40):02d}"  # an export's own field: kept and ignored
        return record

    def _channel(self, received: int) -> str:
        kind: str = _channel_kind(self.rng)
        if kind == "website":
            if received < self.gap[0]:
                return "web-form"
            if received >= self.gap[1]:
                return "web-portal"
            return "wechat"  # while the website is down, those customers write on WeChat instead
        return CHANNEL_OF_KIND.get(kind, kind)


def _arrivals(rng: random.Random, n: int, first: date) -> Iterator[int]:
    """`n` receipt instants in the month, ascending, drawn from an hourly intensity, in O(1) memory:
    sorted uniforms made one by one (Bentley and Saxe), mapped through the intensity's inverse."""
    start, days = _epoch(first), (_next_month(first) - first).days
    cumulative, total = [0.0], 0.0
    for day in range(days):
        factor = WEEKEND_FACTOR if (first + timedelta(days=day)).weekday() >= 5 else 1.0
        for weight in HOURLY:
            total += weight * factor
            cumulative.append(total)
    top, hour, last_hour = 1.0, 0, days * 24 - 1
    for remaining in range(n, 0, -1):
        top *= rng.random() ** (1.0 / remaining)  # the largest of `remaining` uniforms below `top`
        target = (1.0 - top) * total
        while hour < last_hour and cumulative[hour + 1] <= target:
            hour += 1
        share = (target - cumulative[hour]) / (cumulative[hour + 1] - cumulative[hour])
        yield start + hour * HOUR + min(HOUR - 1, int(share * HOUR))


def _plan(rng: random.Random, n: int, planted: int) -> Iterator[Kind | None]:
    """Which complaints carry a breach: exactly `planted` of `n`, uniformly placed (selection
    sampling), the kinds dealt from shuffled decks so each kind gets its share to within one."""
    chosen, deck = 0, list[Kind]()
    for index in range(n):
        if rng.random() * (n - index) < planted - chosen:
            if not deck:
                deck = list(COMPLAINT_KINDS)
                for i in range(len(deck) - 1, 0, -1):  # Fisher-Yates on random(): stable across versions
                    j = int(rng.random() * (i + 1))
                    deck[i], deck[j] = deck[j], deck[i]
            chosen += 1
            yield deck.pop()
        else:
            yield None


# --------------------------------------------------------------------------- writers

class _Sink(Protocol):
    """Where records go: a binary file, a GzipFile, a BytesIO."""

    def write(self, data: bytes, /) -> object: ...


def _compact(record: Any) -> bytes:
    if _orjson is not None:
        return _orjson.dumps(record)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def _sections(month: Month) -> list[tuple[str, Any]]:
    return [("contract", month.contract), ("as_of", month.as_of_text), ("channels", month.channels),
            ("complaints", month.complaints()), ("evaluations", month.evaluations),
            ("reports", month.reports), ("disclosures", month.disclosures)]


def _chunked(out: _Sink, pieces: Iterable[bytes], size: int = 2048) -> None:
    # One write per few thousand records: per-record writes cost more than the encoding.
    buffer: list[bytes] = []
    for piece in pieces:
        buffer.append(piece)
        if len(buffer) >= size:
            out.write(b"".join(buffer))
            buffer.clear()
    out.write(b"".join(buffer))


def _json_pieces(month: Month, indent: int | None) -> Iterator[bytes]:
    """One JSON document, streamed. With `indent` it is byte for byte `json.dumps(doc, indent=...,
    ensure_ascii=False)` plus a newline; without, compact with one record a line."""
    if indent is None:
        yield b"{"
        for number, (key, value) in enumerate(_sections(month)):
            yield (b"," if number else b"") + json.dumps(key).encode() + b":"
            if isinstance(value, (dict, str)):
                yield _compact(value)
                continue
            opened = False
            for item in value:
                yield (b",\n" if opened else b"[\n") + _compact(item)
                opened = True
            yield b"\n]" if opened else b"[]"
        yield b"}\n"
        return
    pad, inner = " " * indent, "\n" + " " * (2 * indent)
    yield b"{"
    for number, (key, value) in enumerate(_sections(month)):
        head = ("," if number else "") + f"\n{pad}{json.dumps(key)}: "
        if isinstance(value, (dict, str)):
            yield (head + json.dumps(value, ensure_ascii=False, indent=indent).replace("\n", "\n" + pad)).encode()
            continue
        opened = False
        for item in value:
            text = json.dumps(item, ensure_ascii=False, indent=indent).replace("\n", inner)
            yield (("," if opened else head + "[") + inner + text).encode()
            opened = True
        yield (f"\n{pad}]" if opened else head + "[]").encode()
    yield b"\n}\n"


def _jsonl_pieces(month: Month) -> Iterator[bytes]:
    yield _compact({"type": "contract", **month.contract, "as_of": month.as_of_text}) + b"\n"
    for kind, records in (("channel", month.channels), ("complaint", month.complaints()),
                          ("evaluation", month.evaluations), ("report", month.reports),
                          ("disclosure", month.disclosures)):
        for record in records:
            yield _compact({"type": kind, **record}) + b"\n"


def write_records(month: Month, out: _Sink, fmt: str = "json", indent: int | None = None) -> None:
    """Stream the month's records to a binary file as one JSON document or as JSON Lines."""
    if fmt == "json":
        _chunked(out, _json_pieces(month, indent))
    elif fmt == "jsonl":
        if indent is not None:
            raise ValueError("JSON Lines holds one record a line: no indent")
        _chunked(out, _jsonl_pieces(month))
    else:
        raise ValueError(f"unknown format {fmt!r}: expected json or jsonl")


def write_expected(month: Month, out: _Sink) -> None:
    """The planted breaches, sorted, one a line inside a JSON list."""
    lines = [json.dumps(entry, ensure_ascii=False) for entry in month.expected()]
    out.write(("[\n  " + ",\n  ".join(lines) + "\n]\n" if lines else "[]\n").encode())


# --------------------------------------------------------------------------- CLI

EXAMPLES = """\
Examples:
  # the shipped sample month (fixtures/README.md)
  python bench/generate.py --complaints 300 --seed 2026 --indent 2 \\
      -o fixtures/sample-month.json --expected fixtures/sample-month.expected.json
  # a million complaints as gzipped JSON Lines, 10 % of them breached
  python bench/generate.py --complaints 1000000 --seed 1 --format jsonl --gzip \\
      -o /tmp/month-1m.jsonl.gz --expected /tmp/month-1m.expected.json
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate.py", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES,
        description="Write one month of complaint records for contract HT-2026-001 with planted breaches, "
                    "and the list of what was planted.")
    parser.add_argument("--complaints", type=int, default=300, metavar="N", help="how many complaints (default 300)")
    parser.add_argument("--seed", type=int, default=2026, metavar="S", help="random seed; same seed, same bytes (default 2026)")
    parser.add_argument("--breach-rate", type=float, default=0.1, metavar="R",
                        help="share of complaints carrying one planted breach, spread over 11 kinds (default 0.1)")
    parser.add_argument("--format", choices=("json", "jsonl"),
                        help="one JSON document or JSON Lines (default: from -o's suffix, else json)")
    parser.add_argument("--gzip", action="store_true", help="gzip the records (implied by a .gz suffix)")
    parser.add_argument("--indent", type=int, metavar="K",
                        help="pretty-print JSON with K spaces (default: compact, one record a line)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="records file, - for stdout")
    parser.add_argument("--expected", metavar="FILE", help="write the sorted list of planted breaches here")
    parser.add_argument("--start", default="2026-10-01", metavar="DATE", help="first day of the month (default 2026-10-01)")
    parser.add_argument("--as-of", metavar="INSTANT",
                        help="when the check is made (default: the 20th of the next month, 00:00 +08:00)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    name = args.output.removesuffix(".gz")
    fmt = args.format or ("jsonl" if name.endswith(".jsonl") else "json")
    compress = args.gzip or args.output.endswith(".gz")
    if args.complaints < 0:
        parser.error("--complaints must be 0 or more")
    if fmt == "jsonl" and args.indent is not None:
        parser.error("--indent applies to --format json only")
    try:
        month = generate(args.complaints, args.seed, args.breach_rate, args.start, args.as_of)
    except ValueError as error:
        parser.error(str(error))
    began = time.perf_counter()
    with ExitStack() as stack:
        raw = sys.stdout.buffer if args.output == "-" else stack.enter_context(open(args.output, "wb"))
        # mtime=0 and no file name in the gzip header, so the same seed gives the same bytes.
        out = raw
        if compress:  # level 6: 6 % bigger than level 9, in under half the time
            out = stack.enter_context(gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0))
        write_records(month, out, fmt, args.indent)
    seconds = time.perf_counter() - began
    expected = month.expected()
    if args.expected:
        with open(args.expected, "wb") as handle:
            write_expected(month, handle)
    print(f"{args.complaints} complaints, {len(expected)} planted breaches → {args.output} "
          f"({fmt}{', gzip' if compress else ''}) in {seconds:.1f} s; on-time boundary case: {month.boundary or 'none'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
