"""Facts by column equal the per-record reference exactly: every kind on complaints, pauses (running
ones too), calendar time in DST zones, business calendars (the CN lunch break, holidays and makeup
days, a shift across midnight), working days, limits keyed by a field."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_facts import reference_fact

from check_compliance.engine.compiler import compile_program
from check_compliance.engine.facts import FactBuilder
from check_compliance.engine.kinds.source import ModelSource
from check_compliance.obligations.blocks import from_complaints
from check_compliance.obligations.records import Complaint, Contract
from check_compliance.obligations.rulebook import load_rulebook
from check_compliance.obligations.terms import DEFAULT_TERMS, Terms, _merge

ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York")
CALENDARS = {
    # 9-12 and 13:30-18 on weekdays, CN statutory holidays and makeup workdays (调休)
    "cn": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"]}, "holidays": {"country": "CN"}},
    "berlin": {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["08:00-16:30"], "sat": ["01:00-04:00"]}, "extra_holidays": ["2026-10-30"], "extra_workdays": ["2026-11-01"]},
    # a night shift across midnight, and a DST change inside it (2026-11-01)
    "ny": {"timezone": "America/New_York", "hours": {"sun-thu": ["22:00-06:00"], "fri": ["09:00-24:00"]}},
}
TERMS = [
    {},
    {"clocks": {"first_response": "cn", "registration": "cn", "resolution": "cn"}, "limits": {"resolution": {"urgent": "1bd", "high": "2bd", "normal": "3bd", "low": "8h"}}},
    {"clocks": {"first_response": "berlin", "feedback": "berlin", "archive": "berlin"}, "limits": {"archive": "2bd"}, "at_risk": 0.85},
    {"clocks": {"registration": "ny", "resolution": "ny", "feedback": "ny"}, "limits": {"feedback": "3bd"}, "at_risk": 0.5},
    {"limits": {"resolution": {"by": "category", "values": {"network": "2d", "billing": "3bd"}, "default": "5d"}, "registration": "90m"}, "at_risk": 0.123},
    {"limits": {"first_response": {"by": "status", "values": {"open": "1h", "closed": "2bd"}, "default": "30m"}}, "clocks": {"first_response": "cn"}},
]
_RULES = load_rulebook()


def _program(patch: dict):  # type: ignore[no-untyped-def]
    defaults = yaml.safe_load(DEFAULT_TERMS.read_text(encoding="utf-8"))
    return compile_program(_RULES, Terms.model_validate(_merge(defaults, {"calendars": CALENDARS, **patch})))


PROGRAMS = [_program(patch) for patch in TERMS]
# Around the DST changes of Berlin (10-25) and New York (11-01), and CN's National Day holidays.
BASE = datetime(2026, 9, 26, tzinfo=timezone.utc)
SPAN_US = 45 * 86400 * 1_000_000
EVENTS = ("registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at")


def complaints(seed: int, count: int) -> list[Complaint]:
    """Consistent complaints from a seed: instants spread evenly over the weeks (hypothesis' own
    integers cluster at their bounds), whole minutes mostly (window edges), any µs sometimes."""
    rnd = random.Random(seed)

    def instant(after: datetime, hours: float = 400) -> datetime:
        step = rnd.choice((60_000_000, 60_000_000, 1))
        return after + timedelta(microseconds=rnd.randrange(int(hours * 3600e6) // step) * step)

    out = []
    for index in range(count):
        received = instant(BASE, 45 * 24)
        data: dict = {"id": f"C{index}", "received_at": received, "status": rnd.choice(("open", "resolved", "closed", "withdrawn"))}
        data["urgency"] = rnd.choice((None, "urgent", "high", "normal", "low"))
        data["category"] = rnd.choice((None, "network", "billing", " network ", "other", "   "))
        for name in EVENTS:
            if rnd.random() < 0.6:
                data[name] = instant(received)
        if data.get("resolved_at") is None:
            data.pop("feedback_at", None)
            data.pop("archived_at", None)
        for name in ("feedback_at", "archived_at"):
            if name in data and data[name] < data["resolved_at"]:
                data[name] = data["resolved_at"] + (data[name] - received)
        pauses, cursor = [], received
        for _ in range(rnd.choice((0, 0, 1, 2, 3))):
            begin = instant(cursor, 100)
            end = instant(begin, 80)
            pauses.append({"from": begin, "to": end})
            cursor = end
        if pauses and rnd.random() < 0.5:
            pauses[-1]["to"] = None  # still running
        data["pauses"] = pauses
        out.append(Complaint.model_validate(data))
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    zone=st.sampled_from(ZONES),
    as_of_us=st.integers(0, SPAN_US) | st.just(SPAN_US * 2),
    seed=st.integers(0, 2**32),
    count=st.integers(1, 40),
)
def test_the_column_builder_equals_the_per_record_reference(zone: str, as_of_us: int, seed: int, count: int) -> None:
    contract = Contract(id="K", effective_on=date(2026, 10, 1), term_years=1, timezone=zone)
    as_of = (BASE + timedelta(microseconds=as_of_us)).astimezone(ZoneInfo(zone))
    existing = [c for c in complaints(seed, count) if c.received_at <= as_of]
    for terms, program in zip(TERMS, PROGRAMS):
        expected = [reference_fact(program, contract, as_of, c) for c in existing]
        # from an Arrow block (the readers' way in) and straight from the models (Records)
        for block in (from_complaints(existing), ModelSource(existing)):
            got = FactBuilder(program, contract, as_of).complaint_columns(block).rows()
            assert len(got) == len(expected)
            for want, have, c in zip(expected, got, existing):
                assert have == want, (terms, type(block), c.model_dump(), sorted(set(want.items()) ^ set(have.items())))
