"""Evidence exact to the instant (issue 10), as properties: delays between UTC instants across DST,
an extra workday's own weekday hours, at-risk to the microsecond."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from check_compliance import Checker, load_rulebook
from check_compliance.obligations.calendar import BusinessCalendar, CalendarSpec
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.terms import DEFAULT_TERMS, Terms, _merge

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=64)
def _checker(terms_yaml: str) -> Checker:
    defaults = yaml.safe_load(DEFAULT_TERMS.read_text(encoding="utf-8"))
    return Checker(load_rulebook(), Terms.model_validate(_merge(defaults, yaml.safe_load(terms_yaml) or {})))


def _first_response(document: dict[str, Any], terms: str = "") -> list[Any]:
    report = _checker(terms).check(validate_records(document, "<property>"))
    return [f for f in report.findings if f.rule == "first-response"]


def _document(zone: str, received: datetime, answered: datetime | None, as_of: datetime, urgency: str = "urgent") -> dict[str, Any]:
    complaint: dict[str, Any] = {"id": "C1", "received_at": received.isoformat(), "registered_at": received.isoformat(),
                                 "urgency": urgency, "category": "billing", "status": "open"}
    if answered is not None:
        complaint["first_response_at"] = answered.isoformat()
    return {"contract": {"id": "HT", "effective_on": "2026-01-01", "term_years": 1, "timezone": zone},
            "as_of": as_of.isoformat(), "complaints": [complaint]}


# Instants around the 2026 DST changes of Berlin (03-29, 10-25) and New York (03-08, 11-01).
around_changes = st.sampled_from([datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC),
                                  datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change=around_changes, zone=st.sampled_from(["Europe/Berlin", "America/New_York"]),
       before=st.integers(0, 6 * 3600), late_by=st.integers(1, 10 * 3600))
def test_delay_is_the_difference_of_utc_instants(change: datetime, zone: str, before: int, late_by: int) -> None:
    tz = ZoneInfo(zone)
    received_utc = change - timedelta(seconds=before)
    due_utc = received_utc + timedelta(hours=2)  # urgent: 2 h of calendar time
    answered_utc = due_utc + timedelta(seconds=late_by)
    # The export states local wall times with their offsets, as an exporter in that zone would.
    document = _document(zone, received_utc.astimezone(tz), answered_utc.astimezone(tz), datetime(2026, 12, 1, tzinfo=UTC))
    (finding,) = _first_response(document)
    assert finding.outcome == "late"
    assert finding.delay_seconds == (answered_utc - due_utc).total_seconds() == late_by
    assert datetime.fromisoformat(finding.due_at) == due_utc  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change=around_changes, zone=st.sampled_from(["Europe/Berlin", "America/New_York"]),
       before=st.integers(0, 6 * 3600), overdue_by=st.integers(1, 10 * 3600))
def test_overdue_is_the_difference_of_utc_instants(change: datetime, zone: str, before: int, overdue_by: int) -> None:
    tz = ZoneInfo(zone)
    received_utc = change - timedelta(seconds=before)
    as_of_utc = received_utc + timedelta(hours=2, seconds=overdue_by)
    (finding,) = _first_response(_document(zone, received_utc.astimezone(tz), None, as_of_utc.astimezone(tz)))
    assert finding.outcome == "overdue" and finding.delay_seconds == overdue_by


windows = st.lists(st.tuples(st.integers(0, 23), st.sampled_from([0, 30]), st.integers(1, 6)), min_size=0, max_size=2)


def _week(draw_windows: list[list[tuple[int, int, int]]]) -> dict[str, list[str]]:
    hours = {}
    for day, spans in zip(DAYS, draw_windows):
        texts = []
        for hour, minute, length in spans:
            end = min(hour + length, 24)
            texts.append(f"{hour:02d}:{minute:02d}-{end:02d}:{minute if end < 24 else 0:02d}")
        if texts:
            hours[day] = texts
    return hours


@settings(max_examples=80, deadline=None)
@given(week=st.lists(windows, min_size=7, max_size=7), day=st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_an_extra_workday_on_a_day_with_hours_keeps_that_days_hours(week: list[Any], day: date) -> None:
    hours = _week(week)
    if not hours or not hours.get(DAYS[day.weekday()]):
        hours[DAYS[day.weekday()]] = ["10:00-11:00"]
    plain = BusinessCalendar(CalendarSpec.model_validate({"timezone": "Asia/Shanghai", "hours": hours}), "plain")
    listed = BusinessCalendar(CalendarSpec.model_validate({"timezone": "Asia/Shanghai", "hours": hours, "extra_workdays": [day]}), "listed")
    assert listed.working_windows(day) == plain.working_windows(day)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limit=st.integers(1, 200_000), offset=st.integers(-3, 3), received_us=st.integers(0, 10**6 - 1))
def test_calendar_time_at_risk_fires_exactly_at_eighty_percent(limit: int, offset: int, received_us: int) -> None:
    received = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI) + timedelta(microseconds=received_us)
    limit_us = limit * 1_000_000
    threshold = -(-limit_us * 4 // 5)  # the first microsecond at which 80 % has run
    as_of = received + timedelta(microseconds=threshold + offset)
    terms = f"limits: {{first_response: {{urgent: {limit}s, high: 8h, normal: 24h, low: 72h}}}}"
    findings = _first_response(_document("Asia/Shanghai", received, None, as_of), terms)
    elapsed = threshold + offset
    expected = elapsed * 5 >= limit_us * 4 and elapsed <= limit_us
    assert [f.outcome for f in findings] == (["at_risk"] if expected else [])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, 3 * 86400 * 10**6), limit_minutes=st.integers(1, 600), offset=st.integers(-2, 2))
def test_business_time_at_risk_fires_exactly_at_eighty_percent(start: int, limit_minutes: int, offset: int) -> None:
    spec = {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"]}}
    office = BusinessCalendar(CalendarSpec.model_validate(spec), "office")
    received = datetime(2026, 11, 2, tzinfo=SHANGHAI) + timedelta(microseconds=start)
    limit_us = limit_minutes * 60 * 10**6
    threshold = -(-limit_us * 4 // 5)
    as_of = office.advance(received, timedelta(microseconds=threshold + offset))
    if office.elapsed(received, as_of) // timedelta(microseconds=1) != threshold + offset:
        return  # the offset fell outside working time: the same instant as a neighbour
    terms = (f"limits: {{first_response: {{urgent: {limit_minutes}m, high: 8h, normal: 24h, low: 72h}}}}\n"
             + "calendars: {office: " + yaml.safe_dump(spec, default_flow_style=True).strip() + "}\n"
             + "clocks: {first_response: office}\n")
    findings = _first_response(_document("Asia/Shanghai", received, None, as_of), terms)
    assert [f.outcome for f in findings] == (["at_risk"] if offset >= 0 else [])
