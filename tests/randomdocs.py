"""Random but consistent records documents for property tests, from a seed hypothesis draws.

Events are placed near the default limits on purpose (exactly at them, a second either side, or
far off), so the boundaries are where the random data is densest.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

ZONE = timezone(timedelta(hours=8))
LIMITS_H = {
    "first_response_at": {"urgent": 2, "high": 8, "normal": 24, "low": 72},
    "registered_at": {u: 24 for u in ("urgent", "high", "normal", "low")},
    "resolved_at": {"urgent": 24, "high": 72, "normal": 168, "low": 360},
}
AFTER_RESOLVED_H = {"feedback_at": 48, "archived_at": 168}
URGENCIES = ("urgent", "high", "normal", "low")
START = datetime(2026, 10, 1, tzinfo=ZONE)


def stamp(moment: datetime, rng: random.Random) -> str:
    # Some stamps offset-less (read in the contract zone), some in UTC: the same instants.
    roll = rng.random()
    if roll < 0.1:
        return moment.replace(tzinfo=None).isoformat()
    if roll < 0.2:
        return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def _offset(limit_h: float, rng: random.Random, compliant: bool) -> timedelta | None:
    """How long after the anchor an event happens (None: never), biased to the boundary."""
    limit = timedelta(hours=limit_h)
    roll = rng.random()
    if compliant:
        return limit * rng.uniform(0, 0.5) if roll < 0.8 else limit
    if roll < 0.15:
        return None
    if roll < 0.3:
        return limit
    if roll < 0.4:
        return limit + timedelta(seconds=rng.choice((-1, 1)))
    return limit * rng.uniform(0, 2)


def complaint(i: int, rng: random.Random, compliant: bool = False) -> dict:
    received = START + timedelta(seconds=rng.randrange(0, 30 * 86400))
    urgency = rng.choice(URGENCIES)
    record: dict = {"id": f"C-{i:05d}", "received_at": stamp(received, rng), "status": "open"}
    if compliant or rng.random() < 0.9:
        record["urgency"] = urgency
    if compliant or rng.random() < 0.9:
        record["category"] = rng.choice(["billing", "service", "delivery"])
    effective = urgency if "urgency" in record else "normal"
    pause_total = timedelta(0)
    if rng.random() < 0.3:
        begin = received + timedelta(minutes=rng.randrange(1, 120))
        length = timedelta(minutes=rng.randrange(1, 600))
        pause: dict = {"from": stamp(begin, rng)}
        if compliant or rng.random() < 0.9:
            pause["to"] = stamp(begin + length, rng)
        record["pauses"] = [pause]
        pause_total = length
    resolved = None
    for field, table in LIMITS_H.items():
        offset = _offset(table[effective], rng, compliant)
        if offset is not None:
            # The pause may or may not fall before the event; only extend when it surely does.
            moment = received + offset + (pause_total if compliant else timedelta(0))
            record[field] = stamp(moment, rng)
            if field == "resolved_at":
                resolved = moment
    withdrawn = not compliant and rng.random() < 0.05
    if resolved is not None:
        record["status"] = "withdrawn" if withdrawn else rng.choice(["resolved", "closed"])
        for field, hours in AFTER_RESOLVED_H.items():
            offset = _offset(hours, rng, compliant)
            if offset is not None:
                record[field] = stamp(resolved + offset, rng)
    elif withdrawn:
        record["status"] = "withdrawn"
    if rng.random() < 0.05:
        record["agent"] = "A-7"  # an unknown field: kept and ignored
    return record


def document(seed: int, complaints: int, as_of_days: float = 60, compliant: bool = False) -> dict:
    """A month of records; `compliant` makes every obligation met with margin."""
    rng = random.Random(seed)
    as_of = START + timedelta(days=as_of_days)
    channels = [
        {"id": "hotline", "kind": "phone", "opened_on": "2026-10-01"},
        {"id": "mail", "kind": "email", "opened_on": "2026-10-01"},
        {"id": "web", "kind": "website", "opened_on": "2026-10-01"},
    ]
    if not compliant and rng.random() < 0.5:
        channels[2]["closed_on"] = f"2026-10-{rng.randrange(1, 28):02d}"
    periods = []
    month = START
    while month < as_of:
        following = (month + timedelta(days=32)).replace(day=1)
        periods.append((month, following - timedelta(days=1)))
        month = following
    evaluations, reports = [], []
    for n, (first, last) in enumerate(periods):
        period = {"start": first.date().isoformat(), "end": last.date().isoformat()}
        done = last + timedelta(days=1) + timedelta(days=_days(rng, 10, compliant))
        evaluations.append({"id": f"EV-{n}", "period": period, "completed_at": stamp(done, rng),
                            "covers": ["satisfaction", "efficiency", "quality"] if compliant or rng.random() < 0.8 else ["satisfaction"],
                            "recommendations": ["more staff"] if compliant or rng.random() < 0.8 else []})
        sent = last + timedelta(days=1) + timedelta(days=_days(rng, 15, compliant))
        sections = {"method": "m", "results": "r", "problems": "p", "recommendations": "c"}
        if not compliant and rng.random() < 0.2:
            sections["problems"] = " "
        reports.append({"id": f"RP-{n}", "evaluation": f"EV-{n}", "period": period, "submitted_at": stamp(sent, rng), "sections": sections})
    disclosures = []
    for n in range(rng.randrange(0, 4)):
        disclosures.append({"id": f"D-{n}", "party": rng.choice("AB"), "information": "customer_information",
                            "third_party": False if compliant else rng.choice([True, False]),
                            "consent": True if compliant else rng.choice([True, False, None]),
                            "purpose": "contract" if compliant else rng.choice(["contract", "marketing", " ", None]),
                            "at": stamp(START + timedelta(days=rng.uniform(0, 30)), rng)})
    return {
        "contract": {"id": "HT-PROP", "effective_on": "2026-10-01", "term_years": 1, "timezone": "Asia/Shanghai"},
        "as_of": as_of.isoformat(),
        "channels": channels,
        "complaints": [complaint(i, rng, compliant) for i in range(complaints)],
        "evaluations": evaluations,
        "reports": reports,
        "disclosures": [{k: v for k, v in d.items() if v is not None} for d in disclosures],
    }


def _days(rng: random.Random, due: int, compliant: bool) -> float:
    if compliant:
        return rng.uniform(0, due * 0.5)
    # Around the end of the due day: on it, at its last instant, or the day after.
    return rng.choice([rng.uniform(0, due + 1), due + 1 - 1e-6, due + 1, rng.uniform(due, due + 5)])
